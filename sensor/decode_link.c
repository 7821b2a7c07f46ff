/* Link layer: finds where the IP header starts for each link type we accept
 * (Ethernet with up to two VLAN tags, PPPoE or MPLS, Linux cooked SLL/SLL2, BSD NULL/LOOP, raw IP). */
#include "sensor/packet.h"

#include <string.h>

#define ETH_IPV4 0x0800
#define ETH_IPV6 0x86DD
#define ETH_VLAN 0x8100
#define ETH_QINQ 0x88A8
#define ETH_QINQ_OLD 0x9100
#define ETH_PPPOE_SESSION 0x8864
#define ETH_MPLS 0x8847
#define ETH_MPLS_MULTI 0x8848
#define PPP_IPV4 0x0021
#define PPP_IPV6 0x0057
#define MAX_MPLS_LABELS 8
#define SLL_OUTGOING 4
#define MAX_VLAN_TAGS 2

static uint16_t be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

static sf_decode_result set_l3(sf_packet *pkt, uint16_t type, const uint8_t *p, size_t len)
{
    if (type != ETH_IPV4 && type != ETH_IPV6)
        return SF_DECODE_UNSUPPORTED;
    pkt->ethertype = type;
    pkt->l3 = p;
    pkt->l3_len = len;
    return SF_DECODE_OK;
}

/* Raw IP: the version nibble says which. */
static sf_decode_result decode_raw(sf_packet *pkt, const uint8_t *d, size_t len)
{
    if (len < 1)
        return SF_DECODE_TRUNCATED;
    if ((d[0] >> 4) == 4)
        return set_l3(pkt, ETH_IPV4, d, len);
    if ((d[0] >> 4) == 6)
        return set_l3(pkt, ETH_IPV6, d, len);
    return SF_DECODE_UNSUPPORTED;
}

/* PPPoE session (DSL uplinks): 6-byte PPPoE header, then the 2-byte PPP protocol. */
static sf_decode_result decode_pppoe(sf_packet *pkt, const uint8_t *d, size_t len)
{
    if (len < 8)
        return SF_DECODE_TRUNCATED;
    uint16_t proto = be16(d + 6);
    if (proto == PPP_IPV4)
        return set_l3(pkt, ETH_IPV4, d + 8, len - 8);
    if (proto == PPP_IPV6)
        return set_l3(pkt, ETH_IPV6, d + 8, len - 8);
    return SF_DECODE_UNSUPPORTED;
}

/* MPLS: 4-byte labels up to the one with the bottom-of-stack bit, then IP. */
static sf_decode_result decode_mpls(sf_packet *pkt, const uint8_t *d, size_t len)
{
    for (size_t off = 0, n = 0; n < MAX_MPLS_LABELS; n++, off += 4) {
        if (len < off + 4)
            return SF_DECODE_TRUNCATED;
        if (d[off + 2] & 1)
            return decode_raw(pkt, d + off + 4, len - off - 4);
    }
    return SF_DECODE_UNSUPPORTED;
}

static sf_decode_result decode_ethernet(sf_packet *pkt, const uint8_t *d, size_t len)
{
    if (len < 14)
        return SF_DECODE_TRUNCATED;
    uint16_t type = be16(d + 12);
    size_t off = 14;
    for (int tags = 0; type == ETH_VLAN || type == ETH_QINQ || type == ETH_QINQ_OLD; tags++) {
        if (tags == MAX_VLAN_TAGS)
            return SF_DECODE_UNSUPPORTED;
        if (len < off + 4)
            return SF_DECODE_TRUNCATED;
        type = be16(d + off + 2);
        off += 4;
    }
    if (type == ETH_PPPOE_SESSION)
        return decode_pppoe(pkt, d + off, len - off);
    if (type == ETH_MPLS || type == ETH_MPLS_MULTI)
        return decode_mpls(pkt, d + off, len - off);
    return set_l3(pkt, type, d + off, len - off);
}

/* BSD loopback: a 4-byte address family in the capturing host's byte order (NULL)
 * or network order (LOOP). Accept either order; the values do not collide. */
static sf_decode_result decode_null(sf_packet *pkt, const uint8_t *d, size_t len)
{
    if (len < 4)
        return SF_DECODE_TRUNCATED;
    uint32_t le = (uint32_t)d[0] | (uint32_t)d[1] << 8 | (uint32_t)d[2] << 16 | (uint32_t)d[3] << 24;
    uint32_t be = (uint32_t)d[3] | (uint32_t)d[2] << 8 | (uint32_t)d[1] << 16 | (uint32_t)d[0] << 24;
    uint32_t af = le < 256 ? le : be;
    if (af == 2)
        return set_l3(pkt, ETH_IPV4, d + 4, len - 4);
    if (af == 10 || af == 24 || af == 28 || af == 30)   /* AF_INET6 on Linux/BSDs/macOS */
        return set_l3(pkt, ETH_IPV6, d + 4, len - 4);
    return SF_DECODE_UNSUPPORTED;
}

static sf_decode_result decode_sll(sf_packet *pkt, const uint8_t *d, size_t len)
{
    if (len < 16)
        return SF_DECODE_TRUNCATED;
    pkt->outgoing = be16(d) == SLL_OUTGOING;
    return set_l3(pkt, be16(d + 14), d + 16, len - 16);
}

static sf_decode_result decode_sll2(sf_packet *pkt, const uint8_t *d, size_t len)
{
    if (len < 20)
        return SF_DECODE_TRUNCATED;
    pkt->ifindex = (int)((uint32_t)d[4] << 24 | (uint32_t)d[5] << 16 | (uint32_t)d[6] << 8 | d[7]);
    pkt->outgoing = d[10] == SLL_OUTGOING;
    return set_l3(pkt, be16(d), d + 20, len - 20);
}

sf_decode_result sf_decode_link(sf_packet *pkt, const uint8_t *data, size_t caplen)
{
    switch (pkt->dlt) {
    case SF_DLT_EN10MB: return decode_ethernet(pkt, data, caplen);
    case SF_DLT_NULL:
    case SF_DLT_LOOP: return decode_null(pkt, data, caplen);
    case SF_DLT_RAW:
    case SF_DLT_RAW_ALT:
    case SF_DLT_RAW_LINKTYPE: return decode_raw(pkt, data, caplen);
    case SF_DLT_IPV4: return set_l3(pkt, ETH_IPV4, data, caplen);
    case SF_DLT_IPV6: return set_l3(pkt, ETH_IPV6, data, caplen);
    case SF_DLT_LINUX_SLL: return decode_sll(pkt, data, caplen);
    case SF_DLT_LINUX_SLL2: return decode_sll2(pkt, data, caplen);
    default: return SF_DECODE_UNSUPPORTED;
    }
}
