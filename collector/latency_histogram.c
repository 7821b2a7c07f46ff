/* Latency histogram (see latency_histogram.h). */
#include "collector/latency_histogram.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define HIST_MIN_MS 0.01
#define HIST_GROWTH 1.1

int sf_hist_bucket(double ms)
{
    if (!(ms > HIST_MIN_MS))
        return 0;
    int b = 1 + (int)(log(ms / HIST_MIN_MS) / log(HIST_GROWTH));
    return b >= SF_HIST_BUCKETS ? SF_HIST_BUCKETS - 1 : b;
}

double sf_hist_bucket_value(int bucket)
{
    if (bucket <= 0)
        return HIST_MIN_MS / 2;
    /* bucket b covers [min*g^(b-1), min*g^b); the geometric midpoint is min*g^(b-0.5) */
    return HIST_MIN_MS * pow(HIST_GROWTH, bucket - 0.5);
}

void sf_hist_add(sf_latency_hist *h, double ms) { sf_hist_add_count(h, sf_hist_bucket(ms), 1); }

void sf_hist_add_count(sf_latency_hist *h, int bucket, uint32_t count)
{
    if (bucket < 0 || bucket >= SF_HIST_BUCKETS)
        return;
    h->counts[bucket] += count;
    h->total += count;
}

double sf_hist_quantile(const sf_latency_hist *h, double q)
{
    if (h->total == 0)
        return 0;
    /* Nearest-rank: the smallest value with at least q of the samples at or below it. */
    uint64_t rank = (uint64_t)ceil(q * (double)h->total);
    if (rank < 1)
        rank = 1;
    uint64_t seen = 0;
    for (int b = 0; b < SF_HIST_BUCKETS; b++) {
        seen += h->counts[b];
        if (seen >= rank)
            return sf_hist_bucket_value(b);
    }
    return sf_hist_bucket_value(SF_HIST_BUCKETS - 1);
}

size_t sf_hist_to_pg_array(const sf_latency_hist *h, char *out)
{
    size_t o = 0;
    out[o++] = '{';
    for (int b = 0; b < SF_HIST_BUCKETS; b++)
        if (h->counts[b])
            o += (size_t)snprintf(out + o, SF_HIST_TEXT_MAX - o, "%s%d,%u", o > 1 ? "," : "", b,
                                  h->counts[b]);
    out[o++] = '}';
    out[o] = '\0';
    return o;
}

int sf_hist_merge_pg_array(sf_latency_hist *h, const char *text)
{
    const char *p = text;
    if (*p++ != '{')
        return -1;
    while (*p && *p != '}') {
        char *end;
        long b = strtol(p, &end, 10);
        if (end == p || *end != ',')
            return -1;
        p = end + 1;
        long c = strtol(p, &end, 10);
        if (end == p || b < 0 || b >= SF_HIST_BUCKETS || c < 0)
            return -1;
        sf_hist_add_count(h, (int)b, (uint32_t)c);
        p = *end == ',' ? end + 1 : end;
    }
    return *p == '}' ? 0 : -1;
}
