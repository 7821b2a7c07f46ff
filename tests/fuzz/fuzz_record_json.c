/* Fuzz target: record JSON decoding and validation (what POST /api/traffic accepts).
 * A decoded record must re-encode and decode again to the same fields. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/record_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sf_record rec, again;
    sf_field_errors errs = {0};
    if (sf_record_from_text((const char *)data, size, &rec, &errs) != 0)
        return 0;
    json_t *out = sf_record_to_json(&rec);
    sf_field_errors errs2 = {0};
    if (sf_record_from_json(out, &again, &errs2) != 0)
        abort(); /* what we accepted and wrote must be accepted again */
    if (strcmp(rec.endpoint, again.endpoint) != 0 || rec.status_code != again.status_code ||
        rec.timestamp_us != again.timestamp_us || rec.flags != again.flags)
        abort();
    json_decref(out);
    sf_record_clear(&rec);
    sf_record_clear(&again);
    return 0;
}
