/*
 * netns.h — test helper: move the test process into a network namespace of
 * its own, so TUN/TAP devices, addresses and kernel traffic stay inside it
 * and vanish when the process exits.
 *
 * Root (as in CI) gets unshare(CLONE_NEWNET). Otherwise, or if that fails,
 * an unprivileged user namespace is tried (CLONE_NEWUSER|CLONE_NEWNET),
 * which gives CAP_NET_ADMIN inside it — though opening /dev/net/tun may
 * still be refused by the device's file mode. A test that cannot get a
 * namespace or a device must GTEST_SKIP() with the reason, never pass.
 *
 * Call it before the process starts threads (a user namespace requires a
 * single-threaded caller).
 */
#ifndef TUNLAB_TESTS_PHY_NETNS_H
#define TUNLAB_TESTS_PHY_NETNS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Returns 0, or a negative errno with the reason written to `why`. */
int netns_enter_private(char *why, size_t whylen);

#ifdef __cplusplus
}
#endif

#endif
