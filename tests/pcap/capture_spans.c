/* securaflow-capture-spans FILE: when each TCP direction of a capture was seen, for
 * the invariant check of the sensor's records (tests/pcap/check_invariants.py). Uses
 * the sensor's own reader and decoders, so it sees the packets the sensor sees.
 * Prints, tab-separated:
 *   CAPTURE  first_us  last_us              (every packet of the file)
 *   DIR  src  sport  dst  dport  first_us  last_us    (one line per TCP direction) */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sensor/ip_fragments.h"
#include "sensor/packet.h"
#include "sensor/pcap_file.h"

typedef struct span {
    struct span *next;
    uint8_t family, src[16], dst[16];
    uint16_t sport, dport;
    int64_t first_us, last_us;
} span;

#define BUCKETS 65536
static span *table[BUCKETS];

static unsigned hash(const sf_packet *p)
{
    unsigned h = 2166136261u ^ p->sport ^ (unsigned)p->dport << 16;
    for (int i = 0; i < 16; i++)
        h = (h ^ p->src[i] ^ (unsigned)p->dst[i] << 8) * 16777619u;
    return h % BUCKETS;
}

static void note(const sf_packet *p)
{
    int n = p->family == 4 ? 4 : 16;
    unsigned h = hash(p);
    for (span *s = table[h]; s; s = s->next)
        if (s->family == p->family && s->sport == p->sport && s->dport == p->dport &&
            !memcmp(s->src, p->src, (size_t)n) && !memcmp(s->dst, p->dst, (size_t)n)) {
            if (p->ts_us < s->first_us)
                s->first_us = p->ts_us;
            if (p->ts_us > s->last_us)
                s->last_us = p->ts_us;
            return;
        }
    span *s = calloc(1, sizeof *s);
    if (!s)
        exit(1);
    s->family = p->family;
    memcpy(s->src, p->src, 16);
    memcpy(s->dst, p->dst, 16);
    s->sport = p->sport;
    s->dport = p->dport;
    s->first_us = s->last_us = p->ts_us;
    s->next = table[h];
    table[h] = s;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: securaflow-capture-spans FILE\n");
        return 2;
    }
    char err[256];
    sf_pcap_file *f = sf_pcap_open(argv[1], err, sizeof err);
    if (!f) {
        fprintf(stderr, "%s: %s\n", argv[1], err);
        return 1;
    }
    sf_frag_table *frags = sf_frags_new(64u << 20, 30 * 1000000LL);
    sf_sensor_stats stats;
    memset(&stats, 0, sizeof stats);
    sf_pcap_packet p;
    int64_t first = INT64_MAX, last = INT64_MIN;
    while (sf_pcap_next(f, &p, err, sizeof err) == 1) {
        first = p.ts_us < first ? p.ts_us : first;
        last = p.ts_us > last ? p.ts_us : last;
        sf_packet pkt;
        memset(&pkt, 0, sizeof pkt);
        pkt.dlt = p.dlt;
        pkt.ts_us = p.ts_us;
        if (sf_decode_link(&pkt, p.data, p.caplen) == SF_DECODE_OK &&
            sf_decode_ip(&pkt, frags, &stats) == SF_DECODE_OK)
            note(&pkt);
    }
    printf("CAPTURE\t%lld\t%lld\n", (long long)first, (long long)last);
    for (unsigned h = 0; h < BUCKETS; h++)
        for (span *s = table[h], *next; s; s = next) {
            char a[64], b[64];
            int af = s->family == 4 ? AF_INET : AF_INET6;
            inet_ntop(af, s->src, a, sizeof a);
            inet_ntop(af, s->dst, b, sizeof b);
            printf("DIR\t%s\t%u\t%s\t%u\t%lld\t%lld\n", a, s->sport, b, s->dport,
                   (long long)s->first_us, (long long)s->last_us);
            next = s->next;
            free(s);
        }
    sf_frags_free(frags);
    sf_pcap_close(f);
    return 0;
}
