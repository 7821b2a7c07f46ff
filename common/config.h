/* Configuration: a plain "key = value" file ('#' and ';' comments, [section] headers
 * that prefix keys as "section.key"), overridden by environment variables
 * (SECURAFLOW_<SECTION>_<KEY>), then by command-line flags (--section-key VALUE or
 * --section-key=VALUE). Each program describes its options in a table; unknown keys and
 * bad values are errors naming the file and line (or variable, or flag).
 *
 * Types: string, int, bool (true/false/yes/no/on/off/1/0), double, size ("64MiB",
 * "16k", bytes), duration ("60s", "5m", "250ms", "2h"; stored in milliseconds). */
#ifndef SF_CONFIG_H
#define SF_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef enum {
    SF_CFG_STRING,   /* char * (owned) */
    SF_CFG_INT,      /* int64_t */
    SF_CFG_BOOL,     /* bool */
    SF_CFG_DOUBLE,   /* double */
    SF_CFG_SIZE,     /* int64_t bytes */
    SF_CFG_DURATION, /* int64_t milliseconds */
} sf_config_type;

typedef struct sf_config_option {
    const char *key;           /* "listen", "database.url" */
    sf_config_type type;
    const char *default_value; /* parsed like a file value; NULL = empty string / 0 */
    double min, max;           /* numeric bounds (ignored when min == max == 0) */
    size_t offset;             /* where the value lives in the program's struct */
    const char *help;
} sf_config_option;

typedef struct sf_config_schema {
    const char *program;       /* for messages */
    const sf_config_option *options;
    size_t count;
} sf_config_schema;

#define SF_CFG_ERR_MAX 512

/* Applies defaults, then the file (the --config flag if present, else default_file if
 * non-NULL and it exists; a missing --config file is an error), then the environment,
 * then flags from argv[1..]. Stops at the first argument that is not a flag and stores
 * its index in *first_arg (argc if none). "--help" is reported as an error "help".
 * Returns 0 or -1 with err set. */
int sf_config_load(const sf_config_schema *schema, void *conf, const char *default_file,
                   int argc, char **argv, int *first_arg, char err[SF_CFG_ERR_MAX]);

/* Just the file step; for tests and reloads. */
int sf_config_apply_file(const sf_config_schema *schema, void *conf, const char *path,
                         char err[SF_CFG_ERR_MAX]);
/* The file step on an open stream; name is used in messages ("name:line"). A NUL
 * byte ends the line it is on (fgets), so binary junk is just a bad line. */
int sf_config_apply_stream(const sf_config_schema *schema, void *conf, FILE *f,
                           const char *name, char err[SF_CFG_ERR_MAX]);
/* Sets one key from text. origin names the source for messages ("file:12", "--flag"). */
int sf_config_set(const sf_config_schema *schema, void *conf, const char *key,
                  const char *value, const char *origin, char err[SF_CFG_ERR_MAX]);

/* Frees owned strings. */
void sf_config_free(const sf_config_schema *schema, void *conf);
/* Prints a usage table of the options to stdout. */
void sf_config_usage(const sf_config_schema *schema);

/* Value parsers, exposed for reuse and tests. Return 0 or -1. */
int sf_parse_size(const char *text, int64_t *bytes);
int sf_parse_duration_ms(const char *text, int64_t *ms);
int sf_parse_bool(const char *text, bool *out);
int sf_parse_int64(const char *text, int64_t *out);

#endif
