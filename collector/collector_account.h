/* The account the collector acts as. Run as root (an operator's `token create` on a
 * packaged install, say), it becomes the owner of its existing data directory before
 * touching anything, so the embedded PostgreSQL and every file keep the service
 * account as their owner and the service can still use them afterwards. */
#ifndef SF_COLLECTOR_ACCOUNT_H
#define SF_COLLECTOR_ACCOUNT_H

#include <stddef.h>

/* If running as root and data_dir exists and belongs to another user, switches the
 * process (groups, gid, uid, HOME) to that user. Returns 0 (also when nothing had to
 * change) or -1 with err set. */
int sf_collector_become_data_owner(const char *data_dir, char *err, size_t err_size);

#endif
