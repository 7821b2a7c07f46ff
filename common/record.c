/* The transaction record: initialisation, copying, freeing, flag names. */
#include "common/record.h"

#include <stdlib.h>
#include <string.h>

static const char *const flag_names[SF_FLAG_COUNT] = {
    "gap", "no_response", "no_request", "interrupted",
    "truncated_headers", "midstream", "upgraded", "parse_error", "url_truncated",
};

/* Every owned string of the record, so init/clear/copy cannot forget one. */
#define SF_RECORD_STRINGS(X)                                                                  \
    X(endpoint) X(ip_address) X(user_agent) X(client_ip) X(server_ip) X(host) X(path)          \
    X(query) X(http_version) X(content_type) X(x_forwarded_for)

void sf_record_init(sf_record *rec)
{
    memset(rec, 0, sizeof *rec);
    rec->request_size_bytes = SF_ABSENT;
    rec->response_size_bytes = SF_ABSENT;
    rec->timestamp_us = SF_ABSENT;
    rec->client_port = SF_ABSENT;
    rec->server_port = SF_ABSENT;
    rec->ttfb_us = SF_ABSENT;
    rec->duration_us = SF_ABSENT;
    rec->req_body_bytes = SF_ABSENT;
    rec->resp_body_bytes = SF_ABSENT;
}

void sf_record_clear(sf_record *rec)
{
#define FREE_FIELD(f) free(rec->f);
    SF_RECORD_STRINGS(FREE_FIELD)
#undef FREE_FIELD
    sf_record_init(rec);
}

int sf_record_copy(sf_record *dst, const sf_record *src)
{
    *dst = *src;
    int failed = 0;
#define DUP_FIELD(f)                                                                          \
    if (src->f && !(dst->f = strdup(src->f)))                                                 \
        failed = 1;
    SF_RECORD_STRINGS(DUP_FIELD)
#undef DUP_FIELD
    if (failed) {
        /* Some pointers still alias src: null those that were not duplicated. */
#define UNALIAS(f)                                                                            \
    if (dst->f == src->f)                                                                     \
        dst->f = NULL;
        SF_RECORD_STRINGS(UNALIAS)
#undef UNALIAS
        sf_record_clear(dst);
        return -1;
    }
    return 0;
}

static int same_text(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

int sf_record_equal(const sf_record *a, const sf_record *b)
{
    int same = strcmp(a->method, b->method) == 0 && a->status_code == b->status_code &&
               a->response_time_ms == b->response_time_ms &&
               a->request_size_bytes == b->request_size_bytes &&
               a->response_size_bytes == b->response_size_bytes &&
               a->timestamp_us == b->timestamp_us && a->client_port == b->client_port &&
               a->server_port == b->server_port && a->ttfb_us == b->ttfb_us &&
               a->duration_us == b->duration_us && a->req_body_bytes == b->req_body_bytes &&
               a->resp_body_bytes == b->resp_body_bytes && a->flags == b->flags;
#define SAME_FIELD(f) same = same && same_text(a->f, b->f);
    SF_RECORD_STRINGS(SAME_FIELD)
#undef SAME_FIELD
    return same;
}

int sf_record_set_text(char **slot, const char *text, size_t len)
{
    char *copy = malloc(len + 1);
    if (!copy)
        return -1;
    memcpy(copy, text, len);
    copy[len] = '\0';
    free(*slot);
    *slot = copy;
    return 0;
}

const char *sf_record_flag_name(unsigned bit_index)
{
    return bit_index < SF_FLAG_COUNT ? flag_names[bit_index] : NULL;
}

uint32_t sf_record_flag_from_name(const char *name)
{
    for (unsigned i = 0; i < SF_FLAG_COUNT; i++)
        if (strcmp(name, flag_names[i]) == 0)
            return 1u << i;
    return 0;
}
