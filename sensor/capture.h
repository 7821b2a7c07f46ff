/* Packet sources: a live interface through libpcap (TPACKET_V3 ring, configurable
 * buffer, full snaplen, BPF filter) or pcap/pcapng files read in order ("-" = stdin). */
#ifndef SF_CAPTURE_H
#define SF_CAPTURE_H

#include <pcap/pcap.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sf_capture {
    pcap_t *pcap;
    int dlt;
    int live;
    int drop_outgoing_ifindex;   /* -i any: loopback copies to drop (SLL2 ifindex) */
    char name[256];
} sf_capture;

typedef struct sf_capture_options {
    int snaplen;                 /* default 262144 */
    int64_t buffer_bytes;        /* kernel ring, default 64 MiB */
    int promisc;
    const char *filter;          /* BPF expression or NULL */
} sf_capture_options;

int sf_capture_open_live(sf_capture *c, const char *iface, const sf_capture_options *o,
                         char *err, size_t err_size);
int sf_capture_open_file(sf_capture *c, const char *path, const char *filter, char *err,
                         size_t err_size);
/* Kernel and interface drops so far (live only; zeros for files). */
void sf_capture_drops(sf_capture *c, uint64_t *kernel, uint64_t *iface);
void sf_capture_close(sf_capture *c);
/* "tcp port 80 or tcp port 8080 ..." for a comma-separated port list; NULL on bad list. */
char *sf_capture_ports_filter(const char *ports);

#endif
