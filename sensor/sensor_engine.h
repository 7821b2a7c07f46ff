/* The engine: follows one packet through every layer (link, IP, fragments, flow,
 * TCP reassembly, HTTP) and hands finished transactions to a callback. One engine per
 * worker thread; nothing in it is shared, so it needs no locks. */
#ifndef SF_SENSOR_ENGINE_H
#define SF_SENSOR_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "common/record.h"
#include "sensor/flow_table.h"
#include "sensor/ip_fragments.h"
#include "sensor/packet.h"
#include "sensor/sensor_stats.h"
#include "sensor/time_wait.h"

/* Every budget the engine works within (design.md requirement 6). */
typedef struct sf_engine_limits {
    size_t memory_max;           /* flows + reassembly + headers + pending requests */
    uint32_t max_flows;
    uint32_t flow_buffer_max;    /* out-of-order bytes per direction */
    uint32_t flow_segments_max;
    uint32_t header_max;         /* header bytes per message before truncated_headers */
    uint32_t max_pending;        /* requests waiting for a response per connection */
    int64_t request_timeout_us;  /* unanswered request -> no_response */
    int64_t idle_timeout_us;     /* idle connection -> closed */
    size_t frag_memory_max;
    uint32_t sample_permille;    /* 1000 = keep every flow; may be lowered under overload */
} sf_engine_limits;

void sf_engine_limits_default(sf_engine_limits *lim);

/* Times not in the record itself, for outputs that want them (JSON lines). */
typedef struct sf_txn_times {
    int64_t req_first_us, req_last_us, resp_first_us, resp_last_us;
} sf_txn_times;

typedef void (*sf_record_fn)(void *ctx, const sf_record *rec, const sf_txn_times *times);

/* Record privacy and attribution options (requirement 12). */
typedef struct sf_record_options {
    char **secret_keys;          /* query keys whose values are redacted */
    size_t n_secret_keys;
    char **trusted_proxies;      /* client addresses whose X-Forwarded-For is believed */
    size_t n_trusted_proxies;
} sf_record_options;

struct sf_stream_dump;
struct sf_txn;

typedef struct sf_engine {
    sf_engine_limits lim;
    const sf_record_options *recopt;
    sf_flow_table flows;
    sf_tw_table ended;           /* connections that ended a short while ago */
    sf_frag_table *frags;
    sf_sensor_stats stats;
    size_t memory;               /* bytes charged against lim.memory_max */
    sf_record_fn emit;
    void *emit_ctx;
    uint8_t *server_ports;       /* bitmap of configured server ports, or NULL */
    int64_t now_us, last_sweep_us;
    struct sf_stream_dump *dump; /* stream-dump mode: raw TCP streams, no HTTP */
    int drop_outgoing_ifindex;   /* -i any: drop SLL2 outgoing copies on this ifindex */
} sf_engine;

int sf_engine_init(sf_engine *e, const sf_engine_limits *lim, const sf_record_options *recopt,
                   sf_record_fn emit, void *emit_ctx);
/* Marks port as a server port (for telling client from server). */
void sf_engine_add_server_port(sf_engine *e, uint16_t port);
/* One captured packet of link type dlt. */
void sf_engine_packet(sf_engine *e, int dlt, int64_t ts_us, const uint8_t *data, size_t caplen,
                      size_t wirelen);
/* Runs timeouts as of now_us (called by packets, and by the capture loop when idle). */
void sf_engine_tick(sf_engine *e, int64_t now_us);
/* Ends every connection (end of input): reports what is pending. */
void sf_engine_flush(sf_engine *e);
void sf_engine_destroy(sf_engine *e);

/* Used by the HTTP layer to report a transaction. */
void sf_engine_emit(sf_engine *e, const struct sf_flow *flow, const struct sf_txn *t);
/* Memory accounting helpers. */
static inline void sf_engine_charge(sf_engine *e, size_t n)
{
    e->memory += n;
    if (e->memory > e->stats.memory_peak)
        e->stats.memory_peak = e->memory;
}
static inline void sf_engine_credit(sf_engine *e, size_t n) { e->memory -= n; }

#endif
