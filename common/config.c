/* Configuration loading: defaults, then a key = value file, then SECURAFLOW_* environment
 * variables, then --flags; every value is parsed and range-checked by its option's type. */
#include "common/config.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define CONFIG_LINE_MAX 4096
#define CONFIG_KEY_MAX 128

extern char **environ;

int sf_parse_int64(const char *text, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (errno || end == text || *end != '\0')
        return -1;
    *out = v;
    return 0;
}

int sf_parse_bool(const char *text, bool *out)
{
    static const char *const yes[] = {"true", "yes", "on", "1"};
    static const char *const no[] = {"false", "no", "off", "0"};
    for (int i = 0; i < 4; i++) {
        if (strcasecmp(text, yes[i]) == 0)
            return *out = true, 0;
        if (strcasecmp(text, no[i]) == 0)
            return *out = false, 0;
    }
    return -1;
}

/* Parses "<number><unit>" where unit is looked up in a table of (suffix, multiplier). */
struct unit {
    const char *suffix;
    double scale;
};

static int parse_scaled(const char *text, const struct unit *units, size_t n, int64_t *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (errno || end == text || v < 0 || !isfinite(v))
        return -1;
    while (*end == ' ')
        end++;
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(end, units[i].suffix) == 0) {
            double r = v * units[i].scale;
            if (r > 9.0e18)
                return -1;
            *out = (int64_t)r;
            return 0;
        }
    return -1;
}

int sf_parse_size(const char *text, int64_t *bytes)
{
    static const struct unit units[] = {
        {"", 1}, {"b", 1}, {"k", 1024}, {"kb", 1024}, {"kib", 1024},
        {"m", 1048576}, {"mb", 1048576}, {"mib", 1048576},
        {"g", 1073741824.0}, {"gb", 1073741824.0}, {"gib", 1073741824.0},
    };
    return parse_scaled(text, units, sizeof units / sizeof units[0], bytes);
}

int sf_parse_duration_ms(const char *text, int64_t *ms)
{
    static const struct unit units[] = {
        {"ms", 1}, {"", 1000}, {"s", 1000}, {"m", 60000}, {"min", 60000}, {"h", 3600000.0},
        {"d", 86400000.0},
    };
    return parse_scaled(text, units, sizeof units / sizeof units[0], ms);
}

static const sf_config_option *find_option(const sf_config_schema *s, const char *key)
{
    for (size_t i = 0; i < s->count; i++)
        if (strcmp(s->options[i].key, key) == 0)
            return &s->options[i];
    return NULL;
}

static int check_range(const sf_config_option *opt, double v, const char *origin, char *err)
{
    if ((opt->min != 0 || opt->max != 0) && (v < opt->min || v > opt->max)) {
        snprintf(err, SF_CFG_ERR_MAX, "%s: %s must be between %g and %g", origin, opt->key,
                 opt->min, opt->max);
        return -1;
    }
    return 0;
}

static int store_value(const sf_config_option *opt, void *conf, const char *value,
                       const char *origin, char *err)
{
    char *slot = (char *)conf + opt->offset;
    int64_t n = 0;
    double d = 0;
    int bad = 0;
    switch (opt->type) {
    case SF_CFG_STRING: {
        char *copy = strdup(value);
        if (!copy)
            return snprintf(err, SF_CFG_ERR_MAX, "out of memory"), -1;
        free(*(char **)slot);
        *(char **)slot = copy;
        return 0;
    }
    case SF_CFG_BOOL:
        if (sf_parse_bool(value, (bool *)slot)) {
            snprintf(err, SF_CFG_ERR_MAX, "%s: %s: '%s' is not a boolean (true/false)", origin,
                     opt->key, value);
            return -1;
        }
        return 0;
    case SF_CFG_INT: bad = sf_parse_int64(value, &n); d = (double)n; break;
    case SF_CFG_SIZE: bad = sf_parse_size(value, &n); d = (double)n; break;
    case SF_CFG_DURATION: bad = sf_parse_duration_ms(value, &n); d = (double)n; break;
    case SF_CFG_DOUBLE: {
        char *end;
        d = strtod(value, &end);
        bad = end == value || *end != '\0' || !isfinite(d);
        break;
    }
    }
    if (bad) {
        static const char *const kinds[] = {"", "an integer", "", "a number",
                                            "a size (e.g. 64MiB)", "a duration (e.g. 30s)"};
        snprintf(err, SF_CFG_ERR_MAX, "%s: %s: '%s' is not %s", origin, opt->key, value,
                 kinds[opt->type]);
        return -1;
    }
    if (check_range(opt, d, origin, err))
        return -1;
    if (opt->type == SF_CFG_DOUBLE)
        *(double *)slot = d;
    else
        *(int64_t *)slot = n;
    return 0;
}

int sf_config_set(const sf_config_schema *schema, void *conf, const char *key,
                  const char *value, const char *origin, char err[SF_CFG_ERR_MAX])
{
    const sf_config_option *opt = find_option(schema, key);
    if (!opt) {
        snprintf(err, SF_CFG_ERR_MAX, "%s: unknown key '%s'", origin, key);
        return -1;
    }
    return store_value(opt, conf, value, origin, err);
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *end = s + strlen(s);
    while (end > s && isspace((unsigned char)end[-1]))
        *--end = '\0';
    return s;
}

/* Removes one pair of matching quotes, so values may keep leading/trailing spaces. */
static char *unquote(char *v)
{
    size_t n = strlen(v);
    if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
        v[n - 1] = '\0';
        return v + 1;
    }
    return v;
}

static int apply_line(const sf_config_schema *schema, void *conf, char *line, char *section,
                      const char *origin, char *err)
{
    char *s = trim(line);
    if (*s == '\0' || *s == '#' || *s == ';')
        return 0;
    if (*s == '[') {
        char *close = strchr(s, ']');
        if (!close || close[1] != '\0' || close - s - 1 >= CONFIG_KEY_MAX / 2) {
            snprintf(err, SF_CFG_ERR_MAX, "%s: malformed section header", origin);
            return -1;
        }
        *close = '\0';
        snprintf(section, CONFIG_KEY_MAX / 2, "%s", trim(s + 1));
        return 0;
    }
    char *eq = strchr(s, '=');
    if (!eq) {
        snprintf(err, SF_CFG_ERR_MAX, "%s: expected 'key = value'", origin);
        return -1;
    }
    *eq = '\0';
    char *key = trim(s), *value = unquote(trim(eq + 1));
    char full[CONFIG_KEY_MAX + 2];
    if (strlen(key) >= CONFIG_KEY_MAX / 2 || !*key) {
        snprintf(err, SF_CFG_ERR_MAX, "%s: bad key", origin);
        return -1;
    }
    snprintf(full, sizeof full, "%s%s%s", section, *section ? "." : "", key);
    return sf_config_set(schema, conf, full, value, origin, err);
}

int sf_config_apply_stream(const sf_config_schema *schema, void *conf, FILE *f,
                           const char *name, char err[SF_CFG_ERR_MAX])
{
    char line[CONFIG_LINE_MAX], section[CONFIG_KEY_MAX / 2] = "", origin[256];
    int lineno = 0, rc = 0;
    while (rc == 0 && fgets(line, sizeof line, f)) {
        lineno++;
        snprintf(origin, sizeof origin, "%.200s:%d", name, lineno);
        size_t n = strlen(line);
        if (n == sizeof line - 1 && line[n - 1] != '\n') {
            snprintf(err, SF_CFG_ERR_MAX, "%s: line longer than %d bytes", origin,
                     CONFIG_LINE_MAX - 2);
            rc = -1;
        } else {
            rc = apply_line(schema, conf, line, section, origin, err);
        }
    }
    return rc;
}

int sf_config_apply_file(const sf_config_schema *schema, void *conf, const char *path,
                         char err[SF_CFG_ERR_MAX])
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, SF_CFG_ERR_MAX, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    int rc = sf_config_apply_stream(schema, conf, f, path, err);
    fclose(f);
    return rc;
}

static void key_to_env(const char *key, char *out, size_t size)
{
    size_t j = snprintf(out, size, "SECURAFLOW_");
    for (const char *k = key; *k && j + 1 < size; k++)
        out[j++] = (*k == '.' || *k == '-') ? '_' : (char)toupper((unsigned char)*k);
    out[j] = '\0';
}

static void key_to_flag(const char *key, char *out, size_t size)
{
    size_t j = snprintf(out, size, "--");
    for (const char *k = key; *k && j + 1 < size; k++)
        out[j++] = (*k == '.' || *k == '_') ? '-' : *k;
    out[j] = '\0';
}

static int apply_env(const sf_config_schema *schema, void *conf, char *err)
{
    char name[CONFIG_KEY_MAX + 16];
    for (size_t i = 0; i < schema->count; i++) {
        key_to_env(schema->options[i].key, name, sizeof name);
        const char *v = getenv(name);
        if (v && store_value(&schema->options[i], conf, v, name, err))
            return -1;
    }
    return 0;
}

/* Matches "--flag" or "--flag=value" against an option; returns it or NULL. */
static const sf_config_option *match_flag(const sf_config_schema *schema, const char *arg,
                                          const char **inline_value)
{
    char flag[CONFIG_KEY_MAX + 4];
    for (size_t i = 0; i < schema->count; i++) {
        key_to_flag(schema->options[i].key, flag, sizeof flag);
        size_t n = strlen(flag);
        if (strncmp(arg, flag, n) == 0 && (arg[n] == '\0' || arg[n] == '=')) {
            *inline_value = arg[n] == '=' ? arg + n + 1 : NULL;
            return &schema->options[i];
        }
    }
    return NULL;
}

static int apply_flags(const sf_config_schema *schema, void *conf, int argc, char **argv,
                       int *first_arg, char *err)
{
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++) {
        if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        }
        if (strncmp(argv[i], "--config", 8) == 0 && (argv[i][8] == '\0' || argv[i][8] == '=')) {
            i += argv[i][8] == '\0'; /* already applied: skip its value */
            continue;
        }
        if (strcmp(argv[i], "--help") == 0)
            return snprintf(err, SF_CFG_ERR_MAX, "help"), -1;
        const char *value;
        const sf_config_option *opt = match_flag(schema, argv[i], &value);
        if (!opt)
            return snprintf(err, SF_CFG_ERR_MAX, "unknown option '%s'", argv[i]), -1;
        if (!value && opt->type == SF_CFG_BOOL && (i + 1 >= argc || argv[i + 1][0] == '-'))
            value = "true"; /* a bare boolean flag turns it on */
        if (!value && i + 1 >= argc)
            return snprintf(err, SF_CFG_ERR_MAX, "option '%s' needs a value", argv[i]), -1;
        if (!value)
            value = argv[++i];
        if (store_value(opt, conf, value, argv[i][0] == '-' ? argv[i] : argv[i - 1], err))
            return -1;
    }
    *first_arg = i;
    return 0;
}

static const char *config_flag_value(int argc, char **argv)
{
    for (int i = 1; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--config") == 0)
            return i + 1 < argc ? argv[i + 1] : "";
        if (strncmp(argv[i], "--config=", 9) == 0)
            return argv[i] + 9;
    }
    return NULL;
}

int sf_config_load(const sf_config_schema *schema, void *conf, const char *default_file,
                   int argc, char **argv, int *first_arg, char err[SF_CFG_ERR_MAX])
{
    for (size_t i = 0; i < schema->count; i++) {
        const sf_config_option *opt = &schema->options[i];
        const char *def = opt->default_value ? opt->default_value : (opt->type == SF_CFG_STRING ? "" : "0");
        if (store_value(opt, conf, def, "default", err))
            return -1;
    }
    const char *file = config_flag_value(argc, argv);
    if (file && !*file)
        return snprintf(err, SF_CFG_ERR_MAX, "option '--config' needs a value"), -1;
    if (!file && default_file) {
        FILE *probe = fopen(default_file, "r");
        if (probe) {
            fclose(probe);
            file = default_file;
        }
    }
    if (file && sf_config_apply_file(schema, conf, file, err))
        return -1;
    if (apply_env(schema, conf, err))
        return -1;
    return apply_flags(schema, conf, argc, argv, first_arg, err);
}

void sf_config_free(const sf_config_schema *schema, void *conf)
{
    for (size_t i = 0; i < schema->count; i++)
        if (schema->options[i].type == SF_CFG_STRING) {
            char **slot = (char **)((char *)conf + schema->options[i].offset);
            free(*slot);
            *slot = NULL;
        }
}

void sf_config_usage(const sf_config_schema *schema)
{
    char flag[CONFIG_KEY_MAX + 4];
    printf("Options (also as 'key = value' in --config FILE, or SECURAFLOW_<KEY> variables):\n");
    for (size_t i = 0; i < schema->count; i++) {
        const sf_config_option *o = &schema->options[i];
        key_to_flag(o->key, flag, sizeof flag);
        printf("  %-28s %s%s%s%s\n", flag, o->help ? o->help : "",
               o->default_value && *o->default_value ? " (default " : "",
               o->default_value && *o->default_value ? o->default_value : "",
               o->default_value && *o->default_value ? ")" : "");
    }
}
