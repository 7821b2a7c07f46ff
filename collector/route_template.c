/* Route templates (see route_template.h). */
#include "collector/route_template.h"

#include <ctype.h>
#include <string.h>

static int all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return 0;
    return n > 0;
}

static int is_uuid(const char *s, size_t n)
{
    if (n != 36)
        return 0;
    for (size_t i = 0; i < n; i++) {
        int dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
            return 0;
    }
    return 1;
}

/* Long hex (hashes, object ids) or long tokens of letters and digits mixed. */
static int is_opaque_id(const char *s, size_t n)
{
    size_t hex = 0, digits = 0, alnum = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        hex += isxdigit(c) != 0;
        digits += isdigit(c) != 0;
        alnum += isalnum(c) != 0 || c == '-' || c == '_';
    }
    if (n >= 16 && hex == n)
        return 1;
    return n >= 20 && alnum == n && digits >= 3;
}

void sf_route_template(const char *endpoint, char out[SF_ROUTE_MAX])
{
    size_t path_len = strcspn(endpoint, "?#");
    size_t o = 0;
    const char *p = endpoint, *end = endpoint + path_len;
    if (path_len == 0 || *p != '/')
        out[o++] = '/';
    while (p < end && o < SF_ROUTE_MAX - 1) {
        if (*p == '/') {
            out[o++] = '/';
            p++;
            continue;
        }
        size_t n = strcspn(p, "/?#");
        if (p + n > end)
            n = (size_t)(end - p);
        const char *seg = p;
        size_t seg_len = n;
        if (all_digits(seg, seg_len) || is_uuid(seg, seg_len) || is_opaque_id(seg, seg_len)) {
            seg = "{id}";
            seg_len = 4;
        }
        if (o + seg_len >= SF_ROUTE_MAX - 1)
            seg_len = SF_ROUTE_MAX - 1 - o;
        memcpy(out + o, seg, seg_len);
        o += seg_len;
        p += n;
    }
    out[o] = '\0';
}
