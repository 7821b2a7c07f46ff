/* Unit tests: the HTTP feature extractor (values, sensor vs API records, attacks) and
 * feature rows from the CSIC 2010 files. */
#include <CUnit/CUnit.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/features_http.h"
#include "model/http_dataset.h"
#include "model/model.h"
#include "model/request_profile.h"
#include "model/rng.h"
#include "test_support.h"

static void api_record(sf_record *r, const char *endpoint)
{
    sf_record_init(r);
    sf_record_set_text(&r->endpoint, endpoint, strlen(endpoint));
    strcpy(r->method, "GET");
    r->status_code = 404;
    r->response_time_ms = 99.0;
    r->request_size_bytes = 0;
    r->response_size_bytes = 1023;
}

static void test_values(void)
{
    sf_record r;
    api_record(&r, "/api/users/123?q=a%27b&page=2");
    float f[SF_HTTP_FEATURE_COUNT];
    sf_features_from_record(&r, NULL, 0, f);
    CU_ASSERT_DOUBLE_EQUAL(f[SF_HF_LATENCY_LOG], log1p(99.0), 1e-5);
    CU_ASSERT_DOUBLE_EQUAL(f[SF_HF_RESPONSE_BYTES_LOG], log(1024.0), 1e-5);
    CU_ASSERT_EQUAL(f[SF_HF_STATUS_CLASS], 4);
    CU_ASSERT_EQUAL(f[SF_HF_METHOD], 0);
    CU_ASSERT_EQUAL(f[SF_HF_PATH_LENGTH], 14);
    CU_ASSERT_EQUAL(f[SF_HF_PATH_DEPTH], 3);
    CU_ASSERT_EQUAL(f[SF_HF_PATH_MAX_SEGMENT], 5);
    CU_ASSERT_EQUAL(f[SF_HF_QUERY_LENGTH], 14);
    CU_ASSERT_EQUAL(f[SF_HF_QUERY_PARAMS], 2);
    CU_ASSERT_EQUAL(f[SF_HF_ARGS_MAX_VALUE], 3); /* "a'b" decoded */
    CU_ASSERT_EQUAL(f[SF_HF_ARGS_SPECIAL], 1);
    CU_ASSERT_EQUAL(f[SF_HF_BODY_LENGTH], 0);
    CU_ASSERT_EQUAL(f[SF_HF_CTX_CLIENT_RATE], 0);
    sf_record_clear(&r);
}

/* A HEAD is a GET without the body: same method feature, so a site's link checkers and
 * monitors are not unusual for their method alone; other methods keep their own codes. */
static void test_head_is_get(void)
{
    sf_record r;
    api_record(&r, "/index.html");
    float get[SF_HTTP_FEATURE_COUNT], head[SF_HTTP_FEATURE_COUNT];
    sf_features_from_record(&r, NULL, 0, get);
    strcpy(r.method, "HEAD");
    sf_features_from_record(&r, NULL, 0, head);
    CU_ASSERT_EQUAL(head[SF_HF_METHOD], get[SF_HF_METHOD]);
    strcpy(r.method, "OPTIONS");
    sf_features_from_record(&r, NULL, 0, head);
    CU_ASSERT_NOT_EQUAL(head[SF_HF_METHOD], get[SF_HF_METHOD]);
    sf_record_clear(&r);
}

static void test_sensor_equals_api(void)
{
    sf_record api, sensor;
    api_record(&api, "/shop/cart?id=3&name=x");
    api_record(&sensor, "http://example.com:8080/shop/cart?id=3&name=x");
    sf_record_set_text(&sensor.path, "/shop/cart", 10);
    sf_record_set_text(&sensor.query, "id=3&name=x", 11);
    sf_record_set_text(&sensor.host, "example.com", 11);
    float a[SF_HTTP_FEATURE_COUNT], b[SF_HTTP_FEATURE_COUNT];
    sf_features_from_record(&api, NULL, 0, a);
    sf_features_from_record(&sensor, NULL, 0, b);
    CU_ASSERT_EQUAL(memcmp(a, b, sizeof a), 0);
    sf_record_clear(&api);
    sf_record_clear(&sensor);
}

static void test_attacks(void)
{
    sf_record r;
    float f[SF_HTTP_FEATURE_COUNT];
    api_record(&r, "/login?user=%27%20OR%201%3D1--&x=%3Cscript%3Ealert(1)%3C/script%3E");
    sf_features_from_record(&r, NULL, 0, f);
    CU_ASSERT(f[SF_HF_KW_SQLI] >= 2);
    CU_ASSERT(f[SF_HF_KW_XSS] >= 2);
    sf_record_clear(&r);
    api_record(&r, "/files/..%2F..%2Fetc%2Fpasswd");
    sf_features_from_record(&r, "a=1%0d%0aSet-Cookie:x", 21, f);
    CU_ASSERT(f[SF_HF_KW_TRAVERSAL] >= 3);
    CU_ASSERT(f[SF_HF_KW_INJECTION] >= 2);
    CU_ASSERT_EQUAL(f[SF_HF_BODY_PARAMS], 1);
    sf_record_clear(&r);
    api_record(&r, "/index.jsp.BAK");
    sf_features_from_record(&r, NULL, 0, f);
    CU_ASSERT_EQUAL(f[SF_HF_KW_BACKUP_EXT], 1);
    sf_record_clear(&r);
}

static void test_schema(void)
{
    CU_ASSERT_STRING_EQUAL(sf_http_feature_names[0], "meta.latency_ms_log");
    CU_ASSERT_STRING_EQUAL(sf_http_feature_names[SF_HTTP_FEATURE_COUNT - 1],
                           "ctx.client_distinct_paths_1m");
    CU_ASSERT_NOT_EQUAL(sf_http_schema_hash(), 0);
}

static void test_csic_file(void)
{
    sf_dataset ds;
    char err[512];
    CU_ASSERT_EQUAL_FATAL(sf_http_dataset_init(&ds), 0);
    long n = sf_http_dataset_read_file(sf_test_data_path("csic2010/anomalousTrafficTest.txt.gz"),
                                       1, NULL, &ds, err, sizeof err);
    if (n < 0)
        fprintf(stderr, "\n  %s\n", err);
    CU_ASSERT_EQUAL(n, 25065);
    CU_ASSERT_EQUAL(ds.rows, 25065);
    sf_dataset_free(&ds);
}

static void learn(sf_profile *p, const char *endpoint, int times)
{
    for (int i = 0; i < times; i++) {
        sf_record r;
        api_record(&r, endpoint);
        CU_ASSERT_EQUAL(sf_profile_learn(p, &r, NULL, 0), 0);
        sf_record_clear(&r);
    }
}

static void describe(const sf_profile *p, const char *endpoint, const char *body, float *out)
{
    sf_record r;
    api_record(&r, endpoint);
    sf_profile_features(p, &r, body, body ? strlen(body) : 0, out);
    sf_record_clear(&r);
}

static void test_profile(void)
{
    sf_profile *p = sf_profile_new();
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    learn(p, "/shop/item/12?id=3&name=ab", 30);
    learn(p, "/shop/item/7?id=42&name=ba", 30);
    float f[SF_PROFILE_FEATURE_COUNT];
    describe(p, "/shop/item/99?id=4&name=ab", NULL, f); /* {n} route, known everything */
    CU_ASSERT_EQUAL(f[SF_PF_ROUTE_NOVELTY], 0);
    CU_ASSERT(f[SF_PF_NAME_RARITY] < 0.1);
    CU_ASSERT(f[SF_PF_SURPRISE] < 2.0);
    describe(p, "/shop/item/1?id=3&nombre=ab", NULL, f); /* unknown parameter name */
    CU_ASSERT_DOUBLE_EQUAL(f[SF_PF_NAME_RARITY], log2(62.0), 1e-4);
    describe(p, "/shop/item/1?id=3%27&name=ab", NULL, f); /* a quote never seen in id */
    CU_ASSERT_DOUBLE_EQUAL(f[SF_PF_BYTE_RARITY], log2(62.0), 1e-4);
    describe(p, "/admin", NULL, f);
    CU_ASSERT_DOUBLE_EQUAL(f[SF_PF_ROUTE_NOVELTY], log2(62.0), 1e-4);
    describe(p, "/shop/item/1", "id=3&name=abababababababab", f); /* form body, long value */
    CU_ASSERT_DOUBLE_EQUAL(f[SF_PF_LENGTH_RATIO], log2(17.0 / 3.0), 1e-4);
    CU_ASSERT_DOUBLE_EQUAL(f[SF_PF_SURPRISE], f[SF_PF_NAME_RARITY] + f[SF_PF_BYTE_RARITY] +
                                                  f[SF_PF_LENGTH_RATIO], 1e-4);
    sf_profile_free(p);
}

/* An HTTP model with a profile: trained, saved, loaded, and the collector's one-call row. */
static void test_http_model_round_trip(void)
{
    sf_dataset ds;
    char err[512];
    const char *paths[] = {sf_test_source_path("tests/fuzz/corpus/model_http/normal3.txt")};
    sf_profile *profile = NULL;
    CU_ASSERT_EQUAL_FATAL(sf_http_dataset_init(&ds), 0);
    char path_copy[1024];
    snprintf(path_copy, sizeof path_copy, "%s", paths[0]);
    paths[0] = path_copy;
    CU_ASSERT_EQUAL_FATAL(sf_http_dataset_read_training(paths, 1, &ds, &profile, err, sizeof err),
                          3);
    CU_ASSERT_EQUAL_FATAL(sf_dataset_select_columns(&ds, SF_HTTP_DEFAULT_FEATURES, 1), 0);
    sf_model_train_options o;
    sf_model_train_options_default(&o);
    sf_iforest *m = sf_model_train(ds.values, ds.rows, (const char *const *)ds.names, ds.cols,
                                   SF_HTTP_SCHEMA_VERSION, &o, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    m->profile = profile;
    unsigned char *buf;
    size_t len;
    CU_ASSERT_EQUAL_FATAL(sf_model_serialize(m, &buf, &len, err, sizeof err), 0);
    sf_iforest *back = sf_model_load_buffer(buf, len, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(back);
    CU_ASSERT_PTR_NOT_NULL(back->profile);
    sf_record r;
    api_record(&r, "/tienda1/publico/anadir.jsp?id=3%27--");
    sf_http_context ctx = {5, 0.5f, 2};
    float a[SF_HTTP_FEATURE_COUNT], b[SF_HTTP_FEATURE_COUNT];
    CU_ASSERT_EQUAL(sf_model_features(m, &r, NULL, 0, &ctx, a), 0);
    CU_ASSERT_EQUAL(sf_model_features(back, &r, NULL, 0, &ctx, b), 0);
    CU_ASSERT_EQUAL(memcmp(a, b, m->n_features * sizeof *a), 0);
    int rate = sf_if_feature_index(back, "ctx.client_rate_1m");
    CU_ASSERT_FATAL(rate >= 0);
    CU_ASSERT_EQUAL(b[rate], 5);
    CU_ASSERT_EQUAL(sf_if_score(m, a), sf_if_score(back, b));
    sf_record_clear(&r);
    free(buf);
    sf_if_free(back);
    sf_if_free(m);
    sf_dataset_free(&ds);
}

/* The collector's path: records in, HTTP model out, attacks scored above the threshold. */
static void test_train_http_from_records(void)
{
    enum { N = 2000 };
    static sf_record recs[N];
    const sf_record *ptrs[N];
    char endpoint[128], word[12];
    sf_rng rng;
    sf_rng_seed(&rng, 99, 0);
    for (int i = 0; i < N; i++) {
        /* Search words with English-like letter frequencies: rare letters make the
         * profile's byte rarity vary over normal traffic, as it does on real sites. */
        size_t len = 3 + sf_rng_below(&rng, 8);
        for (size_t k = 0; k < len; k++) {
            double u = sf_rng_unit(&rng);
            word[k] = "etaoinshrdlucmfwypvbgkjqxz"[(size_t)(26 * u * u * u)];
        }
        word[len] = '\0';
        snprintf(endpoint, sizeof endpoint, "/api/users/%d?page=%d&q=%s", i * 7 % 1000, i % 9,
                 word);
        api_record(&recs[i], endpoint);
        recs[i].response_time_ms = 20 + i % 30;
        ptrs[i] = &recs[i];
    }
    sf_model_train_options o;
    sf_model_train_options_default(&o);
    o.forest.seed = 4;
    o.forest.range_extension = SF_HTTP_RANGE_EXTENSION;
    char err[256];
    sf_iforest *m = sf_model_train_http(ptrs, N, NULL, NULL, &o, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_PTR_NOT_NULL(m->profile);
    CU_ASSERT(sf_if_feature_index(m, "profile.surprise") >= 0);
    CU_ASSERT(sf_if_feature_index(m, "path.length") < 0); /* not in the default set */
    float row[SF_HTTP_FEATURE_COUNT];
    sf_record r;
    api_record(&r, "/api/users/55?page=3&q=tea");
    r.response_time_ms = 30;
    CU_ASSERT_EQUAL(sf_model_features(m, &r, NULL, 0, NULL, row), 0);
    double normal_score = sf_if_score(m, row);
    CU_ASSERT(normal_score < m->threshold);
    sf_record_clear(&r);
    api_record(&r, "/api/users/55?page=3&q=tea%27%20or%20%271%27=%271");
    r.response_time_ms = 30;
    CU_ASSERT_EQUAL(sf_model_features(m, &r, NULL, 0, NULL, row), 0);
    int surprise = sf_if_feature_index(m, "profile.surprise");
    CU_ASSERT_FATAL(surprise >= 0);
    CU_ASSERT(row[surprise] > 2 * m->stats[surprise].high);
    /* Beyond the training range: isolated at once thanks to the range extension (without
     * it, a forest scores such a point like the most extreme training row). */
    CU_ASSERT(sf_if_score(m, row) >= m->threshold);
    CU_ASSERT(sf_if_score(m, row) > normal_score + 0.1);
    sf_reason reasons[3];
    CU_ASSERT_FATAL(sf_model_reasons(m, &r, NULL, 0, row, reasons, 3) >= 1);
    CU_ASSERT_EQUAL(reasons[0].feature, surprise);
    CU_ASSERT_PTR_NOT_NULL(strstr(reasons[0].text, "parameter 'q' contains "));
    sf_record_clear(&r);
    sf_if_free(m);
    for (int i = 0; i < N; i++)
        sf_record_clear(&recs[i]);
}

void sf_test_register_model_features(void)
{
    CU_pSuite s = CU_add_suite("model_features", NULL, NULL);
    CU_add_test(s, "feature values", test_values);
    CU_add_test(s, "HEAD has GET's method code", test_head_is_get);
    CU_add_test(s, "sensor and API records give the same row", test_sensor_equals_api);
    CU_add_test(s, "attack indicators", test_attacks);
    CU_add_test(s, "schema", test_schema);
    CU_add_test(s, "CSIC 2010 anomalous file parses completely", test_csic_file);
    CU_add_test(s, "request profile features", test_profile);
    CU_add_test(s, "HTTP model with profile: round trip and one-call rows",
                test_http_model_round_trip);
    CU_add_test(s, "HTTP model trained from records (the collector's path)",
                test_train_http_from_records);
}
