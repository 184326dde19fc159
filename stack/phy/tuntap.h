/*
 * tuntap.h — what TUN and TAP devices share: opening /dev/net/tun, reading
 * and writing whole packets on its non-blocking fd, and configuring the
 * kernel's side of the interface.
 *
 * A TUN/TAP interface has two ends. The program holds the fd: what it
 * writes, the kernel receives on the interface; what the kernel sends out of
 * the interface, the program reads. The kernel's end has its own address
 * (10.0.0.1) and, for TAP, its own MAC; the stack on the fd is a different
 * host (10.0.0.2) with a different MAC.
 *
 *     kernel (ping, curl)  ── tun0, 10.0.0.1 ──  fd  ── tunlab stack, 10.0.0.2
 *
 * Open the device with tun_open() (tun.h) or tap_open() (tap.h); both end
 * up in tuntap_open(). Everything here needs CAP_NET_ADMIN: run it as root
 * inside a network namespace of its own (`unshare -n`), never on the
 * machine's real network.
 */
#ifndef TUNLAB_PHY_TUNTAP_H
#define TUNLAB_PHY_TUNTAP_H

#include <stdint.h>

#include "stack/core/netdev.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TUNTAP_DEFAULT_MTU 1500

/* Open /dev/net/tun and create (or attach to) interface `name` as a netdev:
 * a TUN device (bare IP packets) for NETDEV_LINK_IP, a TAP device (Ethernet
 * frames) for NETDEV_LINK_ETHERNET. `name` may hold "%d" ("tun%d") for the
 * kernel to pick a number; dev->name gets the name it chose. The fd is
 * non-blocking and close-on-exec; netdev_close() closes it (and frees the
 * receive buffer the device keeps between reads in dev->priv). The MTU is
 * TUNTAP_DEFAULT_MTU; a TAP device's MAC is left zero for tap_open() to set.
 * Returns 0 or a negative errno, after logging a message that says what to
 * do about it (tuntap_error_hint). */
int tuntap_open(struct netdev *dev, const char *name, enum netdev_link link);

/* Drop the next packet waiting on a TUN/TAP device without a buffer for it:
 * for when pkb_alloc() refused (the memory limit, pkb.h). The packet is read
 * into a few bytes of scratch space (the driver discards the rest of it) and
 * counted in rx_dropped, so the kernel's queue keeps draining and the event
 * loop neither stops nor spins on a device that stays readable.
 * Returns 0 (one dropped), -EAGAIN (none waited) or a negative errno. */
int tuntap_drop_one(struct netdev *dev);

/* One sentence on why opening a TUN/TAP device failed with `err` (a
 * negative errno) and what to do: "/dev/net/tun does not exist ...". */
const char *tuntap_error_hint(int err);

/* Configure the kernel's side of interface `ifname` in the current network
 * namespace, as `ip addr add ADDR/PREFIX dev IF; ip link set IF mtu MTU up`
 * would, with ioctls on an AF_INET socket: address `addr` (host order,
 * 10.0.0.1 = 0x0a000001) with `prefix_len` bits of netmask, `mtu` (0 leaves
 * the kernel's), and the link up. Also brings up `lo`, which a new namespace
 * starts with down. Returns 0 or a negative errno (and logs which step
 * failed). */
int tuntap_configure_kernel(const char *ifname, uint32_t addr, unsigned prefix_len,
                            uint32_t mtu);

/* Bring up the loopback interface `lo` of the current namespace. */
int tuntap_loopback_up(void);

/* The MAC address of the kernel's side of an Ethernet interface (the one
 * the kernel puts in its ARP requests). Returns 0 or a negative errno. */
int tuntap_kernel_mac(const char *ifname, uint8_t mac[ETH_ADDR_LEN]);

#ifdef __cplusplus
}
#endif

#endif
