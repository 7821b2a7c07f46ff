/* A packet as the decoders see it: the captured bytes, and what each layer found.
 * Decoding never copies; pointers refer to the capture buffer (or to the IP fragment
 * reassembly buffer), valid until the next packet. */
#ifndef SF_PACKET_H
#define SF_PACKET_H

#include <stddef.h>
#include <stdint.h>

/* Link types we decode (values are libpcap DLT_ numbers as pcap_datalink() reports). */
#define SF_DLT_NULL 0
#define SF_DLT_EN10MB 1
#define SF_DLT_RAW 12
#define SF_DLT_RAW_ALT 14   /* DLT_RAW on some BSDs */
#define SF_DLT_RAW_LINKTYPE 101
#define SF_DLT_LOOP 108
#define SF_DLT_LINUX_SLL 113
#define SF_DLT_IPV4 228
#define SF_DLT_IPV6 229
#define SF_DLT_LINUX_SLL2 276

#define SF_TCP_FIN 0x01
#define SF_TCP_SYN 0x02
#define SF_TCP_RST 0x04
#define SF_TCP_PSH 0x08
#define SF_TCP_ACK 0x10

typedef enum {
    SF_DECODE_OK = 0,
    SF_DECODE_TRUNCATED,    /* shorter than its headers say */
    SF_DECODE_UNSUPPORTED,  /* a link/network protocol we do not follow */
    SF_DECODE_NOT_TCP,
    SF_DECODE_FRAGMENT,     /* held by IP reassembly, nothing to do yet */
    SF_DECODE_MALFORMED,
    SF_DECODE_OUTGOING,     /* the loopback duplicate, dropped on purpose */
} sf_decode_result;

typedef struct sf_packet {
    int64_t ts_us;
    /* link layer */
    int dlt;
    int ifindex;            /* SLL2 only, else 0 */
    int outgoing;           /* SLL/SLL2 packet type "sent by us" */
    uint16_t ethertype;     /* of the network layer found */
    const uint8_t *l3;
    size_t l3_len;
    /* network layer */
    uint8_t family;         /* 4 or 6 */
    uint8_t ip_proto;
    uint8_t src[16], dst[16];  /* IPv4 uses the first 4 bytes */
    uint16_t ip_id;
    const uint8_t *l4;
    size_t l4_len;
    /* TCP */
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t tcp_flags;
    const uint8_t *payload;
    size_t payload_len;
} sf_packet;

struct sf_frag_table;
struct sf_sensor_stats;

/* Finds the network layer under the link header; fills ethertype/l3/l3_len. */
sf_decode_result sf_decode_link(sf_packet *pkt, const uint8_t *data, size_t caplen);

/* Decodes IPv4/IPv6 (fragments go to frags, which may hand back a whole datagram)
 * and then TCP. frags may be NULL (fragments are then dropped). */
sf_decode_result sf_decode_ip(sf_packet *pkt, struct sf_frag_table *frags,
                              struct sf_sensor_stats *stats);

/* Decodes the TCP header at pkt->l4. */
sf_decode_result sf_decode_tcp(sf_packet *pkt);

#endif
