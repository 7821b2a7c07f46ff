/* Ingest jobs: allocation and release (see ingest_job.h). */
#include "collector/ingest_job.h"

#include <stdlib.h>
#include <string.h>

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
    for (size_t i = 0; i < job->n_incidents; i++) {
        json_decref(job->incidents[i].reasons);
        json_decref(job->incidents[i].features);
    }
    free(job->incidents);
    free(job->body);
    sf_copy_free(&job->rows);
    json_decref(job->rejected);
    json_decref(job->error_body);
    json_decref(job->stored_rejected);
    free(job);
}

sf_incident_update *sf_ingest_job_add_incident(sf_ingest_job *job)
{
    if (job->n_incidents == job->incidents_cap) {
        size_t cap = job->incidents_cap ? job->incidents_cap * 2 : 8;
        sf_incident_update *grown = realloc(job->incidents, cap * sizeof *grown);
        if (!grown)
            return NULL;
        job->incidents = grown;
        job->incidents_cap = cap;
    }
    sf_incident_update *u = &job->incidents[job->n_incidents++];
    memset(u, 0, sizeof *u);
    return u;
}
