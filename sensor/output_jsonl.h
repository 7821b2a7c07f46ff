/* JSON-lines output (-w FILE or -w -): one transaction per line with ECS-style field
 * names, for pipelines other than our collector. Safe to call from several workers. */
#ifndef SF_OUTPUT_JSONL_H
#define SF_OUTPUT_JSONL_H

#include <stdio.h>
#include "common/record.h"
#include "sensor/sensor_engine.h"

typedef struct sf_jsonl sf_jsonl;

/* path "-" = standard output. NULL on error (errno set). */
sf_jsonl *sf_jsonl_open(const char *path);
void sf_jsonl_write(sf_jsonl *o, const sf_record *rec, const sf_txn_times *times);
/* Formats one line (with its newline) into buf; returns its length, or the length it
 * would need if larger than size (like snprintf). */
size_t sf_jsonl_format(const sf_record *rec, const sf_txn_times *times, char *buf, size_t size);
void sf_jsonl_close(sf_jsonl *o);

#endif
