/* The HTTP client over TLS (builds with OpenSSL only): a request to a local TLS server
 * whose certificate is trusted through $SSL_CERT_FILE succeeds; a certificate for another
 * address, or one nobody vouches for, is refused. Certificates are made with the openssl
 * command at test time (skipped without it). Without OpenSSL the suite is empty. */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sensor/http_client.h"
#include "sensor/http_tls.h"
#include "test_support.h"

#ifdef SF_HAVE_OPENSSL
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

typedef struct tls_server {
    SSL_CTX *ctx;
    int lfd;
    uint16_t port;
    pthread_t th;
} tls_server;

static void *serve_once(void *arg)
{
    tls_server *s = arg;
    int fd = accept(s->lfd, NULL, NULL);
    if (fd < 0)
        return NULL;
    SSL *ssl = SSL_new(s->ctx);
    SSL_set_fd(ssl, fd);
    if (SSL_accept(ssl) == 1) {
        char buf[4096];
        int n = 0, r;
        while (n < (int)sizeof buf - 1 && (r = SSL_read(ssl, buf + n, (int)sizeof buf - 1 - n)) > 0) {
            n += r;
            buf[n] = '\0';
            if (strstr(buf, "\r\n\r\n{}"))
                break;
        }
        const char *answer = "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecret";
        SSL_write(ssl, answer, (int)strlen(answer));
        SSL_shutdown(ssl);
    }
    SSL_free(ssl);
    close(fd);
    return NULL;
}

static int server_start(tls_server *s, const char *dir, const char *name)
{
    char cert[1024], key[1024];
    snprintf(cert, sizeof cert, "%s/%s.pem", dir, name);
    snprintf(key, sizeof key, "%s/%s.key", dir, name);
    s->ctx = SSL_CTX_new(TLS_server_method());
    if (SSL_CTX_use_certificate_file(s->ctx, cert, SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_use_PrivateKey_file(s->ctx, key, SSL_FILETYPE_PEM) != 1)
        return -1;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t al = sizeof a;
    s->lfd = socket(AF_INET, SOCK_STREAM, 0);
    if (bind(s->lfd, (struct sockaddr *)&a, sizeof a) != 0 || listen(s->lfd, 4) != 0)
        return -1;
    getsockname(s->lfd, (struct sockaddr *)&a, &al);
    s->port = ntohs(a.sin_port);
    return pthread_create(&s->th, NULL, serve_once, s);
}

static void server_stop(tls_server *s)
{
    shutdown(s->lfd, SHUT_RDWR); /* in case the client never connected */
    pthread_join(s->th, NULL);
    close(s->lfd);
    SSL_CTX_free(s->ctx);
}

/* A self-signed certificate for one IP address. */
static int make_cert(const char *dir, const char *name, const char *ip)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 "
             "-subj /CN=%s -addext subjectAltName=IP:%s -keyout %s/%s.key -out %s/%s.pem "
             ">/dev/null 2>&1", ip, ip, dir, name, dir, name);
    return system(cmd) == 0 ? 0 : -1;
}

/* Requests over TLS; returns sf_http_request's result with the error in err. */
static int fetch(const char *dir, const char *name, sf_http_response *r, char *err, size_t es)
{
    tls_server s;
    CU_ASSERT_EQUAL_FATAL(server_start(&s, dir, name), 0);
    char url_text[64];
    snprintf(url_text, sizeof url_text, "https://127.0.0.1:%u", s.port);
    sf_url url;
    CU_ASSERT_EQUAL_FATAL(sf_url_parse(url_text, &url, err, es), 0);
    int rc = sf_http_request(&url, "POST", "/api/x", NULL, "{}", 2, 3000, 100, r, err, es);
    server_stop(&s);
    return rc;
}

static void test_tls(void)
{
    char *dir = sf_test_mkdtemp("tls");
    if (make_cert(dir, "good", "127.0.0.1") != 0 || make_cert(dir, "other", "127.0.0.2") != 0 ||
        make_cert(dir, "stranger", "127.0.0.1") != 0) {
        fprintf(stderr, "test_uploader_tls: no openssl command, skipped\n");
        sf_test_rmtree(dir);
        free(dir);
        return;
    }
    char trusted[1024], cmd[4096], err[SF_HTTP_ERR_MAX];
    snprintf(trusted, sizeof trusted, "%s/trusted.pem", dir);
    snprintf(cmd, sizeof cmd, "cat %s/good.pem %s/other.pem > %s", dir, dir, trusted);
    CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
    setenv("SSL_CERT_FILE", trusted, 1); /* read when the client context is made */
    sf_http_response r;
    CU_ASSERT_EQUAL(fetch(dir, "good", &r, err, sizeof err), 0);
    if (r.body) {
        CU_ASSERT_EQUAL(r.status, 200);
        CU_ASSERT_STRING_EQUAL(r.body, "secret");
        sf_http_response_free(&r);
    } else {
        fprintf(stderr, "TLS request failed: %s\n", err);
    }
    CU_ASSERT_EQUAL(fetch(dir, "other", &r, err, sizeof err), -1); /* wrong address */
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "certificate"));
    CU_ASSERT_EQUAL(fetch(dir, "stranger", &r, err, sizeof err), -1); /* not trusted */
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "certificate"));
    unsetenv("SSL_CERT_FILE");
    sf_test_rmtree(dir);
    free(dir);
}
#endif

void sf_test_register_uploader_tls(void)
{
    CU_pSuite s = CU_add_suite("uploader_tls", NULL, NULL);
#ifdef SF_HAVE_OPENSSL
    CU_add_test(s, "HTTPS with certificate and address checks", test_tls);
#else
    (void)s;
#endif
}
