/*
 * arp.h — ARP (RFC 826) for IPv4 over Ethernet: the step between "the next
 * hop is 10.0.1.1" and "send the frame to 52:54:00:12:34:56".
 *
 * CONTRACT (implementation in arp.c): the IPv4 layer calls arp_output() for
 * every packet leaving an Ethernet interface. If the next hop's MAC is in the
 * cache the frame leaves at once; otherwise the packet waits in a bounded
 * queue on an INCOMPLETE entry, one request is broadcast, requests are
 * retried a bounded number of times, and when the reply arrives the queue is
 * flushed. When resolution fails, the queued packets are handed to the
 * unreachable handler (the IPv4 layer turns them into "host unreachable"
 * for their senders) and freed.
 */
#ifndef TUNLAB_LINK_ARP_H
#define TUNLAB_LINK_ARP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "stack/core/clock.h"
#include "stack/core/pkb.h"
#include "stack/core/timer.h"
#include "stack/core/trace.h"
#include "stack/link/ethernet.h"

#ifdef __cplusplus
extern "C" {
#endif

struct arp;

/* The states of a cache entry (a subset of RFC 4861 §7.3.2's neighbour
 * states, which Linux uses for ARP too):
 *   INCOMPLETE  a request is out, packets wait in the entry's queue;
 *   REACHABLE   the MAC was confirmed by a reply within reachable_time;
 *   STALE       the MAC is unconfirmed (it came in a request, or the
 *               confirmation is old). Still used for sending; removed after
 *               stale_time unless the host is heard from again. */
enum arp_state {
    ARP_STATE_INCOMPLETE,
    ARP_STATE_REACHABLE,
    ARP_STATE_STALE,
};
const char *arp_state_name(enum arp_state state);

/* Counters, printed like `netstat -s` by arp_print_stats. */
struct arp_stats {
    uint64_t rx_packets;          /* ARP packets Ethernet handed us */
    uint64_t rx_requests, rx_replies;
    uint64_t rx_truncated, rx_bad_hw_type, rx_bad_proto_type, rx_bad_lengths,
        rx_bad_opcode;            /* malformed: dropped by reason, never answered */
    uint64_t rx_bad_sender;       /* sender MAC a group address, or sender IP broadcast/multicast */
    uint64_t rx_conflicts;        /* another host claims our address */
    uint64_t rx_not_for_us;       /* requests for other hosts' addresses (merge only) */
    uint64_t tx_requests, tx_replies, tx_announcements;
    uint64_t tx_ip_packets;       /* IPv4 packets sent to a resolved MAC */
    uint64_t queued;              /* IPv4 packets that waited for a reply */
    uint64_t queue_drops;         /* oldest waiting packet dropped: queue full */
    uint64_t resolved;            /* INCOMPLETE entries that got their MAC */
    uint64_t resolve_failed;      /* INCOMPLETE entries given up after max_requests */
    uint64_t unreachable_packets; /* queued packets handed to the unreachable handler */
    uint64_t evictions;           /* oldest STALE entry removed to make room */
    uint64_t cache_full;          /* no room and no STALE entry to evict */
    uint64_t tx_errors;           /* eth_output failed */
};

/* Called once per queued packet when resolution of `nexthop` failed. The
 * handler must NOT free p (ARP frees it after the call). */
typedef void (*arp_unreachable_fn)(void *ctx, const struct pkb *p, uint32_t nexthop, usec_t now);

struct arp_config {
    usec_t reachable_time;   /* REACHABLE -> STALE after this (default 30 s) */
    usec_t stale_time;       /* STALE entries removed after this (default 60 s) */
    usec_t retry_interval;   /* between requests (default 1 s) */
    int max_requests;        /* requests before giving up (default 3) */
    int max_queued;          /* packets waiting per INCOMPLETE entry (default 48) */
    int max_entries;         /* cache size (default 256) */
};

/* Fill cfg with the defaults. arp_new also replaces any zero field of the
 * cfg it is given by its default. */
void arp_config_default(struct arp_config *cfg);

/* Create the ARP module on an Ethernet port for our address `our_ip`
 * (host order). Registers itself for EtherType 0x0806. cfg may be NULL for
 * the defaults. */
struct arp *arp_new(struct eth_port *port, uint32_t our_ip, const struct arp_config *cfg,
                    struct timerq *timers, struct trace *trace, const char *trace_node);
void arp_free(struct arp *arp);
void arp_set_unreachable_handler(struct arp *arp, arp_unreachable_fn fn, void *ctx);

/* Send an IPv4 packet (data at the IP header) to `nexthop`. Takes ownership.
 * Returns 0 when sent or queued, -EHOSTUNREACH / -ENOBUFS when dropped. */
int arp_output(struct arp *arp, struct pkb *p, uint32_t nexthop, usec_t now);

/* Broadcast a gratuitous ARP for our address (interface came up). */
void arp_announce(struct arp *arp, usec_t now);

/* Print the cache like `ip neigh`. */
void arp_print_cache(const struct arp *arp, FILE *out, usec_t now);

/* Added by the link layer (compatible with the contract above): */

/* Look up ip (host order). Returns 0 and fills mac (unless the entry is
 * INCOMPLETE) and state; -ENOENT if there is no entry. mac/state may be NULL. */
int arp_lookup(const struct arp *arp, uint32_t ip, uint8_t mac[ETH_ADDR_LEN],
               enum arp_state *state);
/* Entries in the cache now (every state). */
size_t arp_entry_count(const struct arp *arp);
const struct arp_stats *arp_get_stats(const struct arp *arp);
void arp_print_stats(const struct arp *arp, FILE *out);
/* "10.0.1.1" (out >= 16 bytes), for traces and printouts. */
void arp_format_ip(uint32_t ip, char *out, size_t outlen);

#ifdef __cplusplus
}
#endif

#endif
