/* Character-level statistics of one part of a request (path, query or body): what the
 * HTTP features are made of. Works on the raw text, percent-decoding as it goes ('+' is a
 * space in query and form bodies), keeping at most SF_SCAN_DECODED_MAX decoded bytes
 * (lower-cased) for keyword search. No allocation: a scan lives on the caller's stack. */
#ifndef SF_MODEL_TEXT_SCAN_H
#define SF_MODEL_TEXT_SCAN_H

#include <stddef.h>

#define SF_SCAN_DECODED_MAX 4096

typedef struct sf_text_scan {
    size_t raw_len;
    size_t decoded_len;      /* all decoded bytes, even beyond the kept prefix */
    size_t digits, letters, upper, spaces, nonalnum, nonascii;
    size_t special;          /* ' " < > ; ( ) { } [ ] | ` $ \ * ! ^ ~ and control bytes */
    size_t escapes;          /* %XX sequences */
    size_t dots;
    size_t punct_kinds;      /* distinct punctuation bytes */
    double entropy;          /* Shannon entropy (bits/byte) of the decoded bytes */
    /* parameters ("name=value&..."), when scanned as parameters */
    size_t params, max_name_len, max_value_len;
    /* path segments, when scanned as a path */
    size_t segments, max_segment_len;
    char decoded[SF_SCAN_DECODED_MAX + 1]; /* lower-cased, NUL-terminated prefix */
} sf_text_scan;

enum sf_scan_kind { SF_SCAN_PATH, SF_SCAN_PARAMS, SF_SCAN_OPAQUE };

/* Scans text[0, len). PARAMS splits on '&' and '=' and treats '+' as a space; PATH counts
 * '/'-separated segments; OPAQUE only counts characters. */
void sf_text_scan_run(sf_text_scan *scan, const char *text, size_t len, enum sf_scan_kind kind);

#endif
