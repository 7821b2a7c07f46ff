/* A record's verdict (detect.h): the findings of every detector about one record, each
 * with its type, the family and subject of the incident it belongs to, a graded score and
 * a reason in words; the strongest names the record's type. The detectors (rules,
 * baselines, behaviour, forest) fill it from a detect_input. */
#ifndef SF_DETECT_VERDICT_H
#define SF_DETECT_VERDICT_H

#include <stdbool.h>

#include "collector/detect.h"
#include "collector/detect_baseline.h"
#include "collector/detect_clients.h"
#include "model/features_http.h"

#define SF_FINDINGS_MAX 8
#define SF_FINDING_REASON_MAX 240

enum sf_subject { SF_SUBJECT_CLIENT, SF_SUBJECT_ADDRESS, SF_SUBJECT_ROUTE };

typedef struct sf_finding {
    const char *type, *family, *severity, *detector; /* static strings */
    int rank;                 /* higher names the record's type */
    double score;             /* graded, in [0.5, 1] */
    enum sf_subject subject;
    char reason[SF_FINDING_REASON_MAX];
} sf_finding;

typedef struct sf_verdict {
    sf_finding findings[SF_FINDINGS_MAX];
    int n;
    int best;                 /* index of the strongest, -1 when none */
} sf_verdict;

/* Everything the detectors know about one record when judging it. */
typedef struct sf_detect_input {
    const sf_detect_config *cfg;
    const sf_ingest_item *item;
    const char *address;          /* "" when the record has none */
    const sf_client_minute *client;
    double address_bucket;        /* the whole address's bucket, < 0 when not tracked */
    const sf_route_view *route;
    bool auth_failure, error_path;
    const float *base;            /* sf_features_from_record row (kw. counts) */
} sf_detect_input;

void sf_verdict_init(sf_verdict *v);
/* Adds a finding (the reason is printf-formatted). */
void sf_verdict_add(sf_verdict *v, const char *type, enum sf_subject subject, double score,
                    const char *detector, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* A score graded by how far past its threshold a measure is: 0.6 at the threshold, 0.8 at
 * twice it, towards 1 far beyond (1 - 0.4 threshold / observed). */
double sf_grade(double observed, double threshold);

/* The type's rank, family and base severity ("medium" ...); unknown types rank 0. */
int sf_type_rank(const char *type);
const char *sf_type_family(const char *type);

/* "8,400" / "0.25" / "12.5": a number for a reason. */
void sf_format_number(double v, char *out, size_t size);

/* The detectors (detect_rules.c, detect_behaviour.c). */
void sf_detect_rules(const sf_detect_input *in, sf_verdict *v);
void sf_detect_payload(const sf_detect_input *in, sf_verdict *v);
void sf_detect_behaviour(const sf_detect_input *in, sf_verdict *v);

#endif
