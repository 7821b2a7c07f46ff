/* Address helpers: IPv4/IPv6 text validation and canonical form, and host:port parsing
 * for listen addresses ("127.0.0.1:8080", "[::1]:8080", ":8080"). */
#ifndef SF_ADDR_H
#define SF_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SF_ADDR_TEXT_MAX 46 /* INET6_ADDRSTRLEN */

/* Canonicalises an IPv4 or IPv6 address text ("::FFFF:1.2.3.4" -> "::ffff:1.2.3.4").
 * Returns 0, or -1 if text is not an address. */
int sf_addr_canonical(const char *text, char out[SF_ADDR_TEXT_MAX]);

bool sf_addr_is_loopback(const char *text);

/* Splits "host:port" / "[v6]:port" / ":port"; an empty host gives "127.0.0.1".
 * Returns 0, or -1 with a reason in err. */
int sf_hostport_parse(const char *text, char *host, size_t host_size, uint16_t *port,
                      char *err, size_t err_size);

#endif
