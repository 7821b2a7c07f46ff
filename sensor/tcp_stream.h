/* TCP reassembly for one direction of a connection: delivers the byte stream in order
 * exactly once, buffering out-of-order segments (bounded), trimming retransmissions and
 * overlaps (the first copy wins; differing bytes are counted as conflicts), and turning
 * what can no longer arrive into explicit gaps. */
#ifndef SF_TCP_STREAM_H
#define SF_TCP_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "sensor/sensor_stats.h"

typedef struct sf_tcp_seg {
    struct sf_tcp_seg *next;
    uint32_t seq, len;
    int64_t ts_us;          /* when it was captured */
    uint8_t data[];
} sf_tcp_seg;

typedef struct sf_tcp_dir {
    bool have_seq;      /* next_seq is known (SYN seen, or first segment taken as start) */
    bool syn_seen;
    bool fin_seen;
    bool closed;        /* everything up to the FIN delivered, or reset */
    bool sent_last;     /* this side carried the connection's latest data segment */
    uint32_t next_seq;  /* next byte to deliver */
    uint32_t fin_seq;
    uint32_t isn;       /* sequence number of the SYN when seen; before that, the ISN
                           the peer's SYN/ACK acknowledged, if it came first */
    uint32_t ooo_bytes, ooo_count;
    sf_tcp_seg *ooo;    /* sorted, non-overlapping */
} sf_tcp_dir;

/* Where delivered bytes go, and the limits that apply. */
typedef struct sf_tcp_sink {
    void (*data)(void *ctx, int side, const uint8_t *data, size_t len, int64_t ts_us);
    void (*gap)(void *ctx, int side, uint32_t len, int64_t ts_us);
    /* The direction ended: ts_us is the FIN's capture time, or -1 when it ended without
     * one (reset, idle timeout, eviction, end of input): the consumer then keeps the time
     * of the last bytes it was given, never the moment someone gave up on the stream. */
    void (*fin)(void *ctx, int side, int64_t ts_us);
    void *ctx;
    size_t *memory;               /* global reassembly memory counter */
    uint32_t flow_buffer_max;     /* out-of-order bytes per direction */
    uint32_t flow_segments_max;   /* out-of-order segments per direction */
    sf_sensor_stats *stats;
    /* PcapPlusPlus semantics (stream dump): when the other side starts sending, stop
     * waiting for this side's holes. */
    bool flush_on_turn;
} sf_tcp_sink;

/* One segment seen from `side` (0/1). seq/flags/payload as on the wire; ack/ack_valid
 * are used to detect data the peer acknowledged but we never saw. */
void sf_tcp_segment(sf_tcp_dir dirs[2], int side, uint32_t seq, uint32_t ack, uint8_t flags,
                    const uint8_t *payload, size_t len, int64_t ts_us, const sf_tcp_sink *sink);
/* Gives up on missing data: reports what is still buffered (with gaps) and closes
 * (fin with ts -1: no FIN was seen). */
void sf_tcp_flush(sf_tcp_dir *dir, int side, const sf_tcp_sink *sink);
/* Frees buffered segments without delivering them. */
void sf_tcp_release(sf_tcp_dir *dir, const sf_tcp_sink *sink);

#endif
