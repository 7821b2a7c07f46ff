/* Query and path parameters of the read API: parsing with the contract's limits, and the
 * 422 details of api.md ({"type","loc":["query",name],"msg"}, pydantic's wording) for
 * every parameter that is wrong. Handlers collect all errors, then answer once:
 *
 *     sf_field_errors errs = {0};
 *     sf_param_int(r, "limit", 50, 1, 1000, &limit, &errs);
 *     ...
 *     if (sf_params_reject(r, &errs, "query")) return;
 */
#ifndef SF_API_PARAMS_H
#define SF_API_PARAMS_H

#include <stdbool.h>
#include <stdint.h>

#include "collector/http_server.h"
#include "common/record_json.h"

/* Integer in [min, max], def when absent. Returns 0, or -1 with an error added. */
int sf_param_int(sf_request *r, const char *name, int64_t def, int64_t min, int64_t max,
                 int64_t *out, sf_field_errors *errs);
/* Finite number in [min, max], def when absent. */
int sf_param_double(sf_request *r, const char *name, double def, double min, double max,
                    double *out, sf_field_errors *errs);
/* Optional boolean (true/false, 1/0, yes/no, on/off, t/f, y/n): *out is -1 when absent. */
int sf_param_bool(sf_request *r, const char *name, int *out, sf_field_errors *errs);
/* Optional RFC 3339 time: *present false when absent. */
int sf_param_time(sf_request *r, const char *name, int64_t *out_us, bool *present,
                  sf_field_errors *errs);
/* Optional text of 1..max_len bytes without NUL: NULL when absent. */
const char *sf_param_text(sf_request *r, const char *name, size_t max_len, sf_field_errors *errs);
/* start_time/end_time with api.md's default window: end = now, start = end - hours. */
void sf_param_time_range(sf_request *r, int64_t default_hours, int64_t *start_us,
                         int64_t *end_us, sf_field_errors *errs);
/* The {id} path segment as a positive integer; -1 with a path error otherwise. */
int sf_param_path_id(sf_request *r, int64_t *id, sf_field_errors *errs);

/* When errs holds anything, answers 422 with loc_kind and returns true. */
bool sf_params_reject(sf_request *r, const sf_field_errors *errs, const char *loc_kind);

#endif
