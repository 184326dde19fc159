/*
 * ip4_priv.h — the IPv4 layer's state, shared by the ip4_*.c files and
 * icmp*.c (not for the layers above: they use ip4.h).
 */
#ifndef TUNLAB_NET_IP4_PRIV_H
#define TUNLAB_NET_IP4_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "stack/net/ip4.h"
#include "stack/net/ip4_hdr.h"
#include "stack/net/ip4_reass.h"
#include "stack/net/ip4_route.h"

#ifdef __cplusplus
extern "C" {
#endif

#define IP4_MAX_PROTOCOLS 8

struct ip4_protocol {
    uint8_t protocol;
    ip4_input_fn input;
    ip4_error_fn error;
    void *ctx;
};

struct ip4 {
    struct ip4_config cfg;        /* defaults filled in */
    struct timerq *timers;
    struct trace *trace;
    char trace_node[TRACE_NODE_LEN];

    struct ip4_iface ifaces[IP4_MAX_IFACES];   /* fixed: handlers keep pointers */
    int iface_count;

    struct ip4_route routes[IP4_MAX_ROUTES];
    int route_count;

    struct ip4_protocol protocols[IP4_MAX_PROTOCOLS];
    int protocol_count;

    uint16_t next_id;             /* RFC 791 identification, seeded from the rng */
    struct ip4_reass reass;
    struct icmp *icmp;
    struct ip4_stats stats;
};

const struct ip4_protocol *ip4_find_protocol(const struct ip4 *ip, uint8_t protocol);

/* Is dst a broadcast address for any of our interfaces (or limited
 * broadcast 255.255.255.255 / the old 0.0.0.0 form)? */
bool ip4_is_broadcast(const struct ip4 *ip, uint32_t dst);

/* Hand an ICMP error to the transport that sent the quoted datagram
 * (RFC 1122 §3.2.2: the protocol number is taken from the quoted header).
 * `quoted` points inside a whole ICMP message (see ip4_error_fn). Returns
 * 0, or -ENOENT if no transport is registered for the quoted protocol. */
int ip4_deliver_error(struct ip4 *ip, uint8_t type, uint8_t code, const uint8_t *quoted,
                      size_t quoted_len, usec_t now);

/* Send a finished IP packet (data at the IP header) out of iface to
 * next hop `nexthop`: the device on TUN, ARP on Ethernet. Takes
 * ownership. */
int ip4_transmit(struct ip4 *ip, struct ip4_iface *iface, struct pkb *p, uint32_t nexthop,
                 usec_t now);

/* Send the datagram whose header is h and whose data is all of p, in
 * fragments that fit iface's MTU (ip4_frag.c). Takes ownership of p. */
int ip4_fragment(struct ip4 *ip, struct ip4_iface *iface, struct pkb *p,
                 const struct ip4_hdr *h, uint32_t nexthop, usec_t now);

/* The ICMP module's constructor and destructor (icmp.c), called by
 * ip4_new/ip4_free. */
struct icmp *icmp_new(struct ip4 *ip, uint32_t error_burst, uint32_t error_rate,
                      struct trace *trace, const char *trace_node);
void icmp_free(struct icmp *icmp);

/* A datagram we sent could not leave (ARP gave up on its next hop): tell
 * its sender, a transport or the ping client in this stack, as if a host
 * unreachable had arrived (icmp.c builds the message and dispatches it).
 * `datagram` points at the IP header, `len` bytes. */
void icmp_local_error(struct icmp *icmp, const uint8_t *datagram, size_t len, uint8_t type,
                      uint8_t code, usec_t now);

#ifdef __cplusplus
}
#endif

#endif
