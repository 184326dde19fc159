/*
 * rudp.h — reliable transfer over UDP, the seed's design ("UDP怎么实现可靠
 * 传输"), as a sender and a receiver that run as event-driven services on
 * tunlab stacks.
 *
 * Why it lives in apps/ and not in stack/: reliability here is built by an
 * application on top of the ordinary socket API (the seed says so: "从应用层
 * 角度考虑", from the application layer's point of view). It uses nothing of
 * the stack but UDP sockets and the timer queue, so it shows what TCP does
 * inside the kernel, done by hand outside it.
 *
 * The protocol (header in rudp_hdr.h):
 *
 *   sender                                          receiver
 *   DATA seq=0 ts=t0      ------------------------>  deliver 0
 *                         <------------------------  ACK ack=1 echo=t0
 *   RTT sample = now - t0; RTO from SRTT and RTTVAR (rudp_rtt.h)
 *   DATA seq=1 ts=t1      ----------X  (lost)
 *   ... RTO expires: retransmit seq=1 with a fresh ts, RTO doubles
 *   DATA seq=1 ts=t2      ------------------------>  deliver 1
 *                         <------X  (the ACK is lost)
 *   ... RTO expires again: retransmit, RTO doubles again
 *   DATA seq=1 ts=t3      ------------------------>  duplicate: discarded,
 *                         <------------------------  ACK ack=2 echo=t3
 *
 *  - Stop-and-wait (window 1, the seed's design): one packet in flight;
 *    the next leaves when the previous is acknowledged.
 *  - Sliding window (window N): up to N packets in flight. The receiver
 *    buffers packets that arrive out of order within its window and
 *    delivers in order; the cumulative ACK then jumps. The sender also
 *    retransmits the oldest packet at once on the third duplicate ACK (the
 *    receiver telling it a packet is missing, like TCP's fast retransmit),
 *    and after a timeout, on each ACK that covers only part of what was in
 *    flight (NewReno's partial ACK, RFC 6582).
 *  - Duplicates (a retransmission whose original did arrive, or a packet
 *    the network duplicated) are discarded by the receiver and ACKed again.
 *  - Give-up: after max_retries consecutive timeouts of the same packet the
 *    sender stops and reports -ETIMEDOUT.
 *  - Every send, retransmission, timeout, RTT sample and RTO change is
 *    recorded in the stack's trace (notes and variables under the subject
 *    "rudp A:p>B:q"; RTT and RTO values in microseconds).
 */
#ifndef TUNLAB_APPS_RUDP_H
#define TUNLAB_APPS_RUDP_H

#include <stddef.h>
#include <stdint.h>

#include "apps/rudp/rudp_hdr.h"
#include "stack/core/clock.h"

#ifdef __cplusplus
extern "C" {
#endif

struct stack;
struct rudp_sender;
struct rudp_receiver;

/* Zero fields take the defaults in brackets. */
struct rudp_config {
    uint32_t window;       /* packets in flight (sender) or buffered (receiver) [1] */
    size_t mss;            /* payload bytes per packet, <= RUDP_MAX_PAYLOAD [1000] */
    usec_t rto_initial;    /* [1 s] */
    usec_t rto_min;        /* [200 ms] */
    usec_t rto_max;        /* [60 s] */
    int max_retries;       /* consecutive timeouts before giving up [15] */
};

/* ---- sender ------------------------------------------------------------ */

/* The transfer ended: error 0 when every packet was acknowledged, or
 * -ETIMEDOUT (gave up), -ECONNREFUSED (no receiver on the port), ... */
typedef void (*rudp_done_fn)(void *ctx, int error, usec_t now);

struct rudp_sender_stats {
    uint64_t packets;        /* packets in the transfer */
    uint64_t sent;           /* transmissions, first ones and retransmissions */
    uint64_t retransmits;
    uint64_t timeouts;
    uint64_t fast_retransmits;
    uint64_t acks, dup_acks;
    uint64_t bad_packets;    /* unparsable, or acknowledging what was never sent */
    uint64_t rtt_samples;
};

/* Send len bytes (copied) from st to peer_ip:peer_port, starting now.
 * done() runs from a stack timer, so it may call the socket API. Returns 0
 * and *out, or a negative errno (-EINVAL for a bad config, -ENOMEM, the
 * socket's errors). */
int rudp_sender_service_start(struct stack *st, uint32_t peer_ip, uint16_t peer_port,
                              const void *data, size_t len, const struct rudp_config *cfg,
                              rudp_done_fn done, void *ctx, usec_t now,
                              struct rudp_sender **out);
void rudp_sender_service_stop(struct rudp_sender *s, usec_t now);
const struct rudp_sender_stats *rudp_sender_get_stats(const struct rudp_sender *s);
/* The current RTO and smoothed RTT (0 before the first sample). */
usec_t rudp_sender_rto(const struct rudp_sender *s);
usec_t rudp_sender_srtt(const struct rudp_sender *s);

/* ---- receiver ----------------------------------------------------------- */

/* In-order delivery of packet `seq` (0, 1, 2, ... each exactly once). */
typedef void (*rudp_deliver_fn)(void *ctx, uint32_t seq, const uint8_t *data, size_t len,
                                usec_t now);
/* The FIN packet was delivered: the transfer is complete. */
typedef void (*rudp_finished_fn)(void *ctx, usec_t now);

struct rudp_receiver_stats {
    uint64_t received;       /* data packets that arrived */
    uint64_t delivered;
    uint64_t duplicates;     /* discarded: already delivered or already buffered */
    uint64_t out_of_order;   /* buffered until the gap before them filled */
    uint64_t beyond_window;  /* too far ahead to buffer: discarded */
    uint64_t other_peer;     /* from someone else during a transfer: ignored */
    uint64_t bad_packets;    /* unparsable */
    uint64_t acks_sent;
};

/* Receive on UDP port `port` of every address of st, one transfer at a
 * time: the first data packet from a new peer starts one (after the
 * previous one finished). After the FIN, duplicates are still ACKed, so a
 * sender whose last ACK was lost can finish. `finished` may be NULL. */
int rudp_receiver_service_start(struct stack *st, uint16_t port, const struct rudp_config *cfg,
                                rudp_deliver_fn deliver, rudp_finished_fn finished, void *ctx,
                                struct rudp_receiver **out);
void rudp_receiver_service_stop(struct rudp_receiver *r, usec_t now);
const struct rudp_receiver_stats *rudp_receiver_get_stats(const struct rudp_receiver *r);

/* Fill the zero fields of *cfg with the defaults; -EINVAL if a field is out
 * of range (mss > RUDP_MAX_PAYLOAD, window > 4096). */
int rudp_config_resolve(struct rudp_config *cfg);

#ifdef __cplusplus
}
#endif

#endif
