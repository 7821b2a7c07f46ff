/* The collector's administration commands, run against the same database as a running
 * collector (the embedded server is shared):
 *   user add NAME --role admin|analyst [--email EMAIL] [--password-file FILE]
 *   user passwd NAME [--password-file FILE]      (ends the account's tokens)
 *   user disable NAME | user enable NAME         (disable ends the account's tokens)
 *   user list
 *   token create NAME | token list | token revoke NAME
 * A password is read from FILE or from standard input (first line; not echoed on a
 * terminal), never from an argument, so it cannot show in ps or shell history. */
#ifndef SF_CLI_ACCOUNTS_H
#define SF_CLI_ACCOUNTS_H

#include <libpq-fe.h>

/* Opens the input files a command names (--password-file) with the caller's own rights,
 * before the collector switches to its service account. 0, or -1 with a message. */
int sf_cli_accounts_open_inputs(int argc, char **argv);

/* argv[0] is "user" or "token". Returns the exit status (0, 1 failure, 2 usage). */
int sf_cli_accounts(PGconn *conn, int argc, char **argv);

#endif
