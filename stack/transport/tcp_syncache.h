/*
 * tcp_syncache.h — a listener's half-open connections, kept small (the
 * "SYN cache" of RFC 4987 §3.3; Linux's request sockets, BSD's syncache).
 *
 *   SYN ──► entry (this table) ──(final ACK)──► tcb in ESTABLISHED ──► accept()
 *           SYN+ACK sent and retransmitted       built by tcp_listen.c, on the
 *           from the entry                       listener's accept queue
 *
 * Between the SYN and the final ACK a server needs to remember very little:
 * the 4-tuple, both initial sequence numbers, what the peer's SYN offered
 * (MSS, window scale, window) and when to send the SYN+ACK again. An entry
 * holds exactly that — a few dozen bytes instead of a tcb with its buffers
 * and five timers — so a flood of spoofed SYNs costs little memory, and the
 * table's bound (cfg.max_syn_backlog) is what the flood fills. When it is
 * full, SYN cookies take over (tcp_syncookie.c), or the SYN is dropped and
 * counted when cookies are off.
 *
 * The table is per listener, allocated on its first SYN, and is a hash of
 * entry indices by 4-tuple keyed with the stack's SipHash secret (a peer
 * cannot pick ports that all land in one chain). One timer per table fires
 * at the earliest retransmission time and walks the table (at most
 * max_syn_backlog entries).
 *
 * Private to stack/transport/tcp*.c.
 */
#ifndef TUNLAB_TRANSPORT_TCP_SYNCACHE_H
#define TUNLAB_TRANSPORT_TCP_SYNCACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "stack/core/clock.h"
#include "stack/core/timer.h"

#ifdef __cplusplus
extern "C" {
#endif

struct tcb;
struct tcp;
struct tcp_seg;

#define TCP_SYNCACHE_NIL UINT16_MAX   /* end of a chain / of the free list */
#define TCP_SYNCACHE_MAX 65534        /* indices are 16 bits */
#define TCP_SYNCACHE_NO_WSCALE 0xff   /* the SYN carried no window scale option */

/* One half-open connection. The local port is the listener's. */
struct tcp_syncache_entry {
    uint32_t local_ip, remote_ip;   /* host order; local_ip is the SYN's destination */
    uint16_t remote_port;
    uint16_t peer_mss;          /* the SYN's MSS option, 0 when it had none */
    uint32_t irs;               /* the SYN's sequence number */
    uint32_t iss;               /* ours, the SYN+ACK's */
    uint16_t peer_window;       /* the SYN's window (never scaled, RFC 7323 §2.2) */
    uint8_t peer_wscale;        /* its shift count, or TCP_SYNCACHE_NO_WSCALE */
    uint8_t retries;            /* SYN+ACK retransmissions so far */
    uint16_t next;              /* hash chain, or free list */
    bool in_use;
    usec_t rto;                 /* the current (backed-off) retransmission timeout */
    usec_t next_rtx;            /* when the SYN+ACK goes again */
};

struct tcp_syncache {
    struct tcb *listener;
    unsigned capacity;          /* cfg.max_syn_backlog when the table was made */
    unsigned count;
    unsigned nbuckets;          /* a power of two >= capacity */
    uint16_t free_head;
    uint16_t *bucket;           /* first entry of each chain */
    struct timer timer;         /* the earliest next_rtx */
    struct tcp_syncache_entry *entry;
};

/* The listener's table, made on first use (NULL: out of memory, or
 * max_syn_backlog is 0). */
struct tcp_syncache *tcp_syncache_get(struct tcb *listener);
/* The listener closes: every entry vanishes without a word (counted in
 * syncache_dropped; a client's final ACK will then meet no connection and be
 * reset), and the table is freed. */
void tcp_syncache_clear(struct tcb *listener, usec_t now);
/* Free the table and stop its timer, nothing counted (tcp_tcb_free). */
void tcp_syncache_free(struct tcb *listener);
bool tcp_syncache_full(const struct tcb *listener);
/* The entry for this 4-tuple, or NULL. */
struct tcp_syncache_entry *tcp_syncache_lookup(struct tcb *listener, uint32_t lip,
                                               uint32_t rip, uint16_t rport);
/* A SYN that passed the backlog checks: add an entry, send the SYN+ACK
 * (iss_hint != 0: the ISS to use, see tcp_listen_input). */
void tcp_syncache_add(struct tcb *listener, const struct tcp_seg *seg, uint32_t iss_hint,
                      usec_t now);
/* A segment for the 4-tuple of entry e (RFC 9293 §3.10.7.4 in SYN-RECEIVED). */
void tcp_syncache_input(struct tcb *listener, struct tcp_syncache_entry *e,
                        struct tcp_seg *seg, usec_t now);

/* For the listing (tcp_print.c): call fn for every entry. */
typedef void (*tcp_syncache_fn)(void *ctx, const struct tcb *listener,
                                const struct tcp_syncache_entry *e);
void tcp_syncache_foreach(const struct tcb *listener, tcp_syncache_fn fn, void *ctx);

#ifdef __cplusplus
}
#endif

#endif
