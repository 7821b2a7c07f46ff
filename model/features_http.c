/* Per-request HTTP features (see features_http.h): the schema, and the extractor that
 * turns a record (plus optional body) into one feature row. */
#include "model/features_http.h"
#include "model/attack_keywords.h"
#include "model/reasons.h"
#include "model/schema.h"
#include "model/text_scan.h"

#include <math.h>
#include <string.h>
#include <strings.h>

const char *const sf_http_feature_names[SF_HTTP_FEATURE_COUNT] = {
    "meta.latency_ms_log", "meta.request_bytes_log", "meta.response_bytes_log",
    "meta.status_class", "meta.method", "meta.hour_utc", "meta.user_agent_length",
    "path.length", "path.depth", "path.max_segment_length", "path.nonalnum_ratio",
    "path.digit_ratio", "path.entropy", "path.escapes", "path.special_chars", "path.dots",
    "query.length", "query.params", "query.entropy", "query.nonalnum_ratio",
    "body.length", "body.params", "body.entropy", "body.nonalnum_ratio",
    "args.max_value_length", "args.max_name_length", "args.digit_ratio", "args.upper_ratio",
    "args.special_chars", "args.escape_density", "args.punct_kinds", "args.spaces",
    "kw.sqli", "kw.xss", "kw.traversal", "kw.injection", "kw.backup_ext",
    "profile.route_novelty", "profile.name_rarity", "profile.byte_rarity",
    "profile.length_ratio", "profile.surprise",
    "ctx.client_rate_1m", "ctx.client_error_ratio_1m", "ctx.client_distinct_paths_1m",
};

uint64_t sf_http_schema_hash(void)
{
    return sf_schema_hash(SF_HTTP_SCHEMA_VERSION, sf_http_feature_names, SF_HTTP_FEATURE_COUNT);
}

static const struct {
    const char *name;
    sf_feature_display display;
} displays[] = {
    {"meta.latency_ms_log", {"latency", "ms", 1}},
    {"meta.request_bytes_log", {"request size", "bytes", 1}},
    {"meta.response_bytes_log", {"response size", "bytes", 1}},
    {"meta.status_class", {"status class (hundreds)", "", 0}},
    {"meta.method", {"method code", "", 0}},
    {"meta.hour_utc", {"hour of day (UTC)", "", 0}},
    {"meta.user_agent_length", {"user-agent length", "chars", 0}},
    {"path.length", {"path length", "chars", 0}},
    {"path.depth", {"path depth", "segments", 0}},
    {"query.params", {"query parameter count", "", 0}},
    {"query.length", {"query length", "chars", 0}},
    {"body.length", {"body length", "bytes", 0}},
    {"args.max_value_length", {"longest parameter value", "chars", 0}},
    {"args.special_chars", {"special characters in parameters", "", 0}},
    {"kw.sqli", {"SQL-injection tokens", "", 0}},
    {"kw.xss", {"cross-site-scripting tokens", "", 0}},
    {"kw.traversal", {"path-traversal / file-access tokens", "", 0}},
    {"kw.injection", {"command / CRLF injection tokens", "", 0}},
    {"kw.backup_ext", {"backup or config file extensions in path", "", 0}},
    {"profile.route_novelty", {"route never seen in training", "bits", 0}},
    {"profile.name_rarity", {"rarest parameter name on this route", "bits", 0}},
    {"profile.byte_rarity", {"rarest character in a parameter value", "bits", 0}},
    {"profile.length_ratio", {"longest value vs. longest seen (log2)", "", 0}},
    {"profile.surprise", {"novelty vs. training traffic", "bits", 0}},
    {"ctx.client_rate_1m", {"client requests in the last minute", "", 0}},
    {"ctx.client_error_ratio_1m", {"client error ratio (last minute)", "", 0}},
    {"ctx.client_distinct_paths_1m", {"distinct paths by client (last minute)", "", 0}},
};

void sf_features_http_display(const char *name, struct sf_feature_display *display)
{
    for (size_t i = 0; i < sizeof displays / sizeof displays[0]; i++)
        if (strcmp(displays[i].name, name) == 0)
            *display = displays[i].display;
}

static float log_size(double v)
{
    return v > 0 ? (float)log1p(v) : 0.0f;
}

static float ratio(size_t part, size_t whole)
{
    return whole ? (float)part / (float)whole : 0.0f;
}

static const char *const method_names[] = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD",
                                           "OPTIONS", "another method", "no method"};

/* HEAD is GET without the body (RFC 9110, 9.3.2): link checkers, uptime monitors, feed
 * readers and `curl -I` send it to pages that browsers GET. It takes GET's code, so the
 * forest does not isolate a HEAD on a GET-only site for its method alone (on real logs it
 * was most of the forest's false positives: 18 of 26 rows on apache_logs.gz, 2 of 2 on a
 * 2004 TWiki/Mailman log). A HEAD scan still meets the scan and rule detectors. */
static float method_code(const char *method)
{
    if (strcasecmp(method, "HEAD") == 0)
        return 0.0f;
    for (size_t i = 0; i < 7; i++)
        if (strcasecmp(method, method_names[i]) == 0)
            return (float)i;
    return (float)(method[0] ? 7 : 8);
}

const char *sf_http_method_name(int code)
{
    return code >= 0 && code <= 8 ? method_names[code] : "another method";
}

/* Path and query of the request target: endpoint first (reduced to origin-form), else the
 * record's own path and query. */
void sf_request_target(const sf_record *rec, const char **path, size_t *path_len,
                       const char **query, size_t *query_len)
{
    const char *target = rec->endpoint;
    *path = *query = "";
    *path_len = *query_len = 0;
    if (!target) {
        if (rec->path)
            *path = rec->path, *path_len = strlen(rec->path);
        if (rec->query)
            *query = rec->query, *query_len = strlen(rec->query);
        return;
    }
    const char *scheme_end = strstr(target, "://");
    if (scheme_end && scheme_end < target + strcspn(target, "/?")) {
        target = scheme_end + 3;
        target += strcspn(target, "/?"); /* skip the authority */
    }
    size_t before_query = strcspn(target, "?");
    *path = target;
    *path_len = before_query;
    if (target[before_query] == '?') {
        *query = target + before_query + 1;
        *query_len = strlen(*query);
    }
}

static void meta_features(const sf_record *rec, float *out)
{
    int64_t req = rec->request_size_bytes != SF_ABSENT ? rec->request_size_bytes
                                                       : rec->req_body_bytes;
    int64_t resp = rec->response_size_bytes != SF_ABSENT ? rec->response_size_bytes
                                                         : rec->resp_body_bytes;
    out[SF_HF_LATENCY_LOG] = log_size(rec->response_time_ms);
    out[SF_HF_REQUEST_BYTES_LOG] = log_size((double)req);
    out[SF_HF_RESPONSE_BYTES_LOG] = log_size((double)resp);
    out[SF_HF_STATUS_CLASS] = (float)(rec->status_code / 100);
    out[SF_HF_METHOD] = method_code(rec->method);
    out[SF_HF_HOUR] = rec->timestamp_us > 0
                          ? (float)((rec->timestamp_us / 3600000000LL) % 24) : 0.0f;
    out[SF_HF_UA_LENGTH] = rec->user_agent ? (float)strlen(rec->user_agent) : 0.0f;
}

static void path_features(const sf_text_scan *p, float *out)
{
    out[SF_HF_PATH_LENGTH] = (float)p->raw_len;
    out[SF_HF_PATH_DEPTH] = (float)p->segments;
    out[SF_HF_PATH_MAX_SEGMENT] = (float)p->max_segment_len;
    out[SF_HF_PATH_NONALNUM] = ratio(p->nonalnum, p->decoded_len);
    out[SF_HF_PATH_DIGITS] = ratio(p->digits, p->decoded_len);
    out[SF_HF_PATH_ENTROPY] = (float)p->entropy;
    out[SF_HF_PATH_ESCAPES] = (float)p->escapes;
    out[SF_HF_PATH_SPECIAL] = (float)p->special;
    out[SF_HF_PATH_DOTS] = (float)p->dots;
}

/* query. and body. groups share a layout: length, params, entropy, non-alphanumeric. */
static void part_features(const sf_text_scan *s, float *out)
{
    out[0] = (float)s->raw_len;
    out[1] = (float)s->params;
    out[2] = (float)s->entropy;
    out[3] = ratio(s->nonalnum, s->decoded_len);
}

static size_t max_size(size_t a, size_t b)
{
    return a > b ? a : b;
}

static void args_features(const sf_text_scan *q, const sf_text_scan *b, float *out)
{
    size_t decoded = q->decoded_len + b->decoded_len;
    out[SF_HF_ARGS_MAX_VALUE] = (float)max_size(q->max_value_len, b->max_value_len);
    out[SF_HF_ARGS_MAX_NAME] = (float)max_size(q->max_name_len, b->max_name_len);
    out[SF_HF_ARGS_DIGITS] = ratio(q->digits + b->digits, decoded);
    out[SF_HF_ARGS_UPPER] = ratio(q->upper + b->upper, q->letters + b->letters);
    out[SF_HF_ARGS_SPECIAL] = (float)(q->special + b->special);
    out[SF_HF_ARGS_ESCAPES] = ratio(q->escapes + b->escapes, decoded);
    out[SF_HF_ARGS_PUNCT_KINDS] = (float)max_size(q->punct_kinds, b->punct_kinds);
    out[SF_HF_ARGS_SPACES] = (float)(q->spaces + b->spaces);
}

static void keyword_features(const sf_text_scan *p, const sf_text_scan *q,
                             const sf_text_scan *b, float *out)
{
    size_t counts[SF_ATTACK_CLASS_COUNT] = {0};
    sf_attack_count(p->decoded, counts);
    sf_attack_count(q->decoded, counts);
    sf_attack_count(b->decoded, counts);
    counts[SF_ATTACK_BACKUP_EXT] = sf_backup_ext_count(p->decoded);
    out[SF_HF_KW_SQLI] = (float)counts[SF_ATTACK_SQLI];
    out[SF_HF_KW_XSS] = (float)counts[SF_ATTACK_XSS];
    out[SF_HF_KW_TRAVERSAL] = (float)counts[SF_ATTACK_TRAVERSAL];
    out[SF_HF_KW_INJECTION] = (float)counts[SF_ATTACK_INJECTION];
    out[SF_HF_KW_BACKUP_EXT] = (float)counts[SF_ATTACK_BACKUP_EXT];
}

void sf_features_from_record(const sf_record *rec, const char *body, size_t body_len,
                             float *out)
{
    const char *path, *query;
    size_t path_len, query_len;
    sf_text_scan p, q, b;
    sf_request_target(rec, &path, &path_len, &query, &query_len);
    sf_text_scan_run(&p, path, path_len, SF_SCAN_PATH);
    sf_text_scan_run(&q, query, query_len, SF_SCAN_PARAMS);
    sf_text_scan_run(&b, body ? body : "", body ? body_len : 0, SF_SCAN_PARAMS);
    meta_features(rec, out);
    path_features(&p, out);
    part_features(&q, out + SF_HF_QUERY_LENGTH);
    part_features(&b, out + SF_HF_BODY_LENGTH);
    args_features(&q, &b, out);
    keyword_features(&p, &q, &b, out);
    for (int i = SF_HF_PROFILE_ROUTE_NOVELTY; i <= SF_HF_PROFILE_SURPRISE; i++)
        out[i] = 0.0f;
    out[SF_HF_CTX_CLIENT_RATE] = 0.0f;
    out[SF_HF_CTX_CLIENT_ERROR_RATIO] = 0.0f;
    out[SF_HF_CTX_CLIENT_DISTINCT_PATHS] = 0.0f;
}
