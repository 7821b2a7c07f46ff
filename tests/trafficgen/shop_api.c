/* Routes of the imitation shop API (see shop_api.h). Each handler picks a status, a
 * JSON body and the endpoint's latency class; the server adds the delay. */
#include "shop_api.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shop_pages.h"
#include "tg_random.h"

typedef struct route_ctx {
    const char *method, *query, *body;
    size_t body_len;
    long id;            /* numeric last segment, or -1 */
    uint64_t *rng;
    shop_reply *out;
} route_ctx;

static void reply_json(shop_reply *out, int status, json_t *j)
{
    out->status = status;
    out->body = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
}

static void not_found(route_ctx *c) { reply_json(c->out, 404, json_pack("{s:s}", "detail", "Not Found")); }

static void not_allowed(route_ctx *c, const char *allow)
{
    c->out->allow = allow;
    reply_json(c->out, 405, json_pack("{s:s}", "detail", "Method Not Allowed"));
}

static json_t *product(long id)
{
    static const char *const names[] = {"kettle", "teapot", "mug", "grinder", "scale", "filter"};
    return json_pack("{s:i, s:s, s:f, s:i}", "id", (int)id, "name", names[id % 6], "price",
                     3.5 + (double)(id % 40), "stock", (int)(id * 7 % 90));
}

static void products(route_ctx *c)
{
    c->out->median_ms = c->id >= 0 ? 3 : 6;
    if (strcmp(c->method, "GET") != 0 && strcmp(c->method, "HEAD") != 0)
        { not_allowed(c, "GET, HEAD"); return; }
    if (c->id >= 0) {
        if (c->id < 1 || c->id > 500)
            { not_found(c); return; }
        { reply_json(c->out, 200, product(c->id)); return; }
    }
    json_t *arr = json_array();
    for (long i = 1; i <= 40; i++)
        json_array_append_new(arr, product(i));
    c->out->chunks = 4; /* a long listing is streamed */
    reply_json(c->out, 200, json_pack("{s:o, s:i}", "items", arr, "total", 500));
}

static json_t *user(long id)
{
    char name[32];
    snprintf(name, sizeof name, "user%ld", id);
    return json_pack("{s:i, s:s, s:s}", "id", (int)id, "username", name, "role", id % 10 ? "customer" : "staff");
}

static void users(route_ctx *c)
{
    c->out->median_ms = 4;
    if (c->id < 0) {
        if (strcmp(c->method, "GET") != 0)
            { not_allowed(c, "GET"); return; }
        json_t *arr = json_array();
        for (long i = 1; i <= 10; i++)
            json_array_append_new(arr, user(i));
        { reply_json(c->out, 200, json_pack("{s:o}", "items", arr)); return; }
    }
    if (c->id < 1 || c->id > 1000)
        { not_found(c); return; }
    if (strcmp(c->method, "DELETE") == 0)
        { reply_json(c->out, 204, NULL); return; }
    if (strcmp(c->method, "GET") == 0 || strcmp(c->method, "PUT") == 0)
        { reply_json(c->out, 200, user(c->id)); return; }
    not_allowed(c, "GET, PUT, DELETE");
}

static void orders(route_ctx *c)
{
    bool post = strcmp(c->method, "POST") == 0;
    c->out->median_ms = post ? 15 : 10;
    c->out->sigma = 0.6;
    if (c->id < 0 && post) {
        long id = (long)tg_range(c->rng, 1000, 99999);
        reply_json(c->out, 201, json_pack("{s:i, s:s, s:I}", "id", (int)id, "status", "created",
                                          "received_bytes", (json_int_t)c->body_len));
        return;
    }
    if (c->id < 0 && strcmp(c->method, "GET") == 0) {
        json_t *arr = json_array();
        for (int i = 0; i < 15; i++)
            json_array_append_new(arr, json_pack("{s:i, s:f}", "id", 1000 + i, "total", 12.5 * i));
        reply_json(c->out, 200, json_pack("{s:o}", "items", arr));
        return;
    }
    if (c->id < 0) {
        not_allowed(c, "GET, POST");
        return;
    }
    if (strcmp(c->method, "DELETE") == 0)
        reply_json(c->out, 204, NULL);
    else if (strcmp(c->method, "GET") == 0)
        reply_json(c->out, 200, json_pack("{s:i, s:s}", "id", (int)c->id, "status", "shipped"));
    else
        not_allowed(c, "GET, DELETE");
}

static void login(route_ctx *c)
{
    c->out->median_ms = 40; /* password hashing */
    c->out->sigma = 0.2;
    if (strcmp(c->method, "POST") != 0) {
        not_allowed(c, "POST");
        return;
    }
    json_t *j = json_loadb(c->body ? c->body : "", c->body_len, 0, NULL);
    const char *u = json_string_value(json_object_get(j, "username"));
    const char *p = json_string_value(json_object_get(j, "password"));
    bool ok = u && p && strcmp(u, SHOP_USER) == 0 && strcmp(p, SHOP_PASSWORD) == 0;
    json_decref(j);
    if (ok)
        reply_json(c->out, 200, json_pack("{s:s, s:s}", "access_token", "tg.demo.token",
                                          "token_type", "bearer"));
    else
        reply_json(c->out, 401, json_pack("{s:s}", "detail", "Invalid credentials"));
}

static void search(route_ctx *c)
{
    c->out->median_ms = 20;
    c->out->sigma = 0.7;
    if (strcmp(c->method, "GET") != 0) {
        not_allowed(c, "GET");
        return;
    }
    int hits = (int)tg_range(c->rng, 0, 25);
    json_t *arr = json_array();
    for (int i = 0; i < hits; i++)
        json_array_append_new(arr, product(1 + (long)tg_range(c->rng, 0, 499)));
    c->out->chunks = 1 + hits / 5; /* results stream as they are found */
    reply_json(c->out, 200, json_pack("{s:s?, s:o}", "query", c->query, "results", arr));
}

static void health(route_ctx *c)
{
    c->out->median_ms = 0.3;
    reply_json(c->out, 200, json_pack("{s:s}", "status", "ok"));
}

/* "/api/users/12" -> base "users", id 12; "/api/users" -> id -1; junk -> id -2. */
static const char *split(const char *path, char *base, size_t size, long *id)
{
    *id = -1;
    if (strncmp(path, "/api/", 5) != 0)
        return NULL;
    const char *rest = path + 5;
    const char *slash = strchr(rest, '/');
    size_t n = slash ? (size_t)(slash - rest) : strlen(rest);
    if (n == 0 || n >= size)
        return NULL;
    memcpy(base, rest, n);
    base[n] = '\0';
    if (slash && slash[1]) {
        char *end;
        *id = strtol(slash + 1, &end, 10);
        if (*end || *id < 0)
            *id = -2; /* not a number: a path that does not exist */
    }
    return base;
}

void shop_route(const char *method, const char *path, const char *query, const char *body,
                size_t body_len, bool conditional, uint64_t *rng, shop_reply *out)
{
    memset(out, 0, sizeof *out);
    out->median_ms = 2;
    out->sigma = 0.5;
    route_ctx c = {.method = method, .query = query, .body = body, .body_len = body_len,
                   .rng = rng, .out = out};
    char base[32];
    if (shop_page_route(method, path, conditional, out))
        return;
    if (strcmp(path, "/api/auth/login") == 0)
        login(&c);
    else if (strcmp(path, "/api/search") == 0)
        search(&c);
    else if (strcmp(path, "/api/health") == 0)
        health(&c);
    else if (!split(path, base, sizeof base, &c.id) || c.id == -2)
        not_found(&c);
    else if (strcmp(base, "products") == 0)
        products(&c);
    else if (strcmp(base, "users") == 0)
        users(&c);
    else if (strcmp(base, "orders") == 0)
        orders(&c);
    else
        not_found(&c);
}
