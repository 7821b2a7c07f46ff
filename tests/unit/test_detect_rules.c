/* Unit tests: the payload detector (token boundaries, evidence), the reference's rules and
 * the per-route baselines (warm-up, just under and over, MAD = 0, first-seen route, a
 * route that is always slow). */
#include <CUnit/CUnit.h>
#include <stdlib.h>
#include <string.h>

#include "detect_test_util.h"
#include "model/attack_keywords.h"
#include "model/reasons.h"

static void test_tokens_on_boundaries(void)
{
    size_t c[SF_ATTACK_CLASS_COUNT] = {0};
    sf_attack_count("/apple-touch-icon-120x120.png", c);
    sf_attack_count("/fonts/3f9axp_4b1c.woff", c);
    sf_attack_count("/blog/last_update_of_the_year", c);
    CU_ASSERT_EQUAL(c[SF_ATTACK_SQLI], 0);
    sf_attack_count("id=0x41414141", c);
    CU_ASSERT_EQUAL(c[SF_ATTACK_SQLI], 1);
    memset(c, 0, sizeof c);
    sf_attack_count("q=exec xp_cmdshell", c);
    CU_ASSERT_EQUAL(c[SF_ATTACK_SQLI], 3); /* "exec ", "xp_", "xp_cmdshell" */
    CU_ASSERT_EQUAL(sf_backup_ext_count("/x.shtml"), 0);
    CU_ASSERT_EQUAL(sf_backup_ext_count("/site.tar.gz"), 0); /* published downloads */
    CU_ASSERT_EQUAL(sf_backup_ext_count("/index.php.bak"), 1);
}

static void test_strong_tokens_and_weak_ones(void)
{
    sf_attack_match m;
    CU_ASSERT_TRUE(sf_attack_find_strong("id=1' or '1'='1", &m));
    CU_ASSERT_EQUAL(m.cls, SF_ATTACK_SQLI);
    CU_ASSERT_EQUAL(m.at, 4);
    CU_ASSERT_TRUE(sf_attack_find_strong("q=<img src=x onerror=alert(1)>", &m));
    CU_ASSERT_EQUAL(m.cls, SF_ATTACK_XSS);
    CU_ASSERT_TRUE(sf_attack_find_strong("/a/b/onmouseover =x", &m));
    CU_ASSERT_TRUE(sf_attack_find_strong("f=../../etc/passwd", &m));
    CU_ASSERT_EQUAL(m.cls, SF_ATTACK_TRAVERSAL);
    CU_ASSERT_TRUE(sf_attack_find_strong("cmd=$(id)", &m));
    CU_ASSERT_EQUAL(m.cls, SF_ATTACK_INJECTION);
    CU_ASSERT_TRUE(sf_attack_find_strong("q=`id`", &m));
    CU_ASSERT_TRUE(sf_attack_find_strong("q=test|id", &m));
    CU_ASSERT_TRUE(sf_attack_find_strong("x=() { :; }; /bin/bash -c id", &m));
    CU_ASSERT_FALSE(sf_attack_find_strong("/path;id=3", &m));       /* a matrix parameter */
    CU_ASSERT_FALSE(sf_attack_find_strong("q=it`s fine", &m));      /* a lone backtick */
    CU_ASSERT_FALSE(sf_attack_find_strong("q=a|identity", &m));
    /* ordinary text with weak tokens only, or tokens inside words */
    CU_ASSERT_FALSE(sf_attack_find_strong("q=rock and roll or jazz", &m));
    CU_ASSERT_FALSE(sf_attack_find_strong("/docs/onload-event.html", &m));
    CU_ASSERT_FALSE(sf_attack_find_strong("q=select a band|concert", &m));
    CU_ASSERT_FALSE(sf_attack_find_strong("/.github/readme", &m));
    CU_ASSERT_FALSE(sf_attack_find_strong("/xalert(", &m));
}

static void test_payload_verdict_quotes_evidence(void)
{
    sf_detectors d;
    sf_detectors_init(&d, NULL);
    judged *j = judge_record(&d, "GET", "/search?q=1+union+select+password+from+users", "203.0.113.5",
                             200, 20, T0, "curl/8");
    CU_ASSERT_STRING_EQUAL(j->item.anomaly_type, "sql_injection");
    CU_ASSERT_PTR_NOT_NULL(strstr(first_reason(j), "union select password from users\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(first_reason(j), "token \"union select\""));
    CU_ASSERT(j->item.score >= 0.95);
    judged_free(j);
    CU_ASSERT_STRING_EQUAL(judge_type(&d, "GET", "/apple-touch-icon-120x120.png", "203.0.113.6", 404, 5, T0),
                           "normal");
    sf_detectors_destroy(&d);
}

/* n records of ms on a route, one a second. */
static void warm(sf_detectors *d, const char *endpoint, int n, double ms, int64_t from)
{
    for (int i = 0; i < n; i++)
        CU_ASSERT_STRING_EQUAL(judge_type(d, "GET", endpoint, "10.0.0.1", 200, ms, from + i * SEC), "normal");
}

static void test_reference_rules_while_warming_up(void)
{
    sf_detectors d;
    sf_detectors_init(&d, NULL);
    CU_ASSERT_STRING_EQUAL(judge_type(&d, "GET", "/a", "10.0.0.1", 200, 3000, T0), "normal");
    CU_ASSERT_STRING_EQUAL(judge_type(&d, "GET", "/b", "10.0.0.1", 200, 3000.5, T0), "response_time_spike");
    CU_ASSERT_STRING_EQUAL(judge_type(&d, "GET", "/c", "10.0.0.1", 503, 10, T0), "server_error");
    sf_detectors_destroy(&d);
}

static void test_baseline_edges_mad_zero(void)
{
    sf_detectors d;
    sf_detectors_init(&d, NULL);
    /* identical latencies: MAD = 0, the floor of a quarter doubling applies; unusual is
     * above median + 6 * 1.4826 quarter-doublings, about 230 ms for a 50 ms route */
    warm(&d, "/api/items", 40, 50, T0);
    CU_ASSERT_STRING_EQUAL(judge_type(&d, "GET", "/api/items", "10.0.0.1", 200, 220, T0 + 50 * SEC), "normal");
    judged *j = judge_record(&d, "GET", "/api/items", "10.0.0.1", 200, 240, T0 + 51 * SEC, "x");
    CU_ASSERT_STRING_EQUAL(j->item.anomaly_type, "response_time_spike");
    CU_ASSERT_PTR_NOT_NULL(strstr(first_reason(j), "usual median of 48.4 ms (unusual above 230 ms"));
    CU_ASSERT(j->item.score >= 0.6 && j->item.score < 0.7); /* just past: graded low */
    judged_free(j);
    j = judge_record(&d, "GET", "/api/items", "10.0.0.1", 200, 20000, T0 + 52 * SEC, "x");
    CU_ASSERT(j->item.score > 0.8); /* far past: graded high */
    judged_free(j);
    sf_detectors_destroy(&d);
}

static void test_baseline_minimum_volume(void)
{
    sf_detectors d;
    sf_detectors_init(&d, NULL);
    warm(&d, "/cold", 19, 50, T0);
    CU_ASSERT_STRING_EQUAL(judge_type(&d, "GET", "/cold", "10.0.0.1", 200, 400, T0 + 30 * SEC), "normal");
    sf_detectors_destroy(&d);
    sf_detectors_init(&d, NULL);
    warm(&d, "/warm", 20, 50, T0);
    CU_ASSERT_STRING_EQUAL(judge_type(&d, "GET", "/warm", "10.0.0.1", 200, 400, T0 + 30 * SEC),
                           "response_time_spike");
    sf_detectors_destroy(&d);
}

static void test_slow_route_is_its_own_normal(void)
{
    sf_detectors d;
    sf_detectors_init(&d, NULL);
    for (int i = 0; i < 30; i++) /* the first ones trip the 3 s rule: no baseline yet */
        judge_type(&d, "GET", "/reports/yearly", "10.0.0.1", 200, 5000, T0 + i * SEC);
    CU_ASSERT_STRING_EQUAL(judge_type(&d, "GET", "/reports/yearly", "10.0.0.1", 200, 5600, T0 + 40 * SEC),
                           "normal");
    sf_detectors_destroy(&d);
}

static void test_first_seen_route_against_the_site(void)
{
    sf_detectors d;
    sf_detectors_init(&d, NULL);
    warm(&d, "/", 40, 50, T0);
    /* a new route: no baseline of its own; the 3 s rule applies when the value is also rare
     * for the site */
    CU_ASSERT_STRING_EQUAL(judge_type(&d, "GET", "/new", "10.0.0.1", 200, 2900, T0 + 50 * SEC), "normal");
    CU_ASSERT_STRING_EQUAL(judge_type(&d, "GET", "/new2", "10.0.0.1", 200, 4000, T0 + 51 * SEC),
                           "response_time_spike");
    sf_detectors_destroy(&d);
    /* a site where 4 s answers are common: the same first-seen 4 s route is normal */
    sf_detectors_init(&d, NULL);
    for (int i = 0; i < 60; i++)
        judge_type(&d, "GET", i % 2 ? "/slow" : "/", "10.0.0.1", 200, i % 2 ? 4500 : 50, T0 + i * SEC);
    CU_ASSERT_STRING_EQUAL(judge_type(&d, "GET", "/new", "10.0.0.1", 200, 4000, T0 + 70 * SEC), "normal");
    sf_detectors_destroy(&d);
}

static void test_large_request_rule_is_strict(void)
{
    sf_detectors d;
    sf_detectors_init(&d, NULL);
    int64_t sizes[2] = {10000000, 10000001};
    const char *want[2] = {"normal", "large_request"};
    for (int k = 0; k < 2; k++) {
        judged j = {0};
        sf_record_init(&j.item.rec);
        sf_record_set_text(&j.item.rec.endpoint, "/upload", 7);
        snprintf(j.item.rec.method, sizeof j.item.rec.method, "POST");
        j.item.rec.status_code = 200;
        j.item.rec.response_time_ms = 30;
        j.item.rec.request_size_bytes = sizes[k];
        sf_ingest_item_prepare(&j.item, T0);
        j.job.items = &j.item;
        j.job.count = 1;
        sf_detect_job(&d, &j.job);
        CU_ASSERT_STRING_EQUAL(j.item.is_anomaly ? j.item.anomaly_type : "normal", want[k]);
        judged_free(&j);
    }
    sf_detectors_destroy(&d);
}

static void test_reasons_never_call_usual_values_rare(void)
{
    sf_iforest m = {0};
    const char *names[1] = {"meta.latency_ms_log"};
    sf_if_feature_stats stats = {0};
    stats.low = 1.0f;
    stats.high = 5.0f;
    m.n_features = 1;
    m.feature_names = (char **)names;
    m.stats = &stats;
    char text[SF_REASON_MAX];
    sf_reason_text(&m, 0, 3.0f, text, sizeof text);
    CU_ASSERT_PTR_NULL(strstr(text, "rare"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "within the usual range"));
    sf_reason_text(&m, 0, 6.0f, text, sizeof text);
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "above the usual"));
}

/* A method is named, never given as its feature code. */
static void test_method_reason_names_the_method(void)
{
    sf_iforest m = {0};
    const char *names[1] = {"meta.method"};
    sf_if_feature_stats stats = {0};
    stats.low = 0.0f;  /* GET */
    stats.high = 1.0f; /* POST */
    m.n_features = 1;
    m.feature_names = (char **)names;
    m.stats = &stats;
    char text[SF_REASON_MAX];
    sf_reason_text(&m, 0, 5.0f, text, sizeof text);
    CU_ASSERT_STRING_EQUAL(text, "method HEAD, not among the site's usual ones (GET, POST)");
    sf_reason_text(&m, 0, 1.0f, text, sizeof text);
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "method POST, usual alone"));
    CU_ASSERT_PTR_NULL(strstr(text, "code"));
}

void sf_test_register_detect_rules(void)
{
    CU_pSuite s = CU_add_suite("detect_rules", NULL, NULL);
    CU_add_test(s, "attack tokens match on token boundaries", test_tokens_on_boundaries);
    CU_add_test(s, "a method reason names the method", test_method_reason_names_the_method);
    CU_add_test(s, "strong tokens flag, weak ones only count", test_strong_tokens_and_weak_ones);
    CU_add_test(s, "payload verdict quotes its evidence", test_payload_verdict_quotes_evidence);
    CU_add_test(s, "reference rules while warming up (strict >)", test_reference_rules_while_warming_up);
    CU_add_test(s, "baseline: just under and over, MAD = 0, graded", test_baseline_edges_mad_zero);
    CU_add_test(s, "baseline: minimum volume", test_baseline_minimum_volume);
    CU_add_test(s, "baseline: an always-slow route is normal", test_slow_route_is_its_own_normal);
    CU_add_test(s, "baseline: a first-seen route against the site", test_first_seen_route_against_the_site);
    CU_add_test(s, "large request rule is strict", test_large_request_rule_is_strict);
    CU_add_test(s, "reasons never call a usual value rare", test_reasons_never_call_usual_values_rare);
}
