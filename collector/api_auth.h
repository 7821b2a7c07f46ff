/* /api/auth/...: signup, login (form or JSON, by username or email), demo (guest token) and
 * me (api.md "Auth"). Password hashing runs on the accounts pool (app->auth_pool, two
 * threads), never on the loop and never in the way of the read API. */
#ifndef SF_API_AUTH_H
#define SF_API_AUTH_H

#include "collector/http_server.h"

void sf_api_auth_signup(sf_request *r);
void sf_api_auth_login(sf_request *r);
void sf_api_auth_demo(sf_request *r);
void sf_api_auth_me(sf_request *r);

#endif
