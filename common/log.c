/* Structured JSON-lines logging to stderr, with a per-thread correlation id. The same
 * message is written at most REPEAT_MAX times a second; further copies in that second are
 * counted and reported once in a "repeated" line, so no client can fill the disk by
 * making one message repeat (a failed login, a refused connection). */
#include "common/log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/time_util.h"
#include "common/text_hash.h"

static sf_log_level min_level = SF_LOG_INFO;
static int log_fd = 2;
static _Thread_local char correlation_id[129];

static const char *const level_names[] = {"debug", "info", "warn", "error"};

#define REPEAT_SLOTS 64
#define REPEAT_MAX 10

typedef struct repeat_slot {
    uint64_t hash;
    int64_t second;
    unsigned count, suppressed;
    char msg[96];
} repeat_slot;

static pthread_mutex_t repeat_lock = PTHREAD_MUTEX_INITIALIZER;
static repeat_slot repeats[REPEAT_SLOTS];


static void write_line(sf_log_level level, const char *msg, json_t *fields);

/* True when msg may be written now. A slot that fell quiet reports what it held back. */
static int repeat_allows(sf_log_level level, const char *msg)
{
    uint64_t h = sf_text_hash(msg);
    int64_t now = sf_now_us() / 1000000;
    repeat_slot *s = &repeats[h % REPEAT_SLOTS];
    unsigned held = 0;
    char held_msg[sizeof s->msg];
    pthread_mutex_lock(&repeat_lock);
    if (s->hash != h || s->second != now) {
        held = s->suppressed;
        snprintf(held_msg, sizeof held_msg, "%s", s->msg);
        s->hash = h;
        s->second = now;
        s->count = 0;
        s->suppressed = 0;
        snprintf(s->msg, sizeof s->msg, "%s", msg);
    }
    int ok = ++s->count <= REPEAT_MAX;
    if (!ok)
        s->suppressed++;
    pthread_mutex_unlock(&repeat_lock);
    if (held)
        write_line(level, "repeated messages not written",
                   json_pack("{s:s,s:i}", "message", held_msg, "times", (int)held));
    return ok;
}

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
    if (level < min_level || !repeat_allows(level, msg)) {
        json_decref(fields);
        return;
    }
    write_line(level, msg, fields);
}

static void write_line(sf_log_level level, const char *msg, json_t *fields)
{
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
