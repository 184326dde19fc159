/*
 * tcp_recv.c — the receiving half of SEGMENT ARRIVES: RFC 9293 §3.10.7.4's
 * seventh check (segment text) and eighth (FIN).
 *
 * In-order bytes go into the receive ring and RCV.NXT advances; bytes beyond
 * RCV.NXT are held at their place (tcp_reass.h) until the gap fills; a FIN
 * counts only when everything before it has arrived. The ACK that follows
 * may be delayed (tcp_ack_owed) — except after a gap, a FIN, or data the
 * window could not take.
 */
#include "stack/transport/tcp_internal.h"

#include <errno.h>

#include "stack/core/seq.h"

/* A segment beyond RCV.NXT: keep its bytes in the ring at their place and
 * note the range (tcp_reass.h). */
static void hold_out_of_order(struct tcb *tcb, uint32_t seq, const uint8_t *data, uint32_t len,
                              bool fin)
{
#ifdef LAB6_SOLUTION
    struct tcp *tcp = tcb->tcp;
    uint32_t gap = seq - tcb->rcv_nxt;
    uint32_t stored = (uint32_t)tcp_buf_write_at(&tcb->rcvbuf, gap, data, len);

    if (stored < len)
        fin = false;
    if ((stored > 0 || fin) && !tcp_reass_add(&tcb->reass, seq, seq + stored)) {
        tcp->stats.drop_out_of_order++;   /* too many holes: the peer resends it */
        return;
    }
    if (fin) {
        tcb->reass.fin = true;
        tcb->reass.fin_seq = seq + stored;
    }
    tcp->stats.ooo_queued++;
#else
    /* TODO(lab 6): hold_out_of_order() — labs/lab6-tcp-window/README.md,
     * "Part B". Keep the bytes in the receive ring at their place, gap =
     * seq - RCV.NXT bytes after the in-order data (tcp_buf_write_at), note
     * the range with tcp_reass_add (full: count drop_out_of_order), and a
     * FIN right after them (reass.fin, reass.fin_seq); count ooo_queued. */
    (void)seq;
    (void)data;
    (void)len;
    (void)fin;
    tcb->tcp->stats.drop_out_of_order++;   /* drops every early segment */
#endif
}

/* In-order bytes at RCV.NXT; then whatever out-of-order data they joined. */
static void take_in_order(struct tcb *tcb, const uint8_t *data, uint32_t len, bool *fin)
{
    uint32_t stored = (uint32_t)tcp_buf_write(&tcb->rcvbuf, data, len);

    if (stored < len)
        *fin = false;   /* out of memory: take the rest next time */
    tcb->rcv_nxt += stored;
    if (!tcp_reass_empty(&tcb->reass)) {
        uint32_t to = tcp_reass_advance(&tcb->reass, tcb->rcv_nxt);

        tcp_buf_extend(&tcb->rcvbuf, to - tcb->rcv_nxt);
        tcb->rcv_nxt = to;
        if (tcb->reass.fin && tcb->reass.fin_seq == tcb->rcv_nxt && tcp_reass_empty(&tcb->reass)) {
            *fin = true;   /* the FIN that was waiting behind the gap */
            tcb->reass.fin = false;
        }
        tcb->ack_now = true;   /* RFC 5681 §4.2: ACK at once when a gap fills */
    }
    if (tcb->rd_shutdown)
        tcp_buf_consume(&tcb->rcvbuf, tcp_buf_len(&tcb->rcvbuf));   /* shutdown(SHUT_RD) */
}

/* Seventh check: segment text, in ESTABLISHED and FIN-WAIT-1/2 only
 * (after the peer's FIN no more text can be valid). *fin says whether the
 * segment's FIN is next in sequence. */
enum tcp_text_result tcp_recv_text(struct tcb *tcb, struct tcp_seg *seg, bool *fin,
                                           usec_t now)
{
    struct tcp *tcp = tcb->tcp;
    const uint8_t *data = seg->h.payload;
    uint32_t len = (uint32_t)seg->h.payload_len;
    uint32_t seq = seg->h.seq;
    uint32_t wnd, gap;

    *fin = seg->h.flags & TCP_FLAG_FIN;
    if (seg->h.flags & TCP_FLAG_SYN)
        seq += 1;   /* the SYN takes the first sequence number, the data follows */
    /* "If a segment's contents straddle the boundary between old and new,
     * only the new parts are processed." Trim what we have already. */
    if (seq_lt(seq, tcb->rcv_nxt)) {
        uint32_t old = tcb->rcv_nxt - seq;

        if (old > len) {
            *fin = false;   /* the FIN is old too: RCV.NXT counts it already */
            old = len;
        }
        data += old;
        len -= old;
        seq += old;
    }
    /* Trim to the window; a FIN beyond the window is not yet acceptable. */
    gap = seq - tcb->rcv_nxt;
    wnd = tcp_rcv_window(tcb);
    if (gap >= wnd && (len > 0 || gap > 0)) {
        len = 0;
        *fin = false;
        tcb->ack_now = tcb->ack_pending = true;   /* "the window is still closed" */
    } else if (len > wnd - gap) {
        len = wnd - gap;
        *fin = false;
        tcb->ack_now = tcb->ack_pending = true;
    }
    switch (tcb->state) {
    case TCP_ESTABLISHED:
    case TCP_FIN_WAIT_1:
    case TCP_FIN_WAIT_2:
        break;
    default:
        /* CLOSE-WAIT, CLOSING, LAST-ACK, TIME-WAIT: "Ignore the segment
         * text." (the peer's FIN came already) */
        return gap == 0 ? TEXT_IN_ORDER : TEXT_OUT_OF_ORDER;
    }
    if (len == 0 && gap == 0)
        return TEXT_IN_ORDER;
    if (len > 0 && tcb->user_closed) {
        /* RFC 9293 §3.10.4 / RFC 1122 §4.2.2.13: data for a user that has
         * closed can never be read: reset "to show that data was lost". */
        tcp->stats.data_after_close++;
        tcp_send_rst(tcb, now);
        tcp_tcb_done(tcb, -ECONNRESET, now);
        return TEXT_CLOSED;
    }
    if (gap > 0) {
        if (len > 0 || *fin)
            hold_out_of_order(tcb, seq, data, len, *fin);
        *fin = false;
        return TEXT_OUT_OF_ORDER;
    }
    if (!tcb->data_seen) {
        /* Linux's quick-ACK phase: the first rcv_wnd / (2 MSS) segments
         * (2 to 16) are ACKed at once (tcp_incr_quickack). */
        uint32_t q = tcp_rcv_window(tcb) / (2u * tcb->rcv_mss);

        tcb->data_seen = true;
        tcb->quickack = q < 2 ? 2 : q > 16 ? 16 : q;
    }
    take_in_order(tcb, data, len, fin);
    tcb->ack_pending = true;   /* perhaps delayed: tcp_ack_owed decides */
    tcp_notify_user(tcb, now);
    return TEXT_IN_ORDER;
}

/* Eighth check: FIN. Only a FIN that comes right after all the data can be
 * processed; it takes one sequence number. */
bool tcp_recv_fin(struct tcb *tcb, usec_t now)
{
#ifdef LAB5_SOLUTION
    tcb->rcv_nxt += 1;
    tcb->fin_received = true;
    tcb->ack_pending = tcb->ack_now = true;   /* "send an acknowledgment for the FIN" */
    tcp_notify_user(tcb, now);   /* "signal the user 'connection closing'" */
    switch (tcb->state) {
    case TCP_SYN_RECV:
    case TCP_ESTABLISHED:
        /* The seed's second step: the passive closer ACKs the FIN at once
         * and waits in CLOSE-WAIT until its application calls close(). */
        tcp_set_state(tcb, TCP_CLOSE_WAIT, now);
        return true;
    case TCP_FIN_WAIT_1:
        /* Our FIN is not yet acknowledged (else the fifth check moved us to
         * FIN-WAIT-2): both sides closed at once. */
        tcp_set_state(tcb, TCP_CLOSING, now);
        return true;
    case TCP_FIN_WAIT_2:
        tcp_send_ack(tcb, now);
        tcp_timewait_enter(tcb, now);
        return false;
    default:
        return true;   /* CLOSE-WAIT, CLOSING, LAST-ACK: "Remain in the state" */
    }
#else
    /* TODO(lab 5): tcp_recv_fin() — labs/lab5-tcp-handshake/README.md,
     * "Part B". The eighth check: the FIN takes one sequence number
     * (RCV.NXT + 1); note fin_received, owe an ACK at once (ack_pending,
     * ack_now) and tell the user (tcp_notify_user). Then by state:
     * SYN_RECV or ESTABLISHED -> CLOSE_WAIT; FIN_WAIT_1 -> CLOSING;
     * FIN_WAIT_2: ACK now, tcp_timewait_enter, return false (done);
     * other states stay. Return true to go on. */
    (void)tcb;
    (void)now;
    return true;   /* ignores the FIN: the peer will retransmit it */
#endif
}
