/* Tests for the one-pass record scanner: the shapes sensors and clients send are decoded
 * on the fast path (not silently handed to Jansson), everything else falls back, and in
 * every case the result equals the Jansson decoder's (record_scan_differential.c). */
#include <CUnit/CUnit.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record_scan_differential.h"
#include "test_support.h"

#define REC "\"endpoint\":\"/api/users/7?x=1\",\"method\":\"GET\",\"status_code\":200,\"response_time_ms\":12.5"
#define BATCH(records) "{\"sensor_id\":\"s1\",\"batch_id\":\"s1-1-1\",\"records\":[" records "]}"

typedef struct scan_case {
    const char *name, *text;
    int single_fast, batch_fast; /* expected paths */
    size_t records;              /* batch records on the fast path */
} scan_case;

static const scan_case cases[] = {
    {"minimal record", "{" REC "}", 1, 0, 0},
    {"whitespace everywhere", " {\n\t\"endpoint\" : \"/a\" ,\r\n \"method\":\"GET\", \"status_code\" : 404 ,"
                              "\"response_time_ms\" : 1e2 } \n", 1, 0, 0},
    {"every sensor field",
     "{" REC ",\"request_size_bytes\":0,\"response_size_bytes\":null,\"ip_address\":\"::FFFF:10.0.0.1\","
     "\"user_agent\":\"Mozilla\\/5.0 \\\"quoted\\\" \\\\ tab\\t\",\"timestamp\":\"2026-11-24T09:16:01.5+01:00\","
     "\"client_ip\":\"10.0.0.1\",\"client_port\":50000,\"server_ip\":\"10.0.0.2\",\"server_port\":80,"
     "\"host\":\"h\",\"path\":\"/a\",\"query\":\"b=1\",\"http_version\":\"1.1\",\"content_type\":\"text/plain\","
     "\"x_forwarded_for\":\"1.2.3.4\",\"ttfb_us\":5,\"duration_us\":9,\"req_body_bytes\":3,"
     "\"resp_body_bytes\":0,\"flags\":[\"gap\", \"midstream\"]}", 1, 0, 0},
    {"UTF-8 text", "{" REC ",\"user_agent\":\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"}", 1, 0, 0},
    {"invalid record on the fast path", "{\"endpoint\":1,\"method\":\"G E\",\"status_code\":99,"
                                        "\"response_time_ms\":-1,\"flags\":[\"bogus\"]}", 1, 0, 0},
    {"reals and integers", "{" REC ",\"request_size_bytes\":1.0,\"ttfb_us\":-0,\"duration_us\":123456789012345678}",
     1, 0, 0},
    {"batch", BATCH("{" REC "},{" REC ",\"ip_address\":\"10.0.0.1\"},{\"endpoint\":\"\"}"), 0, 1, 3},
    {"empty batch", "{\"records\":[],\"batch_id\":\"b\",\"sensor_id\":\"s\"}", 0, 1, 0},
    /* everything below falls back to Jansson */
    {"unknown key", "{" REC ",\"extra\":1}", 0, 0, 0},
    {"\\u escape", "{" REC ",\"user_agent\":\"\\u00e9\"}", 0, 0, 0},
    {"\\u0000", "{" REC ",\"user_agent\":\"a\\u0000b\"}", 0, 0, 0},
    {"duplicate key", "{" REC ",\"method\":\"PUT\"}", 0, 0, 0},
    {"object value", "{" REC ",\"host\":{}}", 0, 0, 0},
    {"invalid UTF-8", "{" REC ",\"host\":\"\xc0\xaf\"}", 0, 0, 0},
    {"UTF-16 surrogate in UTF-8", "{" REC ",\"host\":\"\xed\xa0\x80\"}", 0, 0, 0},
    {"control character", "{" REC ",\"host\":\"a\tb\"}", 0, 0, 0},
    {"leading zero", "{" REC ",\"ttfb_us\":01}", 0, 0, 0},
    {"19-digit integer", "{" REC ",\"ttfb_us\":1234567890123456789}", 0, 0, 0},
    {"real overflow", "{" REC ",\"response_time_ms\":1e999}", 0, 0, 0},
    {"trailing comma", "{" REC ",}", 0, 0, 0},
    {"trailing garbage", "{" REC "} x", 0, 0, 0},
    {"truncated", "{" REC, 0, 0, 0},
    {"empty text", "", 0, 0, 0},
    {"not an object", "[{" REC "}]", 0, 0, 0},
    {"batch without batch_id", "{\"sensor_id\":\"s\",\"records\":[]}", 0, 0, 0},
    {"batch with empty id", "{\"sensor_id\":\"\",\"batch_id\":\"b\",\"records\":[]}", 0, 0, 0},
    {"batch with a non-object record", BATCH("{" REC "},7"), 0, 0, 0},
    {"batch with a flag that is not a string", BATCH("{" REC ",\"flags\":[1]}"), 0, 0, 0},
};

static void test_cases(void)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const scan_case *c = &cases[i];
        sf_scan_outcome out;
        char why[160] = "";
        int rc = sf_record_scan_check(c->text, strlen(c->text), &out, why, sizeof why);
        if (rc != 0 || out.single_fast != c->single_fast || out.batch_fast != c->batch_fast ||
            (c->batch_fast && out.records != c->records)) {
            fprintf(stderr, "scan case '%s': rc %d (%s), single %d batch %d records %zu\n", c->name,
                    rc, why, out.single_fast, out.batch_fast, out.records);
            CU_FAIL("scan case");
        }
    }
}

/* Every seed of the JSON fuzz corpora goes through the differential check too. */
static void test_fuzz_corpora(void)
{
    const char *dirs[] = {"record_json", "record_scan"};
    int files = 0;
    for (size_t d = 0; d < 2; d++) {
        char path[512];
        snprintf(path, sizeof path, "%s/tests/fuzz/corpus/%s", SF_SOURCE_DIR, dirs[d]);
        DIR *dir = opendir(path);
        CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
        struct dirent *e;
        while ((e = readdir(dir))) {
            if (e->d_name[0] == '.')
                continue;
            char file[1024], why[160] = "";
            size_t len;
            snprintf(file, sizeof file, "%s/%s", path, e->d_name);
            char *text = sf_test_read_file(file, &len);
            CU_ASSERT_PTR_NOT_NULL_FATAL(text);
            if (sf_record_scan_check(text, len, NULL, why, sizeof why) != 0) {
                fprintf(stderr, "%s: %s\n", file, why);
                CU_FAIL("corpus file");
            }
            files++;
            free(text);
        }
        closedir(dir);
    }
    CU_ASSERT_TRUE(files >= 4);
}

void sf_test_register_common_record_scan(void)
{
    CU_pSuite s = CU_add_suite("common_record_scan", NULL, NULL);
    CU_add_test(s, "fast path, fallbacks, and agreement with Jansson", test_cases);
    CU_add_test(s, "fuzz corpora agree", test_fuzz_corpora);
}
