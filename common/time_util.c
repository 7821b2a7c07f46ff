/* Time helpers: microsecond clocks and RFC 3339 formatting/parsing in UTC. */
#include "common/time_util.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

int64_t sf_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t sf_monotonic_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

char *sf_time_format(int64_t unix_us, char *buf, size_t size)
{
    int64_t secs = unix_us / 1000000, frac = unix_us % 1000000;
    if (frac < 0) {
        frac += 1000000;
        secs -= 1;
    }
    time_t t = (time_t)secs;
    struct tm tm;
    gmtime_r(&t, &tm);
    snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)frac);
    return buf;
}

/* Reads exactly n digits; returns -1 if any is missing. */
static int read_digits(const char **p, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)**p))
            return -1;
        v = v * 10 + (**p - '0');
        (*p)++;
    }
    return v;
}

static int expect_char(const char **p, char c)
{
    if (**p != c)
        return -1;
    (*p)++;
    return 0;
}

static int days_in_month(int year, int month)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 ? 28 + leap : days[month - 1];
}

/* Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int parse_zone(const char **p, int64_t *offset_s)
{
    *offset_s = 0;
    if (**p == '\0')
        return 0; /* no zone: UTC, as api.md says */
    if (**p == 'Z' || **p == 'z') {
        (*p)++;
        return 0;
    }
    if (**p != '+' && **p != '-')
        return -1;
    int sign = **p == '-' ? -1 : 1;
    (*p)++;
    int hh = read_digits(p, 2);
    if (hh < 0 || hh > 23)
        return -1;
    if (**p == ':')
        (*p)++;
    int mm = read_digits(p, 2);
    if (mm < 0 || mm > 59)
        return -1;
    *offset_s = sign * (hh * 3600 + mm * 60);
    return 0;
}

int sf_time_parse(const char *text, int64_t *unix_us)
{
    const char *p = text;
    int year = read_digits(&p, 4);
    if (year < 1970 || expect_char(&p, '-'))
        return -1;
    int mon = read_digits(&p, 2);
    if (mon < 1 || mon > 12 || expect_char(&p, '-'))
        return -1;
    int day = read_digits(&p, 2);
    if (day < 1 || day > days_in_month(year, mon))
        return -1;
    if (*p != 'T' && *p != 't' && *p != ' ')
        return -1;
    p++;
    int hh = read_digits(&p, 2);
    if (hh < 0 || hh > 23 || expect_char(&p, ':'))
        return -1;
    int mi = read_digits(&p, 2);
    if (mi < 0 || mi > 59 || expect_char(&p, ':'))
        return -1;
    int ss = read_digits(&p, 2);
    if (ss < 0 || ss > 60) /* 60: a leap second, folded into the next */
        return -1;
    int64_t frac_us = 0;
    if (*p == '.') {
        p++;
        int digits = 0;
        while (isdigit((unsigned char)*p)) {
            if (digits < 6)
                frac_us = frac_us * 10 + (*p - '0');
            digits++, p++;
        }
        if (digits == 0 || digits > 9)
            return -1;
        for (int i = digits; i < 6; i++)
            frac_us *= 10;
    }
    int64_t offset_s;
    if (parse_zone(&p, &offset_s) || *p != '\0')
        return -1;
    int64_t secs = days_from_civil(year, mon, day) * 86400 + hh * 3600 + mi * 60 + ss - offset_s;
    if (secs < 0)
        return -1;
    *unix_us = secs * 1000000 + frac_us;
    return 0;
}
