/* The API's route table: every path, method, handler and access level in one place. */
#ifndef SF_ROUTES_H
#define SF_ROUTES_H

#include "collector/http_server.h"

extern const sf_route sf_collector_routes[];

#endif
