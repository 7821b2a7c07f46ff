/* The sensor's options: one table for the config file, SECURAFLOW_* variables and
 * --flags (common/config.h), plus the short flags -i, -r FILE..., -w. */
#ifndef SF_SENSOR_OPTIONS_H
#define SF_SENSOR_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include "common/config.h"
#include "sensor/sensor_engine.h"

typedef struct sf_sensor_options {
    char *interface, *write, *ports, *filter, *user, *log_level;
    char *collector, *token, *token_file, *ca_file, *sensor_id, *spool_dir;
    char *secret_keys, *trusted_proxies, *stream_dump;
    bool stream_dump_sides, stream_dump_metadata, promisc, quiet;
    int64_t buffer_size, snaplen, workers, spool_max, memory_max, max_flows, flow_buffer_max,
        header_max, max_pending, request_timeout, idle_timeout, stats_interval;
    double sample;
    /* -r files (pointers into argv) */
    const char **files;
    int nfiles;
} sf_sensor_options;

extern const sf_config_schema sf_sensor_schema;

/* Parses argv (short flags included). Returns 0, 1 for --help, -1 with err set. */
int sf_sensor_options_parse(sf_sensor_options *o, int argc, char **argv, char *err, size_t err_size);
void sf_sensor_options_free(sf_sensor_options *o);
/* Engine budgets from the options. */
void sf_sensor_options_limits(const sf_sensor_options *o, sf_engine_limits *lim);
/* Splits a comma-separated list into a NULL-terminated array (*n items). */
char **sf_split_list(const char *text, size_t *n);
void sf_free_list(char **items);

#endif
