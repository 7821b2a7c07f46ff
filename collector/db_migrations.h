/* Versioned schema migrations, applied in order at start (under an advisory lock, so
 * several collectors on one database do not race). */
#ifndef SF_DB_MIGRATIONS_H
#define SF_DB_MIGRATIONS_H

#include <libpq-fe.h>
#include <stddef.h>

/* Brings the schema up to date; returns 0, or -1 with a reason in err. */
int sf_db_migrate(PGconn *conn, char *err, size_t err_size);
/* The newest schema version this build knows. */
int sf_db_schema_version(void);

#endif
