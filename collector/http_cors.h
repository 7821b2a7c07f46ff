/* CORS (api.md Conventions): origins listed in cors_origins (exact match, default none)
 * get Access-Control-Allow-Origin and Vary: Origin on every answer, errors included; an
 * OPTIONS preflight on any /api/ path is answered 204, with the allowed methods, headers
 * (Authorization, Content-Type, X-Correlation-ID) and max-age for an allowed origin and
 * without them for any other. Never a 405. */
#ifndef SF_HTTP_CORS_H
#define SF_HTTP_CORS_H

#include <event2/http.h>
#include <stdbool.h>

#include "collector/http_server.h"

/* "https://a.example, http://localhost:3000" -> NULL-terminated list (NULL on OOM). */
char **sf_cors_origins_parse(const char *text);
void sf_cors_origins_free(char **origins);
/* Adds the allow headers to out when the request's Origin is allowed. */
void sf_cors_add_headers(sf_request *r, struct evkeyvalq *out);
/* True (and answered) when r is a preflight. */
bool sf_cors_preflight(sf_request *r);

#endif
