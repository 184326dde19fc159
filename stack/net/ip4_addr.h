/*
 * ip4_addr.h — IPv4 addresses (host order) and their special forms
 * (RFC 1122 §3.2.1.3, RFC 5735).
 *
 * Formatting and parsing (ip4_format_addr, ip4_parse_addr) are declared in
 * ip4.h; this header adds the masks and the classification that input
 * checks and ICMP's "never send an error about ..." rules need.
 */
#ifndef TUNLAB_NET_IP4_ADDR_H
#define TUNLAB_NET_IP4_ADDR_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define IP4_ADDR(a, b, c, d) \
    ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))
#define IP4_ADDR_ANY 0u
#define IP4_ADDR_BROADCAST 0xFFFFFFFFu

/* The netmask of a prefix length 0..32 (a shift by 32 is undefined in C,
 * hence the special case). */
static inline uint32_t ip4_prefix_mask(uint8_t prefix_len)
{
    return prefix_len == 0 ? 0 : 0xFFFFFFFFu << (32 - (prefix_len > 32 ? 32 : prefix_len));
}

static inline bool ip4_addr_in_prefix(uint32_t addr, uint32_t prefix, uint8_t prefix_len)
{
    uint32_t mask = ip4_prefix_mask(prefix_len);
    return (addr & mask) == (prefix & mask);
}

/* 224.0.0.0/4 (RFC 1112). */
static inline bool ip4_addr_is_multicast(uint32_t a) { return (a & 0xF0000000u) == 0xE0000000u; }
/* 240.0.0.0/4, "Class E" (255.255.255.255 is in it too). */
static inline bool ip4_addr_is_class_e(uint32_t a) { return (a & 0xF0000000u) == 0xF0000000u; }
/* 127.0.0.0/8: must never appear outside a host (RFC 1122 §3.2.1.3 (g)). */
static inline bool ip4_addr_is_loopback(uint32_t a) { return (a & 0xFF000000u) == 0x7F000000u; }

/* Could this be the source of a datagram that names a single host? RFC 1122
 * §3.2.2 forbids ICMP errors about the rest: zero, loopback, broadcast,
 * multicast, class E. (Subnet broadcasts need the interface: see
 * ip4_is_broadcast_for.) */
static inline bool ip4_addr_is_unicast_source(uint32_t a)
{
    return a != IP4_ADDR_ANY && !ip4_addr_is_loopback(a) && !ip4_addr_is_multicast(a) &&
           !ip4_addr_is_class_e(a);
}

/* Is `a` a broadcast address of the subnet addr/prefix_len? Accepts the
 * directed broadcast {net, -1} and the old non-standard {net, 0} form that
 * RFC 1122 §3.2.1.3 says hosts SHOULD recognise. Point-to-point prefixes
 * (/31, /32) have no broadcast address (RFC 3021). */
static inline bool ip4_is_broadcast_for(uint32_t a, uint32_t addr, uint8_t prefix_len)
{
    if (prefix_len >= 31)
        return false;
    uint32_t mask = ip4_prefix_mask(prefix_len);
    if ((a & mask) != (addr & mask))
        return false;
    return (a & ~mask) == ~mask || (a & ~mask) == 0;
}

#ifdef __cplusplus
}
#endif

#endif
