/*
 * tcp_rtt.c — measuring the round-trip time and computing the
 * retransmission timeout, RFC 6298.
 *
 * One segment at a time is timed (as BSD and RFC 6298 §3 allow): when new
 * data leaves and nothing is being timed, remember its end and the time;
 * when an ACK covers that end, the elapsed time is one sample R. Then
 *
 *   first sample:  SRTT = R,  RTTVAR = R/2                      (§2.2)
 *   later:         RTTVAR = 3/4 RTTVAR + 1/4 |SRTT - R|         (§2.3)
 *                  SRTT   = 7/8 SRTT   + 1/8 R
 *   always:        RTO = SRTT + max(G, 4 RTTVAR), clamped to [rto_min, rto_max]
 *
 * Karn's rule (§3): a retransmitted segment gives no sample — its ACK could
 * be for either copy — so a retransmission cancels the measurement; and the
 * backed-off RTO stays until a fresh sample replaces it.
 * The handshake gives the first sample (SYN or SYN+ACK answered without a
 * retransmission), as in Linux.
 */
#include "stack/transport/tcp_internal.h"

#include "stack/core/seq.h"

/* G, the clock granularity: the event loop's timers are about 1 ms apart. */
#define TCP_CLOCK_GRANULARITY USEC_PER_MSEC

usec_t tcp_rto_base(const struct tcb *tcb)
{
    const struct tcp_config *cfg = &tcb->tcp->cfg;
    usec_t rto, var;

    if (!tcb->has_rtt)
        return cfg->rto_initial;   /* §2.1: 1 s until the first sample */
    var = 4 * tcb->rttvar;
    rto = tcb->srtt + (var > TCP_CLOCK_GRANULARITY ? var : TCP_CLOCK_GRANULARITY);
    if (rto < cfg->rto_min)
        rto = cfg->rto_min;   /* §2.4 (Linux's 200 ms rather than 1 s) */
    if (rto > cfg->rto_max)
        rto = cfg->rto_max;
    return rto;
}

static usec_t abs_diff(usec_t a, usec_t b) { return a > b ? a - b : b - a; }

void tcp_rtt_sample(struct tcb *tcb, usec_t r, usec_t now)
{
    struct tcp *tcp = tcb->tcp;

#ifdef LAB7_SOLUTION
    if (!tcb->has_rtt) {
        tcb->srtt = r;
        tcb->rttvar = r / 2;
        tcb->has_rtt = true;
    } else {
        tcb->rttvar = (3 * tcb->rttvar + abs_diff(tcb->srtt, r)) / 4;
        tcb->srtt = (7 * tcb->srtt + r) / 8;
    }
    tcb->rto = tcp_rto_base(tcb);
#else
    /* TODO(lab 7): tcp_rtt_sample() — labs/lab7-tcp-retransmission/README.md,
     * "Part A". RFC 6298 §2.2-2.3: the first sample sets SRTT = R,
     * RTTVAR = R/2 (and has_rtt); later ones RTTVAR = 3/4 RTTVAR +
     * 1/4 |SRTT - R| (old SRTT; abs_diff), then SRTT = 7/8 SRTT + 1/8 R.
     * Then tcb->rto = tcp_rto_base(tcb). */
    (void)r;
    (void)abs_diff;   /* measures nothing: the RTO stays at rto_initial */
#endif
    trace_var(tcp->trace, now, tcp->node, tcb->subject, "rtt_us", (int64_t)r);
    trace_var(tcp->trace, now, tcp->node, tcb->subject, "srtt_us", (int64_t)tcb->srtt);
    trace_var(tcp->trace, now, tcp->node, tcb->subject, "rttvar_us", (int64_t)tcb->rttvar);
    trace_var(tcp->trace, now, tcp->node, tcb->subject, "rto_ms",
              (int64_t)(tcb->rto / USEC_PER_MSEC));
}

void tcp_rtt_start(struct tcb *tcb, uint32_t end_seq, usec_t now)
{
    if (tcb->rtt_timing)
        return;
    tcb->rtt_timing = true;
    tcb->rtt_seq = end_seq;
    tcb->rtt_start = now;
}

void tcp_rtt_cancel(struct tcb *tcb)
{
    tcb->rtt_timing = false;   /* Karn: no sample from a retransmission */
}

void tcp_rtt_ack(struct tcb *tcb, uint32_t ack, usec_t now)
{
    if (!tcb->rtt_timing || seq_lt(ack, tcb->rtt_seq))
        return;
    tcb->rtt_timing = false;
    tcp_rtt_sample(tcb, now - tcb->rtt_start, now);
}
