/* securaflow-sensor: captures HTTP API traffic (live or from pcap files) and reports
 * each transaction as JSON lines and/or to the collector. This file wires the parts
 * together: options, outputs, capture, privilege drop, the packet loop, statistics. */
#include "common/log.h"
#include "common/time_util.h"
#include "sensor/capture.h"
#include "sensor/capture_filter.h"
#include "sensor/output_jsonl.h"
#include "sensor/pcap_file.h"
#include "sensor/privileges.h"
#include "sensor/sensor_options.h"
#include "sensor/stream_dump.h"
#include "sensor/uploader.h"
#include "sensor/workers.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t stop_requested, stats_requested;
static pcap_t *volatile current_pcap;

static void on_stop(int sig)
{
    (void)sig;
    stop_requested = 1;
    if (current_pcap)
        pcap_breakloop(current_pcap);
}

static void on_usr1(int sig)
{
    (void)sig;
    stats_requested = 1;
}

typedef struct sensor {
    sf_sensor_options opt;
    sf_record_options recopt;
    sf_jsonl *jsonl;
    sf_uploader *uploader;
    sf_stream_dump *dump;
    sf_workers *workers;
    sf_capture cap;
    uint64_t kernel_drops, iface_drops;
    int64_t last_stats_us;
    /* overload shedding (design.md requirement 7) */
    int64_t last_shed_us;
    uint64_t shed_drops;
    uint32_t permille, calm_seconds;
} sensor;

static void emit_record(void *ctx, const sf_record *rec, const sf_txn_times *times)
{
    sensor *s = ctx;
    if (s->jsonl)
        sf_jsonl_write(s->jsonl, rec, times);
    if (s->uploader)
        sf_uploader_submit(s->uploader, rec);
}

static void setup_engine(sf_engine *e, void *arg)
{
    sensor *s = arg;
    size_t n = 0;
    char **ports = sf_split_list(s->opt.ports, &n);
    for (size_t i = 0; i < n; i++)
        sf_engine_add_server_port(e, (uint16_t)atoi(ports[i]));
    sf_free_list(ports);
    e->dump = s->dump;
    e->drop_outgoing_ifindex = s->cap.drop_outgoing_ifindex;
}

static void collect_stats(sensor *s, sf_sensor_stats *st)
{
    sf_workers_stats(s->workers, st);
    if (s->cap.live)
        sf_capture_drops(&s->cap, &s->kernel_drops, &s->iface_drops);
    st->kernel_drops += s->kernel_drops;
    st->interface_drops += s->iface_drops;
}

/* Once a second on live capture: if packets were dropped, analyse only a sample of new
 * connections (halving the share, down to 1 %); after 5 calm seconds, widen it again.
 * Whole connections are shed, never parts of them, and every packet is still counted. */
static void shed_load(sensor *s, int64_t now_us)
{
    if (!s->cap.live || now_us - s->last_shed_us < 1000000)
        return;
    s->last_shed_us = now_us;
    sf_sensor_stats st;
    collect_stats(s, &st);
    uint64_t drops = st.kernel_drops + st.interface_drops;
    uint32_t max = (uint32_t)(s->opt.sample * 1000.0 + 0.5), before = s->permille;
    if (!s->permille)
        s->permille = max;
    if (drops > s->shed_drops) {
        s->permille = s->permille / 2 < 10 ? 10 : s->permille / 2;
        s->calm_seconds = 0;
    } else if (++s->calm_seconds >= 5 && s->permille < max) {
        s->permille = s->permille * 5 / 4 + 1 > max ? max : s->permille * 5 / 4 + 1;
        s->calm_seconds = 0;
    }
    s->shed_drops = drops;
    if (before && s->permille != before) {
        sf_workers_set_sampling(s->workers, s->permille);
        sf_log_warn("overload: analysing %.1f%% of new connections", s->permille / 10.0);
    }
}

static void periodic(sensor *s, int64_t now_us)
{
    shed_load(s, now_us);
    if (stats_requested) {
        stats_requested = 0;
        sf_sensor_stats st;
        collect_stats(s, &st);
        sf_stats_print(&st, stderr);
    }
    if (now_us - s->last_stats_us < s->opt.stats_interval * 1000)
        return;
    s->last_stats_us = now_us;
    if (s->uploader) {
        sf_sensor_stats st;
        collect_stats(s, &st);
        sf_uploader_set_stats(s->uploader, sf_stats_to_json(&st));
    }
}

static void on_packet(u_char *arg, const struct pcap_pkthdr *h, const u_char *data)
{
    sensor *s = (sensor *)arg;
    int64_t ts = (int64_t)h->ts.tv_sec * 1000000 + h->ts.tv_usec;
    sf_workers_packet(s->workers, s->cap.dlt, ts, data, h->caplen, h->len);
}

/* Reads the open capture until it ends (files) or a stop is requested. */
static int run_capture(sensor *s)
{
    current_pcap = s->cap.pcap;
    int rc = 0;
    while (!stop_requested) {
        int n = pcap_dispatch(s->cap.pcap, 512, on_packet, (u_char *)s);
        if (n == PCAP_ERROR) {
            sf_log_error("capture %s: %s", s->cap.name, pcap_geterr(s->cap.pcap));
            rc = -1;
            break;
        }
        if (n == PCAP_ERROR_BREAK || (n == 0 && !s->cap.live))
            break;
        int64_t now = sf_now_us();
        if (s->cap.live && n == 0)
            sf_workers_tick(s->workers, now);
        periodic(s, now);
    }
    current_pcap = NULL;
    return rc;
}

static int drop_privileges(sensor *s)
{
    if (!s->opt.user || !*s->opt.user)
        return 0;
    char err[256];
    if (sf_drop_privileges(s->opt.user, err, sizeof err) < 0) {
        sf_log_error("%s", err);
        return -1;
    }
    sf_log_info("running as user %s", s->opt.user);
    return 0;
}

static char *capture_filter(const sensor *s)
{
    if (s->opt.filter && *s->opt.filter)
        return strdup(s->opt.filter);
    return sf_filter_default(s->opt.ports);
}

static int start_workers(sensor *s, int lossy)
{
    sf_engine_limits lim;
    sf_sensor_options_limits(&s->opt, &lim);
    unsigned n = s->dump ? 1 : (unsigned)s->opt.workers;   /* stream dump keeps one order */
    s->workers = sf_workers_start(n, &lim, &s->recopt, emit_record, s, setup_engine, s, lossy);
    return s->workers ? 0 : -1;
}

static int run_live(sensor *s, const char *filter)
{
    char err[512];
    sf_capture_options co = {(int)s->opt.snaplen, s->opt.buffer_size, s->opt.promisc, filter};
    if (sf_capture_open_live(&s->cap, s->opt.interface, &co, err, sizeof err) < 0) {
        sf_log_error("%s", err);
        return -1;
    }
    if (drop_privileges(s) < 0 || start_workers(s, 1) < 0) {
        sf_capture_close(&s->cap);
        return -1;
    }
    sf_log_info("capturing on %s, filter: %s", s->opt.interface, filter);
    return run_capture(s); /* finish() reads the final drop counts, then closes it */
}

/* Reads one capture file to its end; a corrupt or truncated file ends early (logged). */
static int run_file(sensor *s, sf_pcap_file *pf, const char *name, sf_file_filter *ff)
{
    sf_pcap_packet p;
    char err[256];
    int n, count = 0;
    while (!stop_requested && (n = sf_pcap_next(pf, &p, err, sizeof err)) == 1) {
        if (!ff->expr || sf_file_filter_match(ff, p.dlt, p.data, p.caplen, p.wirelen))
            sf_workers_packet(s->workers, p.dlt, p.ts_us, p.data, p.caplen, p.wirelen);
        if (++count % 4096 == 0)
            periodic(s, sf_now_us());
    }
    if (n < 0) {
        sf_log_warn("%s: %s after %d packets", name, err, count);
        return -1;
    }
    return 0;
}

static int run_files(sensor *s, const char *filter)
{
    int rc = 0;
    sf_file_filter ff = {.expr = filter};
    for (int i = 0; i < s->opt.nfiles && !stop_requested; i++) {
        char err[512];
        sf_pcap_file *pf = sf_pcap_open(s->opt.files[i], err, sizeof err);
        if (!pf) {
            sf_log_error("%s: %s", s->opt.files[i], err);
            rc = -1;
            continue;
        }
        if (!s->workers && (drop_privileges(s) < 0 || start_workers(s, 0) < 0)) {
            sf_pcap_close(pf);
            rc = -1;
            break;
        }
        sf_file_filter_reset(&ff, sf_pcap_swapped(pf));
        if (run_file(s, pf, s->opt.files[i], &ff) < 0)
            rc = -1;
        sf_pcap_close(pf);
    }
    sf_file_filter_free(&ff);
    return rc;
}

static int open_outputs(sensor *s)
{
    const sf_sensor_options *o = &s->opt;
    if (o->write && *o->write && !(s->jsonl = sf_jsonl_open(o->write))) {
        sf_log_error("cannot write %s", o->write);
        return -1;
    }
    if (o->stream_dump && *o->stream_dump &&
        !(s->dump = sf_stream_dump_new(o->stream_dump, o->stream_dump_sides, o->stream_dump_metadata))) {
        sf_log_error("cannot create stream-dump directory %s", o->stream_dump);
        return -1;
    }
    if (o->collector && *o->collector) {
        char host[256] = "sensor", err[256];
        gethostname(host, sizeof host - 1);
        sf_uploader_config uc = {
            .collector_url = o->collector, .token = o->token,
            .sensor_id = o->sensor_id && *o->sensor_id ? o->sensor_id : host,
            .interface = o->interface && *o->interface ? o->interface : "file",
            .spool_dir = o->spool_dir && *o->spool_dir ? o->spool_dir : NULL,
            .spool_max_bytes = o->spool_max, .batch_max_records = 1000, .batch_max_age_ms = 1000,
            .heartbeat_interval_ms = o->stats_interval, .queue_max_records = 100000,
        };
        if (!o->token || !*o->token) {
            sf_log_error("--collector needs --token");
            return -1;
        }
        if (!(s->uploader = sf_uploader_start(&uc, err, sizeof err))) {
            sf_log_error("uploader: %s", err);
            return -1;
        }
    }
    return 0;
}

static void finish(sensor *s)
{
    if (s->workers) {
        sf_workers_stop(s->workers);
        sf_sensor_stats st;
        collect_stats(s, &st);
        if (!s->opt.quiet)
            sf_stats_print(&st, stderr);
        if (s->uploader)
            sf_uploader_set_stats(s->uploader, sf_stats_to_json(&st));
        sf_workers_free(s->workers);
    }
    sf_capture_close(&s->cap);
    if (s->uploader)
        sf_uploader_stop(s->uploader, 5000);
    sf_jsonl_close(s->jsonl);
    sf_stream_dump_free(s->dump);
    sf_free_list(s->recopt.secret_keys);
    sf_free_list(s->recopt.trusted_proxies);
    sf_sensor_options_free(&s->opt);
}

static void install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

int main(int argc, char **argv)
{
    sensor s;
    memset(&s, 0, sizeof s);
    char err[SF_CFG_ERR_MAX + 64];
    int rc = sf_sensor_options_parse(&s.opt, argc, argv, err, sizeof err);
    if (rc != 0) {
        if (rc > 0) {
            printf("usage: securaflow-sensor (-i IFACE | -r FILE...) [-w FILE|-] [options]\n");
            sf_config_usage(&sf_sensor_schema);
        } else {
            fprintf(stderr, "securaflow-sensor: %s (try --help)\n", err);
        }
        sf_sensor_options_free(&s.opt);
        return rc > 0 ? 0 : 2;
    }
    sf_log_level lvl;
    if (sf_log_level_parse(s.opt.log_level, &lvl) == 0)
        sf_log_set_level(lvl);
    int live = s.opt.interface && *s.opt.interface;
    if (live == (s.opt.nfiles > 0)) {
        fprintf(stderr, "securaflow-sensor: give exactly one of -i IFACE or -r FILE...\n");
        sf_sensor_options_free(&s.opt);
        return 2;
    }
    s.recopt.secret_keys = sf_split_list(s.opt.secret_keys, &s.recopt.n_secret_keys);
    s.recopt.trusted_proxies = sf_split_list(s.opt.trusted_proxies, &s.recopt.n_trusted_proxies);
    install_signals();
    rc = open_outputs(&s);
    char *filter = rc == 0 ? capture_filter(&s) : NULL;
    if (rc == 0 && !filter) {
        sf_log_error("bad --ports list '%s'", s.opt.ports);
        rc = -1;
    }
    if (rc == 0)
        rc = live ? run_live(&s, filter)
                  : run_files(&s, s.opt.filter && *s.opt.filter ? filter : NULL);
    free(filter);
    finish(&s);
    return rc == 0 ? 0 : 1;
}
