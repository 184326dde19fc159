#define _GNU_SOURCE
/*
 * tun_vnet.c — the TUN device in offload mode (see tun_vnet.h): reads and
 * writes with the virtio-net header in front of every packet.
 *
 * Reading: one readv() into three pieces — the 10-byte header, a
 * full-sized packet buffer, and the rest of a 64 KiB buffer. A packet that
 * fits the first buffer (an ACK, a ping) costs no more than on a plain TUN
 * device; a large one has its first 1514 bytes copied over to the big
 * buffer, and the small buffer is kept for the next read.
 *
 * Writing: packets queue in the device until the flush, which hands runs of
 * joinable TCP segments to writev() as one packet — header, then each
 * segment's payload straight from its own buffer, with no copy.
 */
#include "stack/phy/tun_vnet.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>

#include "stack/core/log.h"
#include "stack/phy/tuntap.h"
#include "stack/phy/vnet_gso.h"

/* The first buffer of a read: a full-sized packet, TAP frame included. */
#define VNET_SMALL_LEN 1514
#define VNET_MAX_EINTR 8
/* Packets one receive call may drop before it lets the loop run again. */
#define VNET_MAX_SKIPS 64

struct vnet_dev {
    struct pkb_queue pending;   /* transmitted, not yet written */
    struct pkb *small, *big;    /* the next read's buffers */
    struct tun_vnet_stats stats;
};

/* ---- reading ------------------------------------------------------- */

/* Have both read buffers ready. Returns 0 or -ENOMEM. */
static int refill(struct vnet_dev *v)
{
    if (!v->small)
        v->small = pkb_alloc(PKB_DEFAULT_HEADROOM, VNET_SMALL_LEN);
    if (!v->big)
        v->big = pkb_alloc(PKB_DEFAULT_HEADROOM, VNET_GSO_MAX_LEN);
    return v->small && v->big ? 0 : -ENOMEM;
}

static ssize_t read_packet(struct netdev *dev, struct vnet_dev *v, struct vnet_hdr *h)
{
    struct iovec iov[3] = {
        {.iov_base = h, .iov_len = VNET_HDR_LEN},
        {.iov_base = v->small->data, .iov_len = VNET_SMALL_LEN},
        {.iov_base = v->big->data + VNET_SMALL_LEN,
         .iov_len = VNET_GSO_MAX_LEN - VNET_SMALL_LEN},
    };
    ssize_t n;

    for (int interrupted = 0;; interrupted++) {
        n = readv(dev->fd, iov, 3);
        if (n >= 0 || errno != EINTR || interrupted >= VNET_MAX_EINTR)
            return n;
    }
}

static int vnet_receive(struct netdev *dev, struct pkb **out)
{
    struct vnet_dev *v = dev->priv;

    for (int skipped = 0; skipped < VNET_MAX_SKIPS; skipped++) {
        struct vnet_hdr h;
        struct pkb *p;
        ssize_t n;

        if (refill(v) < 0) {   /* no buffer memory: the packet is lost, counted */
            int rc = tuntap_drop_one(dev);
            if (rc < 0)
                return rc;
            continue;
        }
        n = read_packet(dev, v, &h);
        if (n < 0)
            return errno == EWOULDBLOCK ? -EAGAIN : -errno;
        if ((size_t)n <= VNET_HDR_LEN) {
            v->stats.rx_bad_header++;   /* no packet behind the header */
            dev->stats.rx_dropped++;
            continue;
        }
        n -= (ssize_t)VNET_HDR_LEN;
        if ((size_t)n <= VNET_SMALL_LEN) {
            p = v->small;
            v->small = NULL;
        } else {
            p = v->big;
            v->big = NULL;
            memcpy(p->data, v->small->data, VNET_SMALL_LEN);
            v->stats.rx_large++;
        }
        pkb_put(p, (size_t)n);
        if (vnet_finish_checksum(&h, p->data, p->len) < 0) {
            v->stats.rx_bad_header++;
            dev->stats.rx_dropped++;
            pkb_free(p);
            continue;
        }
        if (h.flags & VNET_HDR_F_NEEDS_CSUM)
            v->stats.rx_csum_finished++;
        *out = p;
        return 0;
    }
    return -EAGAIN;   /* only dropped packets so far; poll again later */
}

/* ---- writing ------------------------------------------------------- */

/* Write ps[0..n) as one packet: a joined run when n > 1. Frees them. */
static void write_run(struct netdev *dev, struct vnet_dev *v, struct pkb **ps, size_t n)
{
    struct vnet_hdr vh;
    uint8_t headers[VNET_GSO_MAX_HDR];
    struct iovec iov[VNET_GSO_MAX_SEGS + 2];
    size_t iovcnt = 0, total = 0;
    ssize_t written;

    iov[iovcnt++] = (struct iovec){.iov_base = &vh, .iov_len = VNET_HDR_LEN};
    if (n == 1) {
        memset(&vh, 0, sizeof vh);   /* finished checksum, nothing to split */
        iov[iovcnt++] = (struct iovec){.iov_base = ps[0]->data, .iov_len = ps[0]->len};
        total = ps[0]->len;
    } else {
        size_t hdr_len = vnet_gso_build(ps, n, headers, &vh);
        iov[iovcnt++] = (struct iovec){.iov_base = headers, .iov_len = hdr_len};
        total = hdr_len;
        for (size_t i = 0; i < n; i++) {
            iov[iovcnt++] = (struct iovec){.iov_base = ps[i]->data + hdr_len,
                                           .iov_len = ps[i]->len - hdr_len};
            total += ps[i]->len - hdr_len;
        }
        v->stats.tx_joined_packets++;
        v->stats.tx_joined_segments += n;
    }
    for (int interrupted = 0;; interrupted++) {
        written = writev(dev->fd, iov, (int)iovcnt);
        if (written >= 0 || errno != EINTR || interrupted >= VNET_MAX_EINTR)
            break;
    }
    v->stats.tx_writes++;
    if (written != (ssize_t)(total + VNET_HDR_LEN)) {
        v->stats.tx_errors++;
        dev->stats.tx_dropped += n;
    }
    for (size_t i = 0; i < n; i++)
        pkb_free(ps[i]);
}

static const struct netdev_ops vnet_ops;

void tun_vnet_flush(struct netdev *dev, usec_t now)
{
    struct vnet_dev *v = dev->priv;
    struct pkb *batch[VNET_GSO_MAX_SEGS];

    (void)now;
    if (dev->ops != &vnet_ops || !v)
        return;   /* not (or no longer) an offload device */
    while (v->pending.count > 0) {
        size_t filled = 0, i = 0;

        while (filled < VNET_GSO_MAX_SEGS && v->pending.count > 0)
            batch[filled++] = pkb_queue_pop(&v->pending);
        while (i < filled) {
            size_t n = vnet_gso_run_length(batch + i, filled - i);
            write_run(dev, v, batch + i, n);
            i += n;
        }
    }
}

/* Queue p for the flush. Always succeeds: the queue is bounded by writing
 * it out when it is full. */
static int vnet_transmit(struct netdev *dev, struct pkb *p, usec_t now)
{
    struct vnet_dev *v = dev->priv;

    pkb_queue_push(&v->pending, p);
    if (v->pending.count >= TUN_VNET_MAX_PENDING)
        tun_vnet_flush(dev, now);
    return 0;
}

/* ---- opening and closing --------------------------------------------- */

static void vnet_close(struct netdev *dev)
{
    struct vnet_dev *v = dev->priv;

    if (v) {
        tun_vnet_flush(dev, 0);
        pkb_free(v->small);
        pkb_free(v->big);
        free(v);
        dev->priv = NULL;
    }
    if (dev->fd >= 0)
        close(dev->fd);
    dev->fd = -1;
}

static const struct netdev_ops vnet_ops = {
    .transmit = vnet_transmit,
    .receive = vnet_receive,
    .close = vnet_close,
};

int tun_vnet_open(struct netdev *dev, const char *name)
{
    struct ifreq ifr;
    struct vnet_dev *v;
    int fd, err;

    if (!name || strlen(name) >= IFNAMSIZ)
        return -EINVAL;
    v = calloc(1, sizeof *v);
    if (!v)
        return -ENOMEM;
    pkb_queue_init(&v->pending);
    fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        err = -errno;
        goto fail;
    }
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_flags = IFF_TUN | IFF_NO_PI | IFF_VNET_HDR;
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
    /* TUN_F_CSUM: we take packets whose checksum is unfinished; TSO4: and
     * TCP segments of up to 64 KiB. The kernel then stops doing both in
     * software before handing packets to us. */
    if (ioctl(fd, TUNSETIFF, &ifr) < 0 ||
        ioctl(fd, TUNSETOFFLOAD, TUN_F_CSUM | TUN_F_TSO4) < 0) {
        err = -errno;
        close(fd);
        goto fail;
    }
    netdev_init(dev, ifr.ifr_name, NETDEV_LINK_IP, TUN_VNET_MTU, &vnet_ops, v);
    dev->fd = fd;
    return 0;

fail:
    free(v);
    log_error("tun_vnet", "cannot open %s with offloads: %s (%s)", name, strerror(-err),
              tuntap_error_hint(err));
    return err;
}

struct tun_vnet_stats tun_vnet_stats(const struct netdev *dev)
{
    const struct vnet_dev *v = dev->priv;
    struct tun_vnet_stats none = {0};

    return dev->ops == &vnet_ops && v ? v->stats : none;
}
