/* Tests for the access-log line parser of `securaflow-trafficgen replay`
 * (tests/trafficgen/access_log.c): a table of real-format lines and what they hold, and a
 * table of broken lines with the reason each is skipped. */
#include <CUnit/CUnit.h>
#include <string.h>

#include "access_log.h"
#include "common/time_util.h"
#include "test_support.h"

static const struct {
    const char *line, *client, *method, *target, *protocol, *when, *referer, *ua;
    int status;
    long long bytes;
} good[] = {
    {"83.149.9.216 - - [17/May/2015:10:05:03 +0000] \"GET /presentations/x/kibana-search.png HTTP/1.1\" "
     "200 203023 \"http://semicomplete.com/presentations/\" \"Mozilla/5.0 (Macintosh)\"",
     "83.149.9.216", "GET", "/presentations/x/kibana-search.png", "HTTP/1.1",
     "2015-05-17T10:05:03.000000Z", "http://semicomplete.com/presentations/", "Mozilla/5.0 (Macintosh)",
     200, 203023},
    /* the zone is applied; "-" bytes and referer; a user name; escaped quotes in the agent */
    {"10.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] \"POST /login?next=%2F HTTP/1.0\" 401 - \"-\" "
     "\"ua \\\"quoted\\\" \\\\ end\"", "10.0.0.1", "POST", "/login?next=%2F", "HTTP/1.0",
     "2000-10-10T20:55:36.000000Z", "", "ua \"quoted\" \\ end", 401, 0},
    /* the common format (no referer, no agent) and an IPv6 client */
    {"::1 - - [01/Jan/2024:00:00:00 +0530] \"HEAD / HTTP/1.1\" 304 0", "::1", "HEAD", "/", "HTTP/1.1",
     "2023-12-31T18:30:00.000000Z", "", "", 304, 0},
    /* HTTP/0.9: no protocol in the request line */
    {"1.2.3.4 - - [29/Feb/2024:23:59:59 +0000] \"GET /old\" 200 12 \"-\" \"-\"", "1.2.3.4", "GET", "/old",
     "", "2024-02-29T23:59:59.000000Z", "", "", 200, 12},
};

static const struct {
    const char *line, *why;
} bad[] = {
    {"", "too few fields"},
    {"1.2.3.4 - -", "no [time] field"},
    {"1.2.3.4 - - [17/Foo/2015:10:05:03 +0000] \"GET / HTTP/1.1\" 200 1", "bad time"},
    {"1.2.3.4 - - [31/Feb/2015:10:05:03 +0000] \"GET / HTTP/1.1\" 200 1", "bad time"},
    {"1.2.3.4 - - [17/May/2015:10:05:03 +0000] GET / HTTP/1.1 200 1", "no quoted request line"},
    {"1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"GET / HTTP/1.1 200 1", "no quoted request line"},
    {"1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"\\x16\\x03\\x01\" 400 1", "bad request line"},
    {"1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"GET / HTTP/1.1\" 999 1", "bad status"},
    {"1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"GET / HTTP/1.1\" 200 12x", "bad byte count"},
    /* the shared log's one cut line: the agent is not closed */
    {"1.2.3.4 - - [20/May/2015:12:05:17 +0000] \"GET /a HTTP/1.1\" 200 235 \"-\" \"Mozilla/5.0 (compat",
     "bad referer or user agent"},
};

static void test_good_lines(void)
{
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        tg_log_entry e;
        char err[128] = "", when[SF_RFC3339_LEN];
        CU_ASSERT_EQUAL_FATAL(tg_log_parse(good[i].line, &e, err, sizeof err), 0);
        CU_ASSERT_STRING_EQUAL(e.client, good[i].client);
        CU_ASSERT_STRING_EQUAL(e.method, good[i].method);
        CU_ASSERT_STRING_EQUAL(e.target, good[i].target);
        CU_ASSERT_STRING_EQUAL(e.protocol, good[i].protocol);
        CU_ASSERT_STRING_EQUAL(sf_time_format(e.ts_us, when, sizeof when), good[i].when);
        CU_ASSERT_STRING_EQUAL(e.referer, good[i].referer);
        CU_ASSERT_STRING_EQUAL(e.user_agent, good[i].ua);
        CU_ASSERT_EQUAL(e.status, good[i].status);
        CU_ASSERT_EQUAL(e.bytes, good[i].bytes);
    }
}

static void test_bad_lines(void)
{
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tg_log_entry e;
        char err[128] = "";
        CU_ASSERT_EQUAL(tg_log_parse(bad[i].line, &e, err, sizeof err), -1);
        CU_ASSERT_STRING_EQUAL(err, bad[i].why);
    }
}

/* Fields longer than their buffers are cut, never overrun. */
static void test_long_fields(void)
{
    char line[12000], target[5000];
    memset(target, 'a', sizeof target - 1);
    target[0] = '/';
    target[sizeof target - 1] = '\0';
    snprintf(line, sizeof line, "1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"GET %s HTTP/1.1\" 200 1 "
             "\"-\" \"%s\"", target, target);
    tg_log_entry e;
    char err[128];
    CU_ASSERT_EQUAL(tg_log_parse(line, &e, err, sizeof err), -1); /* target too long to keep */
    snprintf(line, sizeof line, "1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"GET /x HTTP/1.1\" 200 1 "
             "\"-\" \"%s\"", target);
    CU_ASSERT_EQUAL(tg_log_parse(line, &e, err, sizeof err), 0);
    CU_ASSERT_EQUAL(strlen(e.user_agent), sizeof e.user_agent - 1);
}

void sf_test_register_trafficgen_access_log(void)
{
    CU_pSuite s = CU_add_suite("trafficgen_access_log", NULL, NULL);
    CU_add_test(s, "lines of the combined and common formats", test_good_lines);
    CU_add_test(s, "broken lines and why", test_bad_lines);
    CU_add_test(s, "over-long fields", test_long_fields);
}
