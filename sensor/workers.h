/* Multi-core (design.md requirement 15): N engines on N threads, each packet sent to
 * the engine that owns its connection by a hash that is the same in both directions.
 * With one worker the engine runs in the caller's thread, with no copies. */
#ifndef SF_WORKERS_H
#define SF_WORKERS_H

#include <stdint.h>
#include "sensor/sensor_engine.h"

typedef struct sf_workers sf_workers;

/* setup(engine, arg) runs once per engine before any packet (server ports, etc.).
 * lossy: when a worker's queue is full, drop (and count) instead of waiting (live). */
sf_workers *sf_workers_start(unsigned n, const sf_engine_limits *lim, const sf_record_options *opt,
                             sf_record_fn emit, void *emit_ctx,
                             void (*setup)(sf_engine *, void *), void *setup_arg, int lossy);
void sf_workers_packet(sf_workers *w, int dlt, int64_t ts_us, const uint8_t *data, size_t caplen,
                       size_t wirelen);
/* Timeouts when no packets arrive (live). */
void sf_workers_tick(sf_workers *w, int64_t now_us);
/* Sum of every engine's counters (approximate while running). */
void sf_workers_stats(sf_workers *w, sf_sensor_stats *out);
/* Share of new connections analysed, in 1/1000 (overload shedding, from any thread). */
void sf_workers_set_sampling(sf_workers *w, uint32_t permille);
/* Which worker a packet belongs to (exposed for tests). */
unsigned sf_workers_pick(unsigned n, int dlt, const uint8_t *data, size_t caplen);
/* Drains the queues, ends every connection (reporting what is pending), joins. */
void sf_workers_stop(sf_workers *w);
/* Frees everything (after stop; statistics stay readable until then). */
void sf_workers_free(sf_workers *w);

#endif
