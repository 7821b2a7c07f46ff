/* Query and path parameters of the read API (see api_params.h). */
#include "collector/api_params.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/time_util.h"

static const char *raw_param(sf_request *r, const char *name)
{
    return evhttp_find_header(&r->query, name);
}

static int parse_int(const char *text, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (end == text || *end || errno == ERANGE || strchr(" \t\n", text[0]))
        return -1;
    *out = v;
    return 0;
}

/* Adds pydantic's range error when below or above; returns whether it did. */
static bool out_of_range(sf_field_errors *errs, const char *name, bool below, bool above,
                         const char *min_text, const char *max_text)
{
    if (below)
        sf_field_errors_add(errs, name, "greater_than_equal",
                            "Input should be greater than or equal to %s", min_text);
    else if (above)
        sf_field_errors_add(errs, name, "less_than_equal",
                            "Input should be less than or equal to %s", max_text);
    return below || above;
}

int sf_param_int(sf_request *r, const char *name, int64_t def, int64_t min, int64_t max,
                 int64_t *out, sf_field_errors *errs)
{
    const char *text = raw_param(r, name);
    *out = def;
    if (!text)
        return 0;
    int64_t v;
    if (parse_int(text, &v)) {
        sf_field_errors_add(errs, name, "int_parsing",
                            "Input should be a valid integer, unable to parse string as an integer");
        return -1;
    }
    char lo[32], hi[32];
    snprintf(lo, sizeof lo, "%" PRId64, min);
    snprintf(hi, sizeof hi, "%" PRId64, max);
    if (out_of_range(errs, name, v < min, v > max, lo, hi))
        return -1;
    *out = v;
    return 0;
}

int sf_param_double(sf_request *r, const char *name, double def, double min, double max,
                    double *out, sf_field_errors *errs)
{
    const char *text = raw_param(r, name);
    *out = def;
    if (!text)
        return 0;
    char *end;
    double v = strtod(text, &end);
    if (end == text || *end || !isfinite(v) || strchr(" \t\n", text[0])) {
        sf_field_errors_add(errs, name, "float_parsing",
                            "Input should be a valid number, unable to parse string as a number");
        return -1;
    }
    char lo[32], hi[32];
    snprintf(lo, sizeof lo, "%g", min);
    snprintf(hi, sizeof hi, "%g", max);
    if (out_of_range(errs, name, v < min, v > max, lo, hi))
        return -1;
    *out = v;
    return 0;
}

int sf_param_bool(sf_request *r, const char *name, int *out, sf_field_errors *errs)
{
    static const char *const yes[] = {"true", "1", "yes", "on", "t", "y"};
    static const char *const no[] = {"false", "0", "no", "off", "f", "n"};
    const char *text = raw_param(r, name);
    *out = -1;
    if (!text)
        return 0;
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        if (strcasecmp(text, yes[i]) == 0)
            return *out = 1, 0;
        if (strcasecmp(text, no[i]) == 0)
            return *out = 0, 0;
    }
    sf_field_errors_add(errs, name, "bool_parsing",
                        "Input should be a valid boolean, unable to interpret input");
    return -1;
}

int sf_param_time(sf_request *r, const char *name, int64_t *out_us, bool *present,
                  sf_field_errors *errs)
{
    const char *text = raw_param(r, name);
    *present = false;
    if (!text)
        return 0;
    if (sf_time_parse(text, out_us)) {
        sf_field_errors_add(errs, name, "datetime_parsing",
                            "Input should be a valid datetime (RFC 3339, years 1970-9999)");
        return -1;
    }
    *present = true;
    return 0;
}

const char *sf_param_text(sf_request *r, const char *name, size_t max_len, sf_field_errors *errs)
{
    const char *text = raw_param(r, name);
    if (!text)
        return NULL;
    size_t n = strlen(text);
    if (n < 1 || n > max_len) {
        sf_field_errors_add(errs, name, n ? "string_too_long" : "string_too_short",
                            "String should have between 1 and %zu characters", max_len);
        return NULL;
    }
    return text;
}

void sf_param_time_range(sf_request *r, int64_t default_hours, int64_t *start_us,
                         int64_t *end_us, sf_field_errors *errs)
{
    bool has_start, has_end;
    sf_param_time(r, "start_time", start_us, &has_start, errs);
    sf_param_time(r, "end_time", end_us, &has_end, errs);
    if (!has_end)
        *end_us = sf_now_us();
    if (!has_start)
        *start_us = *end_us - default_hours * 3600LL * 1000000;
}

int sf_param_path_id(sf_request *r, int64_t *id, sf_field_errors *errs)
{
    const char *seg = r->path_param ? r->path_param : "";
    size_t n = strcspn(seg, "/");
    char text[24];
    int64_t v = 0;
    if (n == 0 || n >= sizeof text || (memcpy(text, seg, n), text[n] = '\0', parse_int(text, &v)) ||
        v < 0) {
        sf_field_errors_add(errs, "id", "int_parsing",
                            "Input should be a valid integer, unable to parse string as an integer");
        return -1;
    }
    *id = v;
    return 0;
}

bool sf_params_reject(sf_request *r, const sf_field_errors *errs, const char *loc_kind)
{
    if (errs->count == 0)
        return false;
    sf_reply_invalid(r, errs, loc_kind);
    return true;
}
