/* Access control: the one place where a route's access level is checked.
 *
 * Today: ingest routes need a valid ingest token (Authorization: Bearer sfi_...), or, with
 * the development switch allow_anonymous_ingest, an anonymous client on loopback. User
 * roles (JWT) arrive with the security issue; until then READ/ANALYST routes are open, as
 * the reference's were, and ADMIN routes answer loopback clients only. */
#include <string.h>
#include <strings.h>

#include "collector/app.h"
#include "collector/http_server.h"
#include "common/addr.h"

static const char *bearer_token(sf_request *r)
{
    if (!r->req)
        return NULL;
    const char *h = evhttp_find_header(evhttp_request_get_input_headers(r->req), "Authorization");
    if (!h || strncasecmp(h, "Bearer ", 7) != 0)
        return NULL;
    return h + 7;
}

static void unauthorized(sf_request *r, const char *detail)
{
    sf_reply_add_header(r, "WWW-Authenticate", "Bearer");
    sf_reply_error(r, 401, detail);
}

int sf_access_allows(sf_request *r, sf_access access)
{
    if (access == SF_ACCESS_ADMIN) {
        /* Until user accounts exist, admin actions (making ingest tokens) are for the
         * machine's own operators: loopback clients only. */
        if (sf_addr_is_loopback(sf_request_peer(r)))
            return 1;
        sf_reply_error(r, 403, "Forbidden");
        return 0;
    }
    if (access != SF_ACCESS_INGEST)
        return 1;
    sf_app *app = r->app;
    const char *token = bearer_token(r);
    if (!token) {
        if (app->config.allow_anonymous_ingest && sf_addr_is_loopback(sf_request_peer(r)))
            return 1;
        unauthorized(r, "Not authenticated");
        return 0;
    }
    if (!sf_token_cache_check(app->tokens, token)) {
        unauthorized(r, "Invalid authentication credentials");
        return 0;
    }
    return 1;
}
