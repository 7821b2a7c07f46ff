/* CORS (see http_cors.h). */
#include "collector/http_cors.h"

#include <stdlib.h>
#include <string.h>

#include "collector/app.h"

#define ORIGINS_MAX 64

char **sf_cors_origins_parse(const char *text)
{
    char **list = calloc(ORIGINS_MAX + 1, sizeof *list);
    char *copy = strdup(text ? text : "");
    if (!list || !copy) {
        free(list);
        free(copy);
        return NULL;
    }
    char *save = NULL;
    int n = 0;
    for (char *tok = strtok_r(copy, ", \t", &save); tok && n < ORIGINS_MAX;
         tok = strtok_r(NULL, ", \t", &save)) {
        size_t len = strlen(tok);
        while (len > 0 && tok[len - 1] == '/') /* "http://x:3000/" names the same origin */
            tok[--len] = '\0';
        list[n++] = strdup(tok);
    }
    free(copy);
    return list;
}

void sf_cors_origins_free(char **origins)
{
    for (int i = 0; origins && origins[i]; i++)
        free(origins[i]);
    free(origins);
}

static const char *allowed_origin(sf_request *r)
{
    const char *origin = evhttp_find_header(evhttp_request_get_input_headers(r->req), "Origin");
    char **list = r->app->cors_origins;
    for (int i = 0; origin && list && list[i]; i++)
        if (strcmp(list[i], origin) == 0)
            return origin;
    return NULL;
}

void sf_cors_add_headers(sf_request *r, struct evkeyvalq *out)
{
    const char *origin = allowed_origin(r);
    if (origin) {
        evhttp_add_header(out, "Access-Control-Allow-Origin", origin);
        evhttp_add_header(out, "Vary", "Origin");
    }
}

bool sf_cors_preflight(sf_request *r)
{
    if (evhttp_request_get_command(r->req) != EVHTTP_REQ_OPTIONS ||
        (strncmp(r->path, "/api/", 5) != 0 && strcmp(r->path, "/api") != 0))
        return false;
    if (allowed_origin(r)) {
        sf_reply_add_header(r, "Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS");
        sf_reply_add_header(r, "Access-Control-Allow-Headers",
                            "Authorization, Content-Type, X-Correlation-ID, X-Request-ID");
        sf_reply_add_header(r, "Access-Control-Max-Age", "600");
    }
    sf_reply_raw(r, 204, "text/plain", "", 0);
    return true;
}
