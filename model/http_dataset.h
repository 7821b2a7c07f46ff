/* Raw HTTP request files turned into feature rows: the HTTP reader (http_reader.h) feeds
 * each request's record and body to the HTTP feature extractor (features_http.h) and, when
 * a request profile is given, to the profile features (request_profile.h). */
#ifndef SF_MODEL_HTTP_DATASET_H
#define SF_MODEL_HTTP_DATASET_H

#include <stddef.h>
#include "model/dataset.h"
#include "model/request_profile.h"

/* Starts ds with the HTTP schema's columns, with labels. */
int sf_http_dataset_init(sf_dataset *ds);
/* Parses text and appends one row per request with the given label; profile features come
 * from profile (0 when NULL). Returns the number of requests or -1 with err set. */
long sf_http_dataset_parse(const char *text, size_t len, int label, const sf_profile *profile,
                           sf_dataset *ds, char *err, size_t err_size);
/* The same from a file (gzip or plain); err names the file. */
long sf_http_dataset_read_file(const char *path, int label, const sf_profile *profile,
                               sf_dataset *ds, char *err, size_t err_size);

/* Training input: reads the files (label 0), learns the request profile of all of them
 * (returned in *profile), and gives each row its profile features from a profile learned
 * on the other half of the requests (a fixed pseudo-random split): cross-fitting, so the rows
 * show how often normal traffic itself has something new, which the forest can then use.
 * (Features from the full profile would all be 0 on its own training rows.) */
long sf_http_dataset_read_training(const char *const *paths, int n_paths, sf_dataset *ds,
                                   sf_profile **profile, char *err, size_t err_size);

#endif
