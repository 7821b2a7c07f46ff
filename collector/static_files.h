/* The dashboard's static files (dashboard/dist) at "/": safe path mapping, content types,
 * caching headers (hashed assets are immutable; index.html is always revalidated), and
 * the single-page-app fallback (an unknown non-API path gets index.html). */
#ifndef SF_STATIC_FILES_H
#define SF_STATIC_FILES_H

#include <stddef.h>

#include <stdbool.h>

#include "collector/http_server.h"

/* Serves r (GET/HEAD of any path outside /api) from root. */
void sf_static_serve(sf_request *r, const char *root);

/* True for a browser's page load of a dashboard route that the API also serves: GET or
 * HEAD /metrics asking for text/html (Prometheus asks for text/plain). */
int sf_static_is_page(const sf_request *r);

/* Maps a request path to a file under root; -1 for paths that try to leave it. */
int sf_static_map_path(const char *root, const char *path, char *out, size_t out_size);
/* Content type for a file name. */
const char *sf_static_content_type(const char *name);


#endif
