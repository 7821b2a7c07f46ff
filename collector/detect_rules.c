/* The reference's fixed rules and the per-route baselines of latency and size, and the
 * payload detector (detect.h). The fixed rules stay for compatibility (5xx, > 3 s,
 * > 10 MB, strict >), but a route's own baseline overrides the slow and large ones once it
 * is warm: a route that is always slow is that route's normal. */
#include <stdio.h>
#include <string.h>

#include "collector/detect_verdict.h"
#include "model/attack_keywords.h"
#include "model/features_http.h"
#include "model/text_scan.h"

typedef struct measure_text {
    char seen[32], median[32], upper[32], ratio[32];
} measure_text;

static void describe(double seen, const sf_baseline_value *b, measure_text *t)
{
    sf_format_number(seen, t->seen, sizeof t->seen);
    sf_format_number(b->median, t->median, sizeof t->median);
    sf_format_number(b->upper, t->upper, sizeof t->upper);
    sf_format_number(b->median > 0 ? seen / b->median : 0, t->ratio, sizeof t->ratio);
}

static void server_errors(const sf_detect_input *in, sf_verdict *v)
{
    const sf_record *r = &in->item->rec;
    const sf_route_view *rv = in->route;
    if (r->status_code < 500)
        return;
    const sf_detect_config *c = in->cfg;
    double share = rv->window_requests ? (double)rv->window_server_errors / (double)rv->window_requests : 0;
    double usual = rv->warm ? rv->server_error_share : rv->site_server_error_share;
    double spike_at = c->error_spike_share > 3 * usual ? c->error_spike_share : 3 * usual;
    if (rv->window_server_errors >= c->error_spike_min && share >= spike_at) {
        sf_verdict_add(v, "error_rate_spike", SF_SUBJECT_ROUTE, sf_grade(share, spike_at), "behaviour",
                       "error-rate spike on %s %s: %lld of %lld requests in the last %llds answered 5xx "
                       "(%.0f%%; usual for this route %.1f%%, limit %.0f%%)", r->method, in->item->route,
                       (long long)rv->window_server_errors, (long long)rv->window_requests,
                       (long long)(rv->window_ms / 1000), share * 100, usual * 100, spike_at * 100);
        return;
    }
    /* A 5xx is always reported (the reference's rule); its score says how unusual it is
     * for the route (for the site, while the route has no baseline). */
    double score = 0.9 - 0.3 * (usual < 0.5 ? usual * 2 : 1);
    if (rv->warm)
        sf_verdict_add(v, "server_error", SF_SUBJECT_ROUTE, score, "rule",
                       "server error: status %d on %s %s (usual 5xx share for this route %.1f%%)",
                       r->status_code, r->method, in->item->route, usual * 100);
    else
        sf_verdict_add(v, "server_error", SF_SUBJECT_ROUTE, score, "rule",
                       "server error: status %d on %s %s (usual 5xx share on this site %.1f%%)",
                       r->status_code, r->method, in->item->route, usual * 100);
}

static void latency(const sf_detect_input *in, sf_verdict *v)
{
    const sf_record *r = &in->item->rec;
    const sf_route_view *rv = in->route;
    const sf_baseline_value *b = &rv->latency;
    const sf_detect_config *c = in->cfg;
    measure_text t; /* formatted only when something is found: this runs per record */
    bool beyond = b->judged && r->response_time_ms > b->upper;
    bool slow_share = rv->window_requests >= c->regression_min &&
                      (double)rv->window_slow >= c->regression_share * (double)rv->window_requests;
    if (b->judged && slow_share && r->response_time_ms >= 2 * b->median &&
        b->z > c->baseline_mads / 2) {
        describe(r->response_time_ms, b, &t);
        sf_verdict_add(v, "latency_regression", SF_SUBJECT_ROUTE,
                       sf_grade((double)rv->window_slow / (double)rv->window_requests, c->regression_share) * 0.5 +
                           sf_grade(b->z, c->baseline_mads / 2) * 0.5,
                       "behaviour", "latency regression on %s %s: %lld of %lld requests in the last %llds "
                       "slow for the route; this one %s ms, %s times the usual median of %s ms",
                       r->method, in->item->route, (long long)rv->window_slow,
                       (long long)rv->window_requests, (long long)(rv->window_ms / 1000),
                       t.seen, t.ratio, t.median);
    } else if (beyond) {
        describe(r->response_time_ms, b, &t);
        sf_verdict_add(v, "response_time_spike", SF_SUBJECT_ROUTE, sf_grade(b->z, c->baseline_mads),
                       "baseline", "response time %s ms on %s %s, %s times the usual median of %s ms "
                       "(unusual above %s ms; %.0f MADs above the median)", t.seen, r->method,
                       in->item->route, t.ratio, t.median, t.upper, b->z);
    } else if (!b->judged && r->response_time_ms > c->slow_ms &&
               (!rv->site_latency.judged || r->response_time_ms > rv->site_latency.p999)) {
        char limit[32];
        describe(r->response_time_ms, b, &t);
        sf_format_number(c->slow_ms, limit, sizeof limit);
        sf_verdict_add(v, "response_time_spike", SF_SUBJECT_ROUTE, sf_grade(r->response_time_ms, c->slow_ms),
                       "rule", "response time %s ms, above the %s ms limit and rarer than 1 in 1,000 on this "
                       "site (%s %s has no baseline yet: %.0f requests of %lld)", t.seen, limit, r->method, in->item->route,
                       rv->requests, (long long)c->baseline_min_requests);
    }
}

static void size(const sf_detect_input *in, sf_verdict *v, const char *type, const char *what,
                 int64_t bytes, const sf_baseline_value *b, const sf_baseline_value *site)
{
    const sf_detect_config *c = in->cfg;
    if (bytes == SF_ABSENT)
        return;
    measure_text t;
    if (b->judged && (double)bytes > b->upper) {
        describe((double)bytes, b, &t);
        sf_verdict_add(v, type, SF_SUBJECT_ROUTE, sf_grade(b->z, c->baseline_mads), "baseline",
                       "%s of %s bytes on %s %s, %s times the usual median of %s bytes (unusual "
                       "above %s bytes)", what, t.seen, in->item->rec.method, in->item->route,
                       t.ratio, t.median, t.upper);
    } else if (!b->judged && bytes > c->large_bytes && (!site->judged || (double)bytes > site->p999)) {
        char limit[32];
        describe((double)bytes, b, &t);
        sf_format_number((double)c->large_bytes, limit, sizeof limit);
        sf_verdict_add(v, type, SF_SUBJECT_ROUTE, sf_grade((double)bytes, (double)c->large_bytes), "rule",
                       "%s of %s bytes, above the %s bytes limit and rarer than 1 in 1,000 on this site (no "
                       "baseline for this route yet)",
                       what, t.seen, limit);
    }
}

void sf_detect_rules(const sf_detect_input *in, sf_verdict *v)
{
    const sf_record *r = &in->item->rec;
    server_errors(in, v);
    latency(in, v);
    size(in, v, "large_request", "request",
         r->request_size_bytes != SF_ABSENT ? r->request_size_bytes : r->req_body_bytes,
         &in->route->request_size, &in->route->site_request_size);
    size(in, v, "large_response", "response",
         r->response_size_bytes != SF_ABSENT ? r->response_size_bytes : r->resp_body_bytes,
         &in->route->response_size, &in->route->site_response_size);
}

/* ---- payload ---- */

static const char *const payload_types[] = {"sql_injection", "xss", "path_traversal",
                                            "injection_attempt"};

/* Quotes up to 60 bytes of text around the match, control bytes shown as '?'. */
static void quote(const char *text, const sf_attack_match *m, char *out, size_t size)
{
    size_t len = strlen(text), from = m->at > 20 ? m->at - 20 : 0;
    size_t to = m->at + m->len + 20 < len ? m->at + m->len + 20 : len;
    if (to - from > 60)
        to = from + 60;
    size_t o = 0;
    if (from > 0 && o + 4 < size)
        o += (size_t)snprintf(out + o, size - o, "...");
    for (size_t i = from; i < to && o + 5 < size; i++) {
        unsigned char ch = (unsigned char)text[i];
        out[o++] = ch < 0x20 || ch == 0x7f || ch == '"' ? (ch == '"' ? '\'' : '?') : (char)ch;
    }
    if (to < len && o + 4 < size)
        o += (size_t)snprintf(out + o, size - o, "...");
    out[o] = '\0';
}

static int find_in(const char *text, size_t len, enum sf_scan_kind kind, sf_attack_match *m,
                   char *evidence, size_t size)
{
    sf_text_scan scan;
    sf_text_scan_run(&scan, text, len, kind);
    if (!sf_attack_find_strong(scan.decoded, m))
        return 0;
    quote(scan.decoded, m, evidence, size);
    return 1;
}

void sf_detect_payload(const sf_detect_input *in, sf_verdict *v)
{
    const float *base = in->base;
    if (base[SF_HF_KW_SQLI] + base[SF_HF_KW_XSS] + base[SF_HF_KW_TRAVERSAL] +
            base[SF_HF_KW_INJECTION] <= 0)
        return; /* no token at all: nothing to look for (most records) */
    const char *path, *query;
    size_t path_len, query_len;
    sf_request_target(&in->item->rec, &path, &path_len, &query, &query_len);
    sf_attack_match m;
    char evidence[96];
    const char *where = "query";
    if (!find_in(query, query_len, SF_SCAN_PARAMS, &m, evidence, sizeof evidence)) {
        where = "path";
        if (!find_in(path, path_len, SF_SCAN_PATH, &m, evidence, sizeof evidence))
            return;
    }
    char token[40];
    quote(m.token, &(sf_attack_match){m.cls, m.token, 0, strlen(m.token)}, token, sizeof token);
    double strength = base[SF_HF_KW_SQLI + m.cls];
    sf_verdict_add(v, payload_types[m.cls], SF_SUBJECT_CLIENT, strength >= 3 ? 0.99 : strength >= 2 ? 0.97 : 0.95,
                   "payload", "%s in the %s: \"%s\" (token \"%s\"; %.0f %s token%s in the request)",
                   sf_attack_class_label(m.cls), where, evidence, token, strength,
                   sf_attack_class_label(m.cls), strength == 1 ? "" : "s");
}
