/*
 * tcp_cong.h — congestion control behind a small interface (private to
 * TCP), shaped like Linux's struct tcp_congestion_ops.
 *
 * tcp_cong.c holds what every algorithm shares (RFC 5681, RFC 6582): the
 * initial window, counting duplicate ACKs, fast retransmit on the third,
 * NewReno's fast recovery with partial ACKs, the reaction to a
 * retransmission timeout. An algorithm only decides two things:
 *   ssthresh    how far to back off when a loss is detected, and
 *   cong_avoid  how cwnd grows when an ACK brings news.
 * tcp_reno.c is Reno's answer (RFC 5681); CUBIC (RFC 9438) would be another
 * file with the same two functions.
 *
 * cwnd and ssthresh are in bytes; every change is recorded in the trace
 * (TRACE_VAR "cwnd", "ssthresh"), so a run can be plotted.
 */
#ifndef TUNLAB_TRANSPORT_TCP_CONG_H
#define TUNLAB_TRANSPORT_TCP_CONG_H

#include <stdint.h>

#include "stack/core/clock.h"

#ifdef __cplusplus
extern "C" {
#endif

struct tcb;

struct tcp_cong_ops {
    const char *name;
    /* The new ssthresh after a loss (fast retransmit or timeout). */
    uint32_t (*ssthresh)(const struct tcb *tcb);
    /* `acked` bytes of new data were acknowledged outside recovery: grow
     * cwnd (slow start below ssthresh, congestion avoidance above). */
    void (*cong_avoid)(struct tcb *tcb, uint32_t acked);
};

extern const struct tcp_cong_ops tcp_reno_ops;

/* The algorithm called `name` ("reno"), or NULL. */
const struct tcp_cong_ops *tcp_cong_find(const char *name);

/* ---- the shared part (tcp_cong.c), called by input, output and timers ---- */

/* Give a connection that is about to send its SYN or SYN+ACK an algorithm
 * and an initial window, silently (no trace). Called from
 * tcp_tcb_init_send, the one place every connection passes through on its
 * way out of CLOSED/LISTEN, so that no synchronized state can be reached
 * with tcb->cong NULL: not only SYN_RECV -> ESTABLISHED (which calls
 * tcp_cong_init again with the negotiated MSS) but also a simultaneous
 * open whose user closes in SYN_RECV (RFC 9293 §3.10.4: SYN-RECEIVED ->
 * FIN-WAIT-1), whose SYN is then acknowledged in FIN-WAIT-1. */
void tcp_cong_reset(struct tcb *tcb);
/* The connection is established: the initial window (RFC 6928: 10 MSS, or
 * cfg.init_cwnd segments), ssthresh "arbitrarily high" (RFC 5681 §3.1). */
void tcp_cong_init(struct tcb *tcb, usec_t now);
/* An ACK advanced SND.UNA by `acked` bytes (prior_una was SND.UNA before). */
void tcp_cong_on_ack(struct tcb *tcb, uint32_t prior_una, uint32_t acked, usec_t now);
/* A duplicate ACK (RFC 5681 §2's definition, checked by the caller). */
void tcp_cong_on_dupack(struct tcb *tcb, usec_t now);
/* The retransmission timer expired: ssthresh from the flight, cwnd = 1 MSS. */
void tcp_cong_on_timeout(struct tcb *tcb, usec_t now);

#ifdef __cplusplus
}
#endif

#endif
