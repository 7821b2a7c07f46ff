/* Fuzz target: the packet decoders (link layer, IPv4/IPv6 with fragments, TCP).
 * Input: one byte choosing the link type, then a stream of 2-byte-length-prefixed
 * packets, so fragments can meet each other in the reassembly table. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sensor/ip_fragments.h"
#include "sensor/packet.h"

static const int dlts[] = {SF_DLT_EN10MB, SF_DLT_RAW, SF_DLT_LINUX_SLL, SF_DLT_LINUX_SLL2,
                           SF_DLT_NULL, SF_DLT_LOOP, SF_DLT_IPV4, SF_DLT_IPV6, 9999};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int dlt = dlts[data[0] % (sizeof dlts / sizeof dlts[0])];
    sf_frag_table *frags = sf_frags_new(256 * 1024, 1000000);
    sf_sensor_stats st;
    memset(&st, 0, sizeof st);
    size_t off = 1;
    for (int64_t ts = 0; off + 2 <= size; ts += 1000) {
        size_t n = (size_t)(data[off] << 8 | data[off + 1]);
        off += 2;
        if (n > size - off)
            n = size - off;
        sf_packet pkt;
        memset(&pkt, 0, sizeof pkt);
        pkt.dlt = dlt;
        pkt.ts_us = ts;
        if (sf_decode_link(&pkt, data + off, n) == SF_DECODE_OK &&
            sf_decode_ip(&pkt, frags, &st) == SF_DECODE_OK) {
            volatile uint8_t sink = 0;   /* touch what the decoder says is there */
            for (size_t i = 0; i < pkt.payload_len; i++)
                sink ^= pkt.payload[i];
            (void)sink;
        }
        off += n;
    }
    sf_frags_free(frags);
    return 0;
}
