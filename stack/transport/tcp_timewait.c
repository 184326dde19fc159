/*
 * tcp_timewait.c — TIME-WAIT: the active closer waits 2×MSL before the
 * connection's 4-tuple may be used again (RFC 9293 §3.6.1, §3.10.7.4).
 *
 * Why 2MSL — the seed's two reasons, both visible here:
 *  1. The final ACK may be lost. The peer, still in LAST-ACK, then sends its
 *     FIN again; we must still be here to ACK it, and the wait starts over
 *     ("restart the 2 MSL timeout", RFC 9293 §3.10.7.4 fifth check).
 *  2. Segments of this connection still wandering in the network must die
 *     (an MSL each way) before a new connection with the same 4-tuple could
 *     mistake them for its own. While we hold the 4-tuple, bind() cannot
 *     take the port again — unless the user asks for SO_REUSEADDR
 *     (tcp_bind), and a new SYN may only reopen it under RFC 6191's rule.
 *
 * A new SYN for a connection in TIME-WAIT (RFC 6191 §2, RFC 1122 §4.2.2.13):
 * without timestamps (tunlab sends none yet) RFC 6191 falls back to RFC
 * 1122's rule — accept it only if its sequence number is beyond everything
 * the old connection received (SEG.SEQ > RCV.NXT), then choose an ISS
 * beyond everything the old connection sent (Linux: SND.NXT + 65535 + 2), so
 * that no old duplicate of either direction fits the new connection's
 * windows. Otherwise the SYN is an old duplicate: it gets an ACK (RFC 5961
 * §4.2's challenge ACK) and TIME-WAIT goes on.
 *
 * A bound on TIME-WAIT (issue 11): each TIME-WAIT connection keeps its tcb
 * for 2MSL, so a peer that opens and closes connections quickly could make
 * the stack hold any number of them. At most cfg.max_tw_buckets are kept
 * (Linux's tcp_max_tw_buckets); a connection that would be one more closes
 * at once instead — its last ACK is already sent — and timewait_overflow
 * counts it (Linux: "time wait bucket table overflow", TCPTimeWaitOverflow).
 * What is lost is only the protection described above, for that
 * connection; below the bound TIME-WAIT is exactly as before.
 */
#include "stack/transport/tcp_internal.h"

#include "stack/core/seq.h"

static usec_t two_msl(const struct tcb *tcb)
{
#ifdef LAB5_SOLUTION
    return 2 * tcb->tcp->cfg.msl;
#else
    /* TODO(lab 5): two_msl() — labs/lab5-tcp-handshake/README.md,
     * "Part C". How long TIME-WAIT lasts: twice the MSL
     * (tcb->tcp->cfg.msl). Why twice? The handout's writeup asks. */
    (void)tcb;
    return 0;   /* no TIME-WAIT at all */
#endif
}

static unsigned max_tw_buckets(const struct tcp *tcp)
{
    return tcp->cfg.max_tw_buckets ? tcp->cfg.max_tw_buckets : TCP_DEFAULT_MAX_TW_BUCKETS;
}

/* Is there room for one more connection in TIME-WAIT? tcp->timewait_held
 * is exact unless a reset or an abort ended a TIME-WAIT (tcp_input.c,
 * tcp_user.c do not tell us); it is never too small, so only when it says
 * "full" is it worth one walk over the connections to count exactly. */
static bool timewait_has_room(struct tcp *tcp)
{
    unsigned held = 0;

    if (tcp->timewait_held < max_tw_buckets(tcp))
        return true;
    for (const struct tcb *t = tcp->all; t; t = t->all_next) {
        if (t->state == TCP_TIME_WAIT)
            held++;
    }
    tcp->timewait_held = held;
    return held < max_tw_buckets(tcp);
}

/* A connection leaves TIME-WAIT through this file's own paths. */
static void timewait_left(struct tcp *tcp)
{
    if (tcp->timewait_held > 0)
        tcp->timewait_held--;
}

/* May free tcb (when over the bound): the caller must not touch it after. */
void tcp_timewait_enter(struct tcb *tcb, usec_t now)
{
    struct tcp *tcp = tcb->tcp;

    if (!timewait_has_room(tcp)) {
        tcp->stats.timewait_overflow++;
        trace_note(tcp->trace, now, tcp->node, tcb->subject,
                   "TIME-WAIT full (%u): closed without TIME-WAIT", max_tw_buckets(tcp));
        tcp_tcb_done(tcb, 0, now);
        return;
    }
    tcp->timewait_held++;

    /* "Enter the TIME-WAIT state. Start the time-wait timer, turn off the
     * other timers." Nothing will be sent again, so the send buffer goes;
     * unread data stays while a user may still read it. */
    tcp_set_state(tcb, TCP_TIME_WAIT, now);
    timer_cancel(tcp->timers, &tcb->rto_timer);
    timer_cancel(tcp->timers, &tcb->conn_timer);
    tcp_buf_free(&tcb->sndbuf);
    if (!tcb->user_attached)
        tcp_buf_free(&tcb->rcvbuf);
    timer_arm(tcp->timers, &tcb->tw_timer, now + two_msl(tcb));
    tcp_notify_user(tcb, now);
}

void tcp_timewait_restart(struct tcb *tcb, usec_t now)
{
    timer_arm(tcb->tcp->timers, &tcb->tw_timer, now + two_msl(tcb));
}

void tcp_timewait_expired(struct timer *t, void *arg, usec_t now)
{
    struct tcb *tcb = arg;

    (void)t;
    /* "If the time-wait timeout expires on a connection, delete the TCB,
     * enter the CLOSED state, and return." */
    timewait_left(tcb->tcp);
    tcp_tcb_done(tcb, 0, now);
}

/* The peer's FIN again: the one RCV.NXT already counts, at RCV.NXT - 1. */
static bool is_fin_retransmission(const struct tcb *tcb, const struct tcp_seg *seg)
{
    uint32_t fin_seq = seg->h.seq + (uint32_t)seg->h.payload_len;

    return (seg->h.flags & TCP_FLAG_FIN) && fin_seq == tcb->rcv_nxt - 1;
}

/* A SYN that RFC 6191 lets reopen the connection: returns true when it was
 * handed to the listener (the old tcb is then gone). */
static bool reopen(struct tcb *tcb, struct tcp_seg *seg, usec_t now)
{
    struct tcp *tcp = tcb->tcp;
    struct tcb *listener;
    uint32_t iss;

    if (!seq_gt(seg->h.seq, tcb->rcv_nxt))
        return false;   /* not beyond the old connection: an old duplicate */
    listener = tcp_lookup_listener(tcp, tcb->local_ip, tcb->local_port);
    if (!listener)
        return false;
    iss = tcb->snd_max + 65535 + 2;
    if (iss == 0)
        iss = 1;   /* 0 means "no hint" to tcp_listen_input */
    tcp->stats.timewait_recycled++;
    trace_note(tcp->trace, now, tcp->node, tcb->subject,
               "new SYN reopens the connection in TIME-WAIT (RFC 6191)");
    timewait_left(tcp);
    tcp_tcb_done(tcb, 0, now);
    tcp_listen_input(listener, seg, iss, now);
    return true;
}

void tcp_timewait_input(struct tcb *tcb, struct tcp_seg *seg, usec_t now)
{
    struct tcp *tcp = tcb->tcp;
    uint8_t flags = seg->h.flags;

    if ((flags & (TCP_FLAG_SYN | TCP_FLAG_ACK | TCP_FLAG_RST)) == TCP_FLAG_SYN &&
        reopen(tcb, seg, now))
        return;
#ifdef LAB5_SOLUTION
    if (is_fin_retransmission(tcb, seg) && !(flags & (TCP_FLAG_RST | TCP_FLAG_SYN))) {
        /* The seed's first reason for 2MSL: our last ACK was lost. "The only
         * thing that can arrive in this state is a retransmission of the
         * remote FIN. Acknowledge it, and restart the 2 MSL timeout." */
        tcp->stats.timewait_reacks++;
        trace_note(tcp->trace, now, tcp->node, tcb->subject,
                   "FIN retransmitted: ACK again, 2MSL timer restarts");
        tcp_send_ack(tcb, now);
        tcp_timewait_restart(tcb, now);
        return;
    }
#else
    /* TODO(lab 5): a retransmitted FIN in TIME-WAIT —
     * labs/lab5-tcp-handshake/README.md, "Part C". Our last ACK was lost:
     * if is_fin_retransmission() (and no RST or SYN), count
     * timewait_reacks, ACK it again (tcp_send_ack) and restart the 2MSL
     * timer (tcp_timewait_restart), then return. */
    (void)is_fin_retransmission;
#endif
    if ((flags & TCP_FLAG_RST) && tcp->cfg.rfc1337) {
        /* RFC 1337 §3 (fix F1): a RST must not cut TIME-WAIT short, or an
         * old duplicate RST could let old segments into a new connection. */
        tcp->stats.timewait_rst_ignored++;
        return;
    }
    /* Everything else takes the ordinary path: the sequence check ACKs
     * what is out of the window, an exact RST closes (RFC 9293 second
     * check), an in-window one or a SYN is challenged (RFC 5961). */
    tcp_input_synchronized(tcb, seg, now);
}
