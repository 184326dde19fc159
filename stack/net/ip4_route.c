/*
 * ip4_route.c — the routing table and its longest-prefix match.
 */
#include <errno.h>
#include <string.h>

#include "stack/net/ip4_addr.h"
#include "stack/net/ip4_priv.h"

/* The interface whose connected subnet holds addr, or -1. */
static int iface_covering(const struct ip4 *ip, uint32_t addr)
{
    int best = -1;
    for (int i = 0; i < ip->iface_count; i++) {
        const struct ip4_iface *f = &ip->ifaces[i];
        if (ip4_addr_in_prefix(addr, f->addr, f->prefix_len) &&
            (best < 0 || f->prefix_len > ip->ifaces[best].prefix_len))
            best = i;
    }
    return best;
}

int ip4_route_add(struct ip4 *ip, uint32_t prefix, uint8_t prefix_len, uint32_t gateway,
                  int ifindex)
{
    if (prefix_len > 32 || ifindex >= ip->iface_count || ifindex < -1)
        return -EINVAL;
    if (ifindex == -1) {
        ifindex = iface_covering(ip, gateway != 0 ? gateway : prefix);
        if (ifindex < 0)
            return gateway != 0 ? -ENETUNREACH : -EINVAL;
    }
    prefix &= ip4_prefix_mask(prefix_len);

    struct ip4_route *slot = NULL;
    for (int i = 0; i < ip->route_count; i++)
        if (ip->routes[i].prefix == prefix && ip->routes[i].prefix_len == prefix_len)
            slot = &ip->routes[i];   /* same destination: replace it */
    if (slot == NULL) {
        if (ip->route_count == IP4_MAX_ROUTES)
            return -ENOSPC;
        slot = &ip->routes[ip->route_count++];
    }
    slot->prefix = prefix;
    slot->prefix_len = prefix_len;
    slot->gateway = gateway;
    slot->ifindex = ifindex;
    return 0;
}

int ip4_route_del(struct ip4 *ip, uint32_t prefix, uint8_t prefix_len)
{
    prefix &= ip4_prefix_mask(prefix_len);
    for (int i = 0; i < ip->route_count; i++) {
        if (ip->routes[i].prefix == prefix && ip->routes[i].prefix_len == prefix_len) {
            memmove(&ip->routes[i], &ip->routes[i + 1],
                    (size_t)(ip->route_count - i - 1) * sizeof(ip->routes[0]));
            ip->route_count--;
            return 0;
        }
    }
    return -ENOENT;
}

const struct ip4_route *ip4_route_lookup(const struct ip4 *ip, uint32_t dst)
{
    /* Longest-prefix match: among the routes that cover dst, the longest
     * prefix is the most specific and wins. */
    const struct ip4_route *best = NULL;
    for (int i = 0; i < ip->route_count; i++) {
        const struct ip4_route *rt = &ip->routes[i];
        if (ip4_addr_in_prefix(dst, rt->prefix, rt->prefix_len) &&
            (best == NULL || rt->prefix_len > best->prefix_len))
            best = rt;
    }
    return best;
}

int ip4_route_count(const struct ip4 *ip) { return ip->route_count; }

void ip4_route_print(const struct ip4 *ip, FILE *out)
{
    char prefix[16], gateway[16], src[16];
    for (int i = 0; i < ip->route_count; i++) {
        const struct ip4_route *rt = &ip->routes[i];
        const struct ip4_iface *f = &ip->ifaces[rt->ifindex];
        ip4_format_addr(rt->prefix, prefix, sizeof(prefix));
        ip4_format_addr(rt->gateway, gateway, sizeof(gateway));
        ip4_format_addr(f->addr, src, sizeof(src));
        if (rt->prefix_len == 0)
            fprintf(out, "default");
        else
            fprintf(out, "%s/%u", prefix, (unsigned)rt->prefix_len);
        if (rt->gateway != 0)
            fprintf(out, " via %s dev %s\n", gateway, f->dev->name);
        else
            fprintf(out, " dev %s scope link src %s\n", f->dev->name, src);
    }
}
