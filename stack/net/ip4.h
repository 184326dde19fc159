/*
 * ip4.h — the IPv4 layer (RFC 791, RFC 1122 §3.2) of one stack instance.
 *
 * CONTRACT for the layers above (implementation in ip4_*.c):
 *  - a transport registers itself with ip4_register_protocol(), giving a
 *    handler for its datagrams and one for ICMP errors about datagrams it sent
 *    (the IPv4 layer never includes a transport header);
 *  - it sends with ip4_output(), after asking ip4_source_for() which source
 *    address the route will use (TCP and UDP need it for the pseudo-header
 *    checksum before the IP header exists).
 * Interfaces are either TUN (packets go straight to the netdev) or Ethernet
 * (packets go through ARP to the next hop's MAC).
 */
#ifndef TUNLAB_NET_IP4_H
#define TUNLAB_NET_IP4_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "stack/core/clock.h"
#include "stack/core/netdev.h"
#include "stack/core/pkb.h"
#include "stack/core/rng.h"
#include "stack/core/timer.h"
#include "stack/core/trace.h"
#include "stack/link/arp.h"
#include "stack/link/ethernet.h"

#ifdef __cplusplus
extern "C" {
#endif

#define IP4_PROTO_ICMP 1
#define IP4_PROTO_TCP 6
#define IP4_PROTO_UDP 17

#define IP4_MAX_IFACES 4
#define IP4_DEFAULT_TTL 64

struct ip4;

/* One IPv4 address on one device. */
struct ip4_iface {
    int index;
    struct netdev *dev;
    struct eth_port *eth;   /* NULL on TUN */
    struct arp *arp;        /* NULL on TUN */
    uint32_t addr;          /* host order */
    uint8_t prefix_len;
};

/* What the IPv4 layer tells a transport about a datagram it delivers.
 * The pkb's data starts at the transport header and its length is the IP
 * payload length; p->network_header points at the IP header. */
struct ip4_rx_info {
    uint32_t src, dst;      /* host order */
    uint8_t protocol, ttl, tos;
    bool dst_is_broadcast;
    const struct ip4_iface *iface;
};

typedef void (*ip4_input_fn)(void *ctx, struct pkb *p, const struct ip4_rx_info *info,
                             usec_t now);

/* An ICMP error arrived about a datagram this protocol sent. `quoted` points
 * at the quoted IP header (followed by at least 8 bytes of our transport
 * header), `quoted_len` bytes long. */
typedef void (*ip4_error_fn)(void *ctx, uint8_t icmp_type, uint8_t icmp_code,
                             const uint8_t *quoted, size_t quoted_len, usec_t now);

int ip4_register_protocol(struct ip4 *ip, uint8_t protocol, ip4_input_fn input,
                          ip4_error_fn error, void *ctx);

/* Per-datagram choices for ip4_output_ex. */
struct ip4_tx_opts {
    uint8_t ttl;     /* 0 = IP4_DEFAULT_TTL */
    uint8_t tos;
    bool dont_fragment;
};

/* Which source address a datagram to dst would carry (the address of the
 * route's interface); 0 if there is no route. */
uint32_t ip4_source_for(struct ip4 *ip, uint32_t dst);

/* Send the transport segment in p (data at the transport header) to dst.
 * src == 0 means ip4_source_for(dst). Prepends the IP header (p must have
 * headroom), fragments if the datagram exceeds the interface MTU, routes and
 * transmits. Takes ownership of p in every case. Returns 0, or a negative
 * errno: -ENETUNREACH (no route), -EMSGSIZE (DF set and too big), -ENOBUFS. */
int ip4_output(struct ip4 *ip, struct pkb *p, uint32_t src, uint32_t dst, uint8_t protocol,
               usec_t now);
int ip4_output_ex(struct ip4 *ip, struct pkb *p, uint32_t src, uint32_t dst,
                  uint8_t protocol, const struct ip4_tx_opts *opts, usec_t now);

/* Is addr one of ours (or a broadcast address we accept)? */
bool ip4_is_local(const struct ip4 *ip, uint32_t addr);

/* "10.0.0.2" (out >= 16 bytes); parse returns 0 or -1. */
void ip4_format_addr(uint32_t addr, char *out, size_t outlen);
int ip4_parse_addr(const char *text, uint32_t *addr);

#ifdef __cplusplus
}
#endif

#endif
