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

int sf_rollups_read(PGconn *conn, const char *start, const char *end, const char *route,
                    sf_rollup_rows *out, char *err, size_t err_size)
{
    const char *params[3] = {start, end, route};
    memset(out, 0, sizeof *out);
    out->res = sf_db_query(conn,
        "SELECT extract(epoch FROM minute)::bigint, route, method, request_count, error_count,"
        " server_error_count, anomaly_count, sum_ms, max_ms, hist FROM rollup_minute"
        " WHERE minute >= $1::timestamptz AND minute <= $2::timestamptz"
        " AND ($3::text IS NULL OR route = $3::text)", 3, params, err, err_size);
    if (!out->res)
        return -1;
    size_t n = (size_t)PQntuples(out->res);
    out->rows = malloc((n ? n : 1) * sizeof *out->rows);
    if (!out->rows) {
        snprintf(err, err_size, "out of memory reading rollups");
        sf_rollups_free(out);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        const PGresult *res = out->res;
        int r = (int)i;
        out->rows[i] = (sf_rollup_row){
            strtoll(PQgetvalue(res, r, 0), NULL, 10), PQgetvalue(res, r, 1), PQgetvalue(res, r, 2),
            strtoll(PQgetvalue(res, r, 3), NULL, 10), strtoll(PQgetvalue(res, r, 4), NULL, 10),
            strtoll(PQgetvalue(res, r, 5), NULL, 10), strtoll(PQgetvalue(res, r, 6), NULL, 10),
            strtod(PQgetvalue(res, r, 7), NULL), strtod(PQgetvalue(res, r, 8), NULL),
            PQgetvalue(res, r, 9)};
    }
    out->n = n;
    return 0;
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
