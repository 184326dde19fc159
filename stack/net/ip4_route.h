/*
 * ip4_route.h — the routing table: which interface and next hop a datagram
 * to a destination leaves by.
 *
 * Longest-prefix match (RFC 1812 §5.2.4.3, "the route with the longest
 * prefix wins"): of all routes whose prefix covers the destination, the one
 * with the longest prefix length is chosen, so 10.0.0.0/24 beats
 * 10.0.0.0/8, which beats the default route 0.0.0.0/0. A linear scan of a
 * small array is enough for a host with a handful of routes and is easy to
 * read; a router would use a trie.
 *
 * ip4_add_iface() adds the connected route of each interface; the default
 * route (0.0.0.0/0 via a gateway) is added by the caller.
 */
#ifndef TUNLAB_NET_IP4_ROUTE_H
#define TUNLAB_NET_IP4_ROUTE_H

#include <stdint.h>
#include <stdio.h>

#include "stack/net/ip4.h"

#ifdef __cplusplus
extern "C" {
#endif

#define IP4_MAX_ROUTES 32

struct ip4_route {
    uint32_t prefix;       /* host order, host bits zero */
    uint8_t prefix_len;    /* 0..32 */
    uint32_t gateway;      /* next hop; 0 = directly connected (next hop = destination) */
    int ifindex;           /* interface the datagram leaves by */
};

/* Add prefix/prefix_len via gateway on interface ifindex. ifindex -1 picks
 * the interface whose connected subnet holds the gateway (or, with no
 * gateway, the prefix). A route with the same prefix and length is
 * replaced. Returns 0, or -EINVAL (bad length, no such interface),
 * -ENETUNREACH (no interface reaches the gateway), -ENOSPC (table full). */
int ip4_route_add(struct ip4 *ip, uint32_t prefix, uint8_t prefix_len, uint32_t gateway,
                  int ifindex);

/* Remove the route for exactly prefix/prefix_len. Returns 0 or -ENOENT. */
int ip4_route_del(struct ip4 *ip, uint32_t prefix, uint8_t prefix_len);

/* The longest-prefix match for dst, or NULL if no route covers it. The
 * pointer is valid until the table changes. */
const struct ip4_route *ip4_route_lookup(const struct ip4 *ip, uint32_t dst);

int ip4_route_count(const struct ip4 *ip);

/* Print the table like `ip route`:
 *   default via 10.0.0.1 dev tun0
 *   10.0.0.0/24 dev tun0 scope link src 10.0.0.2 */
void ip4_route_print(const struct ip4 *ip, FILE *out);

#ifdef __cplusplus
}
#endif

#endif
