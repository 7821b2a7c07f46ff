/* Starter traffic: deterministic synthetic normal API traffic (a small shop API: users,
 * products, orders, login, search), used at build time to train the starter model that
 * scores records before the collector has seen enough real traffic to train its own. */
#ifndef SF_STARTER_TRAFFIC_H
#define SF_STARTER_TRAFFIC_H

#include <stddef.h>
#include <stdint.h>

#include "collector/ingest_job.h"

/* Fills items[0..n) with prepared normal records spread over 24 h ending at end_us,
 * from about n/50 clients. Deterministic for a seed. */
void sf_starter_traffic(sf_ingest_item *items, size_t n, uint64_t seed, int64_t end_us);

#endif
