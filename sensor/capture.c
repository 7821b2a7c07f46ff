/* libpcap sources (filters widened to VLAN-tagged frames, capture_filter.c). On "lo"
 * every packet is seen twice (once leaving, once arriving):
 * we capture only the incoming direction. On "any" we ask for SLL2 headers, which say
 * which interface a packet belongs to, and the engine drops the outgoing copies that
 * belong to the loopback interface. */
#include "sensor/capture.h"
#include "sensor/capture_filter.h"

#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int apply_filter(sf_capture *c, const char *filter, char *err, size_t err_size)
{
    if (!filter || !*filter)
        return 0;
    struct bpf_program prog;
    if (sf_filter_compile(c->pcap, filter, &prog, err, err_size) < 0)
        return -1;
    int rc = pcap_setfilter(c->pcap, &prog);
    pcap_freecode(&prog);
    if (rc < 0) {
        snprintf(err, err_size, "cannot set filter: %s", pcap_geterr(c->pcap));
        return -1;
    }
    return 0;
}

static int fail(sf_capture *c, char *err, size_t err_size, const char *what)
{
    snprintf(err, err_size, "%s %s: %s", what, c->name, pcap_geterr(c->pcap));
    pcap_close(c->pcap);
    c->pcap = NULL;
    return -1;
}

int sf_capture_open_live(sf_capture *c, const char *iface, const sf_capture_options *o,
                         char *err, size_t err_size)
{
    char ebuf[PCAP_ERRBUF_SIZE] = "";
    memset(c, 0, sizeof *c);
    snprintf(c->name, sizeof c->name, "%s", iface);
    c->live = 1;
    c->pcap = pcap_create(iface, ebuf);
    if (!c->pcap) {
        snprintf(err, err_size, "cannot open %s: %s", iface, ebuf);
        return -1;
    }
    pcap_set_snaplen(c->pcap, o->snaplen > 0 ? o->snaplen : 262144);
    pcap_set_buffer_size(c->pcap, (int)(o->buffer_bytes > 0 ? o->buffer_bytes : 64 << 20));
    pcap_set_promisc(c->pcap, o->promisc);
    pcap_set_timeout(c->pcap, 100);   /* TPACKET_V3 block timeout: bounded latency */
    if (pcap_activate(c->pcap) < 0)
        return fail(c, err, err_size, "cannot activate");
    if (strcmp(iface, "lo") == 0 && pcap_setdirection(c->pcap, PCAP_D_IN) < 0)
        return fail(c, err, err_size, "cannot set direction on");
    if (strcmp(iface, "any") == 0 && pcap_set_datalink(c->pcap, DLT_LINUX_SLL2) == 0)
        c->drop_outgoing_ifindex = (int)if_nametoindex("lo");
    c->dlt = pcap_datalink(c->pcap);
    return apply_filter(c, o->filter, err, err_size) < 0 ? (pcap_close(c->pcap), c->pcap = NULL, -1) : 0;
}

int sf_capture_open_file(sf_capture *c, const char *path, const char *filter, char *err,
                         size_t err_size)
{
    char ebuf[PCAP_ERRBUF_SIZE] = "";
    memset(c, 0, sizeof *c);
    snprintf(c->name, sizeof c->name, "%s", path);
    c->pcap = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_MICRO, ebuf);
    if (!c->pcap) {
        snprintf(err, err_size, "cannot read %s: %s", path, ebuf);
        return -1;
    }
    c->dlt = pcap_datalink(c->pcap);
    if (apply_filter(c, filter, err, err_size) < 0) {
        pcap_close(c->pcap);
        c->pcap = NULL;
        return -1;
    }
    return 0;
}

void sf_capture_drops(sf_capture *c, uint64_t *kernel, uint64_t *iface)
{
    struct pcap_stat st;
    *kernel = *iface = 0;
    if (c->live && c->pcap && pcap_stats(c->pcap, &st) == 0) {
        *kernel = st.ps_drop;
        *iface = st.ps_ifdrop;
    }
}

void sf_capture_close(sf_capture *c)
{
    if (c->pcap)
        pcap_close(c->pcap);
    c->pcap = NULL;
}

char *sf_capture_ports_filter(const char *ports)
{
    size_t size = strlen(ports) * 16 + 16;
    char *out = malloc(size);
    if (!out)
        return NULL;
    size_t len = 0;
    out[0] = '\0';
    const char *p = ports;
    while (*p) {
        char *end;
        long port = strtol(p, &end, 10);
        if (end == p || port < 1 || port > 65535 || (*end && *end != ',')) {
            free(out);
            return NULL;
        }
        len += (size_t)snprintf(out + len, size - len, "%stcp port %ld", len ? " or " : "", port);
        p = *end ? end + 1 : end;
    }
    if (!len) {
        free(out);
        return NULL;
    }
    return out;
}
