/* Ingest jobs: allocation and release (see ingest_job.h). */
#include "collector/ingest_job.h"

#include <stdlib.h>

sf_ingest_job *sf_ingest_job_new(void)
{
    sf_ingest_job *job = calloc(1, sizeof *job);
    if (job)
        job->status = 200;
    return job;
}

void sf_ingest_item_clear(sf_ingest_item *item)
{
    sf_record_clear(&item->rec);
    json_decref(item->reasons);
    json_decref(item->features);
    item->reasons = item->features = NULL;
}

void sf_ingest_job_free(sf_ingest_job *job)
{
    if (!job)
        return;
    for (size_t i = 0; i < job->count; i++)
        sf_ingest_item_clear(&job->items[i]);
    free(job->items);
    free(job->body);
    sf_copy_free(&job->rows);
    json_decref(job->rejected);
    json_decref(job->error_body);
    json_decref(job->stored_rejected);
    free(job);
}
