/* Comma lists of names ("scan,flood" or "all") into a bit mask, for the driver's anomaly
 * kinds and the scenario names of drive and replay. */
#ifndef TG_NAMES_H
#define TG_NAMES_H

#include <stdio.h>
#include <string.h>

/* Bit i of *mask for names[i]; "all" sets every bit. Returns 0, or -1 on an unknown name. */
static inline int tg_parse_names(const char *list, const char *const *names, unsigned n,
                                 unsigned *mask)
{
    char buf[256];
    *mask = 0;
    snprintf(buf, sizeof buf, "%s", list);
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (strcmp(t, "all") == 0) {
            *mask = (1u << n) - 1;
            continue;
        }
        unsigned i = 0;
        while (i < n && strcmp(t, names[i]) != 0)
            i++;
        if (i == n)
            return -1;
        *mask |= 1u << i;
    }
    return 0;
}

#endif
