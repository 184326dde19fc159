#define _GNU_SOURCE
/*
 * bench_tun.c — open a TUN device for the limit programs (see bench_tun.h).
 */
#include "tools/bench/bench_tun.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "stack/phy/tuntap.h"
#include "tools/bench/bench_util.h"

int bench_tun_open(const char *name, bool vnet, uint32_t addr, unsigned prefix_len)
{
    struct ifreq ifr;
    int fd, err;

    fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        err = -errno;
        fprintf(stderr, "bench: open /dev/net/tun: %s\n", strerror(-err));
        return err;
    }
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_flags = (short)(IFF_TUN | IFF_NO_PI | (vnet ? IFF_VNET_HDR : 0));
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        err = -errno;
        fprintf(stderr, "bench: TUNSETIFF %s: %s\n", name, strerror(-err));
        goto close_fd;
    }
    /* The kernel may now hand us unfinished checksums and large TCP
     * packets, and accepts the same from us. */
    if (vnet && ioctl(fd, TUNSETOFFLOAD, TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6) < 0) {
        err = -errno;
        fprintf(stderr, "bench: TUNSETOFFLOAD %s: %s\n", name, strerror(-err));
        goto close_fd;
    }
    err = tuntap_configure_kernel(ifr.ifr_name, addr, prefix_len, 1500);
    if (err == 0)
        err = bench_set_txqueuelen(ifr.ifr_name, BENCH_TXQUEUELEN);
    if (err < 0)
        goto close_fd;
    return fd;

close_fd:
    close(fd);
    return err;
}
