/* HTTPS for the collector: an OpenSSL server context from a PEM certificate chain and key
 * (tls_cert, tls_key), TLS 1.2 or newer; libevent's OpenSSL bufferevents carry the
 * connections (http_server.c). */
#ifndef SF_HTTP_SERVER_TLS_H
#define SF_HTTP_SERVER_TLS_H

#include <openssl/ssl.h>
#include <stddef.h>

/* NULL with err (naming the file) when the certificate or key cannot be used. */
SSL_CTX *sf_tls_server_context(const char *cert_file, const char *key_file, char *err,
                               size_t err_size);

#endif
