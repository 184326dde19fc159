/*
 * tcp_timer.c — a connection's timers.
 *
 *   rto      retransmission: SYN (SYN-SENT), SYN+ACK (SYN-RECEIVED), data and
 *            FIN. Each timeout doubles the RTO (RFC 6298 §5.5, "back off the
 *            timer") up to rto_max, so a lost SYN is sent again after 1, 3,
 *            7, 15, 31, 63 s; after syn_retries (6) the connect fails with
 *            ETIMEDOUT at 127 s, Linux's numbers.
 *   connect  an optional overall bound on SYN-SENT (cfg.connect_timeout).
 *   tw       TIME-WAIT's 2MSL (tcp_timewait.c), or the FIN-WAIT-2 timeout
 *            of a connection whose user has gone.
 *   delack   an ACK owed may wait cfg.delack_timeout (40 ms) for data to
 *            ride on (RFC 1122 §4.2.3.2, RFC 9293 §3.8.6.3).
 *   persist  the peer's window is zero and we have data: probe it with one
 *            byte at growing intervals (RTO, 2 RTO, 4 RTO ... up to rto_max),
 *            so that a lost window update cannot deadlock the connection
 *            (RFC 9293 §3.8.6.1, RFC 1122 §4.2.2.17).
 */
#include "stack/transport/tcp_internal.h"

#include <errno.h>

#include "stack/core/seq.h"
#include "stack/transport/tcp_cong.h"

static void rto_expired(struct timer *t, void *arg, usec_t now);
static void conn_timer_expired(struct timer *t, void *arg, usec_t now);
static void tw_timer_expired(struct timer *t, void *arg, usec_t now);
static void persist_expired(struct timer *t, void *arg, usec_t now);
static void delack_expired(struct timer *t, void *arg, usec_t now);

void tcp_timer_init(struct tcb *tcb)
{
    timer_init(&tcb->rto_timer, rto_expired, tcb, "rto");
    timer_init(&tcb->conn_timer, conn_timer_expired, tcb, "connect");
    timer_init(&tcb->tw_timer, tw_timer_expired, tcb, "2msl");
    timer_init(&tcb->persist_timer, persist_expired, tcb, "persist");
    timer_init(&tcb->delack_timer, delack_expired, tcb, "delack");
}

void tcp_timer_cancel_all(struct tcb *tcb)
{
    struct timerq *q = tcb->tcp->timers;

    timer_cancel(q, &tcb->rto_timer);
    timer_cancel(q, &tcb->conn_timer);
    timer_cancel(q, &tcb->tw_timer);
    timer_cancel(q, &tcb->persist_timer);
    timer_cancel(q, &tcb->delack_timer);
    timer_cancel(q, &tcb->keepalive_timer);
}

void tcp_rto_arm(struct tcb *tcb, usec_t now)
{
    if (!timer_armed(&tcb->rto_timer))
        timer_arm(tcb->tcp->timers, &tcb->rto_timer, now + tcb->rto);
}

void tcp_rto_stop(struct tcb *tcb)
{
    timer_cancel(tcb->tcp->timers, &tcb->rto_timer);
}

void tcp_rto_restart(struct tcb *tcb, usec_t now)
{
    /* RFC 6298 §5.2: "When all outstanding data has been acknowledged, turn
     * off the retransmission timer." §5.3: "When an ACK is received that
     * acknowledges new data, restart the retransmission timer". */
    if (tcb->snd_una == tcb->snd_max)
        tcp_rto_stop(tcb);
    else
        timer_arm(tcb->tcp->timers, &tcb->rto_timer, now + tcb->rto);
}

void tcp_conn_timer_arm(struct tcb *tcb, usec_t now)
{
    usec_t limit = tcb->tcp->cfg.connect_timeout;

    if (limit)
        timer_arm(tcb->tcp->timers, &tcb->conn_timer, now + limit);
}

void tcp_fin_wait_2_timer_arm(struct tcb *tcb, usec_t now)
{
    usec_t limit = tcb->tcp->cfg.fin_wait_2_timeout;

    if (limit && tcb->user_closed)
        timer_arm(tcb->tcp->timers, &tcb->tw_timer, now + limit);
}

/* RFC 6298 §5.5: double the RTO, up to the maximum. */
static void back_off(struct tcb *tcb, usec_t now)
{
#ifdef LAB7_SOLUTION
    struct tcp *tcp = tcb->tcp;

    tcb->rto *= 2;
    if (tcb->rto > tcp->cfg.rto_max)
        tcb->rto = tcp->cfg.rto_max;
    trace_var(tcp->trace, now, tcp->node, tcb->subject, "rto_ms",
              (int64_t)(tcb->rto / USEC_PER_MSEC));
#else
    /* TODO(lab 7): back_off() — labs/lab7-tcp-retransmission/README.md,
     * "Part A". RFC 6298 §5.5: double tcb->rto, at most cfg.rto_max; record
     * the new value (trace_var "rto_ms") so the trace shows the backoff. */
    (void)tcb;
    (void)now;   /* never backs off: every retry after the same RTO */
#endif
}

/* The connection gave up: count it and tell the user why. */
static void give_up(struct tcb *tcb, usec_t now)
{
    struct tcp *tcp = tcb->tcp;
    int err = tcb->soft_error ? tcb->soft_error : -ETIMEDOUT;

    tcp->stats.timeouts++;
    trace_note(tcp->trace, now, tcp->node, tcb->subject, "gave up after %u retransmissions",
               tcb->retries);
    tcp_tcb_done(tcb, err, now);
}

usec_t tcp_rto_backed_off(struct tcb *listener, usec_t rto, usec_t now)
{
    /* A listener has no retransmission of its own, so its rto field is
     * free to lend: the SYN cache's entries back off by the very rule a
     * connection uses (back_off, lab 7), without a tcb each. */
    usec_t own = listener->rto;

    listener->rto = rto;
    back_off(listener, now);
    rto = listener->rto;
    listener->rto = own;
    return rto;
}

static void retransmit_syn(struct tcb *tcb, usec_t now)
{
    uint8_t flags = TCP_FLAG_SYN;

    if (tcb->state == TCP_SYN_RECV)
        flags |= TCP_FLAG_ACK;   /* SYN+ACK: ours, and the ACK of theirs */
    tcp_send_segment(tcb, flags, tcb->iss, 0, true, now);
}

static void rto_expired(struct timer *t, void *arg, usec_t now)
{
    struct tcb *tcb = arg;
    struct tcp *tcp = tcb->tcp;
    unsigned limit;

    (void)t;
    switch (tcb->state) {
    case TCP_SYN_SENT:
    case TCP_SYN_RECV:
        limit = tcb->passive ? tcp->cfg.synack_retries : tcp->cfg.syn_retries;
        if (tcb->retries >= limit) {
            give_up(tcb, now);
            return;
        }
        tcb->retries++;
        back_off(tcb, now);
        retransmit_syn(tcb, now);
        tcp_rto_arm(tcb, now);
        return;
    case TCP_ESTABLISHED:
    case TCP_CLOSE_WAIT:
    case TCP_FIN_WAIT_1:
    case TCP_CLOSING:
    case TCP_LAST_ACK:
        if (tcb->snd_una == tcb->snd_max)
            return;   /* everything was acknowledged meanwhile */
        if (tcb->user_timeout && now - tcb->unacked_since >= tcb->user_timeout) {
            tcp->stats.user_timeouts++;   /* RFC 5482: the user's limit */
            give_up(tcb, now);
            return;
        }
        if (tcb->retries >= tcp->cfg.retries) {
            give_up(tcb, now);
            return;
        }
        tcb->retries++;
        back_off(tcb, now);
        /* RFC 6298 §5.4: retransmit the earliest segment not acknowledged.
         * Go back to SND.UNA and let tcp_output send one segment: the loss
         * window of RFC 5681 §3.1 is one segment. */
        tcp_rtt_cancel(tcb);   /* Karn's rule */
        tcb->snd_nxt = tcb->snd_una;
        tcp_cong_on_timeout(tcb, now);
        tcp_output(tcb, now);
        tcp_rto_arm(tcb, now);
        return;
    default:
        return;
    }
}

static void conn_timer_expired(struct timer *t, void *arg, usec_t now)
{
    struct tcb *tcb = arg;

    (void)t;
    if (tcb->state == TCP_SYN_SENT || (tcb->state == TCP_SYN_RECV && !tcb->passive))
        give_up(tcb, now);
}

static void tw_timer_expired(struct timer *t, void *arg, usec_t now)
{
    struct tcb *tcb = arg;

    if (tcb->state == TCP_TIME_WAIT) {
        tcp_timewait_expired(t, arg, now);
        return;
    }
    if (tcb->state == TCP_FIN_WAIT_2 && tcb->user_closed) {
        /* Linux's tcp_fin_timeout: the user has gone and the peer never sent
         * its FIN; drop the connection instead of waiting forever. */
        trace_note(tcb->tcp->trace, now, tcb->tcp->node, tcb->subject,
                   "FIN-WAIT-2 timeout");
        tcp_tcb_done(tcb, 0, now);
    }
}

/* ---- persist: probing a zero window ---- */

static usec_t persist_interval(const struct tcb *tcb)
{
    usec_t t = tcp_rto_base(tcb);
    usec_t max = tcb->tcp->cfg.rto_max;

    for (unsigned i = 0; i < tcb->persist_backoff && t < max; i++)
        t *= 2;
    return t < max ? t : max;
}

void tcp_persist_check(struct tcb *tcb, usec_t now)
{
    struct timerq *q = tcb->tcp->timers;

    if (tcb->snd_wnd > 0) {
        timer_cancel(q, &tcb->persist_timer);
        tcb->persist_backoff = 0;
        return;
    }
    /* Nothing in flight (else its ACK or the RTO will come), data waiting. */
    if (tcb->snd_una != tcb->snd_max || timer_armed(&tcb->rto_timer) || tcp_unsent(tcb) == 0)
        return;
    if (!timer_armed(&tcb->persist_timer))
        timer_arm(q, &tcb->persist_timer, now + persist_interval(tcb));
}

static void persist_expired(struct timer *t, void *arg, usec_t now)
{
    struct tcb *tcb = arg;
    struct tcp *tcp = tcb->tcp;

    (void)t;
    switch (tcb->state) {
    case TCP_ESTABLISHED:
    case TCP_CLOSE_WAIT:
    case TCP_FIN_WAIT_1:
    case TCP_CLOSING:
    case TCP_LAST_ACK:
        break;
    default:
        return;
    }
    if (tcb->snd_wnd > 0 || tcp_unsent(tcb) == 0) {
        tcp_output(tcb, now);   /* the window opened meanwhile */
        return;
    }
    if (tcb->probes_unanswered >= tcp->cfg.retries) {
        give_up(tcb, now);   /* nobody answers at all: the peer is gone */
        return;
    }
    /* "The sending TCP must regularly transmit at least one octet of new
     * data (if available), even if the send window is zero" (RFC 9293
     * §3.8.6.1). SND.NXT stays: if the byte is refused, it goes again as
     * ordinary data once the window opens; if accepted, its ACK moves
     * SND.UNA past it. */
    tcp_send_segment(tcb, TCP_FLAG_ACK, tcb->snd_nxt, 1, seq_lt(tcb->snd_nxt, tcb->snd_max),
                     now);
    tcb->snd_max = seq_max(tcb->snd_max, tcb->snd_nxt + 1);
    tcp->stats.persist_probes++;
    tcb->probes_unanswered++;
    tcb->persist_backoff++;
    trace_var(tcp->trace, now, tcp->node, tcb->subject, "persist_probe", tcb->persist_backoff);
    timer_arm(tcp->timers, &tcb->persist_timer, now + persist_interval(tcb));
}

/* ---- the delayed ACK ---- */

void tcp_delack_arm(struct tcb *tcb, usec_t now)
{
    if (!timer_armed(&tcb->delack_timer))
        timer_arm(tcb->tcp->timers, &tcb->delack_timer, now + tcb->tcp->cfg.delack_timeout);
}

static void delack_expired(struct timer *t, void *arg, usec_t now)
{
    struct tcb *tcb = arg;

    (void)t;
    if (tcb->ack_pending && tcb->state != TCP_CLOSED && tcb->state != TCP_LISTEN &&
        tcb->state != TCP_SYN_SENT)
        tcp_send_ack(tcb, now);
}
