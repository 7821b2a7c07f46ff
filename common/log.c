/* Structured JSON-lines logging to stderr, with a per-thread correlation id. */
#include "common/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/time_util.h"

static sf_log_level min_level = SF_LOG_INFO;
static int log_fd = 2;
static _Thread_local char correlation_id[129];

static const char *const level_names[] = {"debug", "info", "warn", "error"};

void sf_log_set_level(sf_log_level level) { min_level = level; }

void sf_log_set_fd(int fd) { log_fd = fd < 0 ? 2 : fd; }

int sf_log_level_parse(const char *name, sf_log_level *out)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(name, level_names[i]) == 0) {
            *out = (sf_log_level)i;
            return 0;
        }
    if (strcmp(name, "warning") == 0) {
        *out = SF_LOG_WARN;
        return 0;
    }
    return -1;
}

void sf_log_set_correlation_id(const char *id)
{
    if (!id) {
        correlation_id[0] = '\0';
        return;
    }
    snprintf(correlation_id, sizeof correlation_id, "%s", id);
}

const char *sf_log_correlation_id(void) { return correlation_id[0] ? correlation_id : NULL; }

void sf_log(sf_log_level level, const char *msg, json_t *fields)
{
    if (level < min_level) {
        json_decref(fields);
        return;
    }
    char ts[SF_RFC3339_LEN];
    json_t *line = json_object();
    json_object_set_new(line, "ts", json_string(sf_time_format(sf_now_us(), ts, sizeof ts)));
    json_object_set_new(line, "level", json_string(level_names[level]));
    /* json_stringn_nocheck would keep invalid UTF-8; log text must stay valid JSON. */
    json_t *m = json_string(msg);
    json_object_set_new(line, "msg", m ? m : json_string("(message not valid UTF-8)"));
    if (correlation_id[0])
        json_object_set_new(line, "correlation_id", json_string(correlation_id));
    if (fields && json_is_object(fields))
        json_object_update_missing(line, fields);
    json_decref(fields);
    char *text = json_dumps(line, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(line);
    if (!text)
        return;
    size_t n = strlen(text);
    text[n] = '\n'; /* replaces the NUL: one write(2) per line keeps lines whole */
    ssize_t w = write(log_fd, text, n + 1);
    (void)w;
    free(text);
}

void sf_logf(sf_log_level level, const char *fmt, ...)
{
    if (level < min_level)
        return;
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    sf_log(level, msg, NULL);
}
