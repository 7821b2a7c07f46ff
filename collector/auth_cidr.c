/* Address lists (see auth_cidr.h). Entries are kept as 16-byte IPv6 forms (IPv4 mapped)
 * with a prefix length. */
#include "collector/auth_cidr.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIST_MAX 256

typedef struct cidr {
    unsigned char addr[16];
    int bits;
} cidr;

struct sf_cidr_list {
    int count;
    cidr items[LIST_MAX];
};

/* Text address -> 16 bytes (IPv4 as ::ffff:a.b.c.d); *v4 tells which it was. */
static int to_v6(const char *text, unsigned char out[16], int *v4)
{
    struct in_addr a4;
    if (inet_pton(AF_INET, text, &a4) == 1) {
        memset(out, 0, 10);
        out[10] = out[11] = 0xff;
        memcpy(out + 12, &a4, 4);
        *v4 = 1;
        return 0;
    }
    *v4 = 0;
    return inet_pton(AF_INET6, text, out) == 1 ? 0 : -1;
}

sf_cidr_list *sf_cidr_list_parse(const char *text, char *err, size_t err_size)
{
    sf_cidr_list *l = calloc(1, sizeof *l);
    char *copy = strdup(text ? text : "");
    char *save = NULL;
    for (char *tok = strtok_r(copy, ", \t", &save); l && tok; tok = strtok_r(NULL, ", \t", &save)) {
        char *slash = strchr(tok, '/');
        int v4, bits = -1;
        if (slash) {
            *slash = '\0';
            char *end;
            bits = (int)strtol(slash + 1, &end, 10);
            if (*end || end == slash + 1)
                bits = 999;
        }
        cidr c;
        if (l->count >= LIST_MAX || to_v6(tok, c.addr, &v4) != 0 || bits > (v4 ? 32 : 128) ||
            (slash && bits < 0)) {
            snprintf(err, err_size, "'%s' is not an address or address/prefix (or too many entries)", tok);
            free(l);
            l = NULL;
            break;
        }
        c.bits = bits < 0 ? 128 : v4 ? bits + 96 : bits;
        l->items[l->count++] = c;
    }
    free(copy);
    return l;
}

void sf_cidr_list_free(sf_cidr_list *l) { free(l); }

bool sf_cidr_list_empty(const sf_cidr_list *l) { return !l || l->count == 0; }

bool sf_cidr_list_contains(const sf_cidr_list *l, const char *addr)
{
    unsigned char a[16];
    int v4;
    if (!l || !addr || to_v6(addr, a, &v4) != 0)
        return false;
    for (int i = 0; i < l->count; i++) {
        const cidr *c = &l->items[i];
        int full = c->bits / 8, rest = c->bits % 8;
        if (memcmp(a, c->addr, (size_t)full) != 0)
            continue;
        if (rest && ((a[full] ^ c->addr[full]) & (0xff << (8 - rest))))
            continue;
        return true;
    }
    return false;
}
