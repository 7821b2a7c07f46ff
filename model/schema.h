/* Feature schemas: the ordered list of column names a model was trained on, plus the
 * version of the extractor that produced them, summarised as a 64-bit hash so a model and
 * an extractor can be checked against each other. */
#ifndef SF_MODEL_SCHEMA_H
#define SF_MODEL_SCHEMA_H

#include <stdint.h>

/* FNV-1a 64 over the version and each name (NUL-separated). */
uint64_t sf_schema_hash(uint32_t version, const char *const *names, uint32_t count);

#endif
