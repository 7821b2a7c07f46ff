/* Unit tests of the accounts and limits pieces that need no server: token buckets (the
 * 61st request, refill, the bound and least-recently-used eviction), address lists, JWTs
 * (issue and verify, tampering, alg none, expiry, the key file's mode), the password
 * policy, email normalisation, the login and signup bodies, and the repeat limit of the
 * log. Timing is never asserted. */
#include <CUnit/CUnit.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collector/auth_cidr.h"
#include "collector/auth_forms.h"
#include "collector/auth_jwt.h"
#include "collector/auth_rate_limit.h"
#include "collector/auth_token_memo.h"
#include "collector/http_server.h"
#include "common/log.h"
#include "test_support.h"

#define SEC 1000000LL

static void test_bucket_sixty_then_refill(void)
{
    sf_rate_limit *rl = sf_rate_limit_new(16);
    sf_rate_verdict v;
    for (int i = 0; i < 60; i++) {
        v = sf_rate_limit_take(rl, "a", 1, 60, 100 * SEC);
        CU_ASSERT_TRUE(v.allowed);
    }
    CU_ASSERT_EQUAL(v.remaining, 0);
    CU_ASSERT_EQUAL(v.limit, 60);
    v = sf_rate_limit_take(rl, "a", 1, 60, 100 * SEC);
    CU_ASSERT_FALSE(v.allowed);
    CU_ASSERT_EQUAL(v.retry_after_s, 1);
    CU_ASSERT_EQUAL(v.reset_s, 60);
    CU_ASSERT_TRUE(sf_rate_limit_take(rl, "b", 1, 60, 100 * SEC).allowed); /* another client */
    CU_ASSERT_TRUE(sf_rate_limit_take(rl, "a", 1, 60, 101 * SEC).allowed); /* one a second */
    CU_ASSERT_FALSE(sf_rate_limit_take(rl, "a", 1, 60, 101 * SEC).allowed);
    v = sf_rate_limit_take(rl, "a", 1, 60, 1000 * SEC); /* full again, never above */
    CU_ASSERT_TRUE(v.allowed);
    CU_ASSERT_EQUAL(v.remaining, 59);
    sf_rate_limit_free(rl);
}

static void test_bucket_bound_and_lru(void)
{
    sf_rate_limit *rl = sf_rate_limit_new(100);
    sf_rate_limit_stats st0, st;
    sf_rate_limit_get_stats(rl, &st0);
    for (int i = 0; i < 60; i++) /* "hot" empties its bucket */
        sf_rate_limit_take(rl, "hot", 3, 60, SEC);
    char key[32];
    for (int i = 0; i < 10000; i++) {
        snprintf(key, sizeof key, "client-%d", i);
        sf_rate_limit_take(rl, key, strlen(key), 60, SEC);
        if (i % 50 == 0) /* kept recently used: never evicted */
            CU_ASSERT_FALSE(sf_rate_limit_take(rl, "hot", 3, 60, SEC).allowed);
    }
    sf_rate_limit_get_stats(rl, &st);
    CU_ASSERT_EQUAL(st.buckets, 100);
    CU_ASSERT_EQUAL(st.capacity, 100);
    CU_ASSERT_EQUAL(st.bytes, st0.bytes);
    CU_ASSERT_TRUE(st.evictions >= 9900);
    /* an evicted client starts with a full bucket */
    CU_ASSERT_EQUAL(sf_rate_limit_take(rl, "client-0", 8, 60, SEC).remaining, 59);
    sf_rate_limit_free(rl);
}

static void test_cidr_lists(void)
{
    char err[256];
    sf_cidr_list *l = sf_cidr_list_parse("127.0.0.0/8, ::1,10.1.2.0/24 fd00::/8", err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(l);
    CU_ASSERT_TRUE(sf_cidr_list_contains(l, "127.9.9.9"));
    CU_ASSERT_TRUE(sf_cidr_list_contains(l, "::1"));
    CU_ASSERT_TRUE(sf_cidr_list_contains(l, "::ffff:10.1.2.200"));
    CU_ASSERT_TRUE(sf_cidr_list_contains(l, "fd12::5"));
    CU_ASSERT_FALSE(sf_cidr_list_contains(l, "10.1.3.1"));
    CU_ASSERT_FALSE(sf_cidr_list_contains(l, "128.0.0.1"));
    CU_ASSERT_FALSE(sf_cidr_list_contains(l, "not an address"));
    sf_cidr_list_free(l);
    CU_ASSERT_PTR_NULL(sf_cidr_list_parse("10.0.0.0/33", err, sizeof err));
    CU_ASSERT_PTR_NULL(sf_cidr_list_parse("10.0.0.0/", err, sizeof err));
    CU_ASSERT_PTR_NULL(sf_cidr_list_parse("example.com", err, sizeof err));
    l = sf_cidr_list_parse("", err, sizeof err);
    CU_ASSERT_TRUE(sf_cidr_list_empty(l));
    sf_cidr_list_free(l);
}

static char *b64(const void *data, size_t n)
{
    char *out = malloc(sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING));
    return sodium_bin2base64(out, sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                             data, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

static void test_jwt_issue_verify_reject(void)
{
    sf_jwt_key key = {.len = 40};
    memset(key.bytes, 'k', key.len);
    sf_jwt_claims c = {.user_id = 7, .role = SF_ROLE_ANALYST, .generation = 3,
                       .iat = 1800000000, .exp = 1800003600}, out;
    snprintf(c.sub, sizeof c.sub, "alice");
    char *t = sf_jwt_issue(&key, &c);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_EQUAL(sf_jwt_verify(&key, t, strlen(t), 1800000100, &out), 0);
    CU_ASSERT_STRING_EQUAL(out.sub, "alice");
    CU_ASSERT_EQUAL(out.user_id, 7);
    CU_ASSERT_EQUAL(out.role, SF_ROLE_ANALYST);
    CU_ASSERT_EQUAL(out.generation, 3);
    CU_ASSERT_EQUAL(strlen(out.jti), 32);
    CU_ASSERT_NOT_EQUAL(sf_jwt_verify(&key, t, strlen(t), 1800003600, &out), 0); /* expired */
    CU_ASSERT_NOT_EQUAL(sf_jwt_verify(&key, t, strlen(t), 1799990000, &out), 0); /* from the future */
    sf_jwt_key other = key;
    other.bytes[0] = 'x';
    CU_ASSERT_NOT_EQUAL(sf_jwt_verify(&other, t, strlen(t), 1800000100, &out), 0);
    char *dot = strchr(t, '.');
    dot[3] ^= 1; /* a tampered payload */
    CU_ASSERT_NOT_EQUAL(sf_jwt_verify(&key, t, strlen(t), 1800000100, &out), 0);
    dot[3] ^= 1;
    /* alg none with the same claims */
    const char *none = "{\"alg\":\"none\",\"typ\":\"JWT\"}";
    char *h = b64(none, strlen(none));
    char forged[4096];
    snprintf(forged, sizeof forged, "%s.%.*s.", h, (int)(strrchr(t, '.') - dot - 1), dot + 1);
    CU_ASSERT_NOT_EQUAL(sf_jwt_verify(&key, forged, strlen(forged), 1800000100, &out), 0);
    CU_ASSERT_NOT_EQUAL(sf_jwt_verify(&key, "", 0, 1800000100, &out), 0);
    CU_ASSERT_NOT_EQUAL(sf_jwt_verify(&key, "a.b", 3, 1800000100, &out), 0);
    /* the memo: the same token is found, a changed one is not */
    sf_token_memo *m = sf_token_memo_new();
    CU_ASSERT_FALSE(sf_token_memo_get(m, t, strlen(t), 1800000100, &out));
    sf_token_memo_put(m, t, strlen(t), &c);
    CU_ASSERT_TRUE(sf_token_memo_get(m, t, strlen(t), 1800000100, &out));
    CU_ASSERT_FALSE(sf_token_memo_get(m, t, strlen(t), 1800003600, &out)); /* expired */
    t[strlen(t) - 1] ^= 1;
    CU_ASSERT_FALSE(sf_token_memo_get(m, t, strlen(t), 1800000100, &out));
    sf_token_memo_free(m);
    free(h);
    free(t);
}

static void test_jwt_key_file(void)
{
    char *dir = sf_test_mkdtemp("jwtkey"), path[512], err[256];
    sf_jwt_key a, b;
    CU_ASSERT_EQUAL(sf_jwt_key_load(&a, "", dir, err, sizeof err), 0); /* generated */
    CU_ASSERT_EQUAL(sf_jwt_key_load(&b, "", dir, err, sizeof err), 0); /* and kept */
    CU_ASSERT_TRUE(a.len >= SF_JWT_KEY_MIN && a.len == b.len && memcmp(a.bytes, b.bytes, a.len) == 0);
    snprintf(path, sizeof path, "%s/jwt.key", dir);
    struct stat st;
    CU_ASSERT_EQUAL(stat(path, &st), 0);
    CU_ASSERT_EQUAL(st.st_mode & 0777, 0600);
    chmod(path, 0644);
    CU_ASSERT_NOT_EQUAL(sf_jwt_key_load(&b, path, dir, err, sizeof err), 0); /* readable by others */
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "chmod 600"));
    snprintf(path, sizeof path, "%s/short.key", dir);
    int fd = open(path, O_WRONLY | O_CREAT, 0600);
    CU_ASSERT_EQUAL(write(fd, "too short\n", 10), 10);
    close(fd);
    CU_ASSERT_NOT_EQUAL(sf_jwt_key_load(&b, path, dir, err, sizeof err), 0);
    sf_test_rmtree(dir);
    free(dir);
}

static void test_password_and_email(void)
{
    CU_ASSERT_PTR_NULL(sf_password_policy("12345678", 8));
    CU_ASSERT_PTR_NOT_NULL(sf_password_policy("1234567", 7));
    CU_ASSERT_PTR_NULL(sf_password_policy("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 16));
    CU_ASSERT_PTR_NOT_NULL(sf_password_policy("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 14));
    CU_ASSERT_PTR_NOT_NULL(sf_password_policy("abcdefgh\xff", 9)); /* not UTF-8 */
    CU_ASSERT_PTR_NOT_NULL(sf_password_policy("abcd\0efgh", 9));
    char big[1100];
    memset(big, 'a', sizeof big);
    CU_ASSERT_PTR_NOT_NULL(sf_password_policy(big, 1025));
    CU_ASSERT_PTR_NULL(sf_password_policy(big, 1024));
    char out[SF_EMAIL_MAX + 1];
    CU_ASSERT_EQUAL(sf_email_normalise("Ann.Lee+x@Mail.Example.COM", out), 0);
    CU_ASSERT_STRING_EQUAL(out, "Ann.Lee+x@mail.example.com");
    CU_ASSERT_NOT_EQUAL(sf_email_normalise("a@b", out), 0);
    CU_ASSERT_NOT_EQUAL(sf_email_normalise("invalid-email", out), 0);
    CU_ASSERT_NOT_EQUAL(sf_email_normalise("a@@b.com", out), 0);
    CU_ASSERT_NOT_EQUAL(sf_email_normalise("a b@c.com", out), 0);
    CU_ASSERT_NOT_EQUAL(sf_email_normalise("a@-b.com", out), 0);
}

static void test_bodies_and_bearer(void)
{
    sf_login_form f;
    sf_field_errors errs = {0};
    const char *form = "username=al+ice%40x.org&password=p%26ss+w%3Drd&grant_type=password";
    CU_ASSERT_EQUAL(sf_login_form_parse("application/x-www-form-urlencoded; charset=UTF-8", form,
                                        strlen(form), &f, &errs), 0);
    CU_ASSERT_STRING_EQUAL(f.username, "al ice@x.org");
    CU_ASSERT_STRING_EQUAL(f.password, "p&ss w=rd");
    memset(&errs, 0, sizeof errs);
    const char *json = "{\"username\":\"bob\",\"password\":\"secret pass\"}";
    CU_ASSERT_EQUAL(sf_login_form_parse("application/json", json, strlen(json), &f, &errs), 0);
    CU_ASSERT_EQUAL(f.password_len, 11);
    memset(&errs, 0, sizeof errs);
    CU_ASSERT_NOT_EQUAL(sf_login_form_parse("application/x-www-form-urlencoded", "username=a%00b&password=x", 25, &f, &errs), 0);
    memset(&errs, 0, sizeof errs);
    CU_ASSERT_NOT_EQUAL(sf_login_form_parse("application/x-www-form-urlencoded", "password=x%zz", 13, &f, &errs), 0);
    sf_signup_form s;
    memset(&errs, 0, sizeof errs);
    json = "{\"email\":\"a@b\",\"username\":\"ab\",\"password\":\"short\"}";
    CU_ASSERT_NOT_EQUAL(sf_signup_form_parse(json, strlen(json), &s, &errs), 0);
    CU_ASSERT_EQUAL(errs.count, 3);
    size_t len;
    const char *tok = sf_bearer_from_header("bearer   abc.def  ", &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(tok);
    CU_ASSERT_EQUAL(len, 7);
    CU_ASSERT_PTR_NULL(sf_bearer_from_header("Bearer ", &len));
    CU_ASSERT_PTR_NULL(sf_bearer_from_header("Basic dXNlcjpwYXNz", &len));
    CU_ASSERT_PTR_NULL(sf_bearer_from_header(NULL, &len));
}

static void test_log_repeat_limit(void)
{
    char *dir = sf_test_mkdtemp("logrepeat"), path[512];
    snprintf(path, sizeof path, "%s/log", dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    sf_log_set_fd(fd);
    for (int i = 0; i < 500; i++)
        sf_log(SF_LOG_WARN, "the same thing again", NULL);
    sf_log_set_fd(-1);
    close(fd);
    size_t len;
    char *text = sf_test_read_file(path, &len);
    int lines = 0;
    for (char *p = text; p && *p; p++)
        lines += *p == '\n';
    CU_ASSERT_TRUE(lines >= 10 && lines <= 30); /* 10 a second, a summary per second */
    free(text);
    sf_test_rmtree(dir);
    free(dir);
}

void sf_test_register_collector_auth(void)
{
    CU_pSuite s = CU_add_suite("collector_auth", NULL, NULL);
    CU_add_test(s, "bucket: 60, then 429, then refill", test_bucket_sixty_then_refill);
    CU_add_test(s, "buckets: bounded, least recently used evicted", test_bucket_bound_and_lru);
    CU_add_test(s, "address lists", test_cidr_lists);
    CU_add_test(s, "JWT: issue, verify, reject, memo", test_jwt_issue_verify_reject);
    CU_add_test(s, "JWT key file", test_jwt_key_file);
    CU_add_test(s, "password policy and email", test_password_and_email);
    CU_add_test(s, "login/signup bodies and bearer", test_bodies_and_bearer);
    CU_add_test(s, "log repeat limit", test_log_repeat_limit);
}
