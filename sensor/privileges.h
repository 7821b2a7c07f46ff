/* Dropping root after the capture is open (design.md requirement 13). */
#ifndef SF_PRIVILEGES_H
#define SF_PRIVILEGES_H

#include <stddef.h>

/* Switches to user's uid/gid and supplementary groups, forbids regaining privileges,
 * and checks that root cannot be regained. Returns 0 or -1 with err set. */
int sf_drop_privileges(const char *user, char *err, size_t err_size);

#endif
