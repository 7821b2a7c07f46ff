/* HTTPS server context (see http_server_tls.h). */
#include "collector/http_server_tls.h"

#include <openssl/err.h>
#include <stdio.h>

static void openssl_reason(char *out, size_t size)
{
    unsigned long e = ERR_get_error();
    if (e)
        ERR_error_string_n(e, out, size);
    else
        snprintf(out, size, "unknown error");
    ERR_clear_error();
}

SSL_CTX *sf_tls_server_context(const char *cert_file, const char *key_file, char *err,
                               size_t err_size)
{
    char why[256];
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (!ctx) {
        snprintf(err, err_size, "TLS: cannot make a context");
        return NULL;
    }
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                             SSL_OP_CIPHER_SERVER_PREFERENCE);
    if (SSL_CTX_use_certificate_chain_file(ctx, cert_file) != 1) {
        openssl_reason(why, sizeof why);
        snprintf(err, err_size, "tls_cert %s: %s", cert_file, why);
    } else if (SSL_CTX_use_PrivateKey_file(ctx, key_file, SSL_FILETYPE_PEM) != 1) {
        openssl_reason(why, sizeof why);
        snprintf(err, err_size, "tls_key %s: %s", key_file, why);
    } else if (SSL_CTX_check_private_key(ctx) != 1) {
        snprintf(err, err_size, "tls_key %s does not match tls_cert %s", key_file, cert_file);
    } else {
        return ctx;
    }
    SSL_CTX_free(ctx);
    return NULL;
}
