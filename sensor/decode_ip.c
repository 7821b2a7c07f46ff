/* Network and transport layers: IPv4 (options, fragments), IPv6 (extension headers,
 * fragments), then the TCP header. Offload artefacts are tolerated on purpose: bad
 * checksums are never checked, and an IP total length of 0 (TSO) or one larger than
 * what was captured (snaplen) falls back to the captured length. */
#include "sensor/packet.h"
#include "sensor/ip_fragments.h"

#include <string.h>

#define PROTO_TCP 6
#define V6_HOPOPTS 0
#define V6_ROUTING 43
#define V6_FRAGMENT 44
#define V6_AH 51
#define V6_DSTOPTS 60
#define V6_MAX_EXTENSIONS 8

static uint16_t be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

sf_decode_result sf_decode_tcp(sf_packet *pkt)
{
    const uint8_t *t = pkt->l4;
    if (pkt->l4_len < 20)
        return SF_DECODE_TRUNCATED;
    size_t hlen = (size_t)(t[12] >> 4) * 4;
    if (hlen < 20)
        return SF_DECODE_MALFORMED;
    if (hlen > pkt->l4_len)
        return SF_DECODE_TRUNCATED;
    pkt->sport = be16(t);
    pkt->dport = be16(t + 2);
    pkt->seq = be32(t + 4);
    pkt->ack = be32(t + 8);
    pkt->tcp_flags = t[13];
    pkt->payload = t + hlen;
    pkt->payload_len = pkt->l4_len - hlen;
    return SF_DECODE_OK;
}

/* Hands a fragment to reassembly; on completion points l4 at the whole datagram. */
static sf_decode_result reassemble(sf_packet *pkt, sf_frag_table *frags, uint32_t id,
                                   uint32_t offset, int more, sf_sensor_stats *stats)
{
    if (!frags)
        return SF_DECODE_FRAGMENT;
    sf_frag_key key;
    memset(&key, 0, sizeof key);
    key.family = pkt->family;
    key.proto = pkt->ip_proto;
    key.id = id;
    memcpy(key.src, pkt->src, 16);
    memcpy(key.dst, pkt->dst, 16);
    const uint8_t *whole;
    size_t whole_len;
    if (!sf_frags_add(frags, &key, offset, more, pkt->l4, pkt->l4_len, pkt->ts_us, &whole,
                      &whole_len, stats))
        return SF_DECODE_FRAGMENT;
    pkt->l4 = whole;
    pkt->l4_len = whole_len;
    return SF_DECODE_OK;
}

static sf_decode_result decode_ipv4(sf_packet *pkt, sf_frag_table *frags, sf_sensor_stats *stats)
{
    const uint8_t *ip = pkt->l3;
    size_t len = pkt->l3_len;
    if (len < 20)
        return SF_DECODE_TRUNCATED;
    size_t hlen = (size_t)(ip[0] & 0x0f) * 4;
    if ((ip[0] >> 4) != 4 || hlen < 20)
        return SF_DECODE_MALFORMED;
    if (hlen > len)
        return SF_DECODE_TRUNCATED;
    size_t total = be16(ip + 2);
    if (total >= hlen && total < len)
        len = total;                 /* trailing link padding */
    pkt->family = 4;
    pkt->ip_proto = ip[9];
    pkt->ip_id = be16(ip + 4);
    memset(pkt->src, 0, 16);
    memset(pkt->dst, 0, 16);
    memcpy(pkt->src, ip + 12, 4);
    memcpy(pkt->dst, ip + 16, 4);
    pkt->l4 = ip + hlen;
    pkt->l4_len = len - hlen;
    uint16_t frag = be16(ip + 6);
    int more = (frag & 0x2000) != 0;
    uint32_t offset = (uint32_t)(frag & 0x1fff) * 8;
    if (more || offset)
        return reassemble(pkt, frags, pkt->ip_id, offset, more, stats);
    return SF_DECODE_OK;
}

/* Walks the extension header chain up to the upper-layer protocol. */
static sf_decode_result decode_ipv6(sf_packet *pkt, sf_frag_table *frags, sf_sensor_stats *stats)
{
    const uint8_t *ip = pkt->l3;
    size_t len = pkt->l3_len;
    if (len < 40)
        return SF_DECODE_TRUNCATED;
    if ((ip[0] >> 4) != 6)
        return SF_DECODE_MALFORMED;
    size_t payload = be16(ip + 4);
    if (payload && payload + 40 < len)
        len = payload + 40;          /* 0 = jumbogram or offload: use what we have */
    pkt->family = 6;
    memcpy(pkt->src, ip + 8, 16);
    memcpy(pkt->dst, ip + 24, 16);
    uint8_t next = ip[6];
    size_t off = 40;
    int frag_more = 0, is_frag = 0;
    uint32_t frag_offset = 0, frag_id = 0;
    for (int n = 0; n < V6_MAX_EXTENSIONS; n++) {
        if (next != V6_HOPOPTS && next != V6_ROUTING && next != V6_FRAGMENT &&
            next != V6_DSTOPTS && next != V6_AH)
            break;
        if (off + 8 > len)
            return SF_DECODE_TRUNCATED;
        size_t ext_len = next == V6_FRAGMENT ? 8
                         : next == V6_AH     ? ((size_t)ip[off + 1] + 2) * 4
                                             : ((size_t)ip[off + 1] + 1) * 8;
        if (next == V6_FRAGMENT) {
            is_frag = 1;
            frag_offset = (uint32_t)(be16(ip + off + 2) & 0xfff8);
            frag_more = ip[off + 3] & 1;
            frag_id = be32(ip + off + 4);
        }
        next = ip[off];
        off += ext_len;
        if (off > len)
            return SF_DECODE_TRUNCATED;
    }
    pkt->ip_proto = next;
    pkt->l4 = ip + off;
    pkt->l4_len = len - off;
    if (is_frag && (frag_more || frag_offset))
        return reassemble(pkt, frags, frag_id, frag_offset, frag_more, stats);
    return SF_DECODE_OK;
}

sf_decode_result sf_decode_ip(sf_packet *pkt, sf_frag_table *frags, sf_sensor_stats *stats)
{
    sf_decode_result r = pkt->ethertype == 0x0800 ? decode_ipv4(pkt, frags, stats)
                                                  : decode_ipv6(pkt, frags, stats);
    if (r != SF_DECODE_OK)
        return r;
    if (pkt->ip_proto != PROTO_TCP)
        return SF_DECODE_NOT_TCP;
    return sf_decode_tcp(pkt);
}
