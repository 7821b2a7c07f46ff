/* TCP reassembly: in order, reordered, retransmitted, overlapping with different
 * bytes (first copy wins), holes given up on when the peer ACKs past them, budgets. */
#include <CUnit/CUnit.h>
#include <string.h>

#include "sensor/packet.h"
#include "sensor/tcp_stream.h"

typedef struct rec_sink {
    char data[2][512];
    size_t len[2];
    uint32_t gaps, gap_bytes, fins;
} rec_sink;

static void on_data(void *ctx, int side, const uint8_t *p, size_t n, int64_t ts)
{
    (void)ts;
    rec_sink *r = ctx;
    memcpy(r->data[side] + r->len[side], p, n);
    r->len[side] += n;
}
static void on_gap(void *ctx, int side, uint32_t n, int64_t ts)
{
    (void)ts;
    (void)side;
    rec_sink *r = ctx;
    r->gaps++;
    r->gap_bytes += n;
}
static void on_fin(void *ctx, int side, int64_t ts)
{
    (void)ts;
    (void)side;
    ((rec_sink *)ctx)->fins++;
}

static size_t memory;
static sf_sensor_stats stats;
static rec_sink rs;
static sf_tcp_dir dirs[2];
static sf_tcp_sink sink;

static void reset(uint32_t buffer_max)
{
    memset(&rs, 0, sizeof rs);
    memset(dirs, 0, sizeof dirs);
    memset(&stats, 0, sizeof stats);
    memory = 0;
    sink = (sf_tcp_sink){on_data, on_gap, on_fin, &rs, &memory, buffer_max, 64, &stats, false};
}

static void seg(int side, uint32_t seq, uint8_t flags, const char *p)
{
    sf_tcp_segment(dirs, side, seq, 0, flags, (const uint8_t *)p, strlen(p), 0, &sink);
}

static void test_reorder_and_retransmission(void)
{
    reset(4096);
    seg(0, 99, SF_TCP_SYN, "");
    seg(0, 100, 0, "abc");
    seg(0, 106, 0, "ghi");        /* early */
    seg(0, 100, 0, "abc");        /* retransmission */
    seg(0, 103, 0, "def");        /* fills the hole */
    rs.data[0][rs.len[0]] = 0;
    CU_ASSERT_STRING_EQUAL(rs.data[0], "abcdefghi");
    CU_ASSERT_EQUAL(stats.tcp_retransmissions, 1);
    CU_ASSERT_EQUAL(stats.tcp_out_of_order, 1);
    CU_ASSERT_EQUAL(memory, 0);
    seg(0, 109, SF_TCP_FIN, "");
    CU_ASSERT_EQUAL(rs.fins, 1);
}

static void test_overlap_conflict_first_copy_wins(void)
{
    reset(4096);
    seg(0, 1000, 0, "AB");         /* mid-stream pickup: starts at 1000 */
    seg(0, 1004, 0, "EFGH");
    seg(0, 1003, 0, "dXXXXz");     /* overlaps EFGH with different bytes */
    seg(0, 1002, 0, "C");
    rs.data[0][rs.len[0]] = 0;
    CU_ASSERT_STRING_EQUAL(rs.data[0], "ABCdEFGHz");
    CU_ASSERT_EQUAL(stats.tcp_overlap_conflicts, 1);
    CU_ASSERT_EQUAL(memory, 0);
}

static void test_gap_when_peer_acks_past_hole(void)
{
    reset(4096);
    seg(0, 0, 0, "12345");
    seg(0, 10, 0, "ABC");          /* 5 bytes missing */
    CU_ASSERT_EQUAL(rs.gaps, 0);
    sf_tcp_segment(dirs, 1, 500, 13, SF_TCP_ACK, NULL, 0, 0, &sink);
    CU_ASSERT_EQUAL(rs.gaps, 1);
    CU_ASSERT_EQUAL(rs.gap_bytes, 5);
    CU_ASSERT_EQUAL(rs.len[0], 8);
    CU_ASSERT_EQUAL(stats.tcp_gap_bytes, 5);
}

static void test_buffer_budget_forces_gap(void)
{
    reset(8);                      /* at most 8 bytes waiting per direction */
    seg(0, 0, 0, "a");
    seg(0, 10, 0, "bbbbbb");
    seg(0, 20, 0, "cccccc");       /* over budget: give up the first hole */
    CU_ASSERT_EQUAL(rs.gaps, 1);
    CU_ASSERT(memory <= 8 + 2 * sizeof(sf_tcp_seg));
    sf_tcp_flush(&dirs[0], 0, &sink);
    CU_ASSERT_EQUAL(rs.gaps, 2);
    CU_ASSERT_EQUAL(rs.len[0], 13);
    CU_ASSERT_EQUAL(memory, 0);
}

void sf_test_register_sensor_tcp(void)
{
    CU_pSuite s = CU_add_suite("sensor_tcp", NULL, NULL);
    CU_add_test(s, "reordering and retransmission", test_reorder_and_retransmission);
    CU_add_test(s, "overlap with different bytes: first copy wins", test_overlap_conflict_first_copy_wins);
    CU_add_test(s, "gap when the peer ACKs past a hole", test_gap_when_peer_acks_past_hole);
    CU_add_test(s, "out-of-order budget forces a gap", test_buffer_budget_forces_gap);
}
