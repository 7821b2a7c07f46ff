/* Ingest answer counts and the wait histogram of the 200s (see ingest_metrics.h). */
#include "collector/ingest_metrics.h"

#include <stdlib.h>

const double sf_ingest_bucket_le[SF_INGEST_BUCKETS] = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                      0.5,   1,    2.5,   5,    10};
const char *const sf_ingest_status_label[SF_INGEST_STATUSES] = {"200", "400", "413", "422",
                                                               "500", "503", "other"};

/* The index of status in sf_ingest_status_label ("other" for any not listed). */
static int status_index(int status)
{
    int i = 0;
    while (i < SF_INGEST_STATUSES - 1 && atoi(sf_ingest_status_label[i]) != status)
        i++;
    return i;
}

void sf_ingest_metrics_note(sf_ingest_metrics *m, int status, int64_t waited_us)
{
    m->answered[status_index(status)]++;
    if (status != 200)
        return;
    double s = waited_us > 0 ? (double)waited_us / 1e6 : 0;
    for (int i = 0; i < SF_INGEST_BUCKETS; i++)
        m->at_most[i] += s <= sf_ingest_bucket_le[i];
    m->count++;
    m->sum_s += s;
}
