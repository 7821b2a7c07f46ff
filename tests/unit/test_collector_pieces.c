/* Tests for the collector's small pieces: route templates, the latency histogram, the
 * per-client context table, bounded gzip, COPY text escaping, static file paths, the read
 * API cache's byte bound, and the ingest answer metrics. */
#include <CUnit/CUnit.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "collector/api_cache.h"
#include "collector/copy_buffer.h"
#include "collector/gzip_inflate.h"
#include "collector/ingest_metrics.h"
#include "collector/latency_histogram.h"
#include "collector/route_template.h"
#include "collector/static_files.h"

static const char *const route_cases[][2] = {
    {"/api/users/123", "/api/users/{id}"},
    {"/api/users/456/orders/7?page=2", "/api/users/{id}/orders/{id}"},
    {"/api/items/3f2504e0-4f89-11d3-9a0c-0305e82c3301", "/api/items/{id}"},
    {"/files/d41d8cd98f00b204e9800998ecf8427e", "/files/{id}"},
    {"/api/products", "/api/products"},
    {"/api/v2/search", "/api/v2/search"},
    {"/s/abcDEF123ghiJKL456mnoP", "/s/{id}"},
    {"/", "/"},
    {"", "/"},
    {"relative/5", "/relative/{id}"},
    {"/a//b/", "/a//b/"},
};

static void test_route_templates(void)
{
    char out[SF_ROUTE_MAX];
    for (size_t i = 0; i < sizeof route_cases / sizeof route_cases[0]; i++) {
        sf_route_template(route_cases[i][0], out);
        if (strcmp(out, route_cases[i][1]) != 0)
            fprintf(stderr, "route '%s' -> '%s', expected '%s'\n", route_cases[i][0], out,
                    route_cases[i][1]);
        CU_ASSERT_STRING_EQUAL(out, route_cases[i][1]);
    }
    char *long_path = malloc(5000);
    memset(long_path, 'z', 4999);
    long_path[0] = '/';
    long_path[4999] = '\0';
    sf_route_template(long_path, out);
    CU_ASSERT_EQUAL(strlen(out), SF_ROUTE_MAX - 1);
    free(long_path);
}

static void test_histogram_quantiles_within_5_percent(void)
{
    sf_latency_hist h = {0};
    for (int i = 1; i <= 1000; i++)
        sf_hist_add(&h, i); /* 1..1000 ms */
    double p50 = sf_hist_quantile(&h, 0.50), p95 = sf_hist_quantile(&h, 0.95),
           p99 = sf_hist_quantile(&h, 0.99);
    CU_ASSERT(fabs(p50 - 500) / 500 < 0.05);
    CU_ASSERT(fabs(p95 - 950) / 950 < 0.05);
    CU_ASSERT(fabs(p99 - 990) / 990 < 0.05);
    sf_latency_hist empty = {0};
    CU_ASSERT_EQUAL(sf_hist_quantile(&empty, 0.99), 0);
    sf_hist_add(&h, -5);     /* nonsense values land in the edge buckets */
    sf_hist_add(&h, 1e12);
    CU_ASSERT_EQUAL(h.total, 1002);
}

static void test_histogram_pg_round_trip(void)
{
    sf_latency_hist a = {0}, b = {0};
    sf_hist_add(&a, 0.5);
    sf_hist_add(&a, 20);
    sf_hist_add(&a, 20);
    char text[SF_HIST_TEXT_MAX];
    sf_hist_to_pg_array(&a, text);
    CU_ASSERT_EQUAL(sf_hist_merge_pg_array(&b, text), 0);
    CU_ASSERT_EQUAL(b.total, 3);
    CU_ASSERT_EQUAL(memcmp(a.counts, b.counts, sizeof a.counts), 0);
    CU_ASSERT_EQUAL(sf_hist_merge_pg_array(&b, "{}"), 0);
    CU_ASSERT_EQUAL(sf_hist_merge_pg_array(&b, "{1,2,3}"), -1);
    CU_ASSERT_EQUAL(sf_hist_merge_pg_array(&b, "{9999,1}"), -1);
    CU_ASSERT_EQUAL(sf_hist_merge_pg_array(&b, "nope"), -1);
}

static size_t gzip_bytes(const char *in, size_t n, unsigned char *out, size_t cap)
{
    z_stream zs = {0};
    deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
    zs.next_in = (Bytef *)in;
    zs.avail_in = (uInt)n;
    zs.next_out = out;
    zs.avail_out = (uInt)cap;
    deflate(&zs, Z_FINISH);
    size_t len = zs.total_out;
    deflateEnd(&zs);
    return len;
}

static void test_gzip_bounded(void)
{
    size_t n = 1 << 20;
    char *zeros = calloc(1, n);
    unsigned char *gz = malloc(n);
    size_t gz_len = gzip_bytes(zeros, n, gz, n);
    char *out;
    size_t out_len;
    CU_ASSERT_EQUAL(sf_gzip_inflate((char *)gz, gz_len, n, &out, &out_len), 0);
    CU_ASSERT_EQUAL(out_len, n);
    free(out);
    /* A bomb: 1 MiB from ~1 KiB, with a 64 KiB limit. */
    CU_ASSERT_EQUAL(sf_gzip_inflate((char *)gz, gz_len, 65536, &out, &out_len), -2);
    CU_ASSERT_EQUAL(sf_gzip_inflate("not gzip at all", 15, 65536, &out, &out_len), -1);
    CU_ASSERT_EQUAL(sf_gzip_inflate((char *)gz, gz_len / 2, n, &out, &out_len), -1);
    free(zeros);
    free(gz);
}

static void test_copy_escaping(void)
{
    sf_copy_buffer b = {0};
    sf_copy_text(&b, "a\tb\\c\nd\re");
    sf_copy_text(&b, NULL);
    sf_copy_int(&b, -42);
    sf_copy_int_or_null(&b, -1, -1);
    sf_copy_bool(&b, 1);
    sf_copy_end_row(&b);
    CU_ASSERT_EQUAL(b.len, strlen("a\\tb\\\\c\\nd\\re\t\\N\t-42\t\\N\tt\n"));
    CU_ASSERT_EQUAL(memcmp(b.data, "a\\tb\\\\c\\nd\\re\t\\N\t-42\t\\N\tt\n", b.len), 0);
    sf_copy_free(&b);
}

static void test_static_paths(void)
{
    char out[256];
    CU_ASSERT(sf_static_map_path("/srv", "/", out, sizeof out) == 0 &&
              strcmp(out, "/srv/index.html") == 0);
    CU_ASSERT(sf_static_map_path("/srv", "/assets/a.js", out, sizeof out) == 0 &&
              strcmp(out, "/srv/assets/a.js") == 0);
    static const char *const refused[] = {"/../etc/passwd", "/a/../../b", "/.env", "/a/.git/x",
                                          "relative", "/a\\b"};
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
        CU_ASSERT_EQUAL(sf_static_map_path("/srv", refused[i], out, sizeof out), -1);
    CU_ASSERT_STRING_EQUAL(sf_static_content_type("x.JS"), "text/javascript; charset=utf-8");
    CU_ASSERT_STRING_EQUAL(sf_static_content_type("noext"), "application/octet-stream");
}

/* An answer of len pseudo-random letters (so its gzip copy is not tiny), named key. */
static void put_answer(const char *key, size_t len)
{
    char *text = malloc(len);
    unsigned x = (unsigned)len;
    for (size_t i = 0; i < len; i++)
        text[i] = (char)('a' + (x = x * 1103515245u + 12345u) % 26);
    sf_api_cache_put(key, 1, text, len);
    free(text);
}

static bool cached(const char *key)
{
    size_t len;
    char *got = sf_api_cache_get(key, 1, &len);
    free(got);
    return got != NULL;
}

/* Fills a 64 KiB cache with 40 answers of ~8 KiB each (text and gzip copy). */
static void test_cache_byte_bound(void)
{
    const size_t bound = 64 << 10;
    sf_api_cache_set_limit(bound);
    CU_ASSERT(sf_api_cache_held() <= bound);
    char key[32];
    bool over = false;
    for (int i = 0; i < 40; i++) {
        snprintf(key, sizeof key, "bound|%d", i);
        put_answer(key, 5000);
        over |= sf_api_cache_held() > bound;
    }
    CU_ASSERT_FALSE(over);
    CU_ASSERT(sf_api_cache_held() > bound / 2);
    CU_ASSERT_FALSE(cached("bound|0"));
    CU_ASSERT(cached("bound|39"));
    /* oldest stored go first: what is left is the latest stored */
    bool suffix = true, seen = false;
    for (int i = 0; i < 40; i++) {
        snprintf(key, sizeof key, "bound|%d", i);
        suffix &= !seen || cached(key);
        seen |= cached(key);
    }
    CU_ASSERT(suffix);
    size_t before = sf_api_cache_held();
    put_answer("bound|big", bound / 4 + 1); /* more than a quarter of the bound */
    CU_ASSERT_FALSE(cached("bound|big"));
    CU_ASSERT_EQUAL(sf_api_cache_held(), before);
    sf_api_cache_set_limit(bound / 8); /* a lower bound drops entries at once */
    CU_ASSERT(sf_api_cache_held() <= bound / 8);
    CU_ASSERT(cached("bound|39") || sf_api_cache_held() == 0);
    sf_api_cache_set_limit(0); /* off */
    CU_ASSERT_EQUAL(sf_api_cache_held(), 0);
    put_answer("bound|off", 10);
    CU_ASSERT_FALSE(cached("bound|off"));
    sf_api_cache_set_limit(SF_API_CACHE_BYTES_DEFAULT);
}

static void test_ingest_metrics(void)
{
    sf_ingest_metrics m = {0};
    sf_ingest_metrics_note(&m, 200, 3000);     /* 3 ms */
    sf_ingest_metrics_note(&m, 200, 200000);   /* 0.2 s */
    sf_ingest_metrics_note(&m, 200, 20000000); /* 20 s: only +Inf */
    sf_ingest_metrics_note(&m, 503, 1000);
    sf_ingest_metrics_note(&m, 418, 1000);
    CU_ASSERT_EQUAL(m.count, 3);
    CU_ASSERT(fabs(m.sum_s - 20.203) < 1e-9);
    CU_ASSERT_EQUAL(m.at_most[0], 1);                     /* le 0.005 */
    CU_ASSERT_EQUAL(m.at_most[4], 1);                     /* le 0.1 */
    CU_ASSERT_EQUAL(m.at_most[5], 2);                     /* le 0.25 */
    CU_ASSERT_EQUAL(m.at_most[SF_INGEST_BUCKETS - 1], 2); /* le 10 */
    for (int i = 1; i < SF_INGEST_BUCKETS; i++)
        CU_ASSERT(m.at_most[i] >= m.at_most[i - 1]);
    CU_ASSERT_STRING_EQUAL(sf_ingest_status_label[0], "200");
    CU_ASSERT_EQUAL(m.answered[0], 3);
    CU_ASSERT_STRING_EQUAL(sf_ingest_status_label[5], "503");
    CU_ASSERT_EQUAL(m.answered[5], 1);
    CU_ASSERT_STRING_EQUAL(sf_ingest_status_label[SF_INGEST_STATUSES - 1], "other");
    CU_ASSERT_EQUAL(m.answered[SF_INGEST_STATUSES - 1], 1);
}

void sf_test_register_collector_pieces(void)
{
    CU_pSuite s = CU_add_suite("collector_pieces", NULL, NULL);
    CU_add_test(s, "route templates", test_route_templates);
    CU_add_test(s, "histogram quantiles within 5%", test_histogram_quantiles_within_5_percent);
    CU_add_test(s, "histogram <-> PostgreSQL array", test_histogram_pg_round_trip);
    CU_add_test(s, "bounded gzip", test_gzip_bounded);
    CU_add_test(s, "COPY escaping", test_copy_escaping);
    CU_add_test(s, "static file paths and types", test_static_paths);
    CU_add_test(s, "read API cache stays within its byte bound", test_cache_byte_bound);
    CU_add_test(s, "ingest answer counts and wait histogram", test_ingest_metrics);
}
