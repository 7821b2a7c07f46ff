/* BPF filters widened to VLAN-tagged frames, and per-link-type filters for files
 * (see capture_filter.h). */
#include "sensor/capture_filter.h"
#include "sensor/capture.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Does expr use a keyword that moves libpcap's offsets (then it is left as written)? */
static int moves_offsets(const char *expr)
{
    static const char *const words[] = {"vlan", "mpls", "pppoes", "geneve"};
    for (const char *p = expr; *p;) {
        while (*p && !isalnum((unsigned char)*p))
            p++;
        const char *w = p;
        while (isalnum((unsigned char)*p))
            p++;
        for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
            if ((size_t)(p - w) == strlen(words[i]) && strncmp(w, words[i], (size_t)(p - w)) == 0)
                return 1;
    }
    return 0;
}

char *sf_filter_default(const char *port_list)
{
    char *ports = sf_capture_ports_filter(port_list);
    if (!ports)
        return NULL;
    size_t size = strlen(ports) + 128;
    char *f = malloc(size);
    if (f)
        snprintf(f, size, "(%s) or (ip[6:2] & 0x3fff != 0) or (ip6 and ip6[6] == 44)", ports);
    free(ports);
    return f;
}

char *sf_filter_tagged(const char *expr)
{
    if (moves_offsets(expr))
        return strdup(expr);
    size_t size = 3 * strlen(expr) + 64;
    char *out = malloc(size);
    if (out)
        snprintf(out, size, "(%s) or (vlan and (%s)) or (vlan and (%s))", expr, expr, expr);
    return out;
}

int sf_filter_compile(pcap_t *p, const char *expr, struct bpf_program *prog, char *err,
                      size_t err_size)
{
    char *tagged = sf_filter_tagged(expr);
    int rc = tagged ? pcap_compile(p, prog, tagged, 1, PCAP_NETMASK_UNKNOWN) : -1;
    free(tagged);
    if (rc == 0)
        return 0;
    /* No tags on this link type (or no memory): the expression as given. */
    if (pcap_compile(p, prog, expr, 1, PCAP_NETMASK_UNKNOWN) == 0)
        return 0;
    snprintf(err, err_size, "bad filter '%s': %s", expr, pcap_geterr(p));
    return -1;
}

static void put(unsigned char *p, uint32_t v, int n, int big)
{
    for (int i = 0; i < n; i++)
        p[i] = (unsigned char)(v >> (8 * (big ? n - 1 - i : i)));
}

/* A savefile handle with no packets: the pcap file header of linktype in the byte
 * order the file was written in, read from memory. */
static pcap_t *savefile_handle(int linktype, int swapped)
{
    const uint16_t one = 1;
    int host_big = *(const unsigned char *)&one == 0;
    int big = swapped ? !host_big : host_big;
    unsigned char hdr[24];
    put(hdr, 0xa1b2c3d4, 4, big);
    put(hdr + 4, 2, 2, big);
    put(hdr + 6, 4, 2, big);
    put(hdr + 8, 0, 4, big);
    put(hdr + 12, 0, 4, big);
    put(hdr + 16, 262144, 4, big);
    put(hdr + 20, (uint32_t)linktype, 4, big);
    FILE *mem = fmemopen(hdr, sizeof hdr, "rb");
    if (!mem)
        return NULL;
    char ebuf[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_fopen_offline(mem, ebuf);   /* owns mem from here */
    if (!p)
        fclose(mem);
    return p;
}

void sf_file_filter_reset(sf_file_filter *ff, int swapped)
{
    sf_file_filter_free(ff);
    ff->swapped = swapped;
}

int sf_file_filter_match(sf_file_filter *ff, int linktype, const unsigned char *data,
                         unsigned caplen, unsigned wirelen)
{
    if (!ff->expr)
        return 1;
    int i = 0;
    while (i < ff->n && ff->linktypes[i] != linktype)
        i++;
    if (i == ff->n) {
        if (ff->n == SF_FILE_FILTER_LINKTYPES)
            return 1;
        pcap_t *h = savefile_handle(linktype, ff->swapped);
        char err[PCAP_ERRBUF_SIZE + 64];
        if (!h || sf_filter_compile(h, ff->expr, &ff->progs[i], err, sizeof err) < 0)
            memset(&ff->progs[i], 0, sizeof ff->progs[i]);   /* unfilterable: keep all */
        if (h)
            pcap_close(h);
        ff->linktypes[ff->n++] = linktype;
    }
    if (!ff->progs[i].bf_insns)
        return 1;
    struct pcap_pkthdr h = {.caplen = caplen, .len = wirelen};
    return pcap_offline_filter(&ff->progs[i], &h, data) != 0;
}

void sf_file_filter_free(sf_file_filter *ff)
{
    for (int i = 0; i < ff->n; i++)
        if (ff->progs[i].bf_insns)
            pcap_freecode(&ff->progs[i]);
    ff->n = 0;
}
