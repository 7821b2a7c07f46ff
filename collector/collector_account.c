/* Switching to the data directory's owner when started as root (collector_account.h). */
#include "collector/collector_account.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int sf_collector_become_data_owner(const char *data_dir, char *err, size_t err_size)
{
    struct stat st;
    if (geteuid() != 0 || !data_dir || stat(data_dir, &st) != 0 || st.st_uid == 0)
        return 0;
    struct passwd *pw = getpwuid(st.st_uid);
    if (!pw) {
        snprintf(err, err_size, "data directory %s belongs to uid %u, which has no account",
                 data_dir, (unsigned)st.st_uid);
        return -1;
    }
    if (initgroups(pw->pw_name, pw->pw_gid) || setgid(pw->pw_gid) || setuid(pw->pw_uid)) {
        snprintf(err, err_size, "cannot become %s, the owner of %s: %s", pw->pw_name, data_dir,
                 strerror(errno));
        return -1;
    }
    if (setuid(0) == 0) { /* must be impossible now */
        snprintf(err, err_size, "privileges could not be dropped");
        return -1;
    }
    setenv("HOME", pw->pw_dir, 1); /* libpq looks for ~/.pgpass and ~/.postgresql there */
    return 0;
}
