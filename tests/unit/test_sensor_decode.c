/* Sensor decoding: link types, VLAN tags, IPv4 oddities (length 0), IPv6 extension
 * headers, truncation, and IPv4 fragment reassembly with overlaps. */
#include <CUnit/CUnit.h>
#include <string.h>

#include "sensor/ip_fragments.h"
#include "sensor/packet.h"

static size_t put_ipv4_tcp(uint8_t *p, uint16_t total_len, uint16_t frag, const char *payload)
{
    size_t n = strlen(payload);
    memset(p, 0, 40);
    p[0] = 0x45;
    p[2] = (uint8_t)(total_len >> 8);
    p[3] = (uint8_t)total_len;
    p[6] = (uint8_t)(frag >> 8);
    p[7] = (uint8_t)frag;
    p[8] = 64;
    p[9] = 6;
    memcpy(p + 12, "\x0a\x00\x00\x01\x0a\x00\x00\x02", 8);
    p[20] = 0x30; p[21] = 0x39;             /* sport 12345 */
    p[22] = 0x00; p[23] = 0x50;             /* dport 80 */
    p[24 + 3] = 1;                          /* seq 1 */
    p[32] = 0x50;                           /* data offset 5 */
    p[33] = SF_TCP_ACK | SF_TCP_PSH;
    memcpy(p + 40, payload, n);
    return 40 + n;
}

static sf_decode_result decode(int dlt, const uint8_t *d, size_t n, sf_packet *pkt)
{
    sf_sensor_stats st;
    memset(&st, 0, sizeof st);
    memset(pkt, 0, sizeof *pkt);
    pkt->dlt = dlt;
    sf_decode_result r = sf_decode_link(pkt, d, n);
    return r == SF_DECODE_OK ? sf_decode_ip(pkt, NULL, &st) : r;
}

static void test_ethernet_two_vlans(void)
{
    uint8_t f[200] = {0};
    f[12] = 0x88; f[13] = 0xa8; f[16] = 0x81; f[17] = 0x00; f[20] = 0x08; f[21] = 0x00;
    size_t n = 22 + put_ipv4_tcp(f + 22, 44, 0, "GET ");
    sf_packet pkt;
    CU_ASSERT_EQUAL(decode(SF_DLT_EN10MB, f, n, &pkt), SF_DECODE_OK);
    CU_ASSERT_EQUAL(pkt.sport, 12345);
    CU_ASSERT_EQUAL(pkt.dport, 80);
    CU_ASSERT_EQUAL(pkt.payload_len, 4);
    CU_ASSERT(memcmp(pkt.payload, "GET ", 4) == 0);
    f[21] = 0x00; f[20] = 0x81;            /* a third tag is refused */
    CU_ASSERT_EQUAL(decode(SF_DLT_EN10MB, f, n, &pkt), SF_DECODE_UNSUPPORTED);
}

static void test_ip_length_zero_and_padding(void)
{
    uint8_t f[200];
    size_t n = put_ipv4_tcp(f, 0, 0, "HELLO");   /* TSO: total length 0 */
    sf_packet pkt;
    CU_ASSERT_EQUAL(decode(SF_DLT_RAW, f, n, &pkt), SF_DECODE_OK);
    CU_ASSERT_EQUAL(pkt.payload_len, 5);
    n = put_ipv4_tcp(f, 42, 0, "HELLO");         /* 3 bytes of link padding */
    CU_ASSERT_EQUAL(decode(SF_DLT_RAW, f, n, &pkt), SF_DECODE_OK);
    CU_ASSERT_EQUAL(pkt.payload_len, 2);
    CU_ASSERT_EQUAL(decode(SF_DLT_RAW, f, 30, &pkt), SF_DECODE_TRUNCATED);   /* snaplen cut */
}

static void test_ipv6_extension_headers_and_sll2(void)
{
    uint8_t f[200] = {0};
    f[0] = 0x08; f[1] = 0x00;                    /* SLL2 protocol: patched to IPv6 below */
    f[0] = 0x86; f[1] = 0xdd;
    f[10] = 4;                                   /* outgoing */
    uint8_t *ip = f + 20;
    ip[0] = 0x60;
    ip[5] = 8 + 20 + 3;
    ip[6] = 0;                                   /* hop-by-hop */
    ip[39] = 1;
    ip[40] = 6;                                  /* next: TCP, length 0 => 8 bytes */
    uint8_t *t = ip + 48;
    t[1] = 80; t[3] = 81; t[12] = 0x50; t[13] = SF_TCP_SYN;
    memcpy(t + 20, "abc", 3);
    sf_packet pkt;
    CU_ASSERT_EQUAL(decode(SF_DLT_LINUX_SLL2, f, 20 + 48 + 23, &pkt), SF_DECODE_OK);
    CU_ASSERT_EQUAL(pkt.family, 6);
    CU_ASSERT_EQUAL(pkt.outgoing, 1);
    CU_ASSERT_EQUAL(pkt.dport, 81);
    CU_ASSERT_EQUAL(pkt.payload_len, 3);
}

static void test_null_loopback(void)
{
    uint8_t f[200] = {2, 0, 0, 0};
    size_t n = 4 + put_ipv4_tcp(f + 4, 44, 0, "abcd");
    sf_packet pkt;
    CU_ASSERT_EQUAL(decode(SF_DLT_NULL, f, n, &pkt), SF_DECODE_OK);
    CU_ASSERT_EQUAL(pkt.payload_len, 4);
}

static void test_fragments_overlap_first_wins(void)
{
    sf_frag_table *t = sf_frags_new(1 << 20, 30000000);
    sf_sensor_stats st;
    memset(&st, 0, sizeof st);
    sf_frag_key k;
    memset(&k, 0, sizeof k);
    k.family = 4;
    k.proto = 6;
    k.id = 7;
    const uint8_t *out = NULL;
    size_t len = 0;
    /* last part first, then an overlapping copy with different bytes, then the start */
    CU_ASSERT_EQUAL(sf_frags_add(t, &k, 16, 0, (const uint8_t *)"QRSTU", 5, 1, &out, &len, &st), 0);
    CU_ASSERT_EQUAL(sf_frags_add(t, &k, 8, 1, (const uint8_t *)"IJKLMNOP", 8, 2, &out, &len, &st), 0);
    CU_ASSERT_EQUAL(sf_frags_add(t, &k, 8, 1, (const uint8_t *)"xxxxxxxx", 8, 3, &out, &len, &st), 0);
    CU_ASSERT_EQUAL(sf_frags_add(t, &k, 0, 1, (const uint8_t *)"ABCDEFGH", 8, 4, &out, &len, &st), 1);
    CU_ASSERT_EQUAL(len, 21);
    CU_ASSERT(out && memcmp(out, "ABCDEFGHIJKLMNOPQRSTU", 21) == 0);
    CU_ASSERT_EQUAL(st.ip_reassembled, 1);
    sf_frags_free(t);
}

void sf_test_register_sensor_decode(void)
{
    CU_pSuite s = CU_add_suite("sensor_decode", NULL, NULL);
    CU_add_test(s, "ethernet with two VLAN tags", test_ethernet_two_vlans);
    CU_add_test(s, "IP length 0, padding, snaplen cut", test_ip_length_zero_and_padding);
    CU_add_test(s, "IPv6 extension headers over SLL2", test_ipv6_extension_headers_and_sll2);
    CU_add_test(s, "NULL loopback", test_null_loopback);
    CU_add_test(s, "IPv4 fragments, overlap keeps first copy", test_fragments_overlap_first_wins);
}
