/* Unit tests of the read API's building blocks: query-parameter parsing with pydantic's
 * 422 details, JSON text (escaping, floats, null for non-finite), the answer cache keyed by
 * generation, and the sparse histogram merge the rollup readers use. */
#include <CUnit/CUnit.h>
#include <event2/http.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include "collector/api_cache.h"
#include "collector/api_json_text.h"
#include "collector/api_params.h"
#include "collector/api_rollups.h"

static sf_request *request_with(const char *query)
{
    sf_request *r = calloc(1, sizeof *r);
    TAILQ_INIT(&r->query);
    evhttp_parse_query_str(query, &r->query);
    return r;
}

static void request_free(sf_request *r)
{
    evhttp_clear_headers(&r->query);
    free(r);
}

static void test_int_params(void)
{
    sf_request *r = request_with("limit=20&offset=-1&page=x&big=99999999999999999999");
    sf_field_errors errs = {0};
    int64_t v;
    CU_ASSERT_EQUAL(sf_param_int(r, "limit", 50, 1, 1000, &v, &errs), 0);
    CU_ASSERT_EQUAL(v, 20);
    CU_ASSERT_EQUAL(sf_param_int(r, "absent", 50, 1, 1000, &v, &errs), 0);
    CU_ASSERT_EQUAL(v, 50);
    CU_ASSERT_EQUAL(errs.count, 0);
    CU_ASSERT_EQUAL(sf_param_int(r, "offset", 0, 0, 100, &v, &errs), -1);
    CU_ASSERT_STRING_EQUAL(errs.items[0].field, "offset");
    CU_ASSERT_STRING_EQUAL(errs.items[0].type, "greater_than_equal");
    CU_ASSERT_STRING_EQUAL(errs.items[0].msg, "Input should be greater than or equal to 0");
    CU_ASSERT_EQUAL(sf_param_int(r, "page", 1, 1, 9, &v, &errs), -1);
    CU_ASSERT_STRING_EQUAL(errs.items[1].type, "int_parsing");
    CU_ASSERT_EQUAL(sf_param_int(r, "big", 1, 1, 9, &v, &errs), -1);
    CU_ASSERT_EQUAL(errs.count, 3);
    request_free(r);
}

static void test_other_params(void)
{
    sf_request *r = request_with("rate=0.5&bad=1e999&yes=On&no=0&maybe=perhaps&t=2026-11-24T08:00:00Z"
                                 "&t2=noon&empty=");
    sf_field_errors errs = {0};
    double d;
    CU_ASSERT_EQUAL(sf_param_double(r, "rate", 0.15, 0, 1, &d, &errs), 0);
    CU_ASSERT_DOUBLE_EQUAL(d, 0.5, 1e-12);
    CU_ASSERT_EQUAL(sf_param_double(r, "bad", 0.15, 0, 1, &d, &errs), -1);
    int b;
    CU_ASSERT_EQUAL(sf_param_bool(r, "yes", &b, &errs), 0);
    CU_ASSERT_EQUAL(b, 1);
    CU_ASSERT_EQUAL(sf_param_bool(r, "no", &b, &errs), 0);
    CU_ASSERT_EQUAL(b, 0);
    CU_ASSERT_EQUAL(sf_param_bool(r, "absent", &b, &errs), 0);
    CU_ASSERT_EQUAL(b, -1);
    CU_ASSERT_EQUAL(sf_param_bool(r, "maybe", &b, &errs), -1);
    int64_t t;
    bool present;
    CU_ASSERT_EQUAL(sf_param_time(r, "t", &t, &present, &errs), 0);
    CU_ASSERT(present && t == 1795507200000000LL);
    CU_ASSERT_EQUAL(sf_param_time(r, "t2", &t, &present, &errs), -1);
    CU_ASSERT_PTR_NULL(sf_param_text(r, "empty", 10, &errs));
    CU_ASSERT_EQUAL(errs.count, 4);
    CU_ASSERT_STRING_EQUAL(errs.items[3].type, "string_too_short");
    int64_t start, end;
    sf_field_errors none = {0};
    sf_param_time_range(r, 24, &start, &end, &none);
    CU_ASSERT_EQUAL(end - start, 24LL * 3600 * 1000000);
    request_free(r);
}

static void test_path_id(void)
{
    sf_request r = {0};
    sf_field_errors errs = {0};
    int64_t id;
    r.path_param = "42/resolve";
    CU_ASSERT(sf_param_path_id(&r, &id, &errs) == 0 && id == 42);
    r.path_param = "4x2/resolve";
    CU_ASSERT_EQUAL(sf_param_path_id(&r, &id, &errs), -1);
    r.path_param = "-3/label";
    CU_ASSERT_EQUAL(sf_param_path_id(&r, &id, &errs), -1);
    CU_ASSERT_STRING_EQUAL(errs.items[0].field, "id");
}

static void test_json_text(void)
{
    sf_text t = {0};
    sf_text_puts(&t, "[");
    sf_text_json_string(&t, "a\"b\\c\n\x01\xc3\xa9");
    sf_text_puts(&t, ",");
    sf_text_json_double(&t, 150);
    sf_text_puts(&t, ",");
    sf_text_json_double(&t, 0.25);
    sf_text_puts(&t, ",");
    sf_text_json_double(&t, NAN);
    sf_text_puts(&t, ",");
    sf_text_json_string(&t, NULL);
    sf_text_puts(&t, ",");
    sf_text_json_time(&t, 1795507200000000LL);
    sf_text_puts(&t, "]");
    char *text = sf_text_take(&t);
    CU_ASSERT_STRING_EQUAL(text, "[\"a\\\"b\\\\c\\u000a\\u0001\xc3\xa9\",150.0,0.25,null,null,"
                                 "\"2026-11-24T08:00:00.000000Z\"]");
    free(text);
    char big[600];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    sf_text_printf(&t, "%s%s", big, big); /* longer than the small buffer */
    text = sf_text_take(&t);
    CU_ASSERT_EQUAL(strlen(text), 2 * (sizeof big - 1));
    free(text);
}

static void test_cache(void)
{
    size_t len;
    sf_api_cache_put("unit|a", 7, "{\"x\":1}", 7);
    char *got = sf_api_cache_get("unit|a", 7, &len);
    CU_ASSERT(got && len == 7 && strcmp(got, "{\"x\":1}") == 0);
    free(got);
    CU_ASSERT_PTR_NULL(sf_api_cache_get("unit|a", 8, &len)); /* data changed since */
    CU_ASSERT_PTR_NULL(sf_api_cache_get("unit|b", 7, &len));
    sf_api_cache_put("", 7, "{}", 2); /* empty keys are never kept */
    CU_ASSERT_PTR_NULL(sf_api_cache_get("", 7, &len));
    for (int i = 0; i < 200; i++) { /* more keys than slots: old ones go, no growth */
        char key[32];
        snprintf(key, sizeof key, "unit|%d", i);
        sf_api_cache_put(key, 1, key, strlen(key));
    }
    got = sf_api_cache_get("unit|199", 1, &len);
    CU_ASSERT(got && strcmp(got, "unit|199") == 0);
    free(got);
    CU_ASSERT_PTR_NULL(sf_api_cache_get("unit|0", 1, &len));
}

static void test_histogram_merge(void)
{
    sf_rollup_row a = {.hist = "{10,3,20,1}"}, b = {.hist = "{10,2}"}, bad = {.hist = "{1,"};
    const sf_rollup_row *rows[] = {&a, &b, &bad};
    sf_latency_hist h;
    sf_rollups_merge_hist(&h, rows, 3);
    CU_ASSERT_EQUAL(h.total, 6);
    CU_ASSERT_EQUAL(h.counts[10], 5);
    CU_ASSERT_EQUAL(h.counts[20], 1);
    CU_ASSERT_DOUBLE_EQUAL(sf_hist_quantile(&h, 0.5), sf_hist_bucket_value(10), 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(sf_hist_quantile(&h, 0.99), sf_hist_bucket_value(20), 1e-12);
    int64_t start = 90 * 1000000LL + 5, end = 185 * 1000000LL;
    char s[SF_RFC3339_LEN], e[SF_RFC3339_LEN];
    sf_whole_minutes(&start, &end, s, e);
    CU_ASSERT(start == 60000000LL && end == 180000000LL);
    CU_ASSERT_STRING_EQUAL(s, "1970-01-01T00:01:00.000000Z");
}

void sf_test_register_collector_api(void)
{
    CU_pSuite s = CU_add_suite("collector_api", NULL, NULL);
    CU_add_test(s, "integer parameters and 422 details", test_int_params);
    CU_add_test(s, "number, boolean, time, text parameters", test_other_params);
    CU_add_test(s, "path ids", test_path_id);
    CU_add_test(s, "JSON text", test_json_text);
    CU_add_test(s, "answer cache by generation", test_cache);
    CU_add_test(s, "rollup histogram merge and whole minutes", test_histogram_merge);
}
