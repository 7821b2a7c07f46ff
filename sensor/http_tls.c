/* TLS for the HTTP client (see http_tls.h). One client context for the process, made on
 * first use; each connection gets its own SSL object with SNI and peer verification. */
#include "sensor/http_tls.h"

#include <stdio.h>

#ifndef SF_HAVE_OPENSSL

bool sf_tls_available(void) { return false; }

int sf_tls_set_ca_file(const char *path, char *err, size_t err_size)
{
    (void)path;
    snprintf(err, err_size, "this build has no TLS support");
    return -1;
}

sf_tls *sf_tls_start(int fd, const char *host, int64_t deadline_us, char *err, size_t err_size)
{
    (void)fd, (void)host, (void)deadline_us;
    snprintf(err, err_size, "this build has no TLS support");
    return NULL;
}

ssize_t sf_tls_read(sf_tls *t, void *buf, size_t n, short *want, char *err, size_t err_size)
{
    (void)t, (void)buf, (void)n, (void)want;
    snprintf(err, err_size, "this build has no TLS support");
    return -1;
}

ssize_t sf_tls_write(sf_tls *t, const void *buf, size_t n, short *want, char *err,
                     size_t err_size)
{
    return sf_tls_read(t, (void *)(uintptr_t)buf, n, want, err, err_size);
}

void sf_tls_free(sf_tls *t) { (void)t; }

#else

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>

#include "sensor/http_client.h"

struct sf_tls {
    SSL *ssl;
};

static SSL_CTX *client_ctx;
static pthread_once_t ctx_once = PTHREAD_ONCE_INIT;
static char ca_file[4096]; /* empty: the system store */

static void make_ctx(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx)
        return;
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    /* A close without close_notify ends a read-to-close body like plain TCP would;
     * Content-Length and chunking still catch a truncated response. */
    SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
    int trusted = ca_file[0] ? SSL_CTX_load_verify_locations(ctx, ca_file, NULL)
                             : SSL_CTX_set_default_verify_paths(ctx); /* SSL_CERT_FILE / _DIR */
    if (trusted != 1) {
        SSL_CTX_free(ctx);
        return;
    }
    client_ctx = ctx;
}

bool sf_tls_available(void) { return true; }

int sf_tls_set_ca_file(const char *path, char *err, size_t err_size)
{
    FILE *f = fopen(path, "r");
    X509 *cert = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
    if (f)
        fclose(f);
    if (!cert) {
        snprintf(err, err_size, "ca_file: %s holds no PEM certificate", path);
        return -1;
    }
    X509_free(cert);
    snprintf(ca_file, sizeof ca_file, "%s", path);
    return 0;
}

static void ssl_error(char *err, size_t es, const char *what, SSL *ssl)
{
    unsigned long e = ERR_get_error();
    long v = ssl ? SSL_get_verify_result(ssl) : X509_V_OK;
    if (v != X509_V_OK)
        snprintf(err, es, "%s: certificate not trusted: %s", what,
                 X509_verify_cert_error_string(v));
    else
        snprintf(err, es, "%s: %s", what, e ? ERR_reason_error_string(e) : "connection closed");
    ERR_clear_error();
}

/* Peer identity: an IP literal must be in the certificate's IP SANs, a name in its DNS
 * names (OpenSSL does the matching). */
static int set_identity(SSL *ssl, const char *host)
{
    unsigned char tmp[16];
    X509_VERIFY_PARAM *p = SSL_get0_param(ssl);
    if (inet_pton(AF_INET, host, tmp) == 1 || inet_pton(AF_INET6, host, tmp) == 1)
        return X509_VERIFY_PARAM_set1_ip_asc(p, host) == 1 ? 0 : -1;
    if (SSL_set_tlsext_host_name(ssl, host) != 1)
        return -1;
    return SSL_set1_host(ssl, host) == 1 ? 0 : -1;
}

/* Maps an SSL result to the would-block convention of http_tls.h. */
static ssize_t outcome(sf_tls *t, int rc, short *want, const char *what, char *err, size_t es)
{
    if (rc > 0)
        return rc;
    int e = SSL_get_error(t->ssl, rc);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
        *want = e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
        return -1;
    }
    if (e == SSL_ERROR_ZERO_RETURN)
        return 0;
    ssl_error(err, es, what, t->ssl);
    return -1;
}

sf_tls *sf_tls_start(int fd, const char *host, int64_t deadline_us, char *err, size_t es)
{
    pthread_once(&ctx_once, make_ctx);
    if (!client_ctx) {
        snprintf(err, es, "TLS: cannot set up a client context (trust store?)");
        return NULL;
    }
    sf_tls *t = calloc(1, sizeof *t);
    if (!t || !(t->ssl = SSL_new(client_ctx)) || SSL_set_fd(t->ssl, fd) != 1 ||
        set_identity(t->ssl, host) != 0) {
        snprintf(err, es, "TLS: cannot set up the connection to %s", host);
        sf_tls_free(t);
        return NULL;
    }
    for (;;) {
        short want = 0;
        err[0] = '\0';
        ssize_t r = outcome(t, SSL_connect(t->ssl), &want, "TLS handshake", err, es);
        if (r > 0)
            return t;
        if (want == 0 || sf_http_wait_fd(fd, want, deadline_us) <= 0) {
            if (want != 0 || !err[0])
                snprintf(err, es, "TLS handshake with %s: %s", host,
                         want ? "timed out" : "connection closed");
            sf_tls_free(t);
            return NULL;
        }
    }
}

ssize_t sf_tls_read(sf_tls *t, void *buf, size_t n, short *want, char *err, size_t es)
{
    *want = 0;
    return outcome(t, SSL_read(t->ssl, buf, n > INT32_MAX ? INT32_MAX : (int)n), want,
                   "TLS read", err, es);
}

ssize_t sf_tls_write(sf_tls *t, const void *buf, size_t n, short *want, char *err,
                     size_t es)
{
    *want = 0;
    return outcome(t, SSL_write(t->ssl, buf, n > INT32_MAX ? INT32_MAX : (int)n), want,
                   "TLS write", err, es);
}

void sf_tls_free(sf_tls *t)
{
    if (!t)
        return;
    if (t->ssl)
        SSL_free(t->ssl); /* no close_notify: the request/response is complete or failed */
    free(t);
}

#endif
