/* Fuzz target: the pcap/pcapng reader, and every packet it yields through the whole
 * engine (packets to records), as `securaflow-sensor -r` does. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "common/record.h"
#include "sensor/pcap_file.h"
#include "sensor/sensor_engine.h"

static void drop_record(void *ctx, const sf_record *rec, const sf_txn_times *t)
{
    (void)ctx;
    (void)rec;
    (void)t;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    FILE *in = fmemopen((void *)data, size, "rb");
    if (!in)
        return 0;
    char err[256];
    sf_pcap_file *f = sf_pcap_open_stream(in, 1, err, sizeof err);
    if (!f)
        return 0;
    sf_engine_limits lim;
    sf_engine_limits_default(&lim);
    lim.memory_max = 4 << 20;
    lim.max_flows = 1024;
    sf_engine e;
    if (sf_engine_init(&e, &lim, NULL, drop_record, NULL) == 0) {
        sf_pcap_packet p;
        for (int i = 0; i < 1000 && sf_pcap_next(f, &p, err, sizeof err) == 1; i++)
            sf_engine_packet(&e, p.dlt, p.ts_us, p.data, p.caplen, p.wirelen);
        sf_engine_destroy(&e);
    }
    sf_pcap_close(f);
    return 0;
}
