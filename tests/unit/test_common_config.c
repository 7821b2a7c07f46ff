/* Tests for configuration loading: file, environment and flag precedence, value types,
 * and errors that name the file and line. */
#include <CUnit/CUnit.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "common/config.h"
#include "test_support.h"

struct demo_conf {
    char *listen;
    char *db_url;
    int64_t workers;
    bool verbose;
    double ratio;
    int64_t buffer;
    int64_t timeout_ms;
};

static const sf_config_option demo_options[] = {
    {"listen", SF_CFG_STRING, "127.0.0.1:8080", 0, 0, offsetof(struct demo_conf, listen), "address"},
    {"database.url", SF_CFG_STRING, NULL, 0, 0, offsetof(struct demo_conf, db_url), "url"},
    {"workers", SF_CFG_INT, "1", 1, 64, offsetof(struct demo_conf, workers), "threads"},
    {"verbose", SF_CFG_BOOL, "false", 0, 0, offsetof(struct demo_conf, verbose), "more logs"},
    {"ratio", SF_CFG_DOUBLE, "0.5", 0, 1, offsetof(struct demo_conf, ratio), "ratio"},
    {"capture.buffer", SF_CFG_SIZE, "64MiB", 0, 0, offsetof(struct demo_conf, buffer), "buffer"},
    {"timeout", SF_CFG_DURATION, "60s", 0, 0, offsetof(struct demo_conf, timeout_ms), "timeout"},
};
static const sf_config_schema demo_schema = {"demo", demo_options,
                                             sizeof demo_options / sizeof demo_options[0]};

static char *dir;

static int setup(void) { return (dir = sf_test_mkdtemp("config")) ? 0 : -1; }
static int teardown(void)
{
    sf_test_rmtree(dir);
    free(dir);
    return 0;
}

static char *write_conf(const char *text)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/test.conf", dir);
    sf_test_write_file(path, text);
    return path;
}

static void test_defaults(void)
{
    struct demo_conf c = {0};
    char err[SF_CFG_ERR_MAX];
    char *argv[] = {"demo", NULL};
    int first;
    CU_ASSERT_EQUAL_FATAL(sf_config_load(&demo_schema, &c, NULL, 1, argv, &first, err), 0);
    CU_ASSERT_STRING_EQUAL(c.listen, "127.0.0.1:8080");
    CU_ASSERT_STRING_EQUAL(c.db_url, "");
    CU_ASSERT_EQUAL(c.workers, 1);
    CU_ASSERT_EQUAL(c.buffer, 64 * 1024 * 1024);
    CU_ASSERT_EQUAL(c.timeout_ms, 60000);
    CU_ASSERT_EQUAL(first, 1);
    sf_config_free(&demo_schema, &c);
}

static void test_precedence_file_env_flags(void)
{
    struct demo_conf c = {0};
    char err[SF_CFG_ERR_MAX];
    char *path = strdup(write_conf("# comment\nlisten = 0.0.0.0:1\nworkers=3\n; other\n"
                                   "[database]\nurl = \"postgres://x\"\n[capture]\nbuffer = 16k\n"
                                   "[]\ntimeout = 250ms\nverbose = yes\n"));
    setenv("SECURAFLOW_WORKERS", "4", 1);
    char *argv[] = {"demo", "--config", path, "--listen=[::1]:9", "--ratio", "0.25", "run", NULL};
    int first;
    int rc = sf_config_load(&demo_schema, &c, NULL, 7, argv, &first, err);
    unsetenv("SECURAFLOW_WORKERS");
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    CU_ASSERT_STRING_EQUAL(c.listen, "[::1]:9");
    CU_ASSERT_STRING_EQUAL(c.db_url, "postgres://x");
    CU_ASSERT_EQUAL(c.workers, 4);
    CU_ASSERT_EQUAL(c.buffer, 16384);
    CU_ASSERT_EQUAL(c.timeout_ms, 250);
    CU_ASSERT_TRUE(c.verbose);
    CU_ASSERT_DOUBLE_EQUAL(c.ratio, 0.25, 1e-12);
    CU_ASSERT_EQUAL(first, 6);
    sf_config_free(&demo_schema, &c);
    free(path);
}

/* Each bad file and a fragment its error must contain. */
struct bad_file {
    const char *text;
    const char *expect;
};

static const struct bad_file bad_files[] = {
    {"listen = a\nbogus = 1\n", "test.conf:2: unknown key 'bogus'"},
    {"workers = many\n", "test.conf:1: workers: 'many' is not an integer"},
    {"workers = 100\n", "test.conf:1: workers must be between 1 and 64"},
    {"verbose = maybe\n", "is not a boolean"},
    {"ratio = 2\n", "ratio must be between 0 and 1"},
    {"[capture]\nbuffer = lots\n", "test.conf:2: capture.buffer: 'lots' is not a size"},
    {"timeout = -5s\n", "is not a duration"},
    {"just a line\n", "test.conf:1: expected 'key = value'"},
    {"[unclosed\n", "malformed section header"},
    {"[database]\nlisten = x\n", "unknown key 'database.listen'"},
};

static void test_bad_files_name_file_and_line(void)
{
    for (size_t i = 0; i < sizeof bad_files / sizeof bad_files[0]; i++) {
        struct demo_conf c = {0};
        char err[SF_CFG_ERR_MAX] = "";
        char *path = write_conf(bad_files[i].text);
        CU_ASSERT_EQUAL(sf_config_apply_file(&demo_schema, &c, path, err), -1);
        if (!strstr(err, bad_files[i].expect)) {
            fprintf(stderr, "case %zu: '%s' lacks '%s'\n", i, err, bad_files[i].expect);
            CU_FAIL("error does not say what and where");
        }
        sf_config_free(&demo_schema, &c);
    }
}

static void test_missing_file_and_bad_flags(void)
{
    struct demo_conf c = {0};
    char err[SF_CFG_ERR_MAX];
    int first;
    char *argv1[] = {"demo", "--config", "/nonexistent/x.conf", NULL};
    CU_ASSERT_EQUAL(sf_config_load(&demo_schema, &c, NULL, 3, argv1, &first, err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "/nonexistent/x.conf: cannot open"));
    sf_config_free(&demo_schema, &c);
    char *argv2[] = {"demo", "--nope", NULL};
    CU_ASSERT_EQUAL(sf_config_load(&demo_schema, &c, NULL, 2, argv2, &first, err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "unknown option '--nope'"));
    sf_config_free(&demo_schema, &c);
    char *argv3[] = {"demo", "--workers", NULL};
    CU_ASSERT_EQUAL(sf_config_load(&demo_schema, &c, NULL, 2, argv3, &first, err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "needs a value"));
    sf_config_free(&demo_schema, &c);
    setenv("SECURAFLOW_CAPTURE_BUFFER", "huge", 1);
    char *argv4[] = {"demo", NULL};
    CU_ASSERT_EQUAL(sf_config_load(&demo_schema, &c, NULL, 1, argv4, &first, err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "SECURAFLOW_CAPTURE_BUFFER"));
    unsetenv("SECURAFLOW_CAPTURE_BUFFER");
    sf_config_free(&demo_schema, &c);
}

static void test_value_parsers(void)
{
    int64_t v;
    CU_ASSERT(sf_parse_size("1.5k", &v) == 0 && v == 1536);
    CU_ASSERT(sf_parse_size("2 GiB", &v) == 0 && v == 2147483648LL);
    CU_ASSERT_EQUAL(sf_parse_size("1e30", &v), -1);
    CU_ASSERT_EQUAL(sf_parse_size("12 parsecs", &v), -1);
    CU_ASSERT(sf_parse_duration_ms("5m", &v) == 0 && v == 300000);
    CU_ASSERT(sf_parse_duration_ms("2h", &v) == 0 && v == 7200000);
    CU_ASSERT(sf_parse_duration_ms("30", &v) == 0 && v == 30000);
    CU_ASSERT_EQUAL(sf_parse_int64("12x", &v), -1);
    CU_ASSERT_EQUAL(sf_parse_int64("99999999999999999999", &v), -1);
}

void sf_test_register_common_config(void)
{
    CU_pSuite s = CU_add_suite("common_config", setup, teardown);
    CU_add_test(s, "defaults", test_defaults);
    CU_add_test(s, "file < env < flags", test_precedence_file_env_flags);
    CU_add_test(s, "bad files name file and line", test_bad_files_name_file_and_line);
    CU_add_test(s, "missing file, bad flags, bad env", test_missing_file_and_bad_flags);
    CU_add_test(s, "value parsers", test_value_parsers);
}
