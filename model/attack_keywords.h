/* Attack indicators: counts of well-known SQL-injection, XSS, traversal / file-access and
 * command / CRLF / SSI-injection tokens, and backup or configuration file extensions, in
 * percent-decoded, lower-cased text. The token lists are common web-application-firewall
 * knowledge (OWASP attack classes), not tuned to any data set. */
#ifndef SF_MODEL_ATTACK_KEYWORDS_H
#define SF_MODEL_ATTACK_KEYWORDS_H

#include <stddef.h>

enum sf_attack_class {
    SF_ATTACK_SQLI, SF_ATTACK_XSS, SF_ATTACK_TRAVERSAL, SF_ATTACK_INJECTION,
    SF_ATTACK_BACKUP_EXT, SF_ATTACK_CLASS_COUNT
};

/* Adds the occurrences found in text (NUL-terminated, lower-case) to counts (every class
 * but SF_ATTACK_BACKUP_EXT). */
void sf_attack_count(const char *text, size_t counts[SF_ATTACK_CLASS_COUNT]);
/* Backup / configuration / archive extensions in a decoded, lower-case path. */
size_t sf_backup_ext_count(const char *path);

#endif
