/* The imitation shop API behind `securaflow-trafficgen serve`: users, products, orders,
 * login and search, with plausible JSON bodies, 404 for unknown paths and ids, 405 for a
 * known path with the wrong method, 401 for a bad login. Pure: no I/O, so the server
 * file only deals with libevent. */
#ifndef TG_SHOP_API_H
#define TG_SHOP_API_H

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
} shop_reply;

void shop_route(const char *method, const char *path, const char *query, const char *body,
                size_t body_len, uint64_t *rng, shop_reply *out);

#endif
