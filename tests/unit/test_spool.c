/* Unit tests for the upload spool: order, restart, size cap with both drop policies,
 * corrupt and stray files, the directory lock, and the in-memory variant. */
#include <CUnit/CUnit.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "sensor/spool.h"
#include "test_support.h"

static char err[256];

static void put(sf_spool *sp, uint64_t seq, size_t len, int expect)
{
    char id[64], body[4096];
    snprintf(id, sizeof id, "s-1-%" PRIu64, seq);
    memset(body, 'a' + (int)(seq % 26), sizeof body);
    CU_ASSERT_EQUAL(sf_spool_put(sp, seq, id, (uint32_t)seq, body, len), expect);
}

/* Pops the oldest batch and checks its seq. */
static void expect_oldest(sf_spool *sp, uint64_t seq)
{
    sf_spool_item it;
    CU_ASSERT_EQUAL_FATAL(sf_spool_peek(sp, &it), 0);
    CU_ASSERT_EQUAL(it.seq, seq);
    CU_ASSERT_EQUAL(it.records, (uint32_t)seq);
    char id[64];
    snprintf(id, sizeof id, "s-1-%" PRIu64, seq);
    CU_ASSERT_STRING_EQUAL(it.batch_id, id);
    CU_ASSERT(it.len > 0 && it.body[0] == 'a' + (int)(seq % 26));
    sf_spool_remove(sp, it.seq);
    sf_spool_item_free(&it);
}

static void test_order_and_restart(void)
{
    char *dir = sf_test_mkdtemp("spool");
    sf_spool *sp = sf_spool_open(dir, 1 << 20, SF_SPOOL_DROP_OLDEST, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sp);
    CU_ASSERT_EQUAL(sf_spool_first_free_seq(sp), 1);
    put(sp, 3, 100, 0);
    put(sp, 1, 100, 0); /* out of order puts still come back in seq order */
    put(sp, 2, 100, 0);
    put(sp, 12, 100, 0);
    expect_oldest(sp, 1);
    sf_spool_close(sp);

    sp = sf_spool_open(dir, 1 << 20, SF_SPOOL_DROP_OLDEST, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sp);
    CU_ASSERT_EQUAL(sf_spool_first_free_seq(sp), 13);
    sf_spool_counters c;
    sf_spool_get_counters(sp, &c);
    CU_ASSERT_EQUAL(c.batches, 3);
    expect_oldest(sp, 2);
    expect_oldest(sp, 3);
    expect_oldest(sp, 12);
    sf_spool_item it;
    CU_ASSERT_EQUAL(sf_spool_peek(sp, &it), 1);
    CU_ASSERT(sf_spool_empty(sp));
    sf_spool_close(sp);
    sf_test_rmtree(dir);
    free(dir);
}

static void test_cap_policies(void)
{
    char *dir = sf_test_mkdtemp("spool");
    /* Each file is 1000 body bytes plus a header of < 100: three fit in 3300. */
    sf_spool *sp = sf_spool_open(dir, 3300, SF_SPOOL_DROP_OLDEST, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sp);
    for (uint64_t s = 1; s <= 5; s++)
        put(sp, s, 1000, 0);
    put(sp, 6, 4000, 1); /* larger than the whole cap: never fits */
    sf_spool_counters c;
    sf_spool_get_counters(sp, &c);
    CU_ASSERT_EQUAL(c.batches, 3);
    CU_ASSERT_EQUAL(c.dropped_batches, 3);
    CU_ASSERT_EQUAL(c.dropped_records, 1 + 2 + 6);
    CU_ASSERT(c.bytes <= 3300);
    expect_oldest(sp, 3);
    sf_spool_close(sp);
    sf_test_rmtree(dir);
    free(dir);

    sp = sf_spool_open(NULL, 3000, SF_SPOOL_DROP_NEWEST, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sp);
    for (uint64_t s = 1; s <= 5; s++)
        put(sp, s, 1000, s <= 3 ? 0 : 1);
    expect_oldest(sp, 1);
    expect_oldest(sp, 2);
    expect_oldest(sp, 3);
    sf_spool_get_counters(sp, &c);
    CU_ASSERT_EQUAL(c.dropped_batches, 2);
    CU_ASSERT_EQUAL(c.batches, 0);
    CU_ASSERT_EQUAL(c.bytes, 0);
    sf_spool_close(sp);
}

static void write_raw(const char *dir, const char *name, const char *text)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    CU_ASSERT_EQUAL(sf_test_write_file(path, text), 0);
}

static void test_corrupt_and_stray_files(void)
{
    char *dir = sf_test_mkdtemp("spool");
    sf_spool *sp = sf_spool_open(dir, 1 << 20, SF_SPOOL_DROP_OLDEST, err, sizeof err);
    put(sp, 2, 500, 0);
    put(sp, 4, 500, 0);
    sf_spool_close(sp);
    write_raw(dir, "00000000000000000001.batch", "garbage, not a spool file");
    write_raw(dir, "00000000000000000003.batch", "SFSPOOL1 3 1 10 00000000 x\nshort");
    write_raw(dir, ".00000000000000000009.tmp", "half-written by a crash");
    write_raw(dir, "notes.txt", "ignored");
    sp = sf_spool_open(dir, 1 << 20, SF_SPOOL_DROP_OLDEST, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sp);
    expect_oldest(sp, 2); /* 1 is set aside on the way */
    expect_oldest(sp, 4); /* and 3 */
    sf_spool_counters c;
    sf_spool_get_counters(sp, &c);
    CU_ASSERT_EQUAL(c.corrupt, 2);
    char path[1024];
    struct stat st;
    snprintf(path, sizeof path, "%s/00000000000000000001.corrupt", dir);
    CU_ASSERT_EQUAL(stat(path, &st), 0); /* kept for a human */
    snprintf(path, sizeof path, "%s/.00000000000000000009.tmp", dir);
    CU_ASSERT_NOT_EQUAL(stat(path, &st), 0);
    sf_spool_close(sp);
    sf_test_rmtree(dir);
    free(dir);
}

static void test_lock_and_bad_dir(void)
{
    char *dir = sf_test_mkdtemp("spool");
    sf_spool *a = sf_spool_open(dir, 1 << 20, SF_SPOOL_DROP_OLDEST, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    sf_spool *b = sf_spool_open(dir, 1 << 20, SF_SPOOL_DROP_OLDEST, err, sizeof err);
    CU_ASSERT_PTR_NULL(b);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "in use"));
    sf_spool_close(a);
    b = sf_spool_open("/proc/no/such/dir", 1 << 20, SF_SPOOL_DROP_OLDEST, err, sizeof err);
    CU_ASSERT_PTR_NULL(b);
    sf_test_rmtree(dir);
    free(dir);
}

/* The drops and corrupt files log on purpose: keep the test output readable. */
static int quiet_logs(void)
{
    sf_log_set_level(SF_LOG_ERROR);
    return 0;
}

static int normal_logs(void)
{
    sf_log_set_level(SF_LOG_INFO);
    return 0;
}

void sf_test_register_spool(void)
{
    CU_pSuite s = CU_add_suite("spool", quiet_logs, normal_logs);
    CU_add_test(s, "order and restart", test_order_and_restart);
    CU_add_test(s, "size cap, oldest and newest policies", test_cap_policies);
    CU_add_test(s, "corrupt and stray files", test_corrupt_and_stray_files);
    CU_add_test(s, "directory lock, bad directory", test_lock_and_bad_dir);
}
