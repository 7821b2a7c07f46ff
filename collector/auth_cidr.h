/* Address lists from configuration ("127.0.0.0/8, ::1, 10.1.2.3"): which clients may read
 * GET /metrics without a token (metrics_allow), which peers' X-Forwarded-For is believed
 * (trusted_proxies). IPv4-mapped IPv6 peers (::ffff:a.b.c.d) match IPv4 entries. */
#ifndef SF_AUTH_CIDR_H
#define SF_AUTH_CIDR_H

#include <stdbool.h>
#include <stddef.h>

typedef struct sf_cidr_list sf_cidr_list;

/* Parses text; NULL with err on a bad entry. An empty text is an empty list. */
sf_cidr_list *sf_cidr_list_parse(const char *text, char *err, size_t err_size);
void sf_cidr_list_free(sf_cidr_list *l);
bool sf_cidr_list_contains(const sf_cidr_list *l, const char *addr);
bool sf_cidr_list_empty(const sf_cidr_list *l);

#endif
