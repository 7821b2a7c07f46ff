/* Sensor options (see sensor_options.h). Short flags are rewritten to their long
 * forms before common/config.c sees them; "-r" takes every following argument up to
 * the next flag, so "-r a.pcap b.pcap" reads both in order. */
#include "sensor/sensor_options.h"

#include "sensor/http_tls.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OPT(key, type, def, lo, hi, field, help) \
    {key, type, def, lo, hi, offsetof(sf_sensor_options, field), help}

static const sf_config_option options[] = {
    OPT("interface", SF_CFG_STRING, "", 0, 0, interface, "live capture interface (-i)"),
    OPT("write", SF_CFG_STRING, "", 0, 0, write, "JSON-lines output file, - = stdout (-w)"),
    OPT("ports", SF_CFG_STRING, "80,8080,8000,8008,8888,3000,5000", 0, 0, ports,
        "server ports: BPF filter and which side is the server"),
    OPT("filter", SF_CFG_STRING, "", 0, 0, filter, "BPF filter instead of the ports filter (e.g. tcp)"),
    OPT("buffer_size", SF_CFG_SIZE, "64MiB", 1 << 20, 4.0e9, buffer_size, "kernel capture buffer"),
    OPT("snaplen", SF_CFG_INT, "262144", 64, 262144, snaplen, "bytes captured per packet"),
    OPT("promisc", SF_CFG_BOOL, "false", 0, 0, promisc, "promiscuous mode"),
    OPT("user", SF_CFG_STRING, "", 0, 0, user, "drop privileges to this user after opening the capture"),
    OPT("workers", SF_CFG_INT, "1", 1, 64, workers, "worker threads (flow-symmetric split)"),
    OPT("collector", SF_CFG_STRING, "", 0, 0, collector, "collector base URL"),
    OPT("token", SF_CFG_STRING, "", 0, 0, token,
        "collector ingest token: in the config file or SECURAFLOW_TOKEN only, never a flag"),
    OPT("token_file", SF_CFG_STRING, "", 0, 0, token_file,
        "file holding the collector ingest token (first line)"),
    OPT("ca_file", SF_CFG_STRING, "", 0, 0, ca_file,
        "PEM CA certificates that an https:// collector must chain to (default: system store)"),
    OPT("sensor_id", SF_CFG_STRING, "", 0, 0, sensor_id, "sensor id (default: hostname)"),
    OPT("spool_dir", SF_CFG_STRING, "", 0, 0, spool_dir, "spool directory while the collector is down"),
    OPT("spool_max", SF_CFG_SIZE, "1GiB", 0, 0, spool_max, "spool size cap"),
    OPT("memory_max", SF_CFG_SIZE, "512MiB", 1 << 20, 1.0e15, memory_max,
        "memory budget for connections, reassembly, headers and pending requests"),
    OPT("max_flows", SF_CFG_INT, "1000000", 1, 1.0e8, max_flows, "concurrent connections tracked"),
    OPT("flow_buffer_max", SF_CFG_SIZE, "1MiB", 4096, 1.0e9, flow_buffer_max,
        "out-of-order bytes buffered per direction"),
    OPT("header_max", SF_CFG_SIZE, "16KiB", 256, 1.0e7, header_max, "header bytes per message"),
    OPT("max_pending", SF_CFG_INT, "100", 1, 100000, max_pending, "requests awaiting a response per connection"),
    OPT("request_timeout", SF_CFG_DURATION, "60s", 1, 1.0e12, request_timeout, "unanswered request timeout"),
    OPT("idle_timeout", SF_CFG_DURATION, "300s", 1, 1.0e12, idle_timeout, "idle connection timeout"),
    OPT("sample", SF_CFG_DOUBLE, "1.0", 0.001, 1.0, sample, "share of connections analysed"),
    OPT("secret_keys", SF_CFG_STRING,
        "password,passwd,pwd,pass,token,access_token,refresh_token,id_token,api_key,apikey,key,"
        "secret,client_secret,auth,session,sessionid,sid,signature,sig,code", 0, 0, secret_keys,
        "query keys whose values are redacted"),
    OPT("trusted_proxies", SF_CFG_STRING, "", 0, 0, trusted_proxies,
        "client addresses whose X-Forwarded-For replaces the client address"),
    OPT("stream_dump", SF_CFG_STRING, "", 0, 0, stream_dump, "write reassembled TCP streams to DIR, no HTTP"),
    OPT("stream_dump_sides", SF_CFG_BOOL, "false", 0, 0, stream_dump_sides, "one stream-dump file per direction"),
    OPT("stream_dump_metadata", SF_CFG_BOOL, "false", 0, 0, stream_dump_metadata, "also write -metadata.txt"),
    OPT("stats_interval", SF_CFG_DURATION, "10s", 1000, 1.0e12, stats_interval, "statistics / heartbeat interval"),
    OPT("quiet", SF_CFG_BOOL, "false", 0, 0, quiet, "no statistics on exit"),
    OPT("log_level", SF_CFG_STRING, "info", 0, 0, log_level, "debug, info, warn or error"),
};

const sf_config_schema sf_sensor_schema = {"securaflow-sensor", options,
                                           sizeof options / sizeof options[0]};

static const char *long_form(const char *arg)
{
    if (strcmp(arg, "-i") == 0)
        return "--interface";
    if (strcmp(arg, "-w") == 0)
        return "--write";
    if (strcmp(arg, "-f") == 0)
        return "--filter";
    if (strcmp(arg, "-u") == 0)
        return "--user";
    return NULL;
}

/* A token given as a flag would be readable by every local user in ps. */
static int token_flag_given(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--token") == 0 || strncmp(argv[i], "--token=", 8) == 0)
            return 1;
    return 0;
}

/* Replaces o->token with the first line of o->token_file. */
static int read_token_file(sf_sensor_options *o, char *err, size_t err_size)
{
    FILE *f = fopen(o->token_file, "r");
    char line[1024];
    if (!f) {
        snprintf(err, err_size, "token_file: cannot read %s", o->token_file);
        return -1;
    }
    int ok = fgets(line, sizeof line, f) != NULL;
    fclose(f);
    line[ok ? strcspn(line, "\r\n") : 0] = '\0';
    if (!line[0]) {
        snprintf(err, err_size, "token_file: %s holds no token", o->token_file);
        return -1;
    }
    free(o->token);
    o->token = strdup(line);
    memset(line, 0, sizeof line);
    return o->token ? 0 : -1;
}

int sf_sensor_options_parse(sf_sensor_options *o, int argc, char **argv, char *err, size_t err_size)
{
    if (token_flag_given(argc, argv)) {
        memset(o, 0, sizeof *o);
        snprintf(err, err_size, "--token would show the token to every local user (ps); "
                 "use --token-file FILE or the SECURAFLOW_TOKEN variable");
        return -1;
    }
    memset(o, 0, sizeof *o);
    char **args = calloc((size_t)argc + 1, sizeof *args);
    o->files = calloc((size_t)argc + 1, sizeof *o->files);
    if (!args || !o->files) {
        free(args);
        snprintf(err, err_size, "out of memory");
        return -1;
    }
    int n = 0;
    args[n++] = argv[0];
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-r") == 0) {
            while (i + 1 < argc && (argv[i + 1][0] != '-' || strcmp(argv[i + 1], "-") == 0))
                o->files[o->nfiles++] = argv[++i];
            continue;
        }
        const char *l = long_form(argv[i]);
        args[n++] = l ? (char *)l : argv[i];
    }
    char cerr[SF_CFG_ERR_MAX];
    int first = 0;
    int rc = sf_config_load(&sf_sensor_schema, o, "/etc/securaflow/sensor.conf", n, args, &first, cerr);
    if (rc == 0 && first < n) {
        snprintf(err, err_size, "unexpected argument '%s'", args[first]);
        rc = -1;
    } else if (rc < 0) {
        snprintf(err, err_size, "%s", cerr);
        rc = strcmp(cerr, "help") == 0 ? 1 : -1;
    }
    free(args);
    if (rc == 0 && o->token_file && o->token_file[0] && read_token_file(o, err, err_size))
        rc = -1;
    /* The uploader's TLS trusts this file alone from its first connection on. */
    if (rc == 0 && o->ca_file && o->ca_file[0] && sf_tls_set_ca_file(o->ca_file, err, err_size))
        rc = -1;
    if (rc == 0 && o->collector && o->collector[0] && (!o->token || !o->token[0])) {
        snprintf(err, err_size, "--collector needs an ingest token: --token-file FILE or "
                 "SECURAFLOW_TOKEN");
        rc = -1;
    }
    return rc;
}

void sf_sensor_options_free(sf_sensor_options *o)
{
    sf_config_free(&sf_sensor_schema, o);
    free(o->files);
    o->files = NULL;
}

void sf_sensor_options_limits(const sf_sensor_options *o, sf_engine_limits *lim)
{
    sf_engine_limits_default(lim);
    lim->memory_max = (size_t)o->memory_max;
    lim->max_flows = (uint32_t)o->max_flows;
    lim->flow_buffer_max = (uint32_t)o->flow_buffer_max;
    lim->header_max = (uint32_t)o->header_max;
    lim->max_pending = (uint32_t)o->max_pending;
    lim->request_timeout_us = o->request_timeout * 1000;
    lim->idle_timeout_us = o->idle_timeout * 1000;
    lim->sample_permille = (uint32_t)(o->sample * 1000.0 + 0.5);
}

char **sf_split_list(const char *text, size_t *n)
{
    size_t cap = 1;
    for (const char *p = text; *p; p++)
        cap += *p == ',';
    char **items = calloc(cap + 1, sizeof *items);
    *n = 0;
    if (!items)
        return NULL;
    for (const char *p = text; *p;) {
        size_t len = strcspn(p, ",");
        while (len && (*p == ' ')) {
            p++;
            len--;
        }
        size_t trimmed = len;
        while (trimmed && p[trimmed - 1] == ' ')
            trimmed--;
        if (trimmed)
            items[(*n)++] = strndup(p, trimmed);
        p += len;
        if (*p == ',')
            p++;
    }
    return items;
}

void sf_free_list(char **items)
{
    for (size_t i = 0; items && items[i]; i++)
        free(items[i]);
    free(items);
}
