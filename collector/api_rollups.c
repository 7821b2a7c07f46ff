/* Reading rollups for the read API (see api_rollups.h). */
#include "collector/api_rollups.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


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

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p) { return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4)); }

/* A binary int8 or float8 column (both 8 bytes, big-endian). */
static int64_t int8_at(const PGresult *res, int row, int col)
{
    return PQgetlength(res, row, col) == 8 ? be64((const unsigned char *)PQgetvalue(res, row, col)) : 0;
}

static double float8_at(const PGresult *res, int row, int col)
{
    int64_t bits = int8_at(res, row, col);
    double v;
    memcpy(&v, &bits, sizeof v);
    return v;
}

int sf_rollups_read(PGconn *conn, const char *start, const char *end, const char *route,
                    sf_rollup_rows *out, char *err, size_t err_size)
{
    const char *params[3] = {start, end, route};
    memset(out, 0, sizeof *out);
    out->res = PQexecParams(conn,
        "SELECT extract(epoch FROM minute)::bigint, route, method, request_count, error_count,"
        " server_error_count, anomaly_count, sum_ms, max_ms, hist FROM rollup_minute"
        " WHERE minute >= $1::timestamptz AND minute <= $2::timestamptz"
        " AND ($3::text IS NULL OR route = $3::text)", 3, NULL, params, NULL, NULL, 1);
    if (PQresultStatus(out->res) != PGRES_TUPLES_OK) {
        snprintf(err, err_size, "%s", PQerrorMessage(conn));
        sf_rollups_free(out);
        return -1;
    }
    size_t n = (size_t)PQntuples(out->res);
    out->rows = malloc((n ? n : 1) * sizeof *out->rows);
    if (!out->rows) {
        snprintf(err, err_size, "out of memory reading rollups");
        sf_rollups_free(out);
        return -1;
    }
    const PGresult *res = out->res;
    for (int r = 0; r < (int)n; r++)
        out->rows[r] = (sf_rollup_row){
            int8_at(res, r, 0), PQgetvalue(res, r, 1), PQgetvalue(res, r, 2), int8_at(res, r, 3),
            int8_at(res, r, 4), int8_at(res, r, 5), int8_at(res, r, 6), float8_at(res, r, 7),
            float8_at(res, r, 8), (const unsigned char *)PQgetvalue(res, r, 9),
            PQgetlength(res, r, 9)};
    out->n = n;
    return 0;
}

/* Adds a binary integer[] of (bucket, count) pairs into h: a header (dimensions, null
 * flag, element type), per dimension its size and lower bound, then per element its
 * length and value. Anything else (wrong shape, nulls) is skipped. */
static void merge_binary_hist(sf_latency_hist *h, const unsigned char *p, int len)
{
    if (len < 12 || be32(p) != 1 || len < 20)
        return; /* empty ({}: no dimensions) or not one-dimensional */
    uint32_t count = be32(p + 12);
    const unsigned char *e = p + 20, *end = p + len;
    for (uint32_t i = 0; i + 1 < count && e + 16 <= end; i += 2, e += 16) {
        if (be32(e) != 4 || be32(e + 8) != 4)
            return;
        int32_t bucket = (int32_t)be32(e + 4), n = (int32_t)be32(e + 12);
        if (n > 0)
            sf_hist_add_count(h, bucket, (uint32_t)n);
    }
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
        merge_binary_hist(h, rows[i]->hist, rows[i]->hist_len);
}
