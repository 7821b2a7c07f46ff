/* A profile of normal requests, learned without labels from training traffic, after
 * Kruegel & Vigna ("Anomaly detection of web-based attacks", CCS 2003): which paths occur
 * (as route templates: numeric and long hex segments become placeholders), which parameter
 * names each path takes (query and form body alike), and for each parameter which bytes
 * its decoded values use and how long they get. A request is then described by how much of
 * it is rare in the profile, in bits of surprise (log2 of inverse frequencies, add-one
 * smoothed so unseen things are finite): an unseen route, the rarest parameter name on
 * that route, the rarest byte in any parameter value (relative to that parameter's values),
 * and how much longer than ever seen the longest value is (log2 ratio). These are the
 * "profile." features, plus their sum. Being graded rather than seen/unseen, the byte
 * rarity, and so the sum, vary on normal traffic too, which the forest needs in order to
 * split on them (a column constant in training is never split on); novelties then land
 * far beyond the training range and are isolated at once.
 *
 * The profile is bounded (SF_PROFILE_MAX_ENTRIES entries, keys up to SF_PROFILE_KEY_MAX
 * bytes; what does not fit is simply not learned). Learning is single-threaded; once
 * learned, lookups are read-only and thread-safe. */
#ifndef SF_MODEL_REQUEST_PROFILE_H
#define SF_MODEL_REQUEST_PROFILE_H

#include <stddef.h>
#include <stdint.h>
#include "common/record.h"

#define SF_PROFILE_MAX_ENTRIES (1u << 16)
#define SF_PROFILE_KEY_MAX 512

enum sf_profile_feature {
    SF_PF_ROUTE_NOVELTY,    /* log2(requests + 2) for a route never seen, else 0 */
    SF_PF_NAME_RARITY,      /* max over parameters: log2((route count + 2) / (name count + 1)) */
    SF_PF_BYTE_RARITY,      /* max over values and their bytes:
                               log2((values of that parameter + 2) / (values with the byte + 1)) */
    SF_PF_LENGTH_RATIO,     /* max over values: log2((length + 1) / (longest seen + 1)) */
    SF_PF_SURPRISE,         /* their sum (length ratio counted when above 0): the single
                               column that lets the forest isolate any kind of novelty */
    SF_PROFILE_FEATURE_COUNT
};

typedef struct sf_profile_entry {
    char *key;          /* 'p' + route, or 'a' + route + '\x1f' + parameter name */
    uint32_t key_len;
    uint32_t max_len;   /* longest decoded value (parameters) */
    uint32_t count;     /* times seen (route: requests; parameter: values) */
    uint16_t *bytes;    /* parameters: 256 counts (saturating) of values containing each
                           byte; NULL for routes */
} sf_profile_entry;

typedef struct sf_profile {
    sf_profile_entry *slots; /* open addressing, capacity a power of two */
    uint32_t capacity;
    uint32_t used;
    uint64_t requests;       /* requests learned */
} sf_profile;

sf_profile *sf_profile_new(void);
void sf_profile_free(sf_profile *profile);

/* Learns one request (body may be NULL). Returns 0, or -1 on allocation failure (a full
 * profile is not a failure: it just learns nothing new). */
int sf_profile_learn(sf_profile *profile, const sf_record *rec, const char *body,
                     size_t body_len);

/* Describes a request against the profile: out[SF_PROFILE_FEATURE_COUNT]. */
void sf_profile_features(const sf_profile *profile, const sf_record *rec, const char *body,
                         size_t body_len, float *out);

/* The single strongest finding behind the features, for a reason text. */
typedef struct sf_profile_detail {
    int kind;           /* SF_PF_ROUTE_NOVELTY, _NAME_RARITY, _BYTE_RARITY, _LENGTH_RATIO */
    float bits;         /* its size (log2 ratio for the length) */
    char name[64];      /* the parameter (the route for ROUTE_NOVELTY) */
    int byte;           /* BYTE_RARITY: the byte */
    size_t length, longest; /* LENGTH_RATIO: the value's length, the longest seen */
} sf_profile_detail;

/* sf_profile_features, also filling *detail (may be NULL). */
void sf_profile_describe(const sf_profile *profile, const sf_record *rec, const char *body,
                         size_t body_len, float *out, sf_profile_detail *detail);
/* "parameter 'login' contains ',', never or almost never seen in its values (15.1 bits)". */
void sf_profile_detail_text(const sf_profile_detail *detail, char *out, size_t out_size);

/* Cross-fitting for training rows: request i of a training set goes to half
 * sf_profile_half_of(i) (0 or 1) and gets its profile features from the other half's
 * profile, so the rows show how often normal traffic itself has something new (features
 * from the full profile would be 0 on all of its own training rows, and the forest never
 * splits on a constant column). A fixed pseudo-random bit of i, not its parity: recorded
 * traffic is often periodic (CSIC 2010 repeats one request sequence per session). */
unsigned sf_profile_half_of(size_t i);

/* Entry access for serialisation. */
const sf_profile_entry *sf_profile_find(const sf_profile *profile, const char *key,
                                        size_t key_len);
/* Adds (or returns) an entry; keys starting with 'a' (parameters) get byte counts. NULL
 * when full or out of memory. */
sf_profile_entry *sf_profile_insert(sf_profile *profile, const char *key, size_t key_len);

#endif
