/*
 * ip4_reass.h — reassembly of fragmented IPv4 datagrams (RFC 791 §3.2,
 * RFC 1122 §3.3.2).
 *
 * A datagram being reassembled is keyed by (source, destination, protocol,
 * identification) (RFC 791 §3.2, "BUFID"). Each fragment's data is copied
 * into a list sorted by offset; the datagram is complete when the last
 * fragment (MF = 0) has fixed its length and the list covers every byte.
 * Copying decouples the memory held from the size of the device's receive
 * buffers: what is charged against the cap is what is kept.
 *
 * Policies (each counted in struct ip4_reass_stats):
 *  - Overlap: RFC 5722 (written for IPv6, applied here to IPv4 as Linux
 *    does for IPv6) — a fragment that overlaps another discards the whole
 *    datagram. Overlaps have no legitimate use and are the basis of
 *    evasion attacks (Teardrop, Ptacek & Newsham 1998).
 *  - Exact duplicates (same offset, length and bytes) are ignored, not
 *    treated as overlaps (RFC 8200 §4.5 allows this for IPv6): the network
 *    may duplicate a fragment.
 *  - Size: a datagram that would exceed 65,535 bytes is discarded ("ping of
 *    death").
 *  - Timeout: fixed from the first fragment's arrival (Linux's ipfrag_time,
 *    30 s by default; RFC 1122 §3.3.2 recommends 60..120 s, RFC 791 15 s).
 *    On expiry the memory is freed and, if fragment zero was received, the
 *    owner is asked to send ICMP Time Exceeded, code 1 (RFC 1122 §3.3.2,
 *    RFC 792) quoting that fragment.
 *  - Memory: at most max_bytes held and max_datagrams in progress per
 *    stack; a fragment that would go over evicts the oldest datagrams
 *    first, so a flood of never-completed datagrams cannot hold the stack's
 *    memory and a fresh datagram still gets through once the flood stops.
 */
#ifndef TUNLAB_NET_IP4_REASS_H
#define TUNLAB_NET_IP4_REASS_H

#include <stddef.h>
#include <stdint.h>

#include "stack/core/clock.h"
#include "stack/core/pkb.h"
#include "stack/core/timer.h"
#include "stack/core/trace.h"
#include "stack/net/ip4.h"
#include "stack/net/ip4_hdr.h"

#ifdef __cplusplus
extern "C" {
#endif

struct ip4_reass_dgram;   /* one datagram in progress (ip4_reass.c) */

/* A datagram timed out with fragment zero present: `first` holds that
 * fragment's IP header and its first 8 data bytes, p->network_header set. */
typedef void (*ip4_reass_timeout_fn)(void *ctx, const struct pkb *first, usec_t now);

struct ip4_reass {
    struct timerq *timers;
    usec_t timeout;
    size_t max_bytes;
    size_t max_datagrams;
    ip4_reass_timeout_fn on_timeout;
    void *ctx;
    struct trace *trace;
    const char *trace_node;

    struct ip4_reass_dgram *oldest;   /* doubly linked, in order of creation */
    struct ip4_reass_dgram *newest;
    struct ip4_reass_stats stats;     /* datagrams_now / bytes_now are the gauges */
};

void ip4_reass_init(struct ip4_reass *r, struct timerq *timers, usec_t timeout,
                    size_t max_bytes, size_t max_datagrams, ip4_reass_timeout_fn on_timeout,
                    void *ctx);
/* Free every datagram in progress and cancel its timer (no ICMP sent). */
void ip4_reass_destroy(struct ip4_reass *r);

/* One received fragment (p's data at its IP header, h its parsed, valid
 * header with MF set or a non-zero offset). Takes ownership of p. Returns
 * the complete datagram when this fragment finished it — a new packet,
 * data at an IP header with MF and offset cleared, total length and
 * checksum rewritten — or NULL. */
struct pkb *ip4_reass_input(struct ip4_reass *r, struct pkb *p, const struct ip4_hdr *h,
                            usec_t now);

#ifdef __cplusplus
}
#endif

#endif
