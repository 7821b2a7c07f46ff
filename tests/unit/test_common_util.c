/* Tests for the time, address and logging helpers. */
#include <CUnit/CUnit.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/addr.h"
#include "common/log.h"
#include "common/time_util.h"
#include "test_support.h"

static void test_time_round_trip(void)
{
    char buf[SF_RFC3339_LEN];
    int64_t us;
    CU_ASSERT_STRING_EQUAL(sf_time_format(0, buf, sizeof buf), "1970-01-01T00:00:00.000000Z");
    CU_ASSERT_EQUAL(sf_time_parse("2024-02-29T23:59:59.5Z", &us), 0);
    CU_ASSERT_STRING_EQUAL(sf_time_format(us, buf, sizeof buf), "2024-02-29T23:59:59.500000Z");
    CU_ASSERT_EQUAL(sf_time_parse("2024-03-01 01:00:00+02:00", &us), 0);
    CU_ASSERT_STRING_EQUAL(sf_time_format(us, buf, sizeof buf), "2024-02-29T23:00:00.000000Z");
    CU_ASSERT_EQUAL(sf_time_parse("2024-03-01T00:00:00.123456789", &us), 0);
    CU_ASSERT_EQUAL(us % 1000000, 123456);
}

static void test_time_rejects(void)
{
    static const char *const bad[] = {
        "", "2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z", "2024-01-01", "2024-01-01T24:00:00Z",
        "2024-01-01T00:00:00+25:00", "2024-01-01T00:00:00.Z", "2024-01-01T00:00:00Zjunk",
        "1900-01-01T00:00:00Z", "2024-01-01T00:00:00.1234567890Z", "abcd-ef-ghTij:kl:mnZ",
    };
    int64_t us;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CU_ASSERT_EQUAL(sf_time_parse(bad[i], &us), -1);
}

static void test_addresses(void)
{
    char out[SF_ADDR_TEXT_MAX], host[64], err[128];
    uint16_t port;
    CU_ASSERT(sf_addr_canonical("2001:DB8:0:0::1", out) == 0 && strcmp(out, "2001:db8::1") == 0);
    CU_ASSERT_EQUAL(sf_addr_canonical("1.2.3", out), -1);
    CU_ASSERT_TRUE(sf_addr_is_loopback("127.0.0.2"));
    CU_ASSERT_TRUE(sf_addr_is_loopback("::1"));
    CU_ASSERT_FALSE(sf_addr_is_loopback("10.0.0.1"));
    CU_ASSERT(sf_hostport_parse("[::1]:8080", host, sizeof host, &port, err, sizeof err) == 0 &&
              strcmp(host, "::1") == 0 && port == 8080);
    CU_ASSERT(sf_hostport_parse(":9", host, sizeof host, &port, err, sizeof err) == 0 &&
              strcmp(host, "127.0.0.1") == 0 && port == 9);
    CU_ASSERT_EQUAL(sf_hostport_parse("host:99999", host, sizeof host, &port, err, sizeof err), -1);
    CU_ASSERT_EQUAL(sf_hostport_parse("nocolon", host, sizeof host, &port, err, sizeof err), -1);
}

static void test_log_lines_are_json(void)
{
    char *dir = sf_test_mkdtemp("log");
    char path[512];
    snprintf(path, sizeof path, "%s/log", dir);
    FILE *f = fopen(path, "w+");
    sf_log_set_fd(fileno(f));
    sf_log_set_correlation_id("abc-123");
    sf_log(SF_LOG_WARN, "disk \"full\"", json_pack("{s:i}", "free", 0));
    sf_log_set_correlation_id(NULL);
    sf_log_debug("hidden at info level");
    sf_log_info("plain %d", 7);
    sf_log_set_fd(-1);
    fclose(f);
    size_t len;
    char *text = sf_test_read_file(path, &len);
    char *second = strchr(text, '\n');
    CU_ASSERT_PTR_NOT_NULL_FATAL(second);
    *second++ = '\0';
    json_t *a = json_loads(text, 0, NULL), *b = json_loads(second, JSON_DISABLE_EOF_CHECK, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(a, "level")), "warn");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(a, "msg")), "disk \"full\"");
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(a, "correlation_id")), "abc-123");
    CU_ASSERT_EQUAL(json_integer_value(json_object_get(a, "free")), 0);
    CU_ASSERT_EQUAL(strlen(json_string_value(json_object_get(a, "ts"))), 27);
    CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(b, "msg")), "plain 7");
    CU_ASSERT_PTR_NULL(json_object_get(b, "correlation_id"));
    json_decref(a);
    json_decref(b);
    free(text);
    sf_test_rmtree(dir);
    free(dir);
}

void sf_test_register_common_util(void)
{
    CU_pSuite s = CU_add_suite("common_util", NULL, NULL);
    CU_add_test(s, "RFC 3339 round trip", test_time_round_trip);
    CU_add_test(s, "RFC 3339 rejects", test_time_rejects);
    CU_add_test(s, "addresses", test_addresses);
    CU_add_test(s, "log lines are JSON", test_log_lines_are_json);
}
