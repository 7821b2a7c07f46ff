/* TLS for the small HTTP client, on OpenSSL: certificate and host name (or IP address)
 * verification against the system's trust store (or $SSL_CERT_FILE / $SSL_CERT_DIR, or a
 * CA file given with --ca-file),
 * TLS 1.2 at least, SNI, non-blocking handshake bounded by a deadline. Compiled in when
 * SF_HAVE_OPENSSL is defined (the build links OpenSSL); otherwise every call fails with
 * a message saying so, and https:// URLs are refused at configuration time. */
#ifndef SF_HTTP_TLS_H
#define SF_HTTP_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct sf_tls sf_tls;

bool sf_tls_available(void);
/* Trust only the PEM certificates in path (--ca-file) instead of the system store. Call
 * before the first connection; returns -1 with err when the file cannot be read. */
int sf_tls_set_ca_file(const char *path, char *err, size_t err_size);
/* Handshakes on the connected non-blocking socket fd. NULL with err on failure. */
sf_tls *sf_tls_start(int fd, const char *host, int64_t deadline_us, char *err, size_t err_size);
/* Like recv/send: > 0 bytes, 0 = peer closed (read only), -1 = error (err filled) or
 * would block (*want set to POLLIN or POLLOUT, err untouched). */
ssize_t sf_tls_read(sf_tls *t, void *buf, size_t n, short *want, char *err, size_t err_size);
ssize_t sf_tls_write(sf_tls *t, const void *buf, size_t n, short *want, char *err,
                     size_t err_size);
void sf_tls_free(sf_tls *t);

#endif
