/* Capture files: a small reader for pcap (µs and ns, either byte order) and pcapng
 * (several interfaces with different link types, any timestamp resolution), from a
 * file, standard input ("-") or memory. Written for hostile input: every length is
 * checked, a truncated file ends cleanly, and garbage is reported, never trusted. */
#ifndef SF_PCAP_FILE_H
#define SF_PCAP_FILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct sf_pcap_file sf_pcap_file;

typedef struct sf_pcap_packet {
    int dlt;              /* link type (LINKTYPE_ value) */
    int64_t ts_us;
    const uint8_t *data;  /* valid until the next call */
    uint32_t caplen, wirelen;
} sf_pcap_packet;

#define SF_PCAP_MAX_PACKET (256u * 1024u)   /* larger records are treated as corruption */

sf_pcap_file *sf_pcap_open(const char *path, char *err, size_t err_size);
/* Reads from an open stream (not closed by sf_pcap_close unless own is set). */
sf_pcap_file *sf_pcap_open_stream(FILE *in, int own, char *err, size_t err_size);
/* 1 = a packet, 0 = end of file, -1 = corrupt or truncated (err says why). */
int sf_pcap_next(sf_pcap_file *f, sf_pcap_packet *pkt, char *err, size_t err_size);
void sf_pcap_close(sf_pcap_file *f);
/* 1 if the file (or the current pcapng section) is in the other byte order than ours:
 * link headers in host order (BSD loopback) are then in that order. */
int sf_pcap_swapped(const sf_pcap_file *f);

#endif
