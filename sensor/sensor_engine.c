/* The engine: one packet at a time through decode -> flow -> TCP -> HTTP, then the
 * housekeeping that keeps memory flat: timeouts once per second of packet time, and
 * eviction of the least recently used connections whenever the budget is exceeded. */
#include "sensor/sensor_engine.h"
#include "sensor/http_conn.h"
#include "sensor/stream_dump.h"
#include "sensor/transaction_record.h"

#include <stdlib.h>
#include <string.h>

#define SWEEP_INTERVAL_US 1000000
/* How long an ended connection is remembered (Linux keeps TIME-WAIT 60 s; the
 * retransmissions it is there for come within seconds), and how many at most. */
#define TIME_WAIT_US (30 * 1000000LL)
#define TIME_WAIT_MAX 32768u

void sf_engine_limits_default(sf_engine_limits *lim)
{
    lim->memory_max = 512u << 20;
    lim->max_flows = 1u << 20;
    lim->flow_buffer_max = 1u << 20;
    lim->flow_segments_max = 2048;
    lim->header_max = 16384;
    lim->max_pending = 100;
    lim->request_timeout_us = 60 * 1000000LL;
    lim->idle_timeout_us = 300 * 1000000LL;
    lim->frag_memory_max = 16u << 20;
    lim->sample_permille = 1000;
}

int sf_engine_init(sf_engine *e, const sf_engine_limits *lim, const sf_record_options *recopt,
                   sf_record_fn emit, void *emit_ctx)
{
    memset(e, 0, sizeof *e);
    e->lim = *lim;
    e->recopt = recopt;
    e->emit = emit;
    e->emit_ctx = emit_ctx;
    e->stats.sampling_ratio = lim->sample_permille / 1000.0;
    if (sf_flow_table_init(&e->flows, lim->max_flows) < 0)
        return -1;
    sf_tw_init(&e->ended, lim->max_flows < TIME_WAIT_MAX ? lim->max_flows : TIME_WAIT_MAX);
    e->frags = sf_frags_new(lim->frag_memory_max, 30 * 1000000LL);
    return e->frags ? 0 : -1;
}

void sf_engine_add_server_port(sf_engine *e, uint16_t port)
{
    if (!e->server_ports)
        e->server_ports = calloc(65536 / 8, 1);
    if (e->server_ports)
        e->server_ports[port / 8] |= (uint8_t)(1u << (port % 8));
}

static int is_server_port(const sf_engine *e, uint16_t port)
{
    return e->server_ports && (e->server_ports[port / 8] & (1u << (port % 8)));
}

void sf_engine_emit(sf_engine *e, const sf_flow *flow, const sf_txn *t)
{
    sf_record rec;
    sf_txn_times times;
    sf_record_text text;    /* the record's strings: borrowed, so no sf_record_clear */
    sf_record_init(&rec);
    if (t->flags & SF_FLAG_NO_RESPONSE)
        e->stats.unmatched_requests++;
    else if (t->flags & SF_FLAG_NO_REQUEST)
        e->stats.unmatched_responses++;
    else
        e->stats.transactions++;
    if (sf_txn_to_record(t, flow, e->recopt, &rec, &times, &text) == 0 && e->emit)
        e->emit(e->emit_ctx, &rec, &times);
    else if (e->emit)
        e->stats.records_dropped++;
}

/* --- TCP -> HTTP (or stream dump) --- */

typedef struct flow_ctx {
    sf_engine *e;
    sf_flow *f;
} flow_ctx;

static void on_data(void *ctx, int side, const uint8_t *p, size_t len, int64_t ts)
{
    flow_ctx *fc = ctx;
    sf_flow *f = fc->f;
    if (fc->e->dump) {
        sf_stream_dump_data(fc->e->dump, f, side, p, len);
        return;
    }
    if (f->ignored)
        return;
    if (!f->http) {
        f->http = sf_http_conn_new(fc->e, f);
        if (!f->http)
            return;
        if (f->client != SF_SIDE_UNKNOWN)
            sf_http_set_client(f->http, f->client);
    }
    sf_http_data(f->http, side, p, len, ts);
}

static void on_gap(void *ctx, int side, uint32_t len, int64_t ts)
{
    flow_ctx *fc = ctx;
    if (fc->e->dump)
        sf_stream_dump_gap(fc->e->dump, fc->f, side, len);
    else if (fc->f->http && !fc->f->ignored)
        sf_http_gap(fc->f->http, side, len, ts);
}

static void on_fin(void *ctx, int side, int64_t ts)
{
    flow_ctx *fc = ctx;
    if (!fc->e->dump && fc->f->http && !fc->f->ignored)
        sf_http_fin(fc->f->http, side, ts);
}

static sf_tcp_sink make_sink(sf_engine *e, flow_ctx *fc)
{
    sf_tcp_sink s = {
        .data = on_data, .gap = on_gap, .fin = on_fin, .ctx = fc, .memory = &e->memory,
        .flow_buffer_max = e->lim.flow_buffer_max, .flow_segments_max = e->lim.flow_segments_max,
        .stats = &e->stats, .flush_on_turn = e->dump != NULL,
    };
    return s;
}

/* --- connection life cycle --- */

/* Ends what a connection holds: buffered bytes, HTTP state (pending requests are
 * reported), the stream dump. The flow struct stays. */
static void end_contents(sf_engine *e, sf_flow *f)
{
    flow_ctx fc = {e, f};
    sf_tcp_sink sink = make_sink(e, &fc);
    if (!f->ignored || e->dump)
        for (int i = 0; i < 2; i++)
            sf_tcp_flush(&f->tcp[i], i, &sink);
    for (int i = 0; i < 2; i++)
        sf_tcp_release(&f->tcp[i], &sink);
    if (f->http)
        sf_http_conn_close(f->http);
    f->http = NULL;
    if (e->dump)
        sf_stream_dump_close(e->dump, f);
}

static void close_flow(sf_engine *e, sf_flow *f)
{
    end_contents(e, f);
    e->stats.flows_active--;
    sf_engine_credit(e, sizeof *f);
    sf_flow_remove(&e->flows, f);
}

/* Both FINs or a reset: the connection ends now, and is remembered a while
 * (time_wait.h) so a retransmission after the end is known for what it is. */
static void end_flow(sf_engine *e, sf_flow *f, int64_t now_us)
{
    /* The ring is made only while the budget has room for it (not again and again
     * under memory pressure, which frees it). */
    bool room = e->memory + sf_tw_bytes(&e->ended) <= e->lim.memory_max / 2;
    sf_engine_charge(e, sf_tw_add(&e->ended, f, now_us, room));
    close_flow(e, f);
}

/* A packet for an ended connection: a late copy of its own (ignored, counted), or the
 * first packet of a new connection on the same port pair (returns 1). */
static int new_connection_on_ended(const sf_tw_entry *w, int side, const sf_packet *pkt)
{
    const sf_tw_dir *d = &w->dir[side];
    if (pkt->tcp_flags & SF_TCP_SYN)
        return !(d->syn_seen && d->isn == pkt->seq) && !(pkt->tcp_flags & SF_TCP_ACK);
    if (!pkt->payload_len)
        return 0;
    /* Data: a copy of bytes the connection already carried lies before where it ended. */
    int32_t past_end = (int32_t)(pkt->seq - d->next_seq);
    return !d->have_seq || past_end > 0 || past_end < -(1 << 30);
}

/* A connection found not to be HTTP keeps only its table entry. */
static void drop_contents(sf_engine *e, sf_flow *f)
{
    flow_ctx fc = {e, f};
    sf_tcp_sink sink = make_sink(e, &fc);
    e->stats.flows_not_http++;
    for (int i = 0; i < 2; i++)
        sf_tcp_release(&f->tcp[i], &sink);
    if (f->http) {
        sf_http_conn_close(f->http);
        f->http = NULL;
    }
}

static sf_flow *new_flow(sf_engine *e, const sf_packet *pkt)
{
    if (e->flows.count >= e->lim.max_flows && e->flows.lru_tail) {
        e->stats.flows_evicted++;
        close_flow(e, e->flows.lru_tail);
    }
    sf_flow *f = sf_flow_insert(&e->flows, pkt->family, pkt->src, pkt->sport, pkt->dst,
                                pkt->dport, pkt->ts_us);
    if (!f) {
        e->stats.flows_refused++;
        return NULL;
    }
    sf_engine_charge(e, sizeof *f);
    e->stats.flows++;
    e->stats.flows_active++;
    if ((pkt->tcp_flags & (SF_TCP_SYN | SF_TCP_ACK)) == SF_TCP_SYN)
        f->client = 0;
    else if ((pkt->tcp_flags & (SF_TCP_SYN | SF_TCP_ACK)) == (SF_TCP_SYN | SF_TCP_ACK))
        f->client = 1;
    else {
        f->midstream = true;
        e->stats.flows_midstream++;
        if (is_server_port(e, pkt->dport) && !is_server_port(e, pkt->sport))
            f->client = 0;
        else if (is_server_port(e, pkt->sport) && !is_server_port(e, pkt->dport))
            f->client = 1;
    }
    /* Overload shedding samples whole connections, never parts of them. */
    uint32_t keep = __atomic_load_n(&e->lim.sample_permille, __ATOMIC_RELAXED);
    e->stats.sampling_ratio = keep / 1000.0;
    if (keep < 1000 && f->hash % 1000 >= keep)
        f->ignored = true;
    return f;
}

/* The client's SYN captured after the server's SYN/ACK that answers it (capture
 * timestamps can invert them): the same connection, not a new one. */
static bool late_syn(const sf_flow *f, int side, const sf_packet *pkt)
{
    const sf_tcp_dir *peer = &f->tcp[!side];
    return !f->tcp[side].syn_seen && peer->syn_seen && f->tcp[side].isn == pkt->seq;
}

static void handle_tcp(sf_engine *e, const sf_packet *pkt)
{
    int side = 0;
    sf_flow *f = sf_flow_lookup(&e->flows, pkt->family, pkt->src, pkt->sport, pkt->dst,
                                pkt->dport, &side);
    sf_tw_entry *w;
    if (!f && (w = sf_tw_lookup(&e->ended, pkt->family, pkt->src, pkt->sport, pkt->dst,
                                pkt->dport, &side))) {
        if (!new_connection_on_ended(w, side, pkt)) {
            e->stats.tcp_segments++;
            if (pkt->payload_len) {
                e->stats.tcp_retransmissions++;
                e->stats.tcp_retransmitted_bytes += pkt->payload_len;
            }
            return;
        }
        sf_tw_forget(&e->ended, w);
    }
    if (f && (pkt->tcp_flags & (SF_TCP_SYN | SF_TCP_ACK)) == SF_TCP_SYN &&
        !(f->tcp[side].syn_seen && f->tcp[side].isn == pkt->seq) && !late_syn(f, side, pkt)) {
        close_flow(e, f);        /* the port pair is reused by a new connection */
        f = NULL;
    }
    if (!f) {
        if (!(pkt->tcp_flags & SF_TCP_SYN) && pkt->payload_len == 0)
            return;              /* a bare ACK/FIN/RST of a connection we do not follow */
        f = new_flow(e, pkt);
        if (!f)
            return;
    }
    sf_flow_touch(&e->flows, f, pkt->ts_us);
    /* The sweep only visits idle connections; a busy one checks its oldest request here. */
    if (f->http && f->http->head && f->http->head->req_first_us + e->lim.request_timeout_us < pkt->ts_us)
        sf_txn_expire(f->http, pkt->ts_us - e->lim.request_timeout_us);
    e->stats.tcp_segments++;
    e->stats.tcp_payload_bytes += pkt->payload_len;
    if (f->ignored && !e->dump)
        return;
    flow_ctx fc = {e, f};
    sf_tcp_sink sink = make_sink(e, &fc);
    sf_tcp_segment(f->tcp, side, pkt->seq, pkt->ack, pkt->tcp_flags, pkt->payload,
                   pkt->payload_len, pkt->ts_us, &sink);
    if (f->ignored && !e->dump) {
        drop_contents(e, f);
        return;
    }
    if (pkt->tcp_flags & SF_TCP_RST)
        f->closing = true;
    if (f->closing || (f->tcp[0].closed && f->tcp[1].closed))
        end_flow(e, f, pkt->ts_us);
}

/* --- housekeeping --- */

static void sweep(sf_engine *e)
{
    int64_t now = e->now_us;
    sf_tw_expire(&e->ended, now - TIME_WAIT_US);
    for (sf_flow *f = e->flows.lru_tail, *prev; f; f = prev) {
        prev = f->lru_prev;
        if (f->last_us + e->lim.idle_timeout_us < now) {
            e->stats.flows_timed_out++;
            close_flow(e, f);
            continue;
        }
        if (f->last_us + e->lim.request_timeout_us >= now)
            break;
        if (f->http && f->http->pending)
            sf_txn_expire(f->http, now - e->lim.request_timeout_us);
    }
}

static void enforce_memory(sf_engine *e)
{
    if (e->memory > e->lim.memory_max)   /* ended connections are forgotten first */
        sf_engine_credit(e, sf_tw_release(&e->ended));
    while (e->memory > e->lim.memory_max && e->flows.lru_tail) {
        e->stats.memory_evictions++;
        e->stats.flows_evicted++;
        close_flow(e, e->flows.lru_tail);
    }
}

void sf_engine_tick(sf_engine *e, int64_t now_us)
{
    if (now_us > e->now_us)
        e->now_us = now_us;
    if (e->now_us - e->last_sweep_us >= SWEEP_INTERVAL_US) {
        e->last_sweep_us = e->now_us;
        sweep(e);
    }
}

static void count_decode_failure(sf_engine *e, sf_decode_result r)
{
    switch (r) {
    case SF_DECODE_TRUNCATED: e->stats.decode_truncated++; break;
    case SF_DECODE_UNSUPPORTED: e->stats.decode_unsupported++; break;
    case SF_DECODE_MALFORMED: e->stats.decode_malformed++; break;
    case SF_DECODE_NOT_TCP: e->stats.non_tcp++; break;
    default: break;
    }
}

void sf_engine_packet(sf_engine *e, int dlt, int64_t ts_us, const uint8_t *data, size_t caplen,
                      size_t wirelen)
{
    e->stats.packets++;
    e->stats.bytes += wirelen;
    sf_packet pkt;
    pkt.dlt = dlt;
    pkt.ts_us = ts_us;
    pkt.ifindex = 0;
    pkt.outgoing = 0;
    sf_decode_result r = sf_decode_link(&pkt, data, caplen);
    if (r == SF_DECODE_OK && pkt.outgoing && e->drop_outgoing_ifindex &&
        pkt.ifindex == e->drop_outgoing_ifindex) {
        e->stats.loopback_duplicates++;
        return;
    }
    if (r == SF_DECODE_OK)
        r = sf_decode_ip(&pkt, e->frags, &e->stats);
    if (r == SF_DECODE_OK)
        handle_tcp(e, &pkt);
    else
        count_decode_failure(e, r);
    if (e->memory > e->lim.memory_max)
        enforce_memory(e);
    sf_engine_tick(e, ts_us);
}

void sf_engine_flush(sf_engine *e)
{
    while (e->flows.lru_tail)
        close_flow(e, e->flows.lru_tail);
    sf_engine_credit(e, sf_tw_release(&e->ended));
}

void sf_engine_destroy(sf_engine *e)
{
    sf_engine_flush(e);
    sf_flow_table_destroy(&e->flows);
    sf_tw_destroy(&e->ended);
    sf_frags_free(e->frags);
    free(e->server_ports);
    e->frags = NULL;
    e->server_ports = NULL;
}
