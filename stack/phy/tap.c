/*
 * tap.c — a TAP device: opened like TUN (tuntap.c), plus the stack's own MAC.
 */
#include "stack/phy/tap.h"

#include <errno.h>
#include <string.h>

#include "stack/core/log.h"

/* IEEE 802: bit 0 of the first octet marks a group (multicast) address,
 * bit 1 a locally administered one, which no vendor ever assigns. */
#define MAC_GROUP_BIT 0x01
#define MAC_LOCAL_BIT 0x02

int tap_open(struct netdev *dev, const char *name, const uint8_t mac[ETH_ADDR_LEN])
{
    uint8_t kernel_mac[ETH_ADDR_LEN];
    int rc;

    if ((mac[0] & MAC_GROUP_BIT) || !(mac[0] & MAC_LOCAL_BIT)) {
        log_error("tap", "%s: the stack's MAC must be unicast and locally administered "
                  "(02:xx:xx:xx:xx:xx)", name);
        return -EINVAL;
    }
    rc = tuntap_open(dev, name, NETDEV_LINK_ETHERNET);
    if (rc < 0)
        return rc;
    memcpy(dev->mac, mac, ETH_ADDR_LEN);

    /* Two hosts on one segment with one MAC would each drop the other's
     * frames as their own echo. */
    rc = tuntap_kernel_mac(dev->name, kernel_mac);
    if (rc == 0 && memcmp(kernel_mac, mac, ETH_ADDR_LEN) == 0) {
        log_error("tap", "%s: the stack's MAC equals the kernel side's; choose another",
                  dev->name);
        rc = -EADDRINUSE;
    }
    if (rc < 0)
        netdev_close(dev);
    return rc;
}
