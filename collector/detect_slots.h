/* Slot arrays for the detectors' fixed tables (clients, routes, incidents, flood buckets):
 * a power-of-two number of zeroed slots, sized once from configuration and never grown, so
 * each table's memory is bounded by its setting. */
#ifndef SF_DETECT_SLOTS_H
#define SF_DETECT_SLOTS_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/* calloc's the smallest power of two >= wanted slots of item_size bytes, at least min and
 * at most max (both powers of two); *capacity gets the count. NULL when out of memory. */
static inline void *sf_slots_alloc(uint32_t wanted, uint32_t min, uint32_t max,
                                   size_t item_size, uint32_t *capacity)
{
    uint32_t cap = min;
    while (cap < wanted && cap < max)
        cap <<= 1;
    *capacity = cap;
    return calloc(cap, item_size);
}

#endif
