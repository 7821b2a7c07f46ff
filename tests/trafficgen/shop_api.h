/* The imitation shop API behind `securaflow-trafficgen serve`: users, products, orders,
 * login and search, with plausible JSON bodies (and the web front of shop_pages.h), 404 for unknown paths and ids, 405 for a
 * known path with the wrong method, 401 for a bad login. Pure: no I/O, so the server
 * file only deals with libevent. */
#ifndef TG_SHOP_API_H
#define TG_SHOP_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SHOP_USER "alice"
#define SHOP_PASSWORD "wonderland"

typedef struct shop_reply {
    int status;
    char *body;        /* malloc'd JSON text, or NULL for no body (204) */
    int chunks;        /* > 0: send chunked, in this many pieces */
    double median_ms;  /* latency class of the endpoint (log-normal) */
    double sigma;
    const char *allow; /* for 405 */
    const char *content_type; /* NULL = application/json */
    bool etag;         /* a static asset: send an ETag (a 304 has no body) */
} shop_reply;

/* conditional: the request carried If-None-Match or If-Modified-Since (web front only). */
void shop_route(const char *method, const char *path, const char *query, const char *body,
                size_t body_len, bool conditional, uint64_t *rng, shop_reply *out);

#endif
