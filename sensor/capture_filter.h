/* BPF filters as the sensor applies them, live and to files.
 *
 * libpcap's "tcp port 80" only looks at untagged frames: on a trunk port, a VLAN
 * sub-interface capture or a QinQ link it matches nothing. Every filter is therefore
 * widened to F or (vlan and F) or (vlan and F): libpcap's "vlan" moves the offsets of
 * everything after it by one tag, so the third term looks under two tags (802.1ad
 * QinQ). Link types without tags (loopback, raw IP, SLL) keep F as it is.
 *
 * Files are filtered per link type against a savefile handle of that link type and the
 * file's byte order, as libpcap compiles for the file itself: a dead handle would make
 * BSD loopback (DLT_NULL) test for this host's AF_INET6 (10) instead of the capturing
 * system's (24, 28 or 30), and drop every IPv6 packet of those captures. */
#ifndef SF_CAPTURE_FILTER_H
#define SF_CAPTURE_FILTER_H

#include <pcap/pcap.h>
#include <stddef.h>

/* The live default from the server ports: "tcp port P or ..." plus IP fragments after
 * the first (they carry no ports; reassembly needs them). NULL on a bad port list. */
char *sf_filter_default(const char *ports);

/* expr widened to tagged frames (malloc'd), or a copy of it when it already speaks of
 * tags or encapsulations (vlan, mpls, pppoes, geneve: the user chose the offsets). */
char *sf_filter_tagged(const char *expr);
/* Compiles expr for p, widened to tagged frames where the link type has them.
 * 0, or -1 with err set (the plain expression's error). */
int sf_filter_compile(pcap_t *p, const char *expr, struct bpf_program *prog, char *err,
                      size_t err_size);

/* Filter over the packets of files (several link types in one pcapng). */
#define SF_FILE_FILTER_LINKTYPES 8
typedef struct sf_file_filter {
    const char *expr;            /* NULL = keep everything */
    int swapped;                 /* byte order of the file being read */
    int linktypes[SF_FILE_FILTER_LINKTYPES];
    struct bpf_program progs[SF_FILE_FILTER_LINKTYPES];
    int n;
} sf_file_filter;

/* Starts a new file (programs depend on its byte order). */
void sf_file_filter_reset(sf_file_filter *ff, int swapped);
/* 1 = keep the packet (also when its link type cannot be filtered), 0 = drop. */
int sf_file_filter_match(sf_file_filter *ff, int linktype, const unsigned char *data,
                         unsigned caplen, unsigned wirelen);
void sf_file_filter_free(sf_file_filter *ff);

#endif
