/*
 * tcp_reass.h — the out-of-order map of a receiver (private to TCP).
 *
 * Segments that arrive beyond RCV.NXT but inside the window are kept
 * (RFC 9293 §3.10.7.4 seventh check: "segments with higher beginning
 * sequence numbers ... SHOULD be held for later processing"). Their bytes
 * go straight into the receive ring at their place (tcp_buf_write_at); this
 * map remembers which sequence ranges are there. When the gap before them
 * fills, the ranges that became contiguous are handed to the user at once
 * and RCV.NXT jumps — the seed's "ACK stays 31, then jumps to 34".
 *
 *      RCV.NXT            ranges held
 *         |   gap   [=====)   [==)        [=====)
 */
#ifndef TUNLAB_TRANSPORT_TCP_REASS_H
#define TUNLAB_TRANSPORT_TCP_REASS_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* At most this many separate holes' worth of ranges; one more distinct
 * range is refused (the peer retransmits it later). */
#define TCP_REASS_MAX_RANGES 16

struct tcp_reass_range {
    uint32_t start, end;   /* [start, end) in sequence numbers */
};

struct tcp_reass {
    unsigned count;
    struct tcp_reass_range r[TCP_REASS_MAX_RANGES];   /* sorted, disjoint, not touching */
    bool fin;              /* a FIN arrived out of order ... */
    uint32_t fin_seq;      /* ... at this sequence number */
};

void tcp_reass_init(struct tcp_reass *q);
static inline bool tcp_reass_empty(const struct tcp_reass *q) { return q->count == 0; }
/* Remember [start, end), merging with overlapping or touching ranges.
 * False when the map is full and the range would be a new one. */
bool tcp_reass_add(struct tcp_reass *q, uint32_t start, uint32_t end);
/* RCV.NXT advanced to rcv_nxt: drop ranges now behind it; return the end
 * of the contiguous data starting at rcv_nxt (rcv_nxt itself if none). */
uint32_t tcp_reass_advance(struct tcp_reass *q, uint32_t rcv_nxt);
/* Bytes held beyond RCV.NXT. */
uint32_t tcp_reass_bytes(const struct tcp_reass *q);

#ifdef __cplusplus
}
#endif

#endif
