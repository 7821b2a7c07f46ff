/* Time helpers: microsecond clocks and RFC 3339 text in UTC (api.md's time format). */
#ifndef SF_TIME_UTIL_H
#define SF_TIME_UTIL_H

#include <stddef.h>
#include <stdint.h>

#define SF_RFC3339_LEN 32 /* "2026-11-24T08:16:01.123456Z" + NUL, with room */

/* Wall clock, Unix microseconds. */
int64_t sf_now_us(void);
/* Monotonic clock, microseconds (for durations). */
int64_t sf_monotonic_us(void);

/* Formats Unix µs as "YYYY-MM-DDTHH:MM:SS.ffffffZ" into buf (>= SF_RFC3339_LEN). */
char *sf_time_format(int64_t unix_us, char *buf, size_t size);

/* Parses RFC 3339 ("Z", "+hh:mm" offset, or no zone = UTC; 'T' or ' ' separator; up to
 * 9 fraction digits, truncated to µs). Years 1970..9999. Returns 0 or -1. */
int sf_time_parse(const char *text, int64_t *unix_us);

#endif
