/* Unit tests: per-client context (windows of a minute, distinct error paths, auth
 * failures, the leaky bucket, bounded table). */
#include <CUnit/CUnit.h>
#include <stdio.h>

#include "collector/detect_clients.h"

static void test_client_minute(void)
{
    sf_client_table *t = sf_client_table_new(64);
    sf_client_minute m;
    int64_t t0 = 1000LL * 1000000;
    for (int i = 0; i < 30; i++) {
        char path[32];
        snprintf(path, sizeof path, "/admin/%d", i);
        sf_client_observe(t, "10.0.0.1|1", t0 + i * 1000000LL, path, 404, false, 10, &m);
    }
    CU_ASSERT_EQUAL(m.requests, 30);
    CU_ASSERT_DOUBLE_EQUAL(m.error_ratio, 1.0, 1e-9);
    CU_ASSERT(m.distinct_error_paths > 25 && m.distinct_error_paths < 35);
    CU_ASSERT_DOUBLE_EQUAL(m.bucket, 1.0, 1e-9); /* one a second drains at 10/s */
    /* Two minutes later the old requests no longer count. */
    sf_client_observe(t, "10.0.0.1|1", t0 + 150 * 1000000LL, "/x", 200, false, 10, &m);
    CU_ASSERT_EQUAL(m.requests, 1);
    CU_ASSERT_EQUAL(m.error_ratio, 0);
    for (int i = 0; i < 12; i++)
        sf_client_observe(t, "10.0.0.2|1", t0 + i, "/login", 401, true, 10, &m);
    CU_ASSERT_EQUAL(m.auth_failures, 12);
    /* Far more clients than slots: bounded, with evictions counted. */
    for (int i = 0; i < 10000; i++) {
        char ip[32];
        snprintf(ip, sizeof ip, "10.1.%d.%d|1", i / 256, i % 256);
        sf_client_observe(t, ip, t0 + i, "/", 200, false, 10, &m);
    }
    CU_ASSERT(sf_client_table_evictions(t) > 9000);
    sf_client_table_free(t);
}

static void test_identity(void)
{
    char address[SF_CLIENT_ADDRESS_MAX], a[SF_CLIENT_KEY_MAX], b[SF_CLIENT_KEY_MAX];
    sf_record r;
    sf_record_init(&r);
    sf_client_identity(&r, address, a);
    CU_ASSERT_STRING_EQUAL(address, ""); /* no address: no client */
    sf_record_set_text(&r.ip_address, "198.51.100.1", 12);
    sf_record_set_text(&r.user_agent, "Firefox", 7);
    sf_client_identity(&r, address, a);
    sf_record_set_text(&r.user_agent, "Chrome", 6);
    sf_client_identity(&r, address, b);
    CU_ASSERT_STRING_NOT_EQUAL(a, b); /* two people behind one address */
    CU_ASSERT_TRUE(sf_client_is_loopback("127.0.0.9"));
    CU_ASSERT_TRUE(sf_client_is_loopback("::1"));
    CU_ASSERT_FALSE(sf_client_is_loopback("128.0.0.1"));
    sf_record_clear(&r);
}

void sf_test_register_detect_clients(void)
{
    CU_pSuite s = CU_add_suite("detect_clients", NULL, NULL);
    CU_add_test(s, "per-client minute, bucket and bounds", test_client_minute);
    CU_add_test(s, "who a client is", test_identity);
}
