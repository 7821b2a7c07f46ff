/* The shop's web front (see shop_pages.h). Bodies are filler text of the asset's size;
 * what matters to a monitor is the shape of the traffic, not the pixels. */
#include "shop_pages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const shop_page_assets[] = {
    "/static/css/shop.css", "/static/js/vendor.js", "/static/js/app.js",
    "/static/fonts/inter-regular.woff2", "/static/fonts/inter-bold.woff2",
    "/static/img/logo.svg", "/favicon.ico"};
const int shop_page_asset_count = (int)(sizeof shop_page_assets / sizeof *shop_page_assets);

static const struct {
    const char *suffix, *type;
    size_t size;
} kinds[] = {{".css", "text/css", 21000}, {"vendor.js", "application/javascript", 142000},
             {".js", "application/javascript", 38000}, {".woff2", "font/woff2", 31000},
             {".svg", "image/svg+xml", 3400}, {".ico", "image/x-icon", 5430},
             {".jpg", "image/jpeg", 0 /* by product id */}};

static char *filler(size_t n)
{
    char *b = malloc(n + 1);
    if (!b)
        return NULL;
    for (size_t i = 0; i < n; i++)
        b[i] = "abcdefghijklmnopqrstuvwxyz0123456789 "[i % 37];
    b[n] = '\0';
    return b;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

static void asset(const char *path, bool conditional, shop_reply *out)
{
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
        if (!ends_with(path, kinds[k].suffix))
            continue;
        out->content_type = kinds[k].type;
        out->median_ms = 0.4;
        out->sigma = 0.4;
        out->etag = true;
        if (conditional) {
            out->status = 304;
            return;
        }
        size_t size = kinds[k].size;
        if (!size) { /* product images: 8-60 KB by id */
            const char *slash = strrchr(path, '/');
            size = 8000 + (size_t)(strtoul(slash ? slash + 1 : "0", NULL, 10) * 7919 % 52000);
        }
        out->status = 200;
        out->body = filler(size);
        return;
    }
    out->status = 404;
    out->body = strdup("Not Found");
    out->content_type = "text/plain";
}

bool shop_page_route(const char *method, const char *path, bool conditional, shop_reply *out)
{
    bool page = strcmp(path, "/") == 0 || strcmp(path, "/cart") == 0 ||
                strncmp(path, "/products/", 10) == 0;
    bool stat = strncmp(path, "/static/", 8) == 0 || strcmp(path, "/favicon.ico") == 0;
    if (!page && !stat)
        return false;
    if (strcmp(method, "GET") != 0) {
        out->status = 405;
        out->allow = "GET, HEAD";
        out->body = strdup("{\"detail\":\"Method Not Allowed\"}");
        return true;
    }
    if (stat) {
        asset(path, conditional, out);
        return true;
    }
    /* Pages are rendered on the server: a template and a database query or two. */
    out->status = 200;
    out->content_type = "text/html; charset=utf-8";
    out->median_ms = strcmp(path, "/") == 0 ? 18 : 25;
    out->sigma = 0.4;
    out->body = filler(strcmp(path, "/") == 0 ? 14500 : 9800 + strlen(path) * 13);
    return true;
}
