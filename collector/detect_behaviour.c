/* Behaviour detectors (detect.h), in seconds of traffic time: endpoint scan, brute force
 * per client and distributed over a route's clients, and floods (leaky buckets per client
 * and per address). Each flags the requests that make up the behaviour (the probes, the
 * failed logins, the requests over the bucket), not every request of the client while it
 * lasts; the route detectors (error-rate spike, latency regression) live with the rules
 * they refine (detect_rules.c). */
#include <stdio.h>

#include "collector/detect_verdict.h"

static void scan(const sf_detect_input *in, sf_verdict *v)
{
    double seen = in->client->distinct_error_paths, limit = (double)in->cfg->scan_distinct;
    if (!in->error_path || seen < limit)
        return;
    sf_verdict_add(v, "endpoint_scan", SF_SUBJECT_CLIENT, sf_grade(seen, limit), "behaviour",
                   "endpoint scan: about %.0f distinct paths answered 404/403/400 to client %s in "
                   "the last minute (limit %.0f; %.0f requests from it in all)", seen, in->address,
                   limit, in->client->requests);
}

static void brute_force(const sf_detect_input *in, sf_verdict *v)
{
    if (!in->auth_failure)
        return;
    const sf_detect_config *c = in->cfg;
    const sf_route_view *rv = in->route;
    double seen = in->client->auth_failures;
    if (seen >= (double)c->brute_force) {
        /* the route is the subject: single and distributed attempts on it are one incident */
        sf_verdict_add(v, "brute_force", SF_SUBJECT_ROUTE, sf_grade(seen, (double)c->brute_force),
                       "behaviour", "brute force: %.0f failed logins from client %s in the last "
                       "minute (limit %lld)", seen, in->address, (long long)c->brute_force);
    } else if (rv->auth_failures >= c->brute_force_route &&
               rv->auth_clients >= (double)c->brute_force_clients) {
        sf_verdict_add(v, "brute_force", SF_SUBJECT_ROUTE,
                       sf_grade((double)rv->auth_failures, (double)c->brute_force_route), "behaviour",
                       "distributed brute force on %s %s: %lld failed logins in the last minute from "
                       "about %.0f clients (limit %lld from %lld or more; this client %.0f)",
                       in->item->rec.method, in->item->route, (long long)rv->auth_failures,
                       rv->auth_clients, (long long)c->brute_force_route,
                       (long long)c->brute_force_clients, seen);
    }
}

static void flood(const sf_detect_input *in, sf_verdict *v)
{
    const sf_detect_config *c = in->cfg;
    double burst = (double)c->flood_burst;
    if (in->client->bucket > burst) {
        sf_verdict_add(v, "request_flood", SF_SUBJECT_CLIENT, sf_grade(in->client->bucket, burst),
                       "behaviour", "request flood: client %s keeps up more than %.0f requests/s "
                       "(bucket %.0f over its %.0f burst; %.0f requests in the last minute)",
                       in->address, c->flood_rate, in->client->bucket, burst, in->client->requests);
        return;
    }
    double address_burst = burst * (double)c->address_clients;
    if (in->address_bucket > address_burst)
        sf_verdict_add(v, "request_flood", SF_SUBJECT_ADDRESS,
                       sf_grade(in->address_bucket, address_burst), "behaviour",
                       "request flood: address %s (all its clients together) keeps up more than "
                       "%.0f requests/s (bucket %.0f over %.0f)", in->address,
                       c->flood_rate * (double)c->address_clients, in->address_bucket, address_burst);
}

void sf_detect_behaviour(const sf_detect_input *in, sf_verdict *v)
{
    if (!in->address[0])
        return; /* without an address every such record would be one busy client */
    scan(in, v);
    brute_force(in, v);
    flood(in, v);
}
