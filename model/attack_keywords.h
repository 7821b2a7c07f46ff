/* Attack indicators: well-known SQL-injection, XSS, traversal / file-access and command /
 * CRLF / SSI-injection tokens, and backup or configuration file extensions, in
 * percent-decoded, lower-cased text. The token lists are common web-application-firewall
 * knowledge (OWASP attack classes), not tuned to any data set.
 *
 * Tokens match on token boundaries: a token that begins with a word character ([a-z0-9_])
 * needs a non-word character (or the start) before it, and one that ends with a word
 * character needs a non-word character (or the end) after it, so "0x" does not match
 * inside "apple-touch-icon-120x120.png", nor "xp_" inside a hashed font name. "0x" must be
 * followed by hex digits; event-handler tokens (onerror, onload, ...) by "=".
 *
 * Each token is weak or strong. Weak tokens ("select ", " or ", "|") are common in
 * ordinary text: they are only counted, as model features. Strong ones ("union select",
 * "' or", "<script", "../", "/etc/passwd", "$(") are attacks on their own: the collector's
 * payload detector flags a request on one of them and quotes it as evidence. */
#ifndef SF_MODEL_ATTACK_KEYWORDS_H
#define SF_MODEL_ATTACK_KEYWORDS_H

#include <stddef.h>

enum sf_attack_class {
    SF_ATTACK_SQLI, SF_ATTACK_XSS, SF_ATTACK_TRAVERSAL, SF_ATTACK_INJECTION,
    SF_ATTACK_BACKUP_EXT, SF_ATTACK_CLASS_COUNT
};

/* A strong indicator found in a text. */
typedef struct sf_attack_match {
    int cls;            /* enum sf_attack_class */
    const char *token;  /* the token as listed */
    size_t at, len;     /* where it matched in the text */
} sf_attack_match;

/* Adds the occurrences found in text (NUL-terminated, lower-case) to counts (every class
 * but SF_ATTACK_BACKUP_EXT), weak and strong tokens alike. */
void sf_attack_count(const char *text, size_t counts[SF_ATTACK_CLASS_COUNT]);
/* Backup / configuration / archive extensions in a decoded, lower-case path. */
size_t sf_backup_ext_count(const char *path);
/* The first strong indicator in text (leftmost; on a tie the class listed first): 1 with
 * *match filled, or 0. */
int sf_attack_find_strong(const char *text, sf_attack_match *match);
/* "SQL injection", "cross-site scripting", ... */
const char *sf_attack_class_label(int cls);

#endif
