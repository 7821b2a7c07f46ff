/* Reading web server access logs for `securaflow-trafficgen replay`: one line of the
 * Apache/nginx "combined" format (`%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"`,
 * nginx's default `combined` is the same) or the "common" format (without the last two
 * fields) into a record. Quoted fields may hold backslash escapes (\" and \\), which are
 * undone. The parser is strict about the shape and reports why a line was skipped. */
#ifndef TG_ACCESS_LOG_H
#define TG_ACCESS_LOG_H

#include <stddef.h>
#include <stdint.h>

typedef struct tg_log_entry {
    int64_t ts_us;          /* Unix µs, UTC (the line's zone applied) */
    char client[64];        /* %h as written (an address, or a name if logged so) */
    char method[17];
    char target[2048];      /* path and query as requested */
    char protocol[16];      /* "HTTP/1.1", "" for HTTP/0.9 lines */
    int status;
    int64_t bytes;          /* response bytes; 0 for "-" */
    char referer[512];
    char user_agent[1024];
} tg_log_entry;

/* Parses one line (without its newline). Returns 0, or -1 with the reason in err. */
int tg_log_parse(const char *line, tg_log_entry *e, char *err, size_t err_size);

/* Parses "[10/Oct/2000:13:55:36 -0700]" (without the brackets). Returns 0 or -1. */
int tg_log_time(const char *text, int64_t *ts_us);

#endif
