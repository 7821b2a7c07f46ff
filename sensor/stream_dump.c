/* Stream-dump mode (see stream_dump.h). Files are opened for each write and closed
 * again, so any number of connections can be dumped without running out of
 * descriptors; this mode is for checking reassembly, not for speed. */
#include "sensor/stream_dump.h"
#include "sensor/transaction_record.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct sf_stream_dump {
    char *dir;
    int separate_sides;
    int metadata;
};

/* Per-connection counters for the metadata file. */
typedef struct dump_state {
    uint64_t packets[2], bytes[2], messages[2];
    int last_side;
} dump_state;

/* mkdir -p */
static int make_dirs(const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s", dir);
    for (char *p = path + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            if (mkdir(path, 0755) < 0 && errno != EEXIST)
                return -1;
            *p = '/';
        }
    return mkdir(path, 0755) < 0 && errno != EEXIST ? -1 : 0;
}

sf_stream_dump *sf_stream_dump_new(const char *dir, int separate_sides, int metadata)
{
    if (make_dirs(dir) < 0)
        return NULL;
    sf_stream_dump *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->dir = strdup(dir);
    d->separate_sides = separate_sides;
    d->metadata = metadata;
    return d;
}

void sf_stream_dump_free(sf_stream_dump *d)
{
    if (!d)
        return;
    free(d->dir);
    free(d);
}

/* "<dir>/<a>.<pa>-<b>.<pb><suffix>" with a = side `from`. */
static void file_name(const sf_stream_dump *d, const sf_flow *f, int from, const char *suffix,
                      char *out, size_t size)
{
    char a[64], b[64];
    sf_flow_addr_text(f, from, a, sizeof a);
    sf_flow_addr_text(f, !from, b, sizeof b);
    snprintf(out, size, "%s/%s.%u-%s.%u%s", d->dir, a, f->key.port[from], b, f->key.port[!from], suffix);
}

static dump_state *state_of(sf_flow *f)
{
    if (!f->dump) {
        f->dump = calloc(1, sizeof(dump_state));
        if (f->dump)
            ((dump_state *)f->dump)->last_side = -1;
    }
    return f->dump;
}

static void append(const sf_stream_dump *d, sf_flow *f, int side, const void *p, size_t len)
{
    char path[4096];
    file_name(d, f, d->separate_sides ? side : 0, ".txt", path, sizeof path);
    FILE *out = fopen(path, "ab");
    if (!out)
        return;
    fwrite(p, 1, len, out);
    fclose(out);
}

void sf_stream_dump_data(sf_stream_dump *d, sf_flow *f, int side, const uint8_t *p, size_t len)
{
    dump_state *st = state_of(f);
    if (st) {
        st->packets[side]++;
        st->bytes[side] += len;
        if (st->last_side != side)
            st->messages[side]++;
        st->last_side = side;
    }
    append(d, f, side, p, len);
}

void sf_stream_dump_gap(sf_stream_dump *d, sf_flow *f, int side, uint32_t len)
{
    char text[64];
    int n = snprintf(text, sizeof text, "[%u bytes missing]", len);
    append(d, f, side, text, (size_t)n);
}

void sf_stream_dump_close(sf_stream_dump *d, sf_flow *f)
{
    dump_state *st = f->dump;
    if (st && d->metadata) {
        char path[4096];
        file_name(d, f, 0, "-metadata.txt", path, sizeof path);
        FILE *out = fopen(path, "w");
        if (out) {
            fprintf(out, "Number of data packets in side 0:  %llu\n", (unsigned long long)st->packets[0]);
            fprintf(out, "Number of data packets in side 1:  %llu\n", (unsigned long long)st->packets[1]);
            fprintf(out, "Total number of data packets:      %llu\n\n",
                    (unsigned long long)(st->packets[0] + st->packets[1]));
            fprintf(out, "Number of bytes in side 0:         %llu\n", (unsigned long long)st->bytes[0]);
            fprintf(out, "Number of bytes in side 1:         %llu\n", (unsigned long long)st->bytes[1]);
            fprintf(out, "Total number of bytes:             %llu\n\n",
                    (unsigned long long)(st->bytes[0] + st->bytes[1]));
            fprintf(out, "Number of messages in side 0:      %llu\n", (unsigned long long)st->messages[0]);
            fprintf(out, "Number of messages in side 1:      %llu\n", (unsigned long long)st->messages[1]);
            fclose(out);
        }
    }
    free(f->dump);
    f->dump = NULL;
}
