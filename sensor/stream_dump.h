/* Stream-dump mode: writes each reassembled TCP connection to a file, both directions
 * in the order their bytes became available, with "[N bytes missing]" where a gap
 * was skipped. The format is PcapPlusPlus's TcpReassembly example output, so its
 * expected files check our reassembly byte for byte. */
#ifndef SF_STREAM_DUMP_H
#define SF_STREAM_DUMP_H

#include <stddef.h>
#include <stdint.h>
#include "sensor/flow_table.h"

typedef struct sf_stream_dump sf_stream_dump;

/* dir: output directory (created if missing). separate_sides: one file per direction
 * (named by that direction's "src.port-dst.port"), else one per connection. */
sf_stream_dump *sf_stream_dump_new(const char *dir, int separate_sides, int metadata);
void sf_stream_dump_free(sf_stream_dump *d);
void sf_stream_dump_data(sf_stream_dump *d, sf_flow *f, int side, const uint8_t *p, size_t len);
void sf_stream_dump_gap(sf_stream_dump *d, sf_flow *f, int side, uint32_t len);
void sf_stream_dump_close(sf_stream_dump *d, sf_flow *f);

#endif
