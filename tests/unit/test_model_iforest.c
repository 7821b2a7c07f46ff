/* Unit tests: Isolation Forest training, scoring, explanations, threshold, and the model
 * file (round trip, determinism, every kind of corrupt file). */
#include <CUnit/CUnit.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "model/model.h"
#include "model/rng.h"
#include "model/schema.h"
#include "test_support.h"

#define N_ROWS 1000
#define N_FEAT 2

static const char *const names2[N_FEAT] = {"x", "y"};

/* A dense Gaussian-ish blob around (0, 0), plus row 0 far away at (50, 50). */
static float *blob_with_outlier(void)
{
    float *rows = malloc(N_ROWS * N_FEAT * sizeof *rows);
    sf_rng rng;
    sf_rng_seed(&rng, 7, 0);
    for (size_t i = 0; i < N_ROWS * N_FEAT; i++) {
        double s = 0;
        for (int k = 0; k < 4; k++)
            s += sf_rng_unit(&rng) - 0.5;
        rows[i] = (float)s;
    }
    rows[0] = rows[1] = 50.0f;
    return rows;
}

static sf_iforest *train_blob(const float *rows, uint64_t seed)
{
    sf_model_train_options o;
    sf_model_train_options_default(&o);
    o.forest.seed = seed;
    o.forest.trained_at_us = 1700000000000000LL;
    char err[256];
    sf_iforest *m = sf_model_train(rows, N_ROWS, names2, N_FEAT, 0, &o, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    return m;
}

static void test_average_path(void)
{
    CU_ASSERT_DOUBLE_EQUAL(sf_if_average_path(0), 0.0, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(sf_if_average_path(1), 0.0, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(sf_if_average_path(2), 1.0, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(sf_if_average_path(256), 10.2448, 1e-4);
    /* 2(ln 2 + gamma) - 4/3 */
    CU_ASSERT_DOUBLE_EQUAL(sf_if_average_path(3), 2 * (log(2) + 0.5772156649) - 4.0 / 3, 1e-9);
}

static void test_outlier_scores(void)
{
    float *rows = blob_with_outlier();
    sf_iforest *m = train_blob(rows, 1);
    CU_ASSERT_EQUAL(m->sample_size, 256);
    CU_ASSERT_EQUAL(m->height_limit, 8);
    float far[2] = {1000.0f, -1000.0f}, centre[2] = {0.0f, 0.0f};
    CU_ASSERT(sf_if_score(m, far) > 0.75);
    CU_ASSERT(sf_if_score(m, rows) > 0.7);
    CU_ASSERT(sf_if_score(m, centre) < 0.5);
    /* Batch and single scoring agree. */
    double batch[N_ROWS];
    sf_if_score_batch(m, rows, N_ROWS, batch);
    for (size_t i = 0; i < N_ROWS; i += 97)
        CU_ASSERT_DOUBLE_EQUAL(batch[i], sf_if_score(m, rows + i * N_FEAT), 1e-9);
    /* The threshold flags about 1 % of the training rows, the outlier among them. */
    size_t flagged = 0;
    for (size_t i = 0; i < N_ROWS; i++)
        flagged += batch[i] >= m->threshold;
    CU_ASSERT(flagged >= 8 && flagged <= 12);
    CU_ASSERT(batch[0] >= m->threshold);
    sf_if_free(m);
    free(rows);
}

static void test_explain(void)
{
    float *rows = blob_with_outlier();
    sf_iforest *m = train_blob(rows, 3);
    float odd_x[2] = {40.0f, 0.0f};
    double contrib[2];
    sf_if_explain(m, odd_x, contrib);
    /* Contributions add up to c(psi) - E[h]. */
    CU_ASSERT_DOUBLE_EQUAL(contrib[0] + contrib[1], m->path_norm - sf_if_path_length(m, odd_x),
                           1e-3);
    CU_ASSERT(contrib[0] > contrib[1]);
    sf_reason reasons[3];
    size_t n = sf_if_reasons(m, odd_x, reasons, 3);
    CU_ASSERT_FATAL(n >= 1);
    CU_ASSERT_EQUAL(reasons[0].feature, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(reasons[0].text, "x 40, above the usual"));
    sf_if_free(m);
    free(rows);
}

static unsigned char *serialize(const sf_iforest *m, size_t *len)
{
    unsigned char *buf;
    char err[256];
    CU_ASSERT_EQUAL_FATAL(sf_model_serialize(m, &buf, len, err, sizeof err), 0);
    return buf;
}

static void test_same_seed_same_bytes(void)
{
    float *rows = blob_with_outlier();
    sf_iforest *a = train_blob(rows, 42), *b = train_blob(rows, 42), *c = train_blob(rows, 43);
    size_t la, lb, lc;
    unsigned char *ba = serialize(a, &la), *bb = serialize(b, &lb), *bc = serialize(c, &lc);
    CU_ASSERT_EQUAL(la, lb);
    CU_ASSERT(la == lb && memcmp(ba, bb, la) == 0);
    CU_ASSERT(la != lc || memcmp(ba, bc, la) != 0);
    free(ba), free(bb), free(bc);
    sf_if_free(a), sf_if_free(b), sf_if_free(c);
    free(rows);
}

static void test_round_trip(void)
{
    float *rows = blob_with_outlier();
    sf_iforest *m = train_blob(rows, 5);
    char *dir = sf_test_mkdtemp("model");
    char path[512], err[256];
    snprintf(path, sizeof path, "%s/m.sfm", dir);
    CU_ASSERT_EQUAL_FATAL(sf_model_save_file(m, path, err, sizeof err), 0);
    sf_iforest *back = sf_model_load_file(path, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(back);
    for (size_t i = 0; i < N_ROWS; i++)
        CU_ASSERT_EQUAL(sf_if_score(m, rows + i * N_FEAT), sf_if_score(back, rows + i * N_FEAT));
    CU_ASSERT_EQUAL(back->threshold, m->threshold);
    CU_ASSERT_EQUAL(back->seed, 5);
    CU_ASSERT_EQUAL(back->train_rows, N_ROWS);
    CU_ASSERT_EQUAL(back->trained_at_us, 1700000000000000LL);
    CU_ASSERT_STRING_EQUAL(back->feature_names[1], "y");
    sf_if_free(back);
    sf_if_free(m);
    sf_test_rmtree(dir);
    free(dir);
    free(rows);
}

static void rewrite_crc(unsigned char *buf, size_t len)
{
    uint32_t crc = (uint32_t)crc32(0L, buf, (uInt)(len - 4));
    for (int i = 0; i < 4; i++)
        buf[len - 4 + i] = (unsigned char)(crc >> (8 * i));
}

/* Loads a damaged copy and expects an error containing `expect`. */
static void expect_rejected(const unsigned char *buf, size_t len, const char *expect)
{
    char err[256] = "";
    sf_iforest *m = sf_model_load_buffer(buf, len, err, sizeof err);
    CU_ASSERT_PTR_NULL(m);
    if (m)
        sf_if_free(m);
    else if (!strstr(err, expect))
        fprintf(stderr, "\n  expected '%s' in error, got '%s'\n", expect, err);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, expect));
}

static void test_corrupt_files(void)
{
    float *rows = blob_with_outlier();
    sf_iforest *m = train_blob(rows, 9);
    size_t len;
    unsigned char *good = serialize(m, &len), *bad = malloc(len);
    memcpy(bad, good, len), bad[0] = 'X';
    expect_rejected(bad, len, "bad magic");
    memcpy(bad, good, len), bad[8] = 1;
    expect_rejected(bad, len, "unsupported model format version 1");
    for (size_t cut = 0; cut < len; cut += (cut < 64 ? 1 : 37))
        expect_rejected(good, cut, cut < 16 ? "bad magic" : "checksum");
    memcpy(bad, good, len), bad[len / 2] ^= 0x40;
    expect_rejected(bad, len, "checksum");
    /* Valid checksum, inconsistent content. */
    memcpy(bad, good, len), bad[12] = 0xff, bad[13] = 0xff; /* n_features */
    rewrite_crc(bad, len);
    expect_rejected(bad, len, "bad sizes");
    memcpy(bad, good, len), bad[24] = 3; /* height limit */
    rewrite_crc(bad, len);
    expect_rejected(bad, len, "height limit");
    /* The first node's left child pointing backwards (a loop). */
    size_t nodes_at = len - 4 - 16 * (size_t)m->n_nodes;
    memcpy(bad, good, len), memset(bad + nodes_at, 0, 4), bad[nodes_at] = 0;
    bad[nodes_at + 8] = 0, bad[nodes_at + 9] = 0, bad[nodes_at + 10] = 0x80,
                   bad[nodes_at + 11] = 0x3f;
    rewrite_crc(bad, len);
    expect_rejected(bad, len, "invalid tree");
    /* A feature name changed: schema hash no longer matches. */
    memcpy(bad, good, len);
    unsigned char *name = bad + 92 + 2; /* after the 92-byte header and the u16 length */
    CU_ASSERT_EQUAL_FATAL(*name, 'x');
    *name = 'z';
    rewrite_crc(bad, len);
    expect_rejected(bad, len, "schema hash");
    free(bad);
    free(good);
    sf_if_free(m);
    free(rows);
}

static void test_schema_check(void)
{
    float *rows = blob_with_outlier();
    sf_iforest *m = train_blob(rows, 11);
    char err[300];
    CU_ASSERT_EQUAL(sf_model_check_schema(m, 0, sf_schema_hash(0, names2, 2), err, sizeof err), 0);
    CU_ASSERT_EQUAL(sf_model_check_schema(m, SF_HTTP_SCHEMA_VERSION, sf_http_schema_hash(), err,
                                          sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "retrain"));
    sf_if_free(m);
    free(rows);
}

static void test_bad_training_input(void)
{
    float rows[6] = {1, 2, NAN, 4, 5, 6};
    sf_if_params p;
    sf_if_params_default(&p);
    char err[256];
    CU_ASSERT_PTR_NULL(sf_if_train(rows, 3, 2, NULL, &p, err, sizeof err));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "finite"));
    CU_ASSERT_PTR_NULL(sf_if_train(rows, 1, 2, NULL, &p, err, sizeof err));
    p.n_trees = 0;
    CU_ASSERT_PTR_NULL(sf_if_train(rows, 2, 2, NULL, &p, err, sizeof err));
    /* Constant data: every tree is a single leaf, every score the same. */
    float same[20] = {0};
    sf_if_params_default(&p);
    sf_iforest *m = sf_if_train(same, 10, 2, NULL, &p, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_EQUAL(m->n_nodes, m->n_trees);
    CU_ASSERT_DOUBLE_EQUAL(sf_if_score(m, same), pow(2, -sf_if_average_path(10) /
                                                          sf_if_average_path(10)), 1e-6);
    sf_if_free(m);
}

/* Discrete training data: a point beyond the range is scored like the extreme training rows
 * by the paper's splits, and isolated at once with the split range extended. */
static void test_range_extension(void)
{
    float rows[2 * 600];
    for (int i = 0; i < 600; i++) {
        rows[2 * i] = (float)(i % 3);
        rows[2 * i + 1] = (float)(i % 5);
    }
    float beyond[2] = {1.0f, 40.0f};
    double score[2];
    for (int k = 0; k < 2; k++) {
        sf_model_train_options o;
        sf_model_train_options_default(&o);
        o.forest.range_extension = k ? 0.5 : 0.0;
        char err[256];
        sf_iforest *m = sf_model_train(rows, 600, names2, 2, 0, &o, err, sizeof err);
        CU_ASSERT_PTR_NOT_NULL_FATAL(m);
        CU_ASSERT_EQUAL(m->range_extension, o.forest.range_extension);
        score[k] = sf_if_score(m, beyond);
        float extreme[2] = {1.0f, 4.0f};
        CU_ASSERT(k == 0 || score[k] > sf_if_score(m, extreme) + 0.1);
        sf_if_free(m);
    }
    CU_ASSERT(score[1] > score[0] + 0.05);
}

void sf_test_register_model_iforest(void)
{
    CU_pSuite s = CU_add_suite("model_iforest", NULL, NULL);
    CU_add_test(s, "c(n)", test_average_path);
    CU_add_test(s, "outlier near 1, dense below 0.5, threshold", test_outlier_scores);
    CU_add_test(s, "explanations and reasons", test_explain);
    CU_add_test(s, "same seed, same bytes", test_same_seed_same_bytes);
    CU_add_test(s, "save/load round trip", test_round_trip);
    CU_add_test(s, "corrupt model files rejected", test_corrupt_files);
    CU_add_test(s, "schema check", test_schema_check);
    CU_add_test(s, "bad training input", test_bad_training_input);
    CU_add_test(s, "split range extension", test_range_extension);
}
