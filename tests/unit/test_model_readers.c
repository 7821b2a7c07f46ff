/* Unit tests: the CSV and raw-HTTP readers against good and malformed input. */
#include <CUnit/CUnit.h>
#include <stdlib.h>
#include <string.h>

#include "model/csv_reader.h"
#include "model/http_reader.h"
#include "test_support.h"

static int parse_csv(const char *text, sf_dataset *ds, char *err, size_t err_size)
{
    sf_csv_options o = {.label_column = "label"};
    return sf_csv_parse(text, strlen(text), &o, ds, err, err_size);
}

static void test_csv_good(void)
{
    sf_dataset ds;
    char err[256];
    CU_ASSERT_EQUAL_FATAL(parse_csv("a, b ,label\r\n1,2.5,0\r\n-3e2,4,1\n\n", &ds, err, sizeof err),
                          0);
    CU_ASSERT_EQUAL(ds.cols, 2);
    CU_ASSERT_EQUAL(ds.rows, 2);
    CU_ASSERT_STRING_EQUAL(ds.names[1], "b");
    CU_ASSERT_DOUBLE_EQUAL(ds.values[2], -300.0, 1e-6);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ds.labels);
    CU_ASSERT_EQUAL(ds.labels[1], 1);
    sf_dataset_free(&ds);
    /* No label column: no labels. */
    CU_ASSERT_EQUAL_FATAL(parse_csv("x,y\n1,2\n", &ds, err, sizeof err), 0);
    CU_ASSERT_PTR_NULL(ds.labels);
    sf_dataset_free(&ds);
}

static void expect_csv_error(const char *text, const char *expect)
{
    sf_dataset ds;
    char err[256] = "";
    CU_ASSERT_EQUAL(parse_csv(text, &ds, err, sizeof err), -1);
    if (!strstr(err, expect))
        fprintf(stderr, "\n  expected '%s', got '%s'\n", expect, err);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, expect));
}

static void test_csv_malformed(void)
{
    expect_csv_error("", "no header");
    expect_csv_error("a,b\n", "no data rows");
    expect_csv_error("a,b\n1,2\n3\n", "line 3: expected 2 fields, got 1");
    expect_csv_error("a,b\n1,2,3\n", "expected 2 fields, got 3");
    expect_csv_error("a,b\n1,abc\n", "line 2, column 'b': not a finite number: 'abc'");
    expect_csv_error("a,b\n1,\n", "column 'b'");
    expect_csv_error("a,b\nnan,1\n", "column 'a'");
    expect_csv_error("a,b\n1,inf\n", "not a finite number");
    expect_csv_error("a,label\n1,x\n", "column 'label'");
    expect_csv_error("label\n1\n", "no feature columns");
    expect_csv_error("a,,b\n1,2,3\n", "empty name");
    size_t huge = SF_CSV_MAX_LINE + 10;
    char *big = malloc(huge + 16);
    strcpy(big, "a\n");
    memset(big + 2, '1', huge);
    strcpy(big + 2 + huge, "\n");
    expect_csv_error(big, "line 2: longer than");
    free(big);
}

static void test_csv_file(void)
{
    sf_dataset ds;
    char err[512];
    sf_csv_options o = {.label_column = "label", .require_label = 1};
    CU_ASSERT_EQUAL_FATAL(sf_csv_read_file(sf_test_data_path("odds/mammography.csv.gz"), &o, &ds,
                                           err, sizeof err), 0);
    CU_ASSERT_EQUAL(ds.rows, 11183);
    CU_ASSERT_EQUAL(ds.cols, 6);
    size_t anomalies = 0;
    for (size_t i = 0; i < ds.rows; i++)
        anomalies += ds.labels[i];
    CU_ASSERT_EQUAL(anomalies, 260);
    sf_dataset_free(&ds);
    CU_ASSERT_EQUAL(sf_csv_read_file("/nonexistent/x.csv", &o, &ds, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "/nonexistent/x.csv"));
}

typedef struct collected {
    int count;
    char endpoint[3][256];
    char method[3][17];
    char body[3][64];
    char host[3][64];
    long long size[3];
} collected;

static int collect(sf_http_request *req, void *opaque, char *err, size_t err_size)
{
    (void)err, (void)err_size;
    collected *c = opaque;
    if (c->count < 3) {
        int i = c->count;
        snprintf(c->endpoint[i], sizeof c->endpoint[i], "%s", req->rec.endpoint);
        snprintf(c->method[i], sizeof c->method[i], "%s", req->rec.method);
        snprintf(c->body[i], sizeof c->body[i], "%.*s", (int)req->body_len, req->body);
        snprintf(c->host[i], sizeof c->host[i], "%s", req->rec.host ? req->rec.host : "");
        c->size[i] = req->rec.request_size_bytes;
    }
    c->count++;
    return 0;
}

static const char csic_like[] =
    "GET http://localhost:8080/tienda1/index.jsp HTTP/1.1\r\n"
    "User-Agent: Mozilla/5.0\r\nHost: localhost:8080\r\n\r\n\r\n"
    "POST http://localhost:8080/tienda1/publico/anadir.jsp HTTP/1.1\r\n"
    "Host: localhost:8080\r\nContent-Type: application/x-www-form-urlencoded\r\n"
    "Content-Length: 13\r\n\r\nid=3&nombre=X\r\n"
    "GET /a/b?x=1&y=%27 HTTP/1.0\n\n";

static void test_http_good(void)
{
    collected c = {0};
    char err[256];
    long n = sf_http_parse_requests(csic_like, sizeof csic_like - 1, NULL, collect, &c, err,
                                    sizeof err);
    CU_ASSERT_EQUAL_FATAL(n, 3);
    CU_ASSERT_STRING_EQUAL(c.endpoint[0], "/tienda1/index.jsp");
    CU_ASSERT_STRING_EQUAL(c.host[0], "localhost:8080");
    CU_ASSERT_STRING_EQUAL(c.method[1], "POST");
    CU_ASSERT_STRING_EQUAL(c.body[1], "id=3&nombre=X");
    CU_ASSERT_EQUAL(c.size[1], 13);
    CU_ASSERT_STRING_EQUAL(c.endpoint[2], "/a/b?x=1&y=%27");
}

static void expect_http_error(const char *text, const char *expect)
{
    collected c = {0};
    char err[256] = "";
    sf_http_limits limits = {256, 4, 100};
    CU_ASSERT_EQUAL(sf_http_parse_requests(text, strlen(text), &limits, collect, &c, err,
                                           sizeof err), -1);
    if (!strstr(err, expect))
        fprintf(stderr, "\n  expected '%s', got '%s'\n", expect, err);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, expect));
}

static void test_http_malformed(void)
{
    expect_http_error("hello world\r\n\r\n", "line 1: not an HTTP request line");
    expect_http_error("GET /x\r\n\r\n", "not an HTTP request line");
    expect_http_error("get /x HTTP/1.1\r\n\r\n", "not an HTTP request line");
    expect_http_error("GET /x HTTP/1.1\r\nHost: a\r\n", "input ends inside the headers");
    expect_http_error("GET /x HTTP/1.1\r\nno colon here\r\n\r\n", "line 2: malformed header");
    expect_http_error("POST /x HTTP/1.1\r\nContent-Length: 50\r\n\r\nshort", "truncated body");
    expect_http_error("POST /x HTTP/1.1\r\nContent-Length: -1\r\n\r\n", "bad Content-Length");
    expect_http_error("POST /x HTTP/1.1\r\nContent-Length: 1000\r\n\r\n", "exceeds");
    expect_http_error("GET /x HTTP/1.1\r\na: 1\r\nb: 2\r\nc: 3\r\nd: 4\r\ne: 5\r\n\r\n",
                      "more than 4 headers");
    char longline[400];
    memset(longline, 'a', sizeof longline);
    memcpy(longline, "GET /", 5);
    strcpy(longline + 350, " HTTP/1.1\r\n\r\n");
    expect_http_error(longline, "longer than 256 bytes");
}

void sf_test_register_model_readers(void)
{
    CU_pSuite s = CU_add_suite("model_readers", NULL, NULL);
    CU_add_test(s, "CSV: good input", test_csv_good);
    CU_add_test(s, "CSV: malformed input", test_csv_malformed);
    CU_add_test(s, "CSV: gzip file from the shared data", test_csv_file);
    CU_add_test(s, "HTTP: CSIC layout", test_http_good);
    CU_add_test(s, "HTTP: malformed and truncated requests", test_http_malformed);
}
