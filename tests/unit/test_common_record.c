/* Tests for the transaction record and its JSON codec: valid records, round trips, and a
 * catalogue of bad input (each must be refused naming the field, never crash). */
#include <CUnit/CUnit.h>
#include <stdlib.h>
#include <string.h>

#include "common/record_json.h"
#include "record_scan_differential.h"

static void test_minimal_record(void)
{
    sf_record r;
    sf_field_errors errs = {0};
    const char *j = "{\"endpoint\":\"/api/users/1\",\"method\":\"GET\",\"status_code\":200,"
                    "\"response_time_ms\":12.5}";
    CU_ASSERT_EQUAL_FATAL(sf_record_from_text(j, strlen(j), &r, &errs), 0);
    CU_ASSERT_STRING_EQUAL(r.endpoint, "/api/users/1");
    CU_ASSERT_STRING_EQUAL(r.method, "GET");
    CU_ASSERT_EQUAL(r.status_code, 200);
    CU_ASSERT_DOUBLE_EQUAL(r.response_time_ms, 12.5, 1e-9);
    CU_ASSERT_EQUAL(r.request_size_bytes, SF_ABSENT);
    CU_ASSERT_EQUAL(r.timestamp_us, SF_ABSENT);
    CU_ASSERT_PTR_NULL(r.ip_address);
    sf_record_clear(&r);
}

static void test_full_record_round_trip(void)
{
    const char *j =
        "{\"endpoint\":\"/a?b=1\",\"method\":\"POST\",\"status_code\":503,\"response_time_ms\":0,"
        "\"request_size_bytes\":10,\"response_size_bytes\":null,\"ip_address\":\"::FFFF:10.0.0.1\","
        "\"user_agent\":\"curl/8\",\"timestamp\":\"2026-11-24T09:16:01.123456+01:00\","
        "\"client_ip\":\"10.0.0.1\",\"client_port\":50000,\"server_ip\":\"10.0.0.2\","
        "\"server_port\":80,\"host\":\"h\",\"path\":\"/a\",\"query\":\"b=1\",\"http_version\":\"1.1\","
        "\"content_type\":\"text/plain\",\"x_forwarded_for\":\"1.2.3.4\",\"ttfb_us\":5,"
        "\"duration_us\":9,\"req_body_bytes\":3,\"resp_body_bytes\":0,\"flags\":[\"gap\",\"midstream\"]}";
    sf_record r, again;
    sf_field_errors errs = {0};
    CU_ASSERT_EQUAL_FATAL(sf_record_from_text(j, strlen(j), &r, &errs), 0);
    CU_ASSERT_STRING_EQUAL(r.ip_address, "::ffff:10.0.0.1");
    CU_ASSERT_EQUAL(r.timestamp_us, 1795508161123456LL); /* 08:16:01.123456Z */
    CU_ASSERT_EQUAL(r.flags, SF_FLAG_GAP | SF_FLAG_MIDSTREAM);
    json_t *out = sf_record_to_json(&r);
    CU_ASSERT_EQUAL_FATAL(sf_record_from_json(out, &again, &errs), 0);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(out, "timestamp")),
                           "2026-11-24T08:16:01.123456Z");
    CU_ASSERT_STRING_EQUAL(again.query, "b=1");
    CU_ASSERT_EQUAL(again.server_port, 80);
    CU_ASSERT_EQUAL(again.flags, r.flags);
    CU_ASSERT_EQUAL(again.timestamp_us, r.timestamp_us);
    json_decref(out);
    sf_record_clear(&r);
    sf_record_clear(&again);
}

static void test_endpoint_derived_from_path(void)
{
    const char *j = "{\"path\":\"/x\",\"query\":\"q=1\",\"method\":\"GET\",\"status_code\":200,"
                    "\"response_time_ms\":1}";
    sf_record r;
    sf_field_errors errs = {0};
    CU_ASSERT_EQUAL_FATAL(sf_record_from_text(j, strlen(j), &r, &errs), 0);
    CU_ASSERT_STRING_EQUAL(r.endpoint, "/x?q=1");
    sf_record_clear(&r);
}

/* Each bad case: the JSON and the field that must be named. */
struct bad_case {
    const char *json;
    const char *field;
};

#define BASE_OK "\"endpoint\":\"/a\",\"method\":\"GET\",\"status_code\":200,\"response_time_ms\":1"

static const struct bad_case bad_cases[] = {
    {"{\"method\":\"GET\",\"status_code\":200,\"response_time_ms\":1}", "endpoint"},
    {"{\"endpoint\":\"\",\"method\":\"GET\",\"status_code\":200,\"response_time_ms\":1}", "endpoint"},
    {"{\"endpoint\":5,\"method\":\"GET\",\"status_code\":200,\"response_time_ms\":1}", "endpoint"},
    {"{\"endpoint\":\"/a\",\"method\":\"G E\",\"status_code\":200,\"response_time_ms\":1}", "method"},
    {"{\"endpoint\":\"/a\",\"method\":\"ABCDEFGHIJKLMNOPQ\",\"status_code\":200,\"response_time_ms\":1}", "method"},
    {"{\"endpoint\":\"/a\",\"status_code\":200,\"response_time_ms\":1}", "method"},
    {"{\"endpoint\":\"/a\",\"method\":\"GET\",\"status_code\":999,\"response_time_ms\":1}", "status_code"},
    {"{\"endpoint\":\"/a\",\"method\":\"GET\",\"status_code\":\"200\",\"response_time_ms\":1}", "status_code"},
    {"{\"endpoint\":\"/a\",\"method\":\"GET\",\"status_code\":200.0,\"response_time_ms\":1}", "status_code"},
    {"{\"endpoint\":\"/a\",\"method\":\"GET\",\"status_code\":true,\"response_time_ms\":1}", "status_code"},
    {"{\"endpoint\":\"/a\",\"method\":\"GET\",\"response_time_ms\":1}", "status_code"},
    {"{\"endpoint\":\"/a\",\"method\":\"GET\",\"status_code\":200,\"response_time_ms\":-1}", "response_time_ms"},
    {"{\"endpoint\":\"/a\",\"method\":\"GET\",\"status_code\":200,\"response_time_ms\":\"fast\"}", "response_time_ms"},
    {"{\"endpoint\":\"/a\",\"method\":\"GET\",\"status_code\":200,\"response_time_ms\":1e300}", "response_time_ms"},
    {"{\"endpoint\":\"/a\",\"method\":\"GET\",\"status_code\":200}", "response_time_ms"},
    {"{" BASE_OK ",\"request_size_bytes\":-5}", "request_size_bytes"},
    {"{" BASE_OK ",\"response_size_bytes\":1.5}", "response_size_bytes"},
    {"{" BASE_OK ",\"request_size_bytes\":99999999999999999999}", "body"},
    {"{" BASE_OK ",\"ip_address\":\"999.1.1.1\"}", "ip_address"},
    {"{" BASE_OK ",\"ip_address\":\"1.2.3.4'; DROP TABLE x;--\"}", "ip_address"},
    {"{" BASE_OK ",\"timestamp\":\"yesterday\"}", "timestamp"},
    {"{" BASE_OK ",\"timestamp\":\"2026-02-30T00:00:00Z\"}", "timestamp"},
    {"{" BASE_OK ",\"timestamp\":\"1969-12-31T23:59:59Z\"}", "timestamp"},
    {"{" BASE_OK ",\"timestamp\":\"9999-01-01T00:00:00Z\"}", "timestamp"},
    {"{" BASE_OK ",\"client_port\":70000}", "client_port"},
    {"{" BASE_OK ",\"flags\":[\"bogus\"]}", "flags"},
    {"{" BASE_OK ",\"flags\":\"gap\"}", "flags"},
    {"{" BASE_OK ",\"ttfb_us\":-1}", "ttfb_us"},
    {"{" BASE_OK ",\"user_agent\":\"a\\u0000b\"}", "body"},
    {"{" BASE_OK ",\"user_agent\":\"\xff\xfe\"}", "body"},
    {"[1,2,3]", "body"},
    {"{\"endpoint\":", "body"},
    {"", "body"},
    {"{" BASE_OK ",\"endpoint\":\"/b\"}", "body"}, /* duplicate key */
};

static void test_bad_records_name_the_field(void)
{
    for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        sf_record r;
        sf_field_errors errs = {0};
        const char *j = bad_cases[i].json;
        int rc = sf_record_from_text(j, strlen(j), &r, &errs);
        CU_ASSERT_EQUAL(rc, -1);
        CU_ASSERT_TRUE(errs.count >= 1);
        if (rc != -1 || errs.count < 1 || strcmp(errs.items[0].field, bad_cases[i].field) != 0) {
            fprintf(stderr, "case %zu: expected field %s, got %s\n", i, bad_cases[i].field,
                    errs.count ? errs.items[0].field : "(none)");
            CU_FAIL("wrong field named");
        }
        CU_ASSERT_PTR_NULL(r.endpoint);
        sf_record_clear(&r);
        char why[160]; /* the one-pass scanner must refuse each the same way */
        CU_ASSERT_EQUAL(sf_record_scan_check(j, strlen(j), NULL, why, sizeof why), 0);
    }
}

static char *repeat(char c, size_t n, const char *prefix, const char *suffix)
{
    size_t pl = strlen(prefix), sl = strlen(suffix);
    char *s = malloc(pl + n + sl + 1);
    memcpy(s, prefix, pl);
    memset(s + pl, c, n);
    memcpy(s + pl + n, suffix, sl + 1);
    return s;
}

static void test_oversized_strings(void)
{
    char *j = repeat('a', 3000, "{\"endpoint\":\"/", "\",\"method\":\"GET\",\"status_code\":200,"
                                                    "\"response_time_ms\":1}");
    sf_record r;
    sf_field_errors errs = {0};
    CU_ASSERT_EQUAL(sf_record_from_text(j, strlen(j), &r, &errs), -1);
    CU_ASSERT_STRING_EQUAL(errs.items[0].field, "endpoint");
    CU_ASSERT_STRING_EQUAL(errs.items[0].type, "string_too_long");
    free(j);
    j = repeat('u', 1025, "{" BASE_OK ",\"user_agent\":\"", "\"}");
    errs.count = 0;
    CU_ASSERT_EQUAL(sf_record_from_text(j, strlen(j), &r, &errs), -1);
    CU_ASSERT_STRING_EQUAL(errs.items[0].field, "user_agent");
    free(j);
}

static void test_deep_nesting_refused(void)
{
    size_t depth = 10000;
    char *open = repeat('[', depth, "{\"endpoint\":", "");
    char *j = repeat(']', depth, open, "}");
    sf_record r;
    sf_field_errors errs = {0};
    CU_ASSERT_EQUAL(sf_record_from_text(j, strlen(j), &r, &errs), -1);
    CU_ASSERT_STRING_EQUAL(errs.items[0].field, "body");
    CU_ASSERT_PTR_NOT_NULL(strstr(errs.items[0].msg, "nested"));
    free(open);
    free(j);
}

static void test_many_errors_are_bounded(void)
{
    const char *j = "{\"endpoint\":1,\"method\":2,\"status_code\":\"x\",\"response_time_ms\":\"y\","
                    "\"request_size_bytes\":\"a\",\"response_size_bytes\":\"b\",\"ip_address\":1,"
                    "\"user_agent\":2,\"timestamp\":3,\"client_ip\":4,\"client_port\":\"p\","
                    "\"server_ip\":5,\"server_port\":\"q\",\"host\":6,\"path\":7,\"query\":8,"
                    "\"http_version\":9,\"content_type\":10,\"x_forwarded_for\":11,\"ttfb_us\":\"t\"}";
    sf_record r;
    sf_field_errors errs = {0};
    CU_ASSERT_EQUAL(sf_record_from_text(j, strlen(j), &r, &errs), -1);
    CU_ASSERT_EQUAL(errs.count, SF_FIELD_ERRORS_MAX);
}

static void test_copy_is_deep(void)
{
    sf_record a, b;
    sf_record_init(&a);
    sf_record_set_text(&a.endpoint, "/x", 2);
    sf_record_set_text(&a.host, "h", 1);
    CU_ASSERT_EQUAL_FATAL(sf_record_copy(&b, &a), 0);
    CU_ASSERT_PTR_NOT_EQUAL(a.endpoint, b.endpoint);
    CU_ASSERT_STRING_EQUAL(b.host, "h");
    sf_record_clear(&a);
    CU_ASSERT_STRING_EQUAL(b.endpoint, "/x");
    sf_record_clear(&b);
}

void sf_test_register_common_record(void)
{
    CU_pSuite s = CU_add_suite("common_record", NULL, NULL);
    CU_add_test(s, "minimal record", test_minimal_record);
    CU_add_test(s, "full record round trip", test_full_record_round_trip);
    CU_add_test(s, "endpoint derived from path", test_endpoint_derived_from_path);
    CU_add_test(s, "bad records name the field", test_bad_records_name_the_field);
    CU_add_test(s, "oversized strings", test_oversized_strings);
    CU_add_test(s, "10,000-deep nesting refused", test_deep_nesting_refused);
    CU_add_test(s, "error list is bounded", test_many_errors_are_bounded);
    CU_add_test(s, "copy is deep", test_copy_is_deep);
}
