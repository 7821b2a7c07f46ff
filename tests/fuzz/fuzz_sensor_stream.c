/* Fuzz target: TCP reassembly and HTTP (detection, llhttp, pairing, records) on one
 * connection. The input is a list of segments: a control byte (bit 0: side, bit 1:
 * skip ahead = a gap, bit 2: send it twice = retransmission, bit 3: hold it and send
 * after the next one = reordering, bit 4: FIN, bit 5: RST), a length byte, the bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/record.h"
#include "sensor/sensor_engine.h"

static void drop_record(void *ctx, const sf_record *rec, const sf_txn_times *t)
{
    (void)t;
    (*(size_t *)ctx) += rec->endpoint ? strlen(rec->endpoint) : 0;
}

static void send_seg(sf_engine *e, int side, uint32_t seq, uint32_t ack, uint8_t flags,
                     const uint8_t *p, size_t n, int64_t ts)
{
    uint8_t pkt[40 + 256];
    memset(pkt, 0, 40);
    pkt[0] = 0x45;
    pkt[9] = 6;
    memcpy(pkt + 12, side ? "\x0a\0\0\x02\x0a\0\0\x01" : "\x0a\0\0\x01\x0a\0\0\x02", 8);
    pkt[20] = side ? 0 : 0x9c; pkt[21] = side ? 80 : 0x40;
    pkt[22] = side ? 0x9c : 0; pkt[23] = side ? 0x40 : 80;
    for (int i = 0; i < 4; i++) {
        pkt[24 + i] = (uint8_t)(seq >> (24 - 8 * i));
        pkt[28 + i] = (uint8_t)(ack >> (24 - 8 * i));
    }
    pkt[32] = 0x50;
    pkt[33] = flags;
    if (n)
        memcpy(pkt + 40, p, n);
    sf_engine_packet(e, SF_DLT_RAW, ts, pkt, 40 + n, 40 + n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sf_engine_limits lim;
    sf_engine_limits_default(&lim);
    lim.memory_max = 1 << 20;
    lim.flow_buffer_max = 8192;
    lim.header_max = 1024;
    lim.max_flows = 16;
    size_t sink = 0;
    sf_engine e;
    if (sf_engine_init(&e, &lim, NULL, drop_record, &sink) < 0)
        return 0;
    uint32_t seq[2] = {1000, 5000};
    int64_t ts = 1000000;
    send_seg(&e, 0, seq[0]++, 0, 0x02, NULL, 0, ts);
    send_seg(&e, 1, seq[1]++, seq[0], 0x12, NULL, 0, ts);
    const uint8_t *held = NULL;
    size_t held_n = 0;
    uint32_t held_seq = 0;
    int held_side = 0;
    for (size_t off = 0; off + 2 <= size;) {
        uint8_t ctl = data[off];
        size_t n = data[off + 1];
        off += 2;
        if (n > size - off)
            n = size - off;
        int side = ctl & 1;
        if (ctl & 2)
            seq[side] += n + 7;
        uint8_t flags = 0x18 | ((ctl & 16) ? 0x01 : 0) | ((ctl & 32) ? 0x04 : 0);
        ts += 100 + ctl;
        if ((ctl & 8) && !held) {
            held = data + off, held_n = n, held_seq = seq[side], held_side = side;
        } else {
            send_seg(&e, side, seq[side], seq[!side], flags, data + off, n, ts);
            if (ctl & 4)
                send_seg(&e, side, seq[side], seq[!side], flags, data + off, n, ts);
            if (held) {
                send_seg(&e, held_side, held_seq, seq[!held_side], 0x18, held, held_n, ts);
                held = NULL;
            }
        }
        seq[side] += (uint32_t)n;
        off += n;
    }
    sf_engine_destroy(&e);
    return 0;
}
