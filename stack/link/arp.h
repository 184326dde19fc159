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

/* Called once per queued packet when resolution of `nexthop` failed. The
 * handler must NOT free p (ARP frees it after the call). */
typedef void (*arp_unreachable_fn)(void *ctx, const struct pkb *p, uint32_t nexthop, usec_t now);

struct arp_config {
    usec_t reachable_time;   /* REACHABLE -> STALE after this (default 30 s) */
    usec_t stale_time;       /* STALE entries removed after this (default 60 s) */
    usec_t retry_interval;   /* between requests (default 1 s) */
    int max_requests;        /* requests before giving up (default 3) */
    int max_queued;          /* packets waiting per INCOMPLETE entry (default 3) */
    int max_entries;         /* cache size (default 256) */
};

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

#ifdef __cplusplus
}
#endif

#endif
