/* Structured logging: one JSON object per line on stderr, with ts (RFC 3339, µs, UTC),
 * level, msg, the current correlation id (per thread, set while serving a request) and
 * any extra fields. Lines are written with a single write(2) so threads do not interleave. */
#ifndef SF_LOG_H
#define SF_LOG_H

#include <jansson.h>

typedef enum { SF_LOG_DEBUG, SF_LOG_INFO, SF_LOG_WARN, SF_LOG_ERROR } sf_log_level;

void sf_log_set_level(sf_log_level min_level);
/* Parses "debug|info|warn|error"; returns -1 if unknown. */
int sf_log_level_parse(const char *name, sf_log_level *out);
/* Redirects output (tests); fd -1 restores stderr. */
void sf_log_set_fd(int fd);

/* Sets or clears (NULL) the correlation id of the calling thread. */
void sf_log_set_correlation_id(const char *id);
const char *sf_log_correlation_id(void);

/* Writes one line. fields (may be NULL) is an object whose members are added; the
 * reference is stolen. */
void sf_log(sf_log_level level, const char *msg, json_t *fields);

/* printf-style message without extra fields. */
void sf_logf(sf_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define sf_log_info(...) sf_logf(SF_LOG_INFO, __VA_ARGS__)
#define sf_log_warn(...) sf_logf(SF_LOG_WARN, __VA_ARGS__)
#define sf_log_error(...) sf_logf(SF_LOG_ERROR, __VA_ARGS__)
#define sf_log_debug(...) sf_logf(SF_LOG_DEBUG, __VA_ARGS__)

#endif
