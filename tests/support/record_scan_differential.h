/* The differential check between the two record decoders: for any text the one-pass
 * scanner (common/record_scan.c) decodes without falling back, Jansson plus the same
 * validator (common/record_json.c) must produce the same records, the same refusals and
 * the same batch ids. Used by the fuzz target fuzz_record_scan and the unit tests. */
#ifndef SF_RECORD_SCAN_DIFFERENTIAL_H
#define SF_RECORD_SCAN_DIFFERENTIAL_H

#include <stddef.h>

/* What the scanner did with the text as a single record and as a batch. */
typedef struct sf_scan_outcome {
    int single_fast;  /* 1: decoded on the fast path (0: fell back) */
    int batch_fast;
    size_t records;   /* batch records seen on the fast path */
} sf_scan_outcome;

/* Returns 0 when both decoders agree, else -1 with a reason in why. */
int sf_record_scan_check(const char *text, size_t len, sf_scan_outcome *outcome, char *why,
                         size_t why_size);

#endif
