/* GET /api/metrics: per-bucket, per-route aggregates from the per-minute rollups. */
#ifndef SF_API_METRICS_H
#define SF_API_METRICS_H

#include <stdint.h>

#include "collector/http_server.h"
#include "collector/latency_histogram.h"
#include "common/time_util.h"

void sf_api_metrics(sf_request *r);

/* Helpers shared by the rollup readers (metrics, endpoints). */
/* Merges histograms concatenated by string_agg ("{1,2}{1,5,3,1}") into h. */
void sf_hist_merge_concatenated(sf_latency_hist *h, const char *text);
/* Truncates a window to whole minutes (a rollup row stands for its minute) and formats
 * both ends for PostgreSQL. */
void sf_whole_minutes(int64_t *start_us, int64_t *end_us, char start[SF_RFC3339_LEN],
                      char end[SF_RFC3339_LEN]);

#endif
