#define _GNU_SOURCE
/*
 * tuntap.c — the code TUN and TAP devices share (see tuntap.h): the kernel's
 * TUN/TAP driver (Documentation/networking/tuntap.rst) and the classic
 * interface ioctls (netdevice(7)).
 */
#include "stack/phy/tuntap.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "stack/core/log.h"

#define TUNTAP_CLONE_DEVICE "/dev/net/tun"
#define TUNTAP_ETH_HEADER_LEN 14
/* A read can return at most one IP datagram's worth. */
#define TUNTAP_MAX_FRAME 65535
/* Oversized packets skipped in one receive call before giving up for now. */
#define TUNTAP_MAX_SKIPS 64
#define TUNTAP_MAX_EINTR 8

/* The longest packet the device delivers: the MTU counts the IP packet,
 * a TAP frame carries the Ethernet header in front of it. */
static size_t max_frame_len(const struct netdev *dev)
{
    size_t header = dev->link == NETDEV_LINK_ETHERNET ? TUNTAP_ETH_HEADER_LEN : 0;

    if (dev->mtu == 0 || dev->mtu + header > TUNTAP_MAX_FRAME)
        return TUNTAP_MAX_FRAME;
    return dev->mtu + header;
}

int tuntap_drop_one(struct netdev *dev)
{
    uint8_t scratch[64];   /* more than a virtio-net header, for tun_vnet too */
    ssize_t n;

    for (int interrupted = 0;; interrupted++) {
        n = read(dev->fd, scratch, sizeof scratch);
        if (n >= 0 || errno != EINTR || interrupted >= TUNTAP_MAX_EINTR)
            break;
    }
    if (n < 0)
        return errno == EWOULDBLOCK ? -EAGAIN : -errno;
    dev->stats.rx_dropped++;
    return 0;
}

/* A buffer for the next read: the one kept from a read that delivered
 * nothing (dev->priv), if it is large enough, or a new one. */
static struct pkb *receive_buffer(struct netdev *dev, size_t max)
{
    struct pkb *p = dev->priv;

    dev->priv = NULL;
    if (p && pkb_tailroom(p) >= max)
        return p;
    pkb_free(p);   /* the MTU grew since it was kept */
    return pkb_alloc(PKB_DEFAULT_HEADROOM, max);
}

/* Read one packet into a pkb with the default headroom. The driver hands
 * over one whole packet per read(). A second, one-byte iovec catches
 * packets longer than the MTU: they are counted as drops and skipped, rather
 * than delivered cut short.
 * The event loop reads until the device has nothing more, so every batch
 * ends with a read that fails with EAGAIN. Its buffer is kept in dev->priv
 * for the next read rather than freed and allocated again: when ping keeps
 * one echo in flight, that read comes once per echo, and allocating and
 * freeing its buffer cost 134 of the stack's 2,060 instructions per echo
 * (callgrind). */
static int tuntap_receive(struct netdev *dev, struct pkb **out)
{
    size_t max = max_frame_len(dev);
    uint8_t overflow;

    for (int skipped = 0, interrupted = 0; skipped < TUNTAP_MAX_SKIPS;) {
        struct pkb *p = receive_buffer(dev, max);
        struct iovec iov[2];
        ssize_t n;

        if (!p) {   /* no buffer memory: the packet is lost, counted */
            int rc = tuntap_drop_one(dev);
            if (rc < 0)
                return rc;
            skipped++;
            continue;
        }
        iov[0] = (struct iovec){.iov_base = p->data, .iov_len = max};
        iov[1] = (struct iovec){.iov_base = &overflow, .iov_len = 1};
        n = readv(dev->fd, iov, 2);
        if (n < 0) {
            int err = errno;
            dev->priv = p;   /* nothing was read into it: keep it */
            if (err == EINTR && ++interrupted < TUNTAP_MAX_EINTR)
                continue;
            return err == EWOULDBLOCK ? -EAGAIN : -err;
        }
        if ((size_t)n > max) {
            log_debug("tuntap", "%s: dropped a %zd-byte packet over the MTU", dev->name, n);
            dev->stats.rx_dropped++;
            pkb_free(p);
            skipped++;
            continue;
        }
        pkb_put(p, (size_t)n);
        *out = p;
        return 0;
    }
    return -EAGAIN;   /* only oversized packets so far; poll again later */
}

/* Write one packet. Takes ownership of p on every path. */
static int tuntap_transmit(struct netdev *dev, struct pkb *p, usec_t now)
{
    ssize_t n;
    int rc = 0;

    (void)now;
    for (int interrupted = 0;; interrupted++) {
        n = write(dev->fd, p->data, p->len);
        if (n >= 0 || errno != EINTR || interrupted >= TUNTAP_MAX_EINTR)
            break;
    }
    if (n < 0)
        rc = errno == EWOULDBLOCK ? -EAGAIN : -errno;
    else if ((size_t)n != p->len)
        rc = -EIO;   /* the driver writes whole packets; this should not happen */
    pkb_free(p);
    return rc;
}

static void tuntap_close(struct netdev *dev)
{
    pkb_free(dev->priv);   /* the buffer kept for the next read */
    dev->priv = NULL;
    if (dev->fd >= 0)
        close(dev->fd);
    dev->fd = -1;
}

static const struct netdev_ops tuntap_ops = {
    .transmit = tuntap_transmit,
    .receive = tuntap_receive,
    .close = tuntap_close,
};

const char *tuntap_error_hint(int err)
{
    switch (-err) {
    case ENOENT:
    case ENODEV:
    case ENXIO:
        return "/dev/net/tun is missing: load the module (modprobe tun) or, in a container, "
               "pass the device in (--device /dev/net/tun)";
    case EACCES:
        return "permission denied on /dev/net/tun: run as root (sudo), or make the device "
               "node readable and writable for your user (it is often mode 0600)";
    case EPERM:
        return "not allowed: creating a TUN/TAP interface needs CAP_NET_ADMIN (run as root "
               "inside `unshare -n`, or with sudo)";
    case EBUSY:
        return "the interface name is in use by another program or device type";
    case EINVAL:
        return "bad interface name (at most 15 characters) or device type";
    default:
        return "unexpected error from the TUN/TAP driver";
    }
}

int tuntap_open(struct netdev *dev, const char *name, enum netdev_link link)
{
    struct ifreq ifr;
    int fd, err;

    if (!name || strlen(name) >= IFNAMSIZ) {
        err = -EINVAL;
        goto fail;
    }
    fd = open(TUNTAP_CLONE_DEVICE, O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        err = -errno;
        goto fail;
    }
    memset(&ifr, 0, sizeof ifr);
    /* IFF_NO_PI: no 4-byte packet-information header in front of each
     * packet, so the fd carries exactly what crosses the wire. */
    ifr.ifr_flags = (short)((link == NETDEV_LINK_ETHERNET ? IFF_TAP : IFF_TUN) | IFF_NO_PI);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        err = -errno;
        close(fd);
        goto fail;
    }
    netdev_init(dev, ifr.ifr_name, link, TUNTAP_DEFAULT_MTU, &tuntap_ops, NULL);
    dev->fd = fd;
    return 0;

fail:
    log_error("tuntap", "cannot open %s as %s: %s (%s)", TUNTAP_CLONE_DEVICE,
              name ? name : "(null)", strerror(-err), tuntap_error_hint(err));
    return err;
}

/* ---- the kernel's side ---------------------------------------------------- */

/* An ioctl on interface `ifname` through a throwaway AF_INET socket (the
 * interface ioctls of netdevice(7) need some socket to travel on). */
static int interface_ioctl(const char *ifname, unsigned long request, struct ifreq *ifr,
                           const char *what)
{
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    int rc = 0;

    if (s < 0) {
        rc = -errno;
        goto fail;
    }
    snprintf(ifr->ifr_name, sizeof ifr->ifr_name, "%s", ifname);
    if (ioctl(s, request, ifr) < 0)
        rc = -errno;
    close(s);
    if (rc == 0)
        return 0;
fail:
    log_error("tuntap", "%s: %s failed: %s", ifname, what, strerror(-rc));
    return rc;
}

static void set_ipv4(struct sockaddr *sa, uint32_t addr)
{
    struct sockaddr_in sin;

    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(addr);
    memcpy(sa, &sin, sizeof sin);
}

static int link_up(const char *ifname)
{
    struct ifreq ifr;
    int rc;

    memset(&ifr, 0, sizeof ifr);
    rc = interface_ioctl(ifname, SIOCGIFFLAGS, &ifr, "SIOCGIFFLAGS (read flags)");
    if (rc < 0)
        return rc;
    ifr.ifr_flags = (short)(ifr.ifr_flags | IFF_UP);
    return interface_ioctl(ifname, SIOCSIFFLAGS, &ifr, "SIOCSIFFLAGS (set up)");
}

int tuntap_loopback_up(void)
{
    return link_up("lo");
}

int tuntap_configure_kernel(const char *ifname, uint32_t addr, unsigned prefix_len,
                            uint32_t mtu)
{
    struct ifreq ifr;
    uint32_t netmask;
    int rc;

    if (prefix_len > 32)
        return -EINVAL;
    netmask = prefix_len == 0 ? 0 : 0xffffffffu << (32 - prefix_len);

    rc = tuntap_loopback_up();
    if (rc < 0)
        return rc;
    /* The address first: SIOCSIFADDR resets the netmask to the classful
     * default, which SIOCSIFNETMASK then replaces. */
    memset(&ifr, 0, sizeof ifr);
    set_ipv4(&ifr.ifr_addr, addr);
    rc = interface_ioctl(ifname, SIOCSIFADDR, &ifr, "SIOCSIFADDR (address)");
    if (rc < 0)
        return rc;
    memset(&ifr, 0, sizeof ifr);
    set_ipv4(&ifr.ifr_netmask, netmask);
    rc = interface_ioctl(ifname, SIOCSIFNETMASK, &ifr, "SIOCSIFNETMASK (netmask)");
    if (rc < 0)
        return rc;
    if (mtu != 0) {
        memset(&ifr, 0, sizeof ifr);
        ifr.ifr_mtu = (int)mtu;
        rc = interface_ioctl(ifname, SIOCSIFMTU, &ifr, "SIOCSIFMTU (mtu)");
        if (rc < 0)
            return rc;
    }
    return link_up(ifname);
}

int tuntap_kernel_mac(const char *ifname, uint8_t mac[ETH_ADDR_LEN])
{
    struct ifreq ifr;
    int rc;

    memset(&ifr, 0, sizeof ifr);
    rc = interface_ioctl(ifname, SIOCGIFHWADDR, &ifr, "SIOCGIFHWADDR (read MAC)");
    if (rc < 0)
        return rc;
    memcpy(mac, ifr.ifr_hwaddr.sa_data, ETH_ADDR_LEN);
    return 0;
}
