/* Route templates: the endpoint a request belongs to, with identifiers folded, so that
 * /api/users/123 and /api/users/456 are one endpoint (/api/users/{id}). Numbers, UUIDs,
 * long hex strings and long tokens mixing letters and digits become {id}; the query is
 * dropped. */
#ifndef SF_ROUTE_TEMPLATE_H
#define SF_ROUTE_TEMPLATE_H

#include <stddef.h>

#define SF_ROUTE_MAX 512

/* Writes the template of endpoint (path with optional query) into out. */
void sf_route_template(const char *endpoint, char out[SF_ROUTE_MAX]);

#endif
