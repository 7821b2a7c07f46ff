/* Capture health counters (design.md requirement 11). Each worker owns one set and
 * only it writes them; totals are summed when printed or sent as a heartbeat. */
#ifndef SF_SENSOR_STATS_H
#define SF_SENSOR_STATS_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#define SF_STATS_FIELDS(X) \
    X(packets) X(bytes) X(kernel_drops) X(interface_drops) \
    X(decode_truncated) X(decode_unsupported) X(decode_malformed) X(non_tcp) \
    X(loopback_duplicates) X(ip_fragments) X(ip_reassembled) X(ip_fragments_dropped) \
    X(flows) X(flows_active) X(flows_not_http) X(flows_midstream) X(flows_timed_out) \
    X(flows_evicted) X(flows_refused) X(tcp_segments) X(tcp_payload_bytes) \
    X(tcp_retransmissions) X(tcp_retransmitted_bytes) X(tcp_overlap_conflicts) \
    X(tcp_out_of_order) X(tcp_ooo_dropped) X(tcp_gaps) X(tcp_gap_bytes) \
    X(http_requests) X(http_responses) X(http_interim_responses) X(transactions) \
    X(unmatched_requests) X(unmatched_responses) X(interrupted) X(body_gaps) \
    X(parse_errors) X(headers_truncated) X(pending_overflow) X(upgrades) \
    X(records_dropped) X(memory_evictions) X(flows_http2) X(flows_sip)

typedef struct sf_sensor_stats {
#define SF_STATS_DECLARE(name) uint64_t name;
    SF_STATS_FIELDS(SF_STATS_DECLARE)
#undef SF_STATS_DECLARE
    uint64_t memory_peak;    /* bytes, max over time (not summed) */
    double sampling_ratio;   /* 1.0 = every flow kept */
} sf_sensor_stats;

/* dst += src (memory_peak takes the max, sampling_ratio the min). */
void sf_stats_add(sf_sensor_stats *dst, const sf_sensor_stats *src);
/* Capture loss: bytes the peers ACKed that we never saw, as % of data bytes. */
double sf_stats_capture_loss_pct(const sf_sensor_stats *s);
/* {"packets":..,...,"capture_loss_pct":..}; NULL on OOM. */
json_t *sf_stats_to_json(const sf_sensor_stats *s);
/* Human-readable "name value" lines. */
void sf_stats_print(const sf_sensor_stats *s, FILE *out);

#endif
