/* Reading the per-minute rollups (rollup_minute) of a window for the read API. The wide
 * rows are never sorted or aggregated in PostgreSQL — the latency histograms have to come
 * out of the database either way, and sorting or concatenating those rows there was what
 * cost the time. Callers group the rows themselves (per bucket and route for
 * /api/metrics, per route and method for /api/endpoints) and merge their histograms.
 * sf_rollups_read gives every row of the window; sf_rollups_read_page only the rows of
 * one page of (bucket, route) groups, picked and counted in PostgreSQL from the narrow
 * columns, so the answer is bounded by the page size. */
#ifndef SF_API_ROLLUPS_H
#define SF_API_ROLLUPS_H

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

#include "collector/latency_histogram.h"
#include "common/time_util.h"

typedef struct sf_rollup_row {
    int64_t minute_s;          /* Unix seconds of the minute */
    const char *route, *method;
    int64_t requests, errors, server_errors, anomalies;
    double sum_ms, max_ms;
    const char *hist;          /* "{bucket,count,...}" */
} sf_rollup_row;

typedef struct sf_rollup_rows {
    PGresult *res;             /* owns the strings */
    sf_rollup_row *rows;
    size_t n;
    long long groups;          /* sf_rollups_read_page: the groups of the whole window */
} sf_rollup_rows;

/* A page of (bucket, route) groups, newest bucket first, then route in byte order. */
typedef struct sf_rollup_page {
    int64_t bucket_s;          /* bucket width, seconds; buckets aligned on the epoch */
    int64_t limit, offset;     /* groups */
} sf_rollup_page;

/* Truncates a window to whole minutes (a rollup row stands for its minute) and formats
 * both ends for PostgreSQL. */
void sf_whole_minutes(int64_t *start_us, int64_t *end_us, char start[SF_RFC3339_LEN],
                      char end[SF_RFC3339_LEN]);
/* The rows with start <= minute <= end (and route, when not NULL). Returns 0, or -1 with
 * err. */
int sf_rollups_read(PGconn *conn, const char *start, const char *end, const char *route,
                    sf_rollup_rows *out, char *err, size_t err_size);
/* The rows of the groups of page (and route, when not NULL) with start <= minute <= end,
 * unordered, and out->groups. Returns 0, or -1 with err. */
int sf_rollups_read_page(PGconn *conn, const char *start, const char *end, const char *route,
                         const sf_rollup_page *page, sf_rollup_rows *out, char *err,
                         size_t err_size);
void sf_rollups_free(sf_rollup_rows *rows);
/* Adds the histograms of rows[0..n) (given as pointers) into h, after clearing it. */
void sf_rollups_merge_hist(sf_latency_hist *h, const sf_rollup_row *const *rows, size_t n);

#endif
