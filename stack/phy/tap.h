/*
 * tap.h — a TAP device: the kernel and the stack exchange Ethernet II
 * frames, so the two ends are two hosts on one Ethernet segment, each with
 * its own MAC, and the stack must answer the kernel's ARP requests.
 *
 *   static const uint8_t mac[6] = {0x02, 0x00, 0x00, 0x00, 0x01, 0x02};
 *   struct netdev tap;
 *   if (tap_open(&tap, "tap0", mac) < 0) ...
 *   tuntap_configure_kernel("tap0", 0x0a000101, 24, 1500);   // kernel: 10.0.1.1/24
 */
#ifndef TUNLAB_PHY_TAP_H
#define TUNLAB_PHY_TAP_H

#include <stdint.h>

#include "stack/core/netdev.h"
#include "stack/phy/tuntap.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Open (create) TAP interface `name` as a NETDEV_LINK_ETHERNET netdev with
 * MTU 1500 and a non-blocking fd. The stack's end gets `mac`, which must be
 * a unicast, locally administered address (first octet with bit 1 set and
 * bit 0 clear, like 02:...) different from the kernel end's MAC.
 * Returns 0; -EINVAL for an unsuitable MAC; -EADDRINUSE if the kernel's end
 * has the same MAC; or another negative errno from tuntap_open(). */
int tap_open(struct netdev *dev, const char *name, const uint8_t mac[ETH_ADDR_LEN]);

#ifdef __cplusplus
}
#endif

#endif
