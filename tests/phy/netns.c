#define _GNU_SOURCE
/*
 * netns.c — a private network namespace for the test process (see netns.h).
 */
#include "tests/phy/netns.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Map our uid/gid to root inside a new user namespace (user_namespaces(7)),
 * so files we create keep our ids. Failure here is harmless: the
 * capabilities inside the namespace do not depend on the map. */
static void write_id_map(const char *file, const char *line)
{
    int fd = open(file, O_WRONLY | O_CLOEXEC);

    if (fd < 0)
        return;
    if (write(fd, line, strlen(line)) < 0) {
        /* ignored, see above */
    }
    close(fd);
}

int netns_enter_private(char *why, size_t whylen)
{
    uid_t uid = geteuid();
    gid_t gid = getegid();
    char line[64];
    int root_err = 0, user_err;

    if (uid == 0) {
        if (unshare(CLONE_NEWNET) == 0)
            return 0;
        root_err = errno;
    }
    if (unshare(CLONE_NEWUSER | CLONE_NEWNET) == 0) {
        write_id_map("/proc/self/setgroups", "deny");
        snprintf(line, sizeof line, "0 %u 1", (unsigned)uid);
        write_id_map("/proc/self/uid_map", line);
        snprintf(line, sizeof line, "0 %u 1", (unsigned)gid);
        write_id_map("/proc/self/gid_map", line);
        return 0;
    }
    user_err = errno;
    snprintf(why, whylen,
             "no private network namespace: unshare(CLONE_NEWNET) %s%s, "
             "unshare(CLONE_NEWUSER|CLONE_NEWNET) failed: %s",
             uid == 0 ? "failed: " : "not tried (not root)",
             uid == 0 ? strerror(root_err) : "", strerror(user_err));
    return -user_err;
}
