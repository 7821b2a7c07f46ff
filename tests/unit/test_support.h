/* Shared helpers for unit tests: where the shared test data and built programs are,
 * scratch directories, and whole-file reads. */
#ifndef SF_TEST_SUPPORT_H
#define SF_TEST_SUPPORT_H

#include <stddef.h>

/* "<repo>/../shared/data/<rel>" (static buffer, valid until the next call). */
const char *sf_test_data_path(const char *rel);
/* "<repo>/<rel>" for files committed in the project (tests/..., etc.). */
const char *sf_test_source_path(const char *rel);
/* "<build>/bin/<program>". */
const char *sf_test_bin_path(const char *program);
/* Creates a fresh private directory under $TMPDIR (or /tmp); caller frees the string
 * and may remove the tree with sf_test_rmtree. */
char *sf_test_mkdtemp(const char *tag);
void sf_test_rmtree(const char *path);
/* Reads a whole file (NUL-terminated; *len excludes the NUL). NULL on error. */
char *sf_test_read_file(const char *path, size_t *len);
/* Writes text to path; returns 0 or -1. */
int sf_test_write_file(const char *path, const char *text);

#endif
