/* Reading rollups for the read API (see api_rollups.h). */
#include "collector/api_rollups.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector/db_pool.h"

#define US_PER_MINUTE 60000000LL

void sf_whole_minutes(int64_t *start_us, int64_t *end_us, char start[SF_RFC3339_LEN],
                      char end[SF_RFC3339_LEN])
{
    *start_us = *start_us < 0 ? 0 : *start_us;
    *start_us -= *start_us % US_PER_MINUTE;
    *end_us = *end_us < 0 ? 0 : *end_us;
    *end_us -= *end_us % US_PER_MINUTE;
    sf_time_format(*start_us, start, SF_RFC3339_LEN);
    sf_time_format(*end_us, end, SF_RFC3339_LEN);
}

/* The columns of an sf_rollup_row, in order. */
#define ROW_COLUMNS "extract(epoch FROM minute)::bigint, route, method, request_count," \
    " error_count, server_error_count, anomaly_count, sum_ms, max_ms, hist"

/* Fills out->rows from out->res, whose columns from `first` on are those of ROW_COLUMNS;
 * a row whose route is NULL (the empty side of an outer join) is left out. */
static int rows_from_result(sf_rollup_rows *out, int first, char *err, size_t err_size)
{
    const PGresult *res = out->res;
    int n = PQntuples(res);
    out->rows = malloc((n ? (size_t)n : 1) * sizeof *out->rows);
    if (!out->rows) {
        snprintf(err, err_size, "out of memory reading rollups");
        sf_rollups_free(out);
        return -1;
    }
    for (int r = 0; r < n; r++) {
        if (PQgetisnull(res, r, first + 1))
            continue;
        const char *v[10];
        for (int c = 0; c < 10; c++)
            v[c] = PQgetvalue(res, r, first + c);
        out->rows[out->n++] = (sf_rollup_row){
            strtoll(v[0], NULL, 10), v[1], v[2], strtoll(v[3], NULL, 10), strtoll(v[4], NULL, 10),
            strtoll(v[5], NULL, 10), strtoll(v[6], NULL, 10), strtod(v[7], NULL),
            strtod(v[8], NULL), v[9]};
    }
    return 0;
}

int sf_rollups_read(PGconn *conn, const char *start, const char *end, const char *route,
                    sf_rollup_rows *out, char *err, size_t err_size)
{
    const char *params[3] = {start, end, route};
    memset(out, 0, sizeof *out);
    out->res = sf_db_query(conn,
        "SELECT " ROW_COLUMNS " FROM rollup_minute"
        " WHERE minute >= $1::timestamptz AND minute <= $2::timestamptz"
        " AND ($3::text IS NULL OR route = $3::text)", 3, params, err, err_size);
    return out->res ? rows_from_result(out, 0, err, err_size) : -1;
}

/* The window's (bucket, route) groups (KEY: the bucket of a minute) are found from the
 * narrow columns, counted, and the page of them cut in PostgreSQL (route order is byte
 * order, as strcmp); then only the minutes the page spans are read: all of the rows of
 * the buckets strictly inside it, and in its first and last bucket the rows of its
 * groups. The outer join keeps one row (with the count) when the page is empty. */
#define LO "(SELECT min(b) FROM page)"
#define HI "(SELECT max(b) FROM page)"
#define WIDTH "$4::bigint * interval '1 second'"
#define PAGE_SQL(KEY)                                                                      \
    "WITH groups AS (SELECT " KEY " AS b, route FROM rollup_minute"                        \
    " WHERE minute >= $1::timestamptz AND minute <= $2::timestamptz"                       \
    " AND ($3::text IS NULL OR route = $3::text) GROUP BY 1, 2),"                          \
    " page AS (SELECT b, route FROM groups ORDER BY b DESC, route COLLATE \"C\""            \
    " LIMIT $5::bigint OFFSET $6::bigint)"                                                 \
    " SELECT (SELECT count(*) FROM groups), r.* FROM (SELECT 1) one LEFT JOIN (SELECT "    \
    ROW_COLUMNS " FROM rollup_minute WHERE minute >= greatest($1::timestamptz, " LO ")"    \
    " AND minute < " HI " + " WIDTH " AND minute <= $2::timestamptz"                       \
    " AND ((minute >= " LO " + " WIDTH " AND minute < " HI                                 \
    " AND ($3::text IS NULL OR route = $3::text))"                                         \
    " OR (" KEY ", route) IN (SELECT b, route FROM page))) r ON true"

/* For 1 m buckets the key is the minute itself, which lets PostgreSQL group the groups in
 * index order instead of hashing them. */
static const char page_sql_minutes[] = PAGE_SQL("minute");
static const char page_sql_buckets[] =
    PAGE_SQL("to_timestamp(date_part('epoch', minute)::bigint / $4::bigint * $4::bigint)");

int sf_rollups_read_page(PGconn *conn, const char *start, const char *end, const char *route,
                         const sf_rollup_page *page, sf_rollup_rows *out, char *err,
                         size_t err_size)
{
    char bucket[24], limit[24], offset[24];
    snprintf(bucket, sizeof bucket, "%lld", (long long)page->bucket_s);
    snprintf(limit, sizeof limit, "%lld", (long long)page->limit);
    snprintf(offset, sizeof offset, "%lld", (long long)page->offset);
    const char *params[6] = {start, end, route, bucket, limit, offset};
    memset(out, 0, sizeof *out);
    out->res = sf_db_query(conn, page->bucket_s == 60 ? page_sql_minutes : page_sql_buckets, 6,
                           params, err, err_size);
    if (!out->res)
        return -1;
    out->groups = PQntuples(out->res) ? strtoll(PQgetvalue(out->res, 0, 0), NULL, 10) : 0;
    return rows_from_result(out, 1, err, err_size);
}

void sf_rollups_free(sf_rollup_rows *rows)
{
    PQclear(rows->res);
    free(rows->rows);
    memset(rows, 0, sizeof *rows);
}

void sf_rollups_merge_hist(sf_latency_hist *h, const sf_rollup_row *const *rows, size_t n)
{
    memset(h, 0, sizeof *h);
    for (size_t i = 0; i < n; i++)
        sf_hist_merge_pg_array(h, rows[i]->hist);
}
