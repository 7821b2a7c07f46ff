/* Unit tests: behaviour detectors at their edges, just under and just over each threshold
 * (endpoint scan, brute force per client and distributed, flood per client and per
 * address, page loads and loopback, error-rate spike, latency regression, traffic drop). */
#include <CUnit/CUnit.h>
#include <stdlib.h>
#include <string.h>

#include "collector/detect_clients.h"
#include "detect_test_util.h"

static void test_scan_edges(void)
{
    sf_detectors d;
    sf_detectors_init(&d, NULL);
    char path[64];
    for (int i = 0; i < 9; i++) {
        snprintf(path, sizeof path, "/probe/%c%c", 'a' + i, 'k' + i);
        CU_ASSERT_STRING_EQUAL(judge_type(&d, "GET", path, "203.0.113.1", 404, 5, T0 + i * SEC / 5), "normal");
    }
    CU_ASSERT_STRING_EQUAL(judge_type(&d, "GET", "/probe/zz", "203.0.113.1", 404, 5, T0 + 2 * SEC),
                           "endpoint_scan");
    /* 400 and 403 count too; another client starts from zero */
    CU_ASSERT_STRING_EQUAL(judge_type(&d, "GET", "/probe/aa", "203.0.113.2", 400, 5, T0 + 2 * SEC), "normal");
    /* a minute later the old probes no longer count */
    CU_ASSERT_STRING_EQUAL(judge_type(&d, "GET", "/probe/yy", "203.0.113.1", 404, 5, T0 + 100 * SEC), "normal");
    sf_detectors_destroy(&d);
}

static void test_brute_force_per_client(void)
{
    sf_detectors d;
    sf_detectors_init(&d, NULL);
    for (int i = 0; i < 9; i++)
        CU_ASSERT_STRING_EQUAL(judge_type(&d, "POST", "/api/auth/login", "203.0.113.3", 401, 30, T0 + i * SEC),
                               "normal");
    judged *j = judge_record(&d, "POST", "/api/auth/login", "203.0.113.3", 401, 30, T0 + 9 * SEC, "Mozilla/5.0");
    CU_ASSERT_STRING_EQUAL(j->item.anomaly_type, "brute_force");
    CU_ASSERT_PTR_NOT_NULL(strstr(first_reason(j), "10 failed logins from client 203.0.113.3"));
    judged_free(j);
    /* a 401 on a route that is not about logging in is not a login failure */
    for (int i = 0; i < 15; i++)
        CU_ASSERT_STRING_EQUAL(judge_type(&d, "GET", "/api/orders", "203.0.113.4", 401, 30, T0 + i * SEC), "normal");
    sf_detectors_destroy(&d);
}

static void test_brute_force_distributed(void)
{
    sf_detectors d;
    sf_detectors_init(&d, NULL);
    char ip[32];
    /* 19 failures from 8 clients, none of them near the per-client limit: not yet */
    for (int i = 0; i < 19; i++) {
        snprintf(ip, sizeof ip, "198.51.100.%d", 1 + i % 8);
        CU_ASSERT_STRING_EQUAL(judge_type(&d, "POST", "/login", ip, 401, 30, T0 + i * SEC), "normal");
    }
    judged *j = judge_record(&d, "POST", "/login", "198.51.100.9", 401, 30, T0 + 19 * SEC, "Mozilla/5.0");
    CU_ASSERT_STRING_EQUAL(j->item.anomaly_type, "brute_force");
    CU_ASSERT_PTR_NOT_NULL(strstr(first_reason(j), "distributed brute force on POST /login"));
    CU_ASSERT_EQUAL(j->job.n_incidents, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(j->job.incidents[0].subject, "route POST /login"));
    judged_free(j);
    sf_detectors_destroy(&d);
    /* 24 failures from 3 clients (8 each): too few clients for "distributed" */
    sf_detectors_init(&d, NULL);
    int flagged = 0;
    for (int i = 0; i < 24; i++) {
        snprintf(ip, sizeof ip, "198.51.100.%d", 1 + i % 3);
        flagged += strcmp(judge_type(&d, "POST", "/login", ip, 401, 30, T0 + i * SEC), "normal") != 0;
    }
    CU_ASSERT_EQUAL(flagged, 0);
    sf_detectors_destroy(&d);
}

static void test_flood_bucket_edges(void)
{
    sf_detectors d;
    sf_detectors_init(&d, NULL);
    /* 200 at one instant fill the bucket to its size (a big page load): not a flood */
    for (int i = 0; i < 200; i++)
        CU_ASSERT_STRING_EQUAL(judge_type(&d, "GET", "/static/app.js", "192.0.2.9", 200, 2, T0), "normal");
    CU_ASSERT_STRING_EQUAL(judge_type(&d, "GET", "/static/app.js", "192.0.2.9", 200, 2, T0), "request_flood");
    /* ten seconds later the bucket has drained 100 (10/s): room again */
    CU_ASSERT_STRING_EQUAL(judge_type(&d, "GET", "/static/app.js", "192.0.2.9", 200, 2, T0 + 10 * SEC), "normal");
    sf_detectors_destroy(&d);
}

static void test_many_users_behind_one_address(void)
{
    sf_detectors d;
    sf_detectors_init(&d, NULL);
    char ua[32];
    int flagged = 0;
    /* 40 users (user agents) behind loopback, 150 requests each at once: nobody floods */
    for (int u = 0; u < 40; u++) {
        snprintf(ua, sizeof ua, "browser-%d", u);
        for (int i = 0; i < 150; i++) {
            judged *j = judge_record(&d, "GET", "/", "127.0.0.1", 200, 2, T0, ua);
            flagged += j->item.is_anomaly;
            judged_free(j);
        }
    }
    CU_ASSERT_EQUAL(flagged, 0);
    /* the same from a public address: its budget is 10 clients' (2,000), so it floods */
    const char *type = "normal";
    for (int u = 0; u < 40 && strcmp(type, "normal") == 0; u++) {
        snprintf(ua, sizeof ua, "browser-%d", u);
        for (int i = 0; i < 150; i++) {
            judged *j = judge_record(&d, "GET", "/", "192.0.2.50", 200, 2, T0, ua);
            if (j->item.is_anomaly)
                type = j->item.anomaly_type, flagged++;
            judged_free(j);
        }
    }
    CU_ASSERT_STRING_EQUAL(type, "request_flood");
    sf_detectors_destroy(&d);
}

static void test_forwarded_for_behind_a_proxy(void)
{
    char address[SF_CLIENT_ADDRESS_MAX], key[SF_CLIENT_KEY_MAX];
    sf_record r;
    sf_record_init(&r);
    sf_record_set_text(&r.client_ip, "127.0.0.1", 9);
    sf_record_set_text(&r.x_forwarded_for, "203.0.113.77, 10.0.0.2", 22);
    sf_client_identity(&r, address, key);
    CU_ASSERT_STRING_EQUAL(address, "203.0.113.77");
    sf_record_set_text(&r.client_ip, "198.51.100.3", 12); /* not a proxy: its own address */
    sf_client_identity(&r, address, key);
    CU_ASSERT_STRING_EQUAL(address, "198.51.100.3");
    sf_record_clear(&r);
}

/* n requests on route, one every 1 s from from_us, status and ms. */
static void traffic(sf_detectors *d, const char *route, int n, int status, double ms, int64_t from_us)
{
    for (int i = 0; i < n; i++)
        judge_type(d, "GET", route, "10.0.0.7", status, ms, from_us + i * SEC);
}

static void test_error_rate_spike_edges(void)
{
    sf_detectors d;
    sf_detectors_init(&d, NULL);
    traffic(&d, "/api/cart", 40, 200, 40, T0);
    /* 5xx every second: the 10 s window holds 4 of 10, then 5 of 10 */
    for (int i = 0; i < 4; i++)
        CU_ASSERT_STRING_EQUAL(judge_type(&d, "GET", "/api/cart", "10.0.0.7", 503, 40, T0 + (40 + i) * SEC),
                               "server_error");
    CU_ASSERT_STRING_EQUAL(judge_type(&d, "GET", "/api/cart", "10.0.0.7", 503, 40, T0 + 44 * SEC),
                           "error_rate_spike");
    sf_detectors_destroy(&d);
}

static void test_latency_regression_edges(void)
{
    sf_detectors d;
    sf_detectors_init(&d, NULL);
    traffic(&d, "/api/search", 40, 200, 50, T0);
    /* x20 every second: slow for the route; the fifth in the 10 s window makes half */
    for (int i = 0; i < 4; i++)
        CU_ASSERT_STRING_EQUAL(judge_type(&d, "GET", "/api/search", "10.0.0.7", 200, 1000, T0 + (40 + i) * SEC),
                               "response_time_spike");
    CU_ASSERT_STRING_EQUAL(judge_type(&d, "GET", "/api/search", "10.0.0.7", 200, 1000, T0 + 44 * SEC),
                           "latency_regression");
    sf_detectors_destroy(&d);
}

/* Runs steady traffic (per_minute on /steady and on /other) for minutes, then only /other
 * for silence_s; returns the traffic_drop incidents reported. */
static int drops_after(int per_minute, int silence_s)
{
    sf_detectors d;
    sf_detectors_init(&d, NULL);
    int64_t step = 60 * SEC / per_minute, t = T0;
    for (int i = 0; i < per_minute * 10; i++, t += step) {
        judge_type(&d, "GET", "/steady", "10.0.0.8", 200, 20, t);
        judge_type(&d, "GET", "/other", "10.0.0.8", 200, 20, t);
    }
    int drops = 0;
    for (int64_t end = t + silence_s * SEC; t < end; t += SEC) {
        judged *j = judge_record(&d, "GET", "/other", "10.0.0.8", 200, 20, t, "x");
        for (size_t k = 0; k < j->job.n_incidents; k++)
            drops += strcmp(j->job.incidents[k].type, "traffic_drop") == 0 &&
                     strstr(j->job.incidents[k].subject, "/steady") != NULL;
        judged_free(j);
    }
    sf_detectors_destroy(&d);
    return drops;
}

static void test_traffic_drop_edges(void)
{
    CU_ASSERT_EQUAL(drops_after(30, 200), 1);  /* 60 expected in 120 s, none came: reported once */
    CU_ASSERT_EQUAL(drops_after(30, 100), 0);  /* not a whole window of silence yet */
    CU_ASSERT_EQUAL(drops_after(9, 300), 0);   /* 18 expected: under the 20 minimum */
}

void sf_test_register_detect_behaviour(void)
{
    CU_pSuite s = CU_add_suite("detect_behaviour", NULL, NULL);
    CU_add_test(s, "endpoint scan: 9 vs 10 distinct error paths", test_scan_edges);
    CU_add_test(s, "brute force per client: 9 vs 10", test_brute_force_per_client);
    CU_add_test(s, "brute force distributed: 19 vs 20, enough clients", test_brute_force_distributed);
    CU_add_test(s, "flood: the bucket at 200 vs 201, drains", test_flood_bucket_edges);
    CU_add_test(s, "loopback and NAT: many users are not one flood", test_many_users_behind_one_address);
    CU_add_test(s, "X-Forwarded-For only behind a proxy address", test_forwarded_for_behind_a_proxy);
    CU_add_test(s, "error-rate spike: 4 vs 5 of 10", test_error_rate_spike_edges);
    CU_add_test(s, "latency regression: 4 vs 5 of 10 slow", test_latency_regression_edges);
    CU_add_test(s, "traffic drop: silence, too short, too quiet a route", test_traffic_drop_edges);
}
