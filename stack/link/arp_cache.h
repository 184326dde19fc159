/*
 * arp_cache.h — inside the ARP module: the module's state and the cache of
 * neighbours, shared by arp.c (the packets) and arp_cache.c (the entries,
 * their states and timers, the waiting packets). Not for other layers:
 * they use arp.h.
 *
 * The policy, in one place:
 *  - An entry is created INCOMPLETE by arp_output for an unknown next hop
 *    (one request goes out at once), or STALE when a host asks for our
 *    address (RFC 826: "If ... I am the target ... add the triplet").
 *  - RFC 826's merge rule: any ARP packet from a host that is in the cache
 *    overwrites its MAC, whoever it was addressed to. That is how a
 *    gratuitous ARP updates the peers.
 *  - A reply from the host makes the entry REACHABLE. A request from it
 *    refreshes the entry (its age restarts) but proves only what the sender
 *    claims, so it makes the entry STALE, except that a REACHABLE entry whose
 *    MAC did not change stays REACHABLE. This is Linux's choice too. The
 *    point of it: a flood of spoofed requests can only create STALE entries,
 *    and only STALE entries are evicted when the cache is full, so a flood
 *    never pushes out the neighbours we resolved ourselves.
 *  - A STALE entry is still used for sending (we do not re-probe before
 *    sending as Linux's DELAY/PROBE states do); it is removed stale_time
 *    after its last refresh, and the next packet resolves the host again.
 *    That is RFC 1122 §2.3.2.1's option (1), "Timeout", which bounds how long
 *    a wrong MAC can live.
 *  - RFC 1122 §2.3.2.1 also says a host MUST NOT flood ARP requests for one
 *    address; "the recommended maximum rate is 1 per second per
 *    destination". Requests leave only on creation of an INCOMPLETE entry and
 *    from its retry timer, retry_interval (default 1 s) apart; more packets
 *    for the same host just wait. After the last request the entry stays
 *    INCOMPLETE for one more retry_interval before it is given up, so a new
 *    packet right after can not send the next request sooner than that.
 */
#ifndef TUNLAB_LINK_ARP_CACHE_H
#define TUNLAB_LINK_ARP_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "stack/core/pkb.h"
#include "stack/core/timer.h"
#include "stack/core/trace.h"
#include "stack/link/arp.h"
#include "stack/link/arp_hdr.h"
#include "stack/link/ethernet.h"

#ifdef __cplusplus
extern "C" {
#endif

struct arp_entry {
    struct arp_entry *next;   /* the cache is a list in creation order */
    struct arp *arp;          /* for the timer callback */
    uint32_t ip;              /* host order */
    uint8_t mac[ETH_ADDR_LEN];   /* valid unless INCOMPLETE */
    enum arp_state state;
    usec_t updated;           /* last state change or refresh: the "age" */
    int requests_sent;        /* INCOMPLETE only */
    struct pkb_queue waiting; /* INCOMPLETE only: packets for this host */
    /* One timer whose meaning follows the state: INCOMPLETE, retry or give
     * up; REACHABLE, become STALE; STALE, be removed. */
    struct timer timer;
};

struct arp {
    struct eth_port *port;
    uint32_t our_ip;
    struct arp_config cfg;
    struct timerq *timers;
    struct trace *trace;
    char trace_node[TRACE_NODE_LEN];
    arp_unreachable_fn unreachable;
    void *unreachable_ctx;
    struct arp_entry *entries;
    size_t entry_count;
    struct arp_stats stats;
};

/* arp_cache.c */
struct arp_entry *arp_cache_find(const struct arp *arp, uint32_t ip);
/* arp_output for a host not in the cache: a new INCOMPLETE entry holding p,
 * and its first request. Evicts the oldest STALE entry if the cache is
 * full. Takes ownership of p; returns 0, or -ENOBUFS (p freed) if there is
 * no room. */
int arp_cache_resolve(struct arp *arp, uint32_t ip, struct pkb *p, usec_t now);
/* A host asked for our address: remember it as a STALE entry (same
 * eviction; if there is no room it is simply not remembered). */
void arp_cache_learn(struct arp *arp, uint32_t ip, const uint8_t mac[ETH_ADDR_LEN], usec_t now);
/* The merge rule for an entry that exists: new MAC, new state per the
 * policy above; flushes the waiting packets if it was INCOMPLETE. */
void arp_cache_update(struct arp *arp, struct arp_entry *e, const uint8_t mac[ETH_ADDR_LEN],
                      bool is_reply, usec_t now);
/* Queue p on an INCOMPLETE entry, dropping the oldest when full. */
void arp_cache_enqueue(struct arp *arp, struct arp_entry *e, struct pkb *p, usec_t now);
/* Remove every entry (arp_free): cancels timers, frees waiting packets. */
void arp_cache_clear(struct arp *arp);

/* arp.c */
/* Broadcast a request for ip ("who-has ip tell our_ip"). */
int arp_send_request(struct arp *arp, uint32_t ip, usec_t now);

#ifdef __cplusplus
}
#endif

#endif
