/* Connections from a chosen client address: the driver's simulated users each have their
 * own address in 127.0.0.0/8 (every address there is local on Linux's lo), so a sensor on
 * lo sees many clients, as on a real site, instead of everything from 127.0.0.1. */
#ifndef TG_CONNECT_H
#define TG_CONNECT_H

#include <stddef.h>
#include <stdint.h>

#include "sensor/http_client.h"

/* Like sf_http_connect for plain http://, with the local end bound to source (an IPv4
 * address; NULL or "" = let the kernel choose). Returns 0, or -1 with err. */
int tg_connect_from(sf_http_conn *c, const sf_url *url, const char *source, int timeout_ms,
                    char *err, size_t err_size);

/* The n-th address (0-based) counting up from base ("127.10.0.1"), skipping .0 and .255
 * host bytes; writes it to out. Returns 0, or -1 when base is not IPv4. */
int tg_address_nth(const char *base, uint32_t n, char *out, size_t size);

#endif
