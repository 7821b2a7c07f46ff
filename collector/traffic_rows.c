/* Traffic rows of a job (see traffic_rows.h). */
#include "collector/traffic_rows.h"

#include "collector/copy_binary.h"

#define TRAFFIC_COLUMNS 31
#define ID_OFFSET 6 /* in a row: field count (2 bytes), the id's length (4), the id */

static void int8_or_null(sf_copy_buffer *b, int64_t v)
{
    if (v == SF_ABSENT)
        sf_copyb_null(b);
    else
        sf_copyb_int8(b, v);
}

static void int4_or_null(sf_copy_buffer *b, int64_t v, int64_t null_value)
{
    if (v == null_value)
        sf_copyb_null(b);
    else
        sf_copyb_int4(b, (int32_t)v);
}

static void bool_or_null(sf_copy_buffer *b, int v)
{
    if (v < 0)
        sf_copyb_null(b);
    else
        sf_copyb_bool(b, v);
}

static void request_fields(sf_copy_buffer *b, const sf_ingest_item *it)
{
    const sf_record *r = &it->rec;
    sf_copyb_time(b, it->ts_us);
    sf_copyb_text(b, r->endpoint);
    sf_copyb_text(b, it->route);
    sf_copyb_text(b, r->method);
    if (r->status_code)
        sf_copyb_int2(b, (int16_t)r->status_code);
    else
        sf_copyb_null(b);
    sf_copyb_float8(b, r->response_time_ms);
    int8_or_null(b, r->request_size_bytes);
    int8_or_null(b, r->response_size_bytes);
    sf_copyb_inet(b, r->client_ip ? r->client_ip : r->ip_address);
    sf_copyb_text(b, r->user_agent);
}

static void sensor_fields(sf_copy_buffer *b, const sf_record *r)
{
    int4_or_null(b, r->client_port, SF_ABSENT);
    sf_copyb_inet(b, r->server_ip);
    int4_or_null(b, r->server_port, SF_ABSENT);
    sf_copyb_text(b, r->host);
    sf_copyb_text(b, r->query);
    sf_copyb_text(b, r->http_version);
    sf_copyb_text(b, r->content_type);
    sf_copyb_text(b, r->x_forwarded_for);
    int8_or_null(b, r->ttfb_us);
    int8_or_null(b, r->duration_us);
    int8_or_null(b, r->req_body_bytes);
    int8_or_null(b, r->resp_body_bytes);
    sf_copyb_int4(b, (int32_t)r->flags);
}

static void verdict_fields(sf_copy_buffer *b, const sf_ingest_item *it, const char *sensor_id)
{
    sf_copyb_text(b, sensor_id[0] ? sensor_id : NULL);
    if (it->score >= 0)
        sf_copyb_float4(b, (float)it->score);
    else
        sf_copyb_null(b);
    sf_copyb_bool(b, it->is_anomaly);
    int4_or_null(b, it->model_version, 0);
    sf_copyb_bool(b, it->demo);
    bool_or_null(b, it->ground_truth);
    sf_copyb_text(b, it->is_anomaly ? it->anomaly_type : NULL); /* the record's own verdict */
}

void sf_traffic_rows_build(sf_ingest_job *job)
{
    sf_copy_buffer *b = &job->rows;
    sf_copy_reset(b);
    for (size_t i = 0; i < job->count; i++) {
        sf_ingest_item *it = &job->items[i];
        it->row_at = b->len;
        sf_copyb_row(b, TRAFFIC_COLUMNS);
        sf_copyb_int8(b, 0);
        request_fields(b, it);
        sensor_fields(b, &it->rec);
        verdict_fields(b, it, job->sensor_id);
    }
}

void sf_traffic_rows_set_id(sf_ingest_job *job, size_t i, int64_t id)
{
    if (job->rows.failed)
        return;
    unsigned char *at = (unsigned char *)job->rows.data + job->items[i].row_at + ID_OFFSET;
    uint64_t v = (uint64_t)id;
    for (int k = 7; k >= 0; k--, v >>= 8)
        at[k] = (unsigned char)(v & 0xff);
}
