/* The shop's web front for `securaflow-trafficgen serve`: HTML pages (`/`, `/products/{id}`,
 * `/cart`) and their static assets (`/static/...`, `/favicon.ico`) with plausible sizes and
 * content types, ETags, and 304 Not Modified for a conditional request (a returning
 * browser revalidating its cache). The driver's page loads fetch a page, then its assets,
 * then the API calls the page's script makes: the burst a real browser makes. */
#ifndef TG_SHOP_PAGES_H
#define TG_SHOP_PAGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shop_api.h"

/* Assets of a page, in the order a browser asks for them (the page's product images come
 * after these). */
extern const char *const shop_page_assets[];
extern const int shop_page_asset_count;

/* Handles a path of the web front; false when the path is not one (then the API routes it). */
bool shop_page_route(const char *method, const char *path, bool conditional, shop_reply *out);

#endif
