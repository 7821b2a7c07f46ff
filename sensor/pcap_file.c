/* pcap / pcapng reader (see pcap_file.h). libpcap cannot read a pcapng file whose
 * interfaces have different link types, and we want a reader we can fuzz. */
#include "sensor/pcap_file.h"

#include <stdlib.h>
#include <string.h>

#define PCAP_MAGIC_US 0xa1b2c3d4u
#define PCAP_MAGIC_NS 0xa1b23c4du
#define PCAPNG_SHB 0x0a0d0d0au
#define PCAPNG_BOM 0x1a2b3c4du
#define PCAPNG_IDB 1u
#define PCAPNG_PB 2u
#define PCAPNG_SPB 3u
#define PCAPNG_EPB 6u
#define MAX_BLOCK (SF_PCAP_MAX_PACKET + 4096u)
#define MAX_INTERFACES 256

typedef struct pcapng_if {
    int dlt;
    uint64_t units_per_sec;  /* timestamp resolution */
} pcapng_if;

struct sf_pcap_file {
    FILE *in;
    int own;
    int ng;                  /* pcapng? */
    int swap;                /* file byte order differs from ours */
    int dlt;                 /* pcap: the one link type */
    int nanos;               /* pcap: ns timestamps */
    pcapng_if ifs[MAX_INTERFACES];
    int nifs;
    uint8_t *buf;
    size_t cap;
    char *iobuf;             /* stdio buffer (glibc ignores the size without one) */
};

static uint32_t rd32(const sf_pcap_file *f, const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return f->swap ? __builtin_bswap32(v) : v;
}

static uint16_t rd16(const sf_pcap_file *f, const uint8_t *p)
{
    uint16_t v;
    memcpy(&v, p, 2);
    return f->swap ? __builtin_bswap16(v) : v;
}

/* Makes buf hold at least n bytes. */
static int reserve(sf_pcap_file *f, size_t n)
{
    if (n > f->cap) {
        uint8_t *b = realloc(f->buf, n);
        if (!b)
            return -1;
        f->buf = b;
        f->cap = n;
    }
    return 0;
}

static int fill(sf_pcap_file *f, size_t n)
{
    if (reserve(f, n) < 0)
        return -1;
    return fread_unlocked(f->buf, 1, n, f->in) == n ? 0 : -1;
}

static int fail(char *err, size_t size, const char *why)
{
    snprintf(err, size, "%s", why);
    return -1;
}

static int read_pcap_header(sf_pcap_file *f, uint32_t magic, char *err, size_t err_size)
{
    f->swap = magic == __builtin_bswap32(PCAP_MAGIC_US) || magic == __builtin_bswap32(PCAP_MAGIC_NS);
    uint32_t m = f->swap ? __builtin_bswap32(magic) : magic;
    f->nanos = m == PCAP_MAGIC_NS;
    if (fill(f, 20) < 0)
        return fail(err, err_size, "truncated pcap header");
    f->dlt = (int)(rd32(f, f->buf + 16) & 0x0fffffff);
    return 0;
}

/* Rest of a section header block, after its type; raw_len = its length field as read.
 * A section may change the byte order and starts a new list of interfaces. */
static int read_section(sf_pcap_file *f, const uint8_t *raw_len, char *err, size_t err_size)
{
    uint8_t bom[4];
    if (fread(bom, 1, 4, f->in) != 4)
        return fail(err, err_size, "truncated section header");
    uint32_t m;
    memcpy(&m, bom, 4);
    if (m != PCAPNG_BOM && m != __builtin_bswap32(PCAPNG_BOM))
        return fail(err, err_size, "bad pcapng byte-order magic");
    f->swap = m != PCAPNG_BOM;
    f->nifs = 0;
    uint32_t len = rd32(f, raw_len);
    if (len < 28 || len > MAX_BLOCK || len % 4 || fill(f, len - 12) < 0)
        return fail(err, err_size, "bad section header");
    return 0;
}

/* Reads a whole block into buf (its 8-byte header h first, so offsets are the spec's). */
static int fill_block(sf_pcap_file *f, const uint8_t *h, uint32_t len)
{
    if (reserve(f, len) < 0)
        return -1;
    memcpy(f->buf, h, 8);
    return fread(f->buf + 8, 1, len - 8, f->in) == len - 8 ? 0 : -1;
}

sf_pcap_file *sf_pcap_open_stream(FILE *in, int own, char *err, size_t err_size)
{
    sf_pcap_file *f = calloc(1, sizeof *f);
    if (!f) {
        fail(err, err_size, "out of memory");
        return NULL;
    }
    f->in = in;
    f->own = own;
    uint8_t m[4];
    if (fread(m, 1, 4, in) != 4) {
        fail(err, err_size, "empty or truncated file");
        sf_pcap_close(f);
        return NULL;
    }
    uint32_t magic;
    memcpy(&magic, m, 4);
    int ok;
    if (magic == PCAPNG_SHB) {
        uint8_t l[4];
        f->ng = 1;
        ok = fread(l, 1, 4, in) == 4 && read_section(f, l, err, err_size) == 0;
    } else if (magic == PCAP_MAGIC_US || magic == PCAP_MAGIC_NS ||
               magic == __builtin_bswap32(PCAP_MAGIC_US) || magic == __builtin_bswap32(PCAP_MAGIC_NS)) {
        ok = read_pcap_header(f, magic, err, err_size) == 0;
    } else {
        ok = (fail(err, err_size, "not a pcap or pcapng file"), 0);
    }
    if (!ok) {
        sf_pcap_close(f);
        return NULL;
    }
    return f;
}

sf_pcap_file *sf_pcap_open(const char *path, char *err, size_t err_size)
{
    int is_stdin = strcmp(path, "-") == 0;
    FILE *in = is_stdin ? stdin : fopen(path, "rb");
    if (!in) {
        snprintf(err, err_size, "cannot open %s", path);
        return NULL;
    }
    /* Few large reads: on a VM each syscall costs more than the copy. Set before any read. */
    char *iobuf = malloc(1 << 20);
    if (iobuf)
        setvbuf(in, iobuf, _IOFBF, 1 << 20);
    sf_pcap_file *f = sf_pcap_open_stream(in, !is_stdin, err, err_size);
    if (f)
        f->iobuf = iobuf;
    else if (iobuf) {
        if (is_stdin)
            setvbuf(in, NULL, _IONBF, 0);
        free(iobuf);
    }
    return f;
}

void sf_pcap_close(sf_pcap_file *f)
{
    if (!f)
        return;
    if (f->own && f->in)
        fclose(f->in);
    else if (f->in && f->iobuf)
        setvbuf(f->in, NULL, _IONBF, 0);    /* the stream outlives our buffer */
    free(f->iobuf);
    free(f->buf);
    free(f);
}

static int next_pcap(sf_pcap_file *f, sf_pcap_packet *pkt, char *err, size_t err_size)
{
    uint8_t h[16];
    /* Unlocked: one reader per file, and the lock was a fifth of the per-packet cost. */
    size_t got = fread_unlocked(h, 1, 16, f->in);
    if (got == 0)
        return 0;
    if (got < 16)
        return fail(err, err_size, "truncated packet header");
    uint32_t caplen = rd32(f, h + 8);
    if (caplen > SF_PCAP_MAX_PACKET)
        return fail(err, err_size, "packet length out of range (corrupt file)");
    if (fill(f, caplen) < 0)
        return fail(err, err_size, "truncated packet");
    pkt->dlt = f->dlt;
    pkt->ts_us = (int64_t)rd32(f, h) * 1000000 + (f->nanos ? rd32(f, h + 4) / 1000 : rd32(f, h + 4));
    pkt->data = f->buf;
    pkt->caplen = caplen;
    pkt->wirelen = rd32(f, h + 12);
    return 1;
}

/* Interface description: link type and the if_tsresol option. */
static void add_interface(sf_pcap_file *f, const uint8_t *b, uint32_t len)
{
    if (f->nifs >= MAX_INTERFACES || len < 16)
        return;
    pcapng_if *i = &f->ifs[f->nifs++];
    i->dlt = rd16(f, b + 8);
    i->units_per_sec = 1000000;
    for (uint32_t off = 16; off + 4 <= len - 4;) {
        uint16_t code = rd16(f, b + off), olen = rd16(f, b + off + 2);
        if (code == 0 || off + 4 + olen > len - 4)
            break;
        if (code == 9 && olen >= 1) {
            uint8_t r = b[off + 4];
            uint64_t units = 1;
            for (int k = 0; k < (r & 0x7f) && k < 19; k++)
                units *= (r & 0x80) ? 2 : 10;
            if ((r & 0x7f) < 64 && units)
                i->units_per_sec = units;
        }
        off += 4 + ((olen + 3u) & ~3u);
    }
}

static int64_t ng_time(const sf_pcap_file *f, int ifc, uint32_t hi, uint32_t lo)
{
    uint64_t t = (uint64_t)hi << 32 | lo;
    uint64_t u = f->ifs[ifc].units_per_sec;
    if (u == 1000000)
        return (int64_t)t;
    return (int64_t)(t / u * 1000000 + (t % u) * 1000000 / u);
}

/* Fills pkt from an enhanced, simple or obsolete packet block body. */
static int ng_packet(sf_pcap_file *f, uint32_t type, uint32_t len, sf_pcap_packet *pkt)
{
    const uint8_t *b = f->buf;
    uint32_t ifc, caplen, wirelen, hdr;
    if (type == PCAPNG_SPB) {
        if (len < 16 || f->nifs == 0)
            return 0;
        ifc = 0;
        wirelen = rd32(f, b + 8);
        hdr = 12;
        caplen = len - 16 < wirelen ? len - 16 : wirelen;
        pkt->ts_us = 0;
    } else {
        if (len < 32)
            return 0;
        ifc = type == PCAPNG_EPB ? rd32(f, b + 8) : rd16(f, b + 8);
        caplen = rd32(f, b + 20);
        wirelen = rd32(f, b + 24);
        hdr = 28;
        if ((int)ifc >= f->nifs || caplen > len - 32)
            return 0;
        pkt->ts_us = ng_time(f, (int)ifc, rd32(f, b + 12), rd32(f, b + 16));
    }
    pkt->dlt = f->ifs[ifc].dlt;
    pkt->data = b + hdr;
    pkt->caplen = caplen;
    pkt->wirelen = wirelen;
    return 1;
}

static int next_pcapng(sf_pcap_file *f, sf_pcap_packet *pkt, char *err, size_t err_size)
{
    for (;;) {
        uint8_t h[8];
        size_t got = fread(h, 1, 8, f->in);
        if (got == 0)
            return 0;
        if (got < 8)
            return fail(err, err_size, "truncated block header");
        uint32_t type;
        memcpy(&type, h, 4);
        if (type == PCAPNG_SHB) {
            if (read_section(f, h + 4, err, err_size) < 0)
                return -1;
            continue;
        }
        type = rd32(f, h);
        uint32_t len = rd32(f, h + 4);
        if (len < 12 || len > MAX_BLOCK || len % 4)
            return fail(err, err_size, "bad block length (corrupt file)");
        if (fill_block(f, h, len) < 0)
            return fail(err, err_size, "truncated block");
        if (type == PCAPNG_IDB)
            add_interface(f, f->buf, len);
        else if ((type == PCAPNG_EPB || type == PCAPNG_SPB || type == PCAPNG_PB) &&
                 ng_packet(f, type, len, pkt))
            return 1;
    }
}

int sf_pcap_next(sf_pcap_file *f, sf_pcap_packet *pkt, char *err, size_t err_size)
{
    return f->ng ? next_pcapng(f, pkt, err, err_size) : next_pcap(f, pkt, err, err_size);
}

int sf_pcap_swapped(const sf_pcap_file *f) { return f->swap; }
