/* Latency histogram: log-spaced buckets (each 10% wider than the last, from 0.01 ms to
 * beyond an hour), so any percentile read from it is within 5% of the true value. It
 * merges by adding counts, which is what the per-minute rollups need. Stored sparsely
 * in PostgreSQL as integer pairs (bucket, count). */
#ifndef SF_LATENCY_HISTOGRAM_H
#define SF_LATENCY_HISTOGRAM_H

#include <stddef.h>
#include <stdint.h>

#define SF_HIST_BUCKETS 256

typedef struct sf_latency_hist {
    uint32_t counts[SF_HIST_BUCKETS];
    uint64_t total;
} sf_latency_hist;

int sf_hist_bucket(double ms);
/* The representative value of a bucket (its geometric midpoint), ms. */
double sf_hist_bucket_value(int bucket);
void sf_hist_add(sf_latency_hist *h, double ms);
void sf_hist_add_count(sf_latency_hist *h, int bucket, uint32_t count);
/* q in [0,1]; 0 for an empty histogram. */
double sf_hist_quantile(const sf_latency_hist *h, double q);

/* Sparse text form for a PostgreSQL integer[] literal: "{b1,c1,b2,c2,...}". Returns
 * the length written (out must hold SF_HIST_TEXT_MAX). */
#define SF_HIST_TEXT_MAX (SF_HIST_BUCKETS * 24 + 4)
size_t sf_hist_to_pg_array(const sf_latency_hist *h, char *out);
/* Adds the pairs of a PostgreSQL integer[] text ("{3,10,7,2}") into h; -1 if malformed. */
int sf_hist_merge_pg_array(sf_latency_hist *h, const char *text);

#endif
