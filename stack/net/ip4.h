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
    /* Added by the net layer (compatible with the contract above): */
    struct ip4 *ip;         /* the stack this interface belongs to (input handlers' ctx) */
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
 * header), `quoted_len` bytes long.
 * Added guarantee: `quoted` always points into the whole ICMP message, so the
 * 8-byte ICMP header is at quoted - 8; for "fragmentation needed" (type 3
 * code 4) be16_read(quoted - 2) is the next-hop MTU (RFC 1191 §4), 0 if the
 * sender predates RFC 1191. An error raised inside the stack (ARP could not
 * resolve the next hop) arrives the same way, as a host unreachable (type 3
 * code 1) built locally. */
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

/* ------------------------------------------------------------------------
 * Added by the net layer (compatible with the contract above): building a
 * stack's IPv4 layer, its interfaces, and its counters. Routing is in
 * ip4_route.h, ICMP in icmp.h.
 * ---------------------------------------------------------------------- */

struct icmp;

/* Tunables; a zero field means "use the default" (ip4_new(NULL, ...) takes
 * every default). */
struct ip4_config {
    uint8_t default_ttl;           /* 64 (RFC 1122 §3.2.1.7: configurable) */
    usec_t reass_timeout;          /* 30 s, like Linux's ipfrag_time */
    size_t reass_max_bytes;        /* 256 KiB of fragments held per stack */
    size_t reass_max_datagrams;    /* 64 datagrams being reassembled at once */
    uint32_t icmp_error_burst;     /* 10 ICMP errors back to back ... */
    uint32_t icmp_error_rate;      /* ... then 100 per second */
};

/* Create the IPv4 layer and its ICMP module (registered as protocol 1).
 * `timers` runs the reassembly timeouts; `rng` seeds the identification
 * counter; trace may be NULL. Returns NULL when out of memory. */
struct ip4 *ip4_new(const struct ip4_config *cfg, struct timerq *timers, struct rng *rng,
                    struct trace *trace, const char *trace_node);
/* Free the layer, its ICMP module and every datagram being reassembled.
 * Detaches from the devices; does not close them. */
void ip4_free(struct ip4 *ip);

/* The ICMP module created by ip4_new (owned by ip: do not free it). */
struct icmp *ip4_icmp(struct ip4 *ip);

/* Give the layer an address on a device and add the connected route
 * addr/prefix_len. For a TUN device (eth == NULL, arp == NULL) the layer
 * installs itself with netdev_set_input(); for an Ethernet device it
 * registers EtherType 0x0800 on `eth` and the "unreachable" handler on
 * `arp` (both created by the caller). Returns the interface index, or
 * -EINVAL (bad prefix, Ethernet without arp), -ENOSPC (IP4_MAX_IFACES). */
int ip4_add_iface(struct ip4 *ip, struct netdev *dev, struct eth_port *eth, struct arp *arp,
                  uint32_t addr, uint8_t prefix_len);
int ip4_iface_count(const struct ip4 *ip);
const struct ip4_iface *ip4_get_iface(const struct ip4 *ip, int index);

/* The input handler: one received IPv4 datagram, data at the IP header
 * (the TUN and Ethernet handlers installed by ip4_add_iface call it).
 * Takes ownership of p. */
void ip4_input(struct ip4 *ip, struct ip4_iface *iface, struct pkb *p, usec_t now);

/* Counters, like `netstat -s`'s "Ip:" section (RFC 4293's ipSystemStats
 * names in the comments). Every drop has its own reason. */
struct ip4_stats {
    uint64_t in_receives;         /* InReceives: datagrams handed to ip4_input */
    uint64_t in_too_short;        /* fewer than 20 bytes */
    uint64_t in_bad_version;      /* version != 4 (RFC 1122 §3.2.1.1) */
    uint64_t in_bad_ihl;          /* IHL < 5 or header longer than the packet */
    uint64_t in_bad_total_len;    /* total length < header or > bytes received */
    uint64_t in_bad_checksum;     /* RFC 1122 §3.2.1.2 */
    uint64_t in_bad_source;       /* broadcast/multicast/loopback/class E source */
    uint64_t in_bad_options;      /* an option runs past the header */
    uint64_t in_not_for_us;       /* InAddrErrors: not ours and we do not forward */
    uint64_t in_unknown_protocol; /* InUnknownProtos: answered with protocol unreachable */
    uint64_t in_discards;         /* InDiscards: out of memory on the way in */
    uint64_t in_delivers;         /* InDelivers: handed to a transport */
    uint64_t forwarded;           /* OutForwDatagrams: always 0, a host does not forward */
    uint64_t out_requests;        /* OutRequests: datagrams the transports gave us */
    uint64_t out_no_routes;       /* OutNoRoutes */
    uint64_t out_discards;        /* OutDiscards: no memory, too big, device refused */
    uint64_t out_transmits;       /* packets handed to a device or to ARP */
    uint64_t frag_oks;            /* OutFragOKs: datagrams fragmented */
    uint64_t frag_fails;          /* OutFragFails: DF set and too big (-EMSGSIZE) */
    uint64_t frag_creates;        /* OutFragCreates: fragments made */
    uint64_t out_arp_failed;      /* datagrams ARP gave up on (host unreachable) */
};

/* Reassembly counters (RFC 4293's ReasmReqds/ReasmOKs/ReasmFails and the
 * reasons behind the failures). */
struct ip4_reass_stats {
    uint64_t fragments;          /* ReasmReqds: fragments received */
    uint64_t reassembled;        /* ReasmOKs: datagrams completed */
    uint64_t failed;             /* ReasmFails: datagrams given up (sum of the next five) */
    uint64_t timeouts;           /* ... timed out */
    uint64_t overlaps;           /* ... a fragment overlapped another (RFC 5722 policy) */
    uint64_t too_big;            /* ... would exceed 65,535 bytes */
    uint64_t inconsistent;       /* ... two different ends, or data past the end */
    uint64_t evicted;            /* ... pushed out by the memory or datagram cap */
    uint64_t duplicates;         /* exact duplicate fragments ignored */
    uint64_t bad_fragments;      /* malformed: empty, or a middle piece not a multiple of 8 */
    uint64_t mem_drops;          /* fragments dropped: bigger than the whole cap */
    uint64_t time_exceeded_asked; /* timeouts with fragment zero: ICMP 11/1 asked for */
    /* Gauges (current values, not counters). */
    uint64_t datagrams_now;      /* datagrams being reassembled */
    uint64_t bytes_now;          /* bytes charged against reass_max_bytes */
};

const struct ip4_stats *ip4_stats(const struct ip4 *ip);
const struct ip4_reass_stats *ip4_reass_stats(const struct ip4 *ip);
/* Print the IP and reassembly counters like `netstat -s` ("Ip:" section). */
void ip4_print_stats(const struct ip4 *ip, FILE *out);

/* The next identification value the layer will use (tests predict ids). */
uint16_t ip4_peek_next_id(const struct ip4 *ip);

#ifdef __cplusplus
}
#endif

#endif
