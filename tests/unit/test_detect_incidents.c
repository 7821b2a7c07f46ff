/* Unit tests: incidents, not rows. One attack is one incident whatever type it passes
 * through; a quiet period closes it; a job's updates are merged per incident. */
#include <CUnit/CUnit.h>
#include <stdlib.h>
#include <string.h>

#include "collector/detect_incidents.h"
#include "collector/detect_sensors.h"
#include "detect_test_util.h"

static void test_quiet_period_edges(void)
{
    sf_incident_table *t = sf_incident_table_new(64);
    char key[SF_INCIDENT_KEY_MAX], first_key[SF_INCIDENT_KEY_MAX];
    long *slot;
    int64_t quiet = 300 * SEC;
    CU_ASSERT_TRUE(sf_incident_note(t, "behaviour", "client 1.2.3.4", false, T0, quiet, 1, key, &slot));
    snprintf(first_key, sizeof first_key, "%s", key);
    CU_ASSERT_EQUAL(*slot, -1);
    *slot = 0;
    CU_ASSERT_FALSE(sf_incident_note(t, "behaviour", "client 1.2.3.4", false, T0 + 300 * SEC, quiet, 1, key, &slot));
    CU_ASSERT_STRING_EQUAL(key, first_key);
    CU_ASSERT_EQUAL(*slot, 0); /* same job: same update */
    CU_ASSERT_FALSE(sf_incident_note(t, "behaviour", "client 1.2.3.4", false, T0 + 301 * SEC, quiet, 2, key, &slot));
    CU_ASSERT_EQUAL(*slot, -1); /* another job */
    /* quiet for just over the period: closed, a new incident with a new key */
    CU_ASSERT_TRUE(sf_incident_note(t, "behaviour", "client 1.2.3.4", false, T0 + 602 * SEC, quiet, 3, key, &slot));
    CU_ASSERT_STRING_NOT_EQUAL(key, first_key);
    /* other subjects, families and demo data are other incidents */
    CU_ASSERT_TRUE(sf_incident_note(t, "behaviour", "client 1.2.3.5", false, T0, quiet, 3, key, &slot));
    CU_ASSERT_TRUE(sf_incident_note(t, "errors", "client 1.2.3.4", false, T0 + 602 * SEC, quiet, 3, key, &slot));
    CU_ASSERT_TRUE(sf_incident_note(t, "behaviour", "client 1.2.3.4", true, T0 + 602 * SEC, quiet, 3, key, &slot));
    sf_incident_table_free(t);
}

static void test_bounded_table(void)
{
    sf_incident_table *t = sf_incident_table_new(16);
    char key[SF_INCIDENT_KEY_MAX], subject[64];
    long *slot;
    for (int i = 0; i < 1000; i++) {
        snprintf(subject, sizeof subject, "client 10.0.%d.%d", i / 256, i % 256);
        CU_ASSERT_TRUE(sf_incident_note(t, "behaviour", subject, false, T0 + i, 300 * SEC, 1, key, &slot));
    }
    /* 16 slots: at least 984 of the 1000 were forgotten, and counted */
    CU_ASSERT_TRUE(sf_incident_table_evictions(t) >= 1000 - 16);
    CU_ASSERT_TRUE(sf_incident_table_evictions(t) < 1000);
    sf_incident_table_free(t);
}

/* One probe of a scan: GET path from address, answered 404 in 3 ms. */
static void scan_probe(sf_ingest_item *it, const char *path, const char *address, int64_t ts_us)
{
    sf_record_init(&it->rec);
    sf_record_set_text(&it->rec.endpoint, path, strlen(path));
    sf_record_set_text(&it->rec.ip_address, address, strlen(address));
    snprintf(it->rec.method, sizeof it->rec.method, "GET");
    it->rec.status_code = 404;
    it->rec.response_time_ms = 3;
    sf_ingest_item_prepare(it, ts_us);
}

/* A whole scan in one job: one update, counted, typed by its strongest finding. */
static void test_one_incident_per_attack_in_a_job(void)
{
    sf_detectors d;
    sf_detectors_init(&d, NULL);
    enum { N = 40 };
    sf_ingest_item items[N];
    memset(items, 0, sizeof items);
    for (int i = 0; i < N; i++) {
        char path[64];
        snprintf(path, sizeof path, "/wp-%c%c.php", 'a' + i % 26, 'a' + i / 26);
        scan_probe(&items[i], path, "203.0.113.99", T0 + i * SEC / 5);
    }
    sf_ingest_job job = {0};
    job.items = items;
    job.count = N;
    sf_detect_job(&d, &job);
    int flagged = 0, opened = 0;
    for (int i = 0; i < N; i++) {
        flagged += items[i].is_anomaly;
        opened += items[i].incident_opened;
    }
    CU_ASSERT_EQUAL(flagged, N - 9); /* from the tenth distinct path on */
    CU_ASSERT_EQUAL(opened, 1);
    CU_ASSERT_EQUAL(job.n_incidents, 1);
    CU_ASSERT_EQUAL(job.incidents[0].count, N - 9);
    CU_ASSERT_STRING_EQUAL(job.incidents[0].type, "endpoint_scan");
    CU_ASSERT_STRING_EQUAL(job.incidents[0].subject, "client 203.0.113.99");
    CU_ASSERT_EQUAL(job.incidents[0].first_us, T0 + 9 * SEC / 5);
    CU_ASSERT_EQUAL(job.incidents[0].last_us, T0 + (N - 1) * SEC / 5);
    /* the next job of the same scan adds to the same incident */
    judged *j = judge_record(&d, "GET", "/wp-zz.php", "203.0.113.99", 404, 3, T0 + 9 * SEC, NULL);
    CU_ASSERT_TRUE(j->item.is_anomaly);
    CU_ASSERT_FALSE(j->item.incident_opened);
    CU_ASSERT_TRUE(j->job.n_incidents == 1 && strcmp(j->job.incidents[0].key, job.incidents[0].key) == 0);
    judged_free(j);
    for (int i = 0; i < N; i++)
        sf_ingest_item_clear(&items[i]);
    free(job.incidents);
    sf_detectors_destroy(&d);
}

/* A scan whose first probes carry file-access tokens (/.htaccess, /.git/config) is typed
 * path_traversal on those rows, but the incident is the scan once scan rows outnumber them;
 * a run of payloads with one scan-like row stays a payload incident. */
static void test_incident_named_by_its_most_frequent_specific_type(void)
{
    sf_detectors d;
    sf_detectors_init(&d, NULL);
    static const char *const probes[] = {"/.htaccess", "/.git/config"};
    sf_ingest_job job = {0};
    enum { N = 30 };
    sf_ingest_item items[N];
    memset(items, 0, sizeof items);
    for (int i = 0; i < N; i++) {
        char path[64];
        if (i < 2)
            snprintf(path, sizeof path, "%s", probes[i]);
        else
            snprintf(path, sizeof path, "/admin-%c%c.php", 'a' + i % 26, 'a' + i / 26);
        scan_probe(&items[i], path, "203.0.113.7", T0 + i * SEC / 5);
    }
    job.items = items;
    job.count = N;
    sf_detect_job(&d, &job);
    CU_ASSERT_STRING_EQUAL(items[0].anomaly_type, "path_traversal");
    CU_ASSERT_STRING_EQUAL(items[N - 1].anomaly_type, "endpoint_scan");
    CU_ASSERT_EQUAL(job.n_incidents, 1);
    if (job.n_incidents == 1)
        CU_ASSERT_STRING_EQUAL(job.incidents[0].type, "endpoint_scan");
    for (int i = 0; i < N; i++)
        sf_ingest_item_clear(&items[i]);
    free(job.incidents);

    /* payloads outnumber: the incident is the injection */
    int payloads = 0;
    char type[32] = "";
    for (int i = 0; i < 5; i++) {
        char path[96];
        snprintf(path, sizeof path, "/search?q=%d'%%20or%%20'1'='1", i);
        judged *j = judge_record(&d, "GET", path, "198.51.100.9", 200, 5, T0 + 100 * SEC + i * SEC, NULL);
        payloads += j->item.is_anomaly;
        if (j->job.n_incidents == 1)
            snprintf(type, sizeof type, "%s", j->job.incidents[0].type);
        judged_free(j);
    }
    CU_ASSERT_EQUAL(payloads, 5);
    CU_ASSERT_STRING_EQUAL(type, "sql_injection");
    sf_detectors_destroy(&d);
}

/* A 5xx burst turning into an error-rate spike is one incident of the route. */
static void test_types_of_one_family_share_an_incident(void)
{
    sf_detectors d;
    sf_detectors_init(&d, NULL);
    int opened = 0;
    for (int i = 0; i < 40; i++)
        judge_type(&d, "GET", "/pay", "10.0.0.1", 200, 30, T0 + i * SEC);
    for (int i = 0; i < 10; i++) {
        judged *j = judge_record(&d, "GET", "/pay", "10.0.0.1", 503, 30, T0 + (40 + i) * SEC, "x");
        opened += j->item.incident_opened;
        judged_free(j);
    }
    CU_ASSERT_EQUAL(opened, 1);
    sf_detectors_destroy(&d);
}

/* Heartbeats every 10 s, then silence: reported once, at 60 s, not at 59 s. */
static void test_sensor_silence_edges(void)
{
    sf_detectors d;
    sf_detectors_init(&d, NULL);
    sf_sensor_watch *w = sf_sensor_watch_new();
    for (int i = 0; i < 5; i++)
        sf_sensor_watch_heartbeat(w, "edge-1", T0 + i * 10 * SEC);
    sf_sensor_watch_heartbeat(w, "once", T0); /* a single heartbeat is not a rhythm */
    int64_t last = T0 + 40 * SEC;
    sf_ingest_job *job = sf_ingest_job_new();
    sf_sensor_watch_check(w, &d, last + 59 * SEC, job);
    CU_ASSERT_EQUAL(job->n_incidents, 0);
    sf_sensor_watch_check(w, &d, last + 60 * SEC, job);
    CU_ASSERT_EQUAL(job->n_incidents, 1);
    if (job->n_incidents == 1) {
        CU_ASSERT_STRING_EQUAL(job->incidents[0].type, "sensor_silence");
        CU_ASSERT_STRING_EQUAL(job->incidents[0].subject, "sensor edge-1");
        CU_ASSERT_PTR_NOT_NULL(strstr(json_string_value(json_array_get(job->incidents[0].reasons, 0)),
                                      "no heartbeat for 60 s"));
    }
    sf_sensor_watch_check(w, &d, last + 90 * SEC, job); /* the same silence: not again */
    CU_ASSERT_EQUAL(job->n_incidents, 1);
    sf_sensor_watch_heartbeat(w, "edge-1", last + 100 * SEC); /* back, then silent again */
    sf_sensor_watch_check(w, &d, last + 170 * SEC, job);
    CU_ASSERT_EQUAL(job->n_incidents, 2);
    sf_ingest_job_free(job);
    sf_sensor_watch_free(w);
    sf_detectors_destroy(&d);
}

void sf_test_register_detect_incidents(void)
{
    CU_pSuite s = CU_add_suite("detect_incidents", NULL, NULL);
    CU_add_test(s, "quiet period: 300 s joins, 301 s opens", test_quiet_period_edges);
    CU_add_test(s, "the table is bounded", test_bounded_table);
    CU_add_test(s, "an incident is named by its most frequent specific type",
                test_incident_named_by_its_most_frequent_specific_type);
    CU_add_test(s, "one incident per attack within a job", test_one_incident_per_attack_in_a_job);
    CU_add_test(s, "types of one family share an incident", test_types_of_one_family_share_an_incident);
    CU_add_test(s, "sensor silence: 59 vs 60 s, once per silence", test_sensor_silence_edges);
}
