/* BPF filters as the sensor applies them (sensor/capture_filter.c): the default from
 * --ports and a --filter expression both match untagged, 802.1Q and QinQ frames; BSD
 * loopback IPv6 (AF 24, 28, 30, either byte order) passes a file filter. */
#include <CUnit/CUnit.h>
#include <stdlib.h>
#include <string.h>

#include "sensor/capture_filter.h"

/* Ethernet frame, tags outermost first, carrying IPv4 TCP to dport (frag: IPv4 offset). */
static size_t frame(uint8_t *p, const uint16_t *tpids, int ntags, uint16_t dport, uint16_t frag)
{
    memset(p, 0, 128);
    memcpy(p, "\x02\0\0\0\0\x02\x02\0\0\0\0\x01", 12);
    size_t off = 12;
    for (int i = 0; i < ntags; i++) {
        p[off] = (uint8_t)(tpids[i] >> 8), p[off + 1] = (uint8_t)tpids[i];
        p[off + 3] = (uint8_t)(10 + i);          /* VLAN id */
        off += 4;
    }
    p[off] = 0x08, p[off + 1] = 0x00;
    uint8_t *ip = p + off + 2;
    ip[0] = 0x45, ip[3] = 40, ip[6] = (uint8_t)(frag >> 8), ip[7] = (uint8_t)frag, ip[8] = 64, ip[9] = 6;
    memcpy(ip + 12, "\x0a\0\0\x01\x0a\0\0\x02", 8);
    ip[20] = 0x9c, ip[21] = 0x40, ip[22] = (uint8_t)(dport >> 8), ip[23] = (uint8_t)dport;
    ip[32] = 0x50;
    return off + 2 + 40;
}

static int matches(struct bpf_program *prog, const uint8_t *p, size_t n)
{
    struct pcap_pkthdr h = {.caplen = (bpf_u_int32)n, .len = (bpf_u_int32)n};
    return pcap_offline_filter(prog, &h, p) != 0;
}

static void test_tagged_frames(void)
{
    static const uint16_t dot1q[] = {0x8100}, qinq[] = {0x88a8, 0x8100}, qinq_old[] = {0x9100, 0x8100};
    char *def = sf_filter_default("80,8080");
    CU_ASSERT_PTR_NOT_NULL_FATAL(def);
    const char *exprs[] = {def, "tcp", "tcp port 80"};
    pcap_t *eth = pcap_open_dead(DLT_EN10MB, 262144);
    for (size_t e = 0; e < 3; e++) {
        struct bpf_program prog;
        char err[512];
        CU_ASSERT_EQUAL_FATAL(sf_filter_compile(eth, exprs[e], &prog, err, sizeof err), 0);
        uint8_t p[128];
        CU_ASSERT(matches(&prog, p, frame(p, NULL, 0, 80, 0)));
        CU_ASSERT(matches(&prog, p, frame(p, dot1q, 1, 80, 0)));
        CU_ASSERT(matches(&prog, p, frame(p, qinq, 2, 80, 0)));
        CU_ASSERT(matches(&prog, p, frame(p, qinq_old, 2, 80, 0)));
        if (e != 1) {
            CU_ASSERT(!matches(&prog, p, frame(p, dot1q, 1, 9999, 0)));
            CU_ASSERT(!matches(&prog, p, frame(p, qinq, 2, 9999, 0)));
        }
        if (e == 0)   /* the default lets later fragments through, tagged or not */
            CU_ASSERT(matches(&prog, p, frame(p, qinq, 2, 9999, 0x00b9)));
        pcap_freecode(&prog);
    }
    /* A filter naming tags keeps its own offsets; a link type without tags, the plain F. */
    char *same = sf_filter_tagged("vlan 10 and tcp");
    CU_ASSERT_STRING_EQUAL(same, "vlan 10 and tcp");
    free(same);
    pcap_t *raw = pcap_open_dead(DLT_RAW, 262144);
    struct bpf_program prog;
    char err[512];
    CU_ASSERT_EQUAL(sf_filter_compile(raw, "tcp port 80", &prog, err, sizeof err), 0);
    pcap_freecode(&prog);
    CU_ASSERT_EQUAL(sf_filter_compile(raw, "tcp port", &prog, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "bad filter"));
    pcap_close(raw);
    pcap_close(eth);
    free(def);
}

static void test_bsd_loopback_ipv6(void)
{
    static const int afs[] = {24, 28, 30};
    for (int swapped = 0; swapped < 2; swapped++)
        for (int i = 0; i < 3; i++) {
            uint8_t p[4 + 60];
            memset(p, 0, sizeof p);
            /* the AF in the capturing host's order: ours, or the other one if swapped */
            uint32_t af = (uint32_t)afs[i];
            if (swapped)
                af = __builtin_bswap32(af);
            memcpy(p, &af, 4);
            uint8_t *ip6 = p + 4;
            ip6[0] = 0x60, ip6[5] = 20, ip6[6] = 6, ip6[7] = 64, ip6[23] = 1, ip6[39] = 1;
            ip6[40] = 0x9c, ip6[41] = 0x40, ip6[43] = 80, ip6[52] = 0x50;
            sf_file_filter ff = {.expr = "tcp port 80"};
            sf_file_filter_reset(&ff, swapped);
            CU_ASSERT_EQUAL(sf_file_filter_match(&ff, 0 /* LINKTYPE_NULL */, p, sizeof p, sizeof p), 1);
            ip6[43] = 81;
            CU_ASSERT_EQUAL(sf_file_filter_match(&ff, 0, p, sizeof p, sizeof p), 0);
            sf_file_filter_free(&ff);
        }
}

void sf_test_register_sensor_filter(void)
{
    CU_pSuite s = CU_add_suite("sensor_filter", NULL, NULL);
    CU_add_test(s, "default and --filter match 802.1Q and QinQ", test_tagged_frames);
    CU_add_test(s, "file filter: BSD loopback IPv6, both byte orders", test_bsd_loopback_ipv6);
}
