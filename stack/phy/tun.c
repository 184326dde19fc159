/*
 * tun.c — a TUN device: everything is shared with TAP in tuntap.c; a TUN
 * device only differs in carrying IP packets.
 */
#include "stack/phy/tun.h"

int tun_open(struct netdev *dev, const char *name)
{
    return tuntap_open(dev, name, NETDEV_LINK_IP);
}
