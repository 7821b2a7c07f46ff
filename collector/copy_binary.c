/* Binary COPY rows (see copy_binary.h). The format: a signature and two 32-bit words,
 * then per row a 16-bit field count and per field a 32-bit length (-1 for NULL) and the
 * value in the type's binary send format, then a 16-bit -1. All integers big-endian. */
#include "collector/copy_binary.h"

#include <arpa/inet.h>
#include <string.h>

#define PG_EPOCH_OFFSET_US 946684800000000LL /* 2000-01-01T00:00:00Z, PostgreSQL's epoch */
#define PGSQL_AF_INET 2                      /* inet's family codes (not the OS's AF_*) */
#define PGSQL_AF_INET6 3

/* Claims the next `more` bytes of the buffer; NULL once an allocation has failed. */
static char *room(sf_copy_buffer *b, size_t more)
{
    if (sf_copy_reserve(b, more))
        return NULL;
    char *at = b->data + b->len;
    b->len += more;
    return at;
}

static void put_be(char *at, uint64_t v, int bytes)
{
    for (int i = bytes - 1; i >= 0; i--, v >>= 8)
        at[i] = (char)(v & 0xff);
}

/* One field: its length, then its bytes in network order. */
static void field_be(sf_copy_buffer *b, uint64_t v, int bytes)
{
    char *at = room(b, 4 + (size_t)bytes);
    if (at) {
        put_be(at, (uint64_t)bytes, 4);
        put_be(at + 4, v, bytes);
    }
}

void sf_copyb_begin(sf_copy_buffer *b)
{
    static const char signature[11] = "PGCOPY\n\377\r\n";
    sf_copy_reset(b);
    char *at = room(b, 19);
    if (at) {
        memcpy(at, signature, 11);
        memset(at + 11, 0, 8); /* flags (no OIDs), header extension length */
    }
}

void sf_copyb_row(sf_copy_buffer *b, int fields)
{
    char *at = room(b, 2);
    if (at)
        put_be(at, (uint64_t)fields, 2);
}

void sf_copyb_null(sf_copy_buffer *b)
{
    char *at = room(b, 4);
    if (at)
        put_be(at, 0xffffffffu, 4);
}

void sf_copyb_int8(sf_copy_buffer *b, int64_t v) { field_be(b, (uint64_t)v, 8); }
void sf_copyb_int4(sf_copy_buffer *b, int32_t v) { field_be(b, (uint32_t)v, 4); }
void sf_copyb_int2(sf_copy_buffer *b, int16_t v) { field_be(b, (uint16_t)v, 2); }
void sf_copyb_bool(sf_copy_buffer *b, int v) { field_be(b, v ? 1 : 0, 1); }

void sf_copyb_float8(sf_copy_buffer *b, double v)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    field_be(b, bits, 8);
}

void sf_copyb_float4(sf_copy_buffer *b, float v)
{
    uint32_t bits;
    memcpy(&bits, &v, sizeof bits);
    field_be(b, bits, 4);
}

void sf_copyb_time(sf_copy_buffer *b, int64_t unix_us)
{
    field_be(b, (uint64_t)(unix_us - PG_EPOCH_OFFSET_US), 8);
}

void sf_copyb_text(sf_copy_buffer *b, const char *s)
{
    if (!s) {
        sf_copyb_null(b);
        return;
    }
    size_t n = strlen(s);
    char *at = room(b, 4 + n);
    if (at) {
        put_be(at, (uint64_t)n, 4);
        memcpy(at + 4, s, n);
    }
}

/* inet: family, prefix bits, is-cidr flag, address length, address bytes. */
void sf_copyb_inet(sf_copy_buffer *b, const char *addr)
{
    unsigned char bytes[16];
    int v6 = addr && strchr(addr, ':');
    if (!addr || inet_pton(v6 ? AF_INET6 : AF_INET, addr, bytes) != 1) {
        sf_copyb_null(b);
        return;
    }
    size_t n = v6 ? 16 : 4;
    char *at = room(b, 4 + 4 + n);
    if (at) {
        put_be(at, 4 + n, 4);
        at[4] = v6 ? PGSQL_AF_INET6 : PGSQL_AF_INET;
        at[5] = (char)(n * 8);
        at[6] = 0;
        at[7] = (char)n;
        memcpy(at + 8, bytes, n);
    }
}

void sf_copyb_end(sf_copy_buffer *b)
{
    char *at = room(b, 2);
    if (at)
        put_be(at, 0xffff, 2);
}
