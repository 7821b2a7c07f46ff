/* Fuzz target: the one-pass record scanner against Jansson (differential). Whatever the
 * scanner decodes without falling back, Jansson and the shared validator must decode to
 * the same records, refusals and ids; any disagreement aborts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "record_scan_differential.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char why[160];
    if (sf_record_scan_check((const char *)data, size, NULL, why, sizeof why) != 0) {
        fprintf(stderr, "fuzz_record_scan: %s\n", why);
        abort();
    }
    return 0;
}
