/* The floor for the sensor benchmark: the bare libpcap read loop, touching one byte of
 * each packet, over the given files (repeated as listed). Prints packets and seconds.
 * usage: sensor_pcap_floor FILE... */
#include <pcap/pcap.h>
#include <stdio.h>
#include <time.h>

static void touch(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
    unsigned long *acc = (unsigned long *)user;
    acc[0]++;
    acc[1] += h->caplen ? bytes[h->caplen - 1] : 0;
}

int main(int argc, char **argv)
{
    unsigned long acc[2] = {0, 0};
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (int i = 1; i < argc; i++) {
        char err[PCAP_ERRBUF_SIZE];
        pcap_t *p = pcap_open_offline(argv[i], err);
        if (!p) {
            fprintf(stderr, "%s\n", err);
            return 1;
        }
        pcap_loop(p, -1, touch, (u_char *)acc);
        pcap_close(p);
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    double s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
    printf("packets %lu seconds %.6f checksum %lu\n", acc[0], s, acc[1]);
    return 0;
}
