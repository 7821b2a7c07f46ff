/* TCP reassembly, one direction at a time. Sequence numbers compare modulo 2^32.
 * Data that became deliverable because a hole was filled is delivered with the
 * timestamp of the packet that filled it: that is when the bytes were complete. Data
 * delivered because we gave up on a hole keeps its own capture time, and so does the
 * gap before it: every time handed on is the time of a packet of this direction. */
#include "sensor/tcp_stream.h"
#include "sensor/packet.h"

#include <stdlib.h>
#include <string.h>

static int32_t seq_diff(uint32_t a, uint32_t b) { return (int32_t)(a - b); }

static void release_seg(sf_tcp_dir *d, sf_tcp_seg *s, const sf_tcp_sink *sink)
{
    d->ooo_bytes -= s->len;
    d->ooo_count--;
    *sink->memory -= sizeof *s + s->len;
    free(s);
}

void sf_tcp_release(sf_tcp_dir *d, const sf_tcp_sink *sink)
{
    while (d->ooo) {
        sf_tcp_seg *s = d->ooo;
        d->ooo = s->next;
        release_seg(d, s, sink);
    }
}

static void check_fin(sf_tcp_dir *d, int side, int64_t ts, const sf_tcp_sink *sink)
{
    if (d->fin_seen && !d->closed && seq_diff(d->next_seq, d->fin_seq) >= 0) {
        d->closed = true;
        sf_tcp_release(d, sink);
        sink->fin(sink->ctx, side, ts);
    }
}

/* Delivers bytes at next_seq, trimming the part already delivered. */
static void deliver(sf_tcp_dir *d, int side, uint32_t seq, const uint8_t *p, size_t len,
                    int64_t ts, const sf_tcp_sink *sink)
{
    int32_t skip = seq_diff(d->next_seq, seq);
    if (skip < 0 || (size_t)skip >= len)
        return;
    d->next_seq += (uint32_t)(len - (size_t)skip);
    sink->data(sink->ctx, side, p + skip, len - (size_t)skip, ts);
}

/* Delivers buffered segments that have become contiguous; ts < 0 = each at its own time. */
static void drain(sf_tcp_dir *d, int side, int64_t ts, const sf_tcp_sink *sink)
{
    while (d->ooo && seq_diff(d->ooo->seq, d->next_seq) <= 0) {
        sf_tcp_seg *s = d->ooo;
        d->ooo = s->next;
        deliver(d, side, s->seq, s->data, s->len, ts < 0 || s->ts_us > ts ? s->ts_us : ts, sink);
        release_seg(d, s, sink);
    }
}

/* The bytes before the first buffered segment will not come: report them as a gap,
 * at the time the bytes after it were captured (not when we gave up waiting). */
static void skip_to_buffered(sf_tcp_dir *d, int side, const sf_tcp_sink *sink)
{
    if (!d->ooo)
        return;
    int32_t missing = seq_diff(d->ooo->seq, d->next_seq);
    if (missing > 0) {
        sink->stats->tcp_gaps++;
        sink->stats->tcp_gap_bytes += (uint64_t)missing;
        sink->gap(sink->ctx, side, (uint32_t)missing, d->ooo->ts_us);
        d->next_seq = d->ooo->seq;
    }
    drain(d, side, -1, sink);
}

static sf_tcp_seg *new_seg(uint32_t seq, const uint8_t *p, uint32_t len, int64_t ts,
                           const sf_tcp_sink *sink)
{
    sf_tcp_seg *s = malloc(sizeof *s + len);
    if (!s)
        return NULL;
    s->seq = seq;
    s->len = len;
    s->ts_us = ts;
    s->next = NULL;
    memcpy(s->data, p, len);
    *sink->memory += sizeof *s + len;
    return s;
}

/* Counts bytes of [seq, seq+len) that differ from what segment s already holds. */
static void compare_overlap(const sf_tcp_seg *s, uint32_t seq, const uint8_t *p, uint32_t len,
                            const sf_tcp_sink *sink)
{
    uint32_t from = seq_diff(seq, s->seq) > 0 ? seq : s->seq;
    uint32_t to_new = seq + len, to_old = s->seq + s->len;
    uint32_t to = seq_diff(to_new, to_old) < 0 ? to_new : to_old;
    if (seq_diff(to, from) <= 0)
        return;
    sink->stats->tcp_retransmitted_bytes += (uint32_t)seq_diff(to, from);
    if (memcmp(s->data + (from - s->seq), p + (from - seq), (size_t)(to - from)) != 0)
        sink->stats->tcp_overlap_conflicts++;
}

/* Inserts the parts of a future segment that no buffered segment covers yet. */
static void insert_ooo(sf_tcp_dir *d, uint32_t seq, const uint8_t *p, uint32_t len, int64_t ts,
                       const sf_tcp_sink *sink)
{
    uint32_t cur = seq, end = seq + len;
    sf_tcp_seg **pp = &d->ooo;
    while (seq_diff(end, cur) > 0) {
        while (*pp && seq_diff((*pp)->seq + (*pp)->len, cur) <= 0)
            pp = &(*pp)->next;
        if (*pp && seq_diff((*pp)->seq, cur) <= 0) {
            compare_overlap(*pp, seq, p, len, sink);
            cur = (*pp)->seq + (*pp)->len;
            continue;
        }
        uint32_t piece_end = (*pp && seq_diff((*pp)->seq, end) < 0) ? (*pp)->seq : end;
        sf_tcp_seg *s = new_seg(cur, p + (cur - seq), piece_end - cur, ts, sink);
        if (!s) {
            sink->stats->tcp_ooo_dropped++;
            return;
        }
        s->next = *pp;
        *pp = s;
        pp = &s->next;
        d->ooo_bytes += s->len;
        d->ooo_count++;
        cur = piece_end;
    }
}

/* Payload at or after next_seq. */
static void accept_data(sf_tcp_dir *d, int side, uint32_t seq, const uint8_t *p, size_t len,
                        int64_t ts, const sf_tcp_sink *sink)
{
    int32_t rel = seq_diff(seq, d->next_seq);
    if (rel < 0 && (int64_t)rel + (int64_t)len <= 0) {
        sink->stats->tcp_retransmissions++;
        sink->stats->tcp_retransmitted_bytes += len;
        return;
    }
    if (rel < 0) {
        sink->stats->tcp_retransmitted_bytes += (uint32_t)-rel;
    }
    if (rel <= 0) {
        /* Bytes already buffered for later positions were seen first: they win. */
        if (d->ooo) {
            insert_ooo(d, seq, p, (uint32_t)len, ts, sink);
            drain(d, side, ts, sink);
        } else {
            deliver(d, side, seq, p, len, ts, sink);
        }
        return;
    }
    sink->stats->tcp_out_of_order++;
    /* Budget exceeded: stop waiting for the oldest hole rather than grow. */
    while (d->ooo && (d->ooo_bytes + len > sink->flow_buffer_max ||
                      d->ooo_count + 1 > sink->flow_segments_max)) {
        skip_to_buffered(d, side, sink);
        rel = seq_diff(seq, d->next_seq);
        if (rel <= 0) {
            accept_data(d, side, seq, p, len, ts, sink);
            return;
        }
    }
    if (len > sink->flow_buffer_max) {
        sink->stats->tcp_ooo_dropped++;
        return;
    }
    insert_ooo(d, seq, p, (uint32_t)len, ts, sink);
}

/* The peer acknowledged bytes up to ack: a hole before buffered data it covers is
 * data the endpoints exchanged but we did not capture. */
static void peer_acked(sf_tcp_dir *d, int side, uint32_t ack, const sf_tcp_sink *sink)
{
    if (!d->have_seq || d->closed || !d->ooo)
        return;
    if (seq_diff(ack, d->ooo->seq) > 0 && seq_diff(ack, d->next_seq) > 0)
        skip_to_buffered(d, side, sink);
}

void sf_tcp_segment(sf_tcp_dir dirs[2], int side, uint32_t seq, uint32_t ack, uint8_t flags,
                    const uint8_t *payload, size_t len, int64_t ts, const sf_tcp_sink *sink)
{
    sf_tcp_dir *d = &dirs[side];
    if (flags & SF_TCP_ACK)
        peer_acked(&dirs[!side], !side, ack, sink);
    if (flags & SF_TCP_SYN) {
        if (!d->have_seq) {
            d->next_seq = seq + 1;
            d->have_seq = true;
        }
        if (!d->syn_seen)
            d->isn = seq;
        if ((flags & SF_TCP_ACK) && !dirs[!side].syn_seen)
            dirs[!side].isn = ack - 1;   /* the SYN this answers: known if it comes late */
        d->syn_seen = true;
        seq++;
    } else if (!d->have_seq) {
        d->have_seq = true;        /* picked up mid-stream: this segment starts it */
        d->next_seq = seq;
    }
    if (d->closed)
        return;
    if (len && sink->flush_on_turn) {
        sf_tcp_dir *o = &dirs[!side];
        if (o->sent_last)
            while (o->ooo)
                skip_to_buffered(o, !side, sink);
        o->sent_last = false;
        d->sent_last = true;
    }
    if (len)
        accept_data(d, side, seq, payload, len, ts, sink);
    if (flags & SF_TCP_FIN) {
        if (!d->fin_seen) {
            d->fin_seen = true;
            d->fin_seq = seq + (uint32_t)len;
        }
        check_fin(d, side, ts, sink);
    } else if (d->fin_seen) {
        check_fin(d, side, ts, sink);
    }
}

void sf_tcp_flush(sf_tcp_dir *d, int side, const sf_tcp_sink *sink)
{
    if (d->closed)
        return;
    while (d->ooo)
        skip_to_buffered(d, side, sink);
    d->closed = true;
    sink->fin(sink->ctx, side, -1);
}
