/* Turning a paired transaction into the collector's record (common/record.h):
 * addresses by role, the URL split into path and query with secret values redacted,
 * times in microseconds. Authorization and cookies never reach this point. */
#ifndef SF_TRANSACTION_RECORD_H
#define SF_TRANSACTION_RECORD_H

#include <stddef.h>
#include "common/record.h"
#include "sensor/flow_table.h"
#include "sensor/http_conn.h"
#include "sensor/sensor_engine.h"

/* Storage for the record's strings that are not already in the transaction: the record
 * borrows them (and the transaction's fields) instead of allocating ten strings per
 * transaction. Lives on the caller's stack for the duration of the emit callback. */
typedef struct sf_record_text {
    char caddr[64], saddr[64], ipaddr[64], version[16];
    char path[SF_ENDPOINT_MAX + 1], endpoint[SF_ENDPOINT_MAX + 1], query[SF_QUERY_MAX + 1];
} sf_record_text;

/* Fills rec (initialised by the caller, not to be cleared: its strings point into text
 * and t) and times. Returns 0. */
int sf_txn_to_record(const sf_txn *t, const sf_flow *f, const sf_record_options *opt,
                     sf_record *rec, sf_txn_times *times, sf_record_text *text);

/* Copies query into out (size bytes) with the values of secret keys replaced by
 * "REDACTED"; returns the length written. Keys compare case-insensitively. */
size_t sf_redact_query(const char *query, size_t len, const sf_record_options *opt, char *out,
                       size_t size);

/* Text form of one side's address. */
void sf_flow_addr_text(const sf_flow *f, int side, char *out, size_t size);

#endif
