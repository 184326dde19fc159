/*
 * tun.h — a TUN device: the kernel and the stack exchange bare IP packets
 * (no link-layer header), so the stack needs no ARP.
 *
 *   struct netdev tun;
 *   if (tun_open(&tun, "tun0") < 0) ...            // needs CAP_NET_ADMIN
 *   tuntap_configure_kernel("tun0", 0x0a000001, 24, 1500);   // kernel: 10.0.0.1/24
 *   netdev_set_input(&tun, ip4_input, &ip);       // the stack is 10.0.0.2
 *   ... poll tun.fd, netdev_poll(&tun, 64, now) ...
 *   netdev_close(&tun);
 */
#ifndef TUNLAB_PHY_TUN_H
#define TUNLAB_PHY_TUN_H

#include "stack/core/netdev.h"
#include "stack/phy/tuntap.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Open (create) TUN interface `name` as a NETDEV_LINK_IP netdev with MTU
 * 1500 and a non-blocking fd. Returns 0 or a negative errno (logged, with
 * what to do about it). */
int tun_open(struct netdev *dev, const char *name);

#ifdef __cplusplus
}
#endif

#endif
