/* A record's verdict (see detect_verdict.h): findings, types, grades. */
#include "collector/detect_verdict.h"
#include "model/reasons.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

typedef struct type_info {
    const char *type, *family, *severity;
    int rank;
} type_info;

/* Ranks: attacks in the payload, then client behaviour, then route symptoms, then the
 * forest's "unusual" (it names a type only when nothing more specific fired). */
static const type_info types[] = {
    {"sql_injection", "behaviour", "critical", 90},
    {"xss", "behaviour", "critical", 89},
    {"path_traversal", "behaviour", "critical", 88},
    {"injection_attempt", "behaviour", "high", 87},
    {"brute_force", "behaviour", "high", 80},
    {"endpoint_scan", "behaviour", "medium", 70},
    {"request_flood", "behaviour", "high", 60},
    {"error_rate_spike", "errors", "high", 55},
    {"server_error", "errors", "medium", 50},
    {"latency_regression", "latency", "high", 45},
    {"response_time_spike", "latency", "low", 40},
    {"traffic_drop", "traffic", "high", 35},
    {"sensor_silence", "sensor", "high", 35},
    {"large_request", "size", "medium", 30},
    {"large_response", "size", "medium", 29},
    {"pattern_anomaly", "behaviour", "medium", 20},
};

static const type_info *info_of(const char *type)
{
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strcmp(types[i].type, type) == 0)
            return &types[i];
    return NULL;
}

int sf_type_rank(const char *type)
{
    const type_info *t = info_of(type);
    return t ? t->rank : 0;
}

const char *sf_type_family(const char *type)
{
    const type_info *t = info_of(type);
    return t ? t->family : type;
}

/* The type's severity, one level up when the score says it is far past its threshold. */
static const char *severity_of(const type_info *t, double score)
{
    static const char *const levels[] = {"low", "medium", "high", "critical"};
    int level = 1;
    for (int i = 0; i < 4; i++)
        if (t && strcmp(levels[i], t->severity) == 0)
            level = i;
    if (score >= 0.9 && level < 3)
        level++;
    return levels[level];
}

double sf_grade(double observed, double threshold)
{
    if (!(observed > 0) || !(threshold > 0))
        return 0.6;
    double ratio = observed / threshold;
    double g = 1.0 - 0.4 / (ratio < 1 ? 1 : ratio);
    return g > 0.999 ? 0.999 : g;
}

void sf_verdict_init(sf_verdict *v)
{
    v->n = 0;
    v->best = -1;
}

void sf_verdict_add(sf_verdict *v, const char *type, enum sf_subject subject, double score,
                    const char *detector, const char *fmt, ...)
{
    if (v->n >= SF_FINDINGS_MAX)
        return;
    const type_info *t = info_of(type);
    sf_finding *f = &v->findings[v->n];
    f->type = t ? t->type : type;
    f->family = t ? t->family : type;
    f->rank = t ? t->rank : 0;
    f->score = score;
    f->severity = severity_of(t, score);
    f->detector = detector;
    f->subject = subject;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->reason, sizeof f->reason, fmt, ap);
    va_end(ap);
    if (v->best < 0 || f->rank > v->findings[v->best].rank ||
        (f->rank == v->findings[v->best].rank && f->score > v->findings[v->best].score))
        v->best = v->n;
    v->n++;
}

void sf_format_number(double v, char *out, size_t size)
{
    if (fabs(v) >= 1000.0 && fabs(v) < 1e15) {
        sf_format_grouped(v, out, size);
    } else if (fabs(v) >= 100 || v == floor(v)) {
        snprintf(out, size, "%.0f", v);
    } else {
        snprintf(out, size, "%.3g", v);
    }
}
