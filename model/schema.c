/* Schema hashing (see schema.h). FNV-1a: simple, stable across platforms, and enough to
 * tell schemas apart (this is an identity check, not a security boundary). */
#include "model/schema.h"

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

static uint64_t fnv_bytes(uint64_t h, const unsigned char *bytes, unsigned long len)
{
    for (unsigned long i = 0; i < len; i++) {
        h ^= bytes[i];
        h *= FNV_PRIME;
    }
    return h;
}

uint64_t sf_schema_hash(uint32_t version, const char *const *names, uint32_t count)
{
    unsigned char v[4] = {(unsigned char)version, (unsigned char)(version >> 8),
                          (unsigned char)(version >> 16), (unsigned char)(version >> 24)};
    uint64_t h = fnv_bytes(FNV_OFFSET, v, sizeof v);
    for (uint32_t i = 0; i < count; i++) {
        const unsigned char *name = (const unsigned char *)names[i];
        unsigned long len = 0;
        while (name[len])
            len++;
        h = fnv_bytes(h, name, len + 1); /* with the NUL, so "ab","c" != "a","bc" */
    }
    return h;
}
