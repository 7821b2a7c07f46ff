/* Raw HTTP request files turned into feature rows: the HTTP reader (http_reader.h) feeds
 * each request's record and body to the HTTP feature extractor (features_http.h). */
#ifndef SF_MODEL_HTTP_DATASET_H
#define SF_MODEL_HTTP_DATASET_H

#include <stddef.h>
#include "model/dataset.h"

/* Starts ds with the HTTP schema's columns, with labels. */
int sf_http_dataset_init(sf_dataset *ds);
/* Parses text and appends one row per request with the given label. Returns the number of
 * requests or -1 with err set. */
long sf_http_dataset_parse(const char *text, size_t len, int label, sf_dataset *ds, char *err,
                           size_t err_size);
/* The same from a file (gzip or plain); err names the file. */
long sf_http_dataset_read_file(const char *path, int label, sf_dataset *ds, char *err,
                               size_t err_size);

#endif
