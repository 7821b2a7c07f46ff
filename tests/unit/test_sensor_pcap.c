/* The capture-file reader: pcap in both byte orders and resolutions, pcapng with two
 * interfaces of different link types, and truncated input ending cleanly. */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <string.h>

#include "sensor/pcap_file.h"

static FILE *mem(const void *data, size_t n) { return fmemopen((void *)data, n, "rb"); }

static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }

static void test_pcap_nanoseconds_and_truncation(void)
{
    uint8_t f[24 + 16 + 4 + 16 + 2];
    memset(f, 0, sizeof f);
    put32(f, 0xa1b23c4d);                          /* nanosecond pcap */
    put32(f + 20, 1);                              /* Ethernet */
    put32(f + 24, 10);
    put32(f + 28, 1500);                           /* 1.5 µs */
    put32(f + 32, 4);
    put32(f + 36, 60);
    memcpy(f + 40, "abcd", 4);
    put32(f + 44 + 8, 100);                        /* second packet says 100 bytes ... */
    char err[128];
    sf_pcap_file *pf = sf_pcap_open_stream(mem(f, sizeof f), 1, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(pf);
    sf_pcap_packet p;
    CU_ASSERT_EQUAL(sf_pcap_next(pf, &p, err, sizeof err), 1);
    CU_ASSERT_EQUAL(p.ts_us, 10000001);
    CU_ASSERT_EQUAL(p.caplen, 4);
    CU_ASSERT_EQUAL(p.wirelen, 60);
    CU_ASSERT_EQUAL(p.dlt, 1);
    CU_ASSERT_EQUAL(sf_pcap_next(pf, &p, err, sizeof err), -1);   /* ... but the file ends */
    sf_pcap_close(pf);
}

static size_t block(uint8_t *b, uint32_t type, const uint8_t *body, uint32_t n)
{
    uint32_t len = 12 + ((n + 3) & ~3u);
    memset(b, 0, len);
    put32(b, type);
    put32(b + 4, len);
    memcpy(b + 8, body, n);
    put32(b + len - 4, len);
    return len;
}

static void test_pcapng_two_link_types(void)
{
    uint8_t f[512], body[64];
    size_t n = 0;
    memset(body, 0, sizeof body);
    put32(body, 0x1a2b3c4d);
    put16(body + 4, 1);
    memset(body + 8, 0xff, 8);                     /* section length unknown */
    n += block(f + n, 0x0a0d0d0a, body, 16);
    memset(body, 0, sizeof body);
    put16(body, 1);                                /* interface 0: Ethernet */
    n += block(f + n, 1, body, 8);
    put16(body, 113);                              /* interface 1: Linux SLL */
    put16(body + 8, 9); put16(body + 10, 1); body[12] = 9;   /* if_tsresol = 10^-9 */
    n += block(f + n, 1, body, 16);
    for (uint32_t ifc = 0; ifc < 2; ifc++) {
        memset(body, 0, sizeof body);
        put32(body, ifc);
        put32(body + 8, ifc ? 2000000000u : 5000000u);   /* ts low */
        put32(body + 12, 3);
        put32(body + 16, 3);
        memcpy(body + 20, "xyz", 3);
        n += block(f + n, 6, body, 23);
    }
    char err[128];
    sf_pcap_file *pf = sf_pcap_open_stream(mem(f, n), 1, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(pf);
    sf_pcap_packet p;
    CU_ASSERT_EQUAL_FATAL(sf_pcap_next(pf, &p, err, sizeof err), 1);
    CU_ASSERT_EQUAL(p.dlt, 1);
    CU_ASSERT_EQUAL(p.ts_us, 5000000);
    CU_ASSERT_EQUAL_FATAL(sf_pcap_next(pf, &p, err, sizeof err), 1);
    CU_ASSERT_EQUAL(p.dlt, 113);
    CU_ASSERT_EQUAL(p.ts_us, 2000000);
    CU_ASSERT(memcmp(p.data, "xyz", 3) == 0);
    CU_ASSERT_EQUAL(sf_pcap_next(pf, &p, err, sizeof err), 0);
    sf_pcap_close(pf);
}

static void test_garbage_refused(void)
{
    char err[128];
    CU_ASSERT_PTR_NULL(sf_pcap_open_stream(mem("hello world, no pcap", 20), 1, err, sizeof err));
    CU_ASSERT_PTR_NULL(sf_pcap_open_stream(mem("\xd4\xc3", 2), 1, err, sizeof err));
}

void sf_test_register_sensor_pcap(void)
{
    CU_pSuite s = CU_add_suite("sensor_pcap", NULL, NULL);
    CU_add_test(s, "pcap with ns timestamps, truncated packet", test_pcap_nanoseconds_and_truncation);
    CU_add_test(s, "pcapng with two link types and ts resolutions", test_pcapng_two_link_types);
    CU_add_test(s, "garbage is refused", test_garbage_refused);
}
