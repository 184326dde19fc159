/*
 * ip4_iface.c — interfaces: an IPv4 address on a device, and the glue that
 * brings the device's packets to ip4_input().
 *
 * A TUN device carries bare IP packets, so the layer installs itself as the
 * device's input. An Ethernet device has an eth_port (which strips the
 * Ethernet header) and ARP; the layer registers for EtherType 0x0800 and
 * asks ARP to report next hops it could not resolve.
 */
#include <errno.h>
#include <string.h>

#include "stack/core/log.h"
#include "stack/net/icmp.h"
#include "stack/net/ip4_addr.h"
#include "stack/net/ip4_priv.h"

static void tun_input(void *ctx, struct netdev *dev, struct pkb *p, usec_t now)
{
    (void)dev;
    struct ip4_iface *iface = ctx;
    ip4_input(iface->ip, iface, p, now);
}

static void eth_input(void *ctx, struct pkb *p, const uint8_t src_mac[ETH_ADDR_LEN], usec_t now)
{
    (void)src_mac;
    struct ip4_iface *iface = ctx;
    ip4_input(iface->ip, iface, p, now);
}

/* ARP gave up on the next hop of a datagram we sent. A host forwards
 * nothing, so the datagram came from this stack: report "host
 * unreachable" to the transport (or ping client) that sent it. */
static void arp_unreachable(void *ctx, const struct pkb *p, uint32_t nexthop, usec_t now)
{
    (void)nexthop;
    struct ip4_iface *iface = ctx;
    iface->ip->stats.out_arp_failed++;
    icmp_local_error(iface->ip->icmp, p->data, p->len, ICMP_DEST_UNREACH, ICMP_UNREACH_HOST,
                     now);
}

int ip4_add_iface(struct ip4 *ip, struct netdev *dev, struct eth_port *eth, struct arp *arp,
                  uint32_t addr, uint8_t prefix_len)
{
    if (dev == NULL || prefix_len > 32 || (eth != NULL && arp == NULL))
        return -EINVAL;
    if (ip->iface_count == IP4_MAX_IFACES)
        return -ENOSPC;

    int index = ip->iface_count;
    struct ip4_iface *iface = &ip->ifaces[index];
    memset(iface, 0, sizeof(*iface));
    iface->index = index;
    iface->dev = dev;
    iface->eth = eth;
    iface->arp = arp;
    iface->addr = addr;
    iface->prefix_len = prefix_len;
    iface->ip = ip;

    if (eth == NULL) {
        netdev_set_input(dev, tun_input, iface);
    } else {
        if (eth_register(eth, ETH_TYPE_IPV4, eth_input, iface) != 0)
            return -EEXIST;
        arp_set_unreachable_handler(arp, arp_unreachable, iface);
    }
    ip->iface_count++;

    /* The connected route: the subnet is reachable directly on this
     * interface (next hop = destination). */
    int err = ip4_route_add(ip, addr & ip4_prefix_mask(prefix_len), prefix_len, 0, index);
    if (err != 0)
        log_warn("ip4", "%s: connected route not added (%d)", dev->name, err);
    return index;
}

int ip4_iface_count(const struct ip4 *ip) { return ip->iface_count; }

const struct ip4_iface *ip4_get_iface(const struct ip4 *ip, int index)
{
    if (index < 0 || index >= ip->iface_count)
        return NULL;
    return &ip->ifaces[index];
}
