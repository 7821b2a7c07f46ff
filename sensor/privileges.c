/* Privilege drop: the capture socket stays usable after setuid because it is already
 * open; from then on packets are parsed as the unprivileged user. */
#include "sensor/privileges.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

int sf_drop_privileges(const char *user, char *err, size_t err_size)
{
    struct passwd *pw = getpwnam(user);
    if (!pw) {
        snprintf(err, err_size, "unknown user '%s'", user);
        return -1;
    }
    if (geteuid() != 0 && geteuid() == pw->pw_uid)
        return 0;               /* already that user (e.g. started by systemd) */
    if (initgroups(pw->pw_name, pw->pw_gid) < 0 || setgid(pw->pw_gid) < 0 ||
        setuid(pw->pw_uid) < 0) {
        snprintf(err, err_size, "cannot switch to user '%s': %s", user, strerror(errno));
        return -1;
    }
    if (pw->pw_uid != 0 && (setuid(0) == 0 || seteuid(0) == 0)) {
        snprintf(err, err_size, "privileges could be regained after switching to '%s'", user);
        return -1;
    }
    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    return 0;
}
