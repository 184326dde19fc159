/*
 * tcp_output.c — building and sending segments.
 *
 * One function builds every segment a connection sends (tcp_send_segment);
 * tcp_output decides what the windows allow (RFC 9293 §3.8.6: send only
 * within SND.UNA + SND.WND), and the small senders below form the replies
 * the RFC writes as <SEQ=...><ACK=...><CTL=...>.
 *
 * Window values: our window is the free space of the receive buffer, at most
 * 65,535 (no window scaling yet), so a fresh connection advertises 65535 —
 * in SYN and SYN+ACK too, which carry exactly one option, <mss M> with M =
 * the interface MTU - 40 (1460 on Ethernet), in Linux's option layout.
 * An RST sent by ABORT carries ACK as well (`R.`), as Linux's does.
 */
#include "stack/transport/tcp_internal.h"

#include <errno.h>
#include <string.h>

#include "stack/core/log.h"
#include "stack/core/seq.h"
#include "stack/net/ip4.h"

uint32_t tcp_rcv_window(const struct tcb *tcb)
{
#ifdef LAB6_SOLUTION
    size_t space = tcp_buf_space(&tcb->rcvbuf);
    size_t max = (size_t)65535 << tcb->rcv_wscale;   /* what the 16-bit field can say */
    uint32_t unit = (uint32_t)1 << tcb->rcv_wscale;
    uint32_t threshold = (uint32_t)(tcb->rcvbuf.cap / 2);
    int32_t open = seq_diff(tcb->rcv_adv, tcb->rcv_nxt);

    if (space > max)
        space = max;
    space &= ~(size_t)(unit - 1);   /* a scaled window comes in units of 2^shift */
    /* RFC 9293 §3.8.6.2.2 writes Eff.snd.MSS; what a receiver cares about is
     * the largest segment it may receive, the MSS it announced (Linux's
     * rcv_mss estimate plays the same part). */
    if (threshold > tcb->rcv_mss)
        threshold = tcb->rcv_mss;
    if (open < 0)
        open = 0;
    /* RFC 1122 §4.2.3.3, the receiver's silly-window avoidance: move the
     * right edge only by a useful amount, min(buffer / 2, MSS); until then
     * keep offering what the peer already knows — never less (RFC 9293
     * §3.8.6.2.2: do not shrink the window). */
    if (space >= (size_t)open + threshold)
        return (uint32_t)space;
    /* `open` is rarely a whole number of 2^shift units: the header rounds
     * it (window_field). */
    return (uint32_t)open;
#else
    /* TODO(lab 6): tcp_rcv_window() — labs/lab6-tcp-window/README.md,
     * "Part B". The window we advertise: the free space of the receive
     * buffer (tcp_buf_space), at most what the 16-bit field can say
     * (65535 << rcv_wscale) in whole units of 2^rcv_wscale; move the right
     * edge only by min(buffer / 2, MSS) or more (no silly windows), and
     * never offer less than what is already open (RCV.ADV - RCV.NXT). */
    size_t space = tcp_buf_space(&tcb->rcvbuf);
    size_t max = (size_t)65535 << tcb->rcv_wscale;

    return (uint32_t)(space < max ? space : max);   /* raw free space: silly windows, may shrink */
#endif
}

/* The window field counts units of 2^rcv_wscale (RFC 7323 §2.3), and the
 * window is rarely a whole number of them. Round up, as Linux does, so the
 * right edge does not move left — if the ring has room for the extra bytes:
 * an edge past its end would invite bytes it must drop and the peer must
 * send again. Else round down: the peer sees the window shrink by less than
 * one unit, while we still take every byte up to the old edge, rcv_adv
 * (RFC 7323 §2.4). */
static uint16_t window_field(const struct tcb *tcb)
{
    uint32_t wnd = tcp_rcv_window(tcb);
    uint64_t unit = (uint64_t)1 << tcb->rcv_wscale;
    uint64_t up = ((uint64_t)wnd + unit - 1) & ~(unit - 1);

    if (up <= tcp_buf_space(&tcb->rcvbuf))   /* never past 65535 units: wnd is at most that */
        wnd = (uint32_t)up;
    return (uint16_t)(wnd >> tcb->rcv_wscale);
}

/* Fill h with tcb's ports and our window. */
static void header_for(const struct tcb *tcb, struct tcp_hdr *h, uint8_t flags, uint32_t seq)
{
    tcp_hdr_init(h);
    h->src_port = tcb->local_port;
    h->dst_port = tcb->remote_port;
    h->seq = seq;
    h->flags = flags;
    if (flags & TCP_FLAG_ACK)
        h->ack = tcb->rcv_nxt;
    if (flags & TCP_FLAG_SYN) {
        size_t space = tcp_buf_space(&tcb->rcvbuf);

        /* RFC 7323 §2.2: a SYN's window is never scaled. */
        h->window = (uint16_t)(space > 65535 ? 65535 : space);
        /* RFC 9293 §3.7.1: announce our MSS on the SYN (MUST-14 for the
         * value to mean anything else than 536). */
        h->opt.has_mss = true;
        h->opt.mss = tcb->rcv_mss;
        /* RFC 7323 §2.2: offer scaling on a SYN; on a SYN+ACK only if the
         * peer's SYN offered it. */
        if ((!(flags & TCP_FLAG_ACK) && tcb->tcp->cfg.window_scaling) || tcb->wscale_ok) {
            h->opt.has_wscale = true;
            h->opt.wscale = tcb->rcv_wscale;
        }
    } else {
        h->window = window_field(tcb);
    }
}

/* Emit h in front of p, checksum it, and hand it to IPv4 (which takes p). */
static int transmit(struct tcp *tcp, struct pkb *p, const struct tcp_hdr *h, uint32_t src,
                    uint32_t dst, usec_t now)
{
    int err = tcp_hdr_emit(p, h);

    if (err < 0) {
        pkb_free(p);
        return err;
    }
    tcp_checksum_fill(p, src, dst);
    if (h->flags & TCP_FLAG_RST)
        tcp->stats.out_rsts++;
    err = ip4_output(tcp->ip, p, src, dst, IP4_PROTO_TCP, now);
    if (err < 0)
        tcp->stats.out_no_route++;
    return err;
}

int tcp_send_segment(struct tcb *tcb, uint8_t flags, uint32_t seq, uint32_t len, bool is_rtx,
                     usec_t now)
{
    struct tcp *tcp = tcb->tcp;
    struct tcp_hdr h;
    struct pkb *p = pkb_alloc(PKB_DEFAULT_HEADROOM, len);

    if (!p)
        return -ENOBUFS;
    if (len > 0) {
        /* The data comes from the send buffer, whose first byte is
         * snd_buf_seq: a retransmission reads the same bytes again. */
        size_t off = (size_t)(uint32_t)(seq - tcb->snd_buf_seq);
        uint8_t *d = pkb_put(p, len);

        if (!d || tcp_buf_peek(&tcb->sndbuf, off, d, len) != len) {
            log_error("tcp", "%s: send buffer has no bytes at seq %u", tcb->subject, seq);
            pkb_free(p);
            return -EINVAL;
        }
    }
    header_for(tcb, &h, flags, seq);
    if (flags & TCP_FLAG_ACK) {
        uint32_t wnd = (flags & TCP_FLAG_SYN) ? h.window : (uint32_t)h.window << tcb->rcv_wscale;

        tcb->rcv_wnd = wnd;
        tcb->rcv_adv = seq_max(tcb->rcv_adv, tcb->rcv_nxt + wnd);
        tcb->ack_pending = false;   /* this segment carries the ACK we owed */
        tcb->ack_now = false;
        tcb->rcv_acked = tcb->rcv_nxt;
        timer_cancel(tcp->timers, &tcb->delack_timer);
    }
    if (is_rtx)
        tcp->stats.retrans_segs++;
    else
        tcp->stats.segs_out++;
    return transmit(tcp, p, &h, tcb->local_ip, tcb->remote_ip, now);
}

/* Is tcb in a state that sends data and FIN? (RFC 9293 §3.10.2: SEND in
 * ESTABLISHED and CLOSE-WAIT; data queued before a CLOSE still drains in
 * FIN-WAIT-1, CLOSING and LAST-ACK.) */
static bool may_send_data(int state)
{
    switch (state) {
    case TCP_ESTABLISHED:
    case TCP_CLOSE_WAIT:
    case TCP_FIN_WAIT_1:
    case TCP_CLOSING:
    case TCP_LAST_ACK:
        return true;
    default:
        return false;
    }
}

/*
 * Nagle's algorithm (RFC 896, RFC 1122 §4.2.3.4), in Minshall's variant as
 * Linux has it: a segment smaller than the MSS waits while an earlier small
 * segment is still unacknowledged, so a stream of tiny writes goes out as
 * one small segment per round trip (the seed's sender-side "sticky
 * packets"). Full segments always go; so does everything when nothing small
 * is in flight, and with TCP_NODELAY. RFC 1122's sender SWS rule: a segment
 * of at least half the largest window the peer offered goes too.
 */
static bool nagle_holds(const struct tcb *tcb, size_t len, size_t unsent)
{
#ifdef LAB6_SOLUTION
    if (len >= tcb->snd_mss || tcb->nodelay)
        return false;
    if (tcb->max_snd_wnd > 0 && len >= tcb->max_snd_wnd / 2 && len == unsent)
        return false;
    /* A small segment waits while another small one is unacknowledged
     * (Minshall) — or, the classic rule's other half, while it is not all
     * there is to send (more data would fill it; the window is the limit). */
    if (seq_gt(tcb->snd_sml, tcb->snd_una))
        return true;
    return len < unsent && tcb->snd_una != tcb->snd_max;
#else
    /* TODO(lab 6): nagle_holds() — labs/lab6-tcp-window/README.md,
     * "Small segments". Should a segment of len bytes (of unsent waiting)
     * wait? Never a full segment (snd_mss) or with TCP_NODELAY (nodelay);
     * not one of at least half the largest window the peer offered
     * (max_snd_wnd) that is all there is to send; otherwise a small segment
     * waits while an earlier small one is unacknowledged (snd_sml after
     * snd_una: Minshall's rule), or while more data is waiting to fill it
     * and something is in flight. */
    (void)tcb;
    (void)len;
    (void)unsent;
    return false;   /* never holds: every small write leaves at once */
#endif
}

void tcp_output(struct tcb *tcb, usec_t now)
{
    if (!may_send_data(tcb->state))
        return;
    for (;;) {
        int32_t off = seq_diff(tcb->snd_nxt, tcb->snd_buf_seq);
        size_t buffered = tcp_buf_len(&tcb->sndbuf);
#ifdef LAB6_SOLUTION
        uint32_t wnd = tcb->snd_wnd < tcb->cwnd ? tcb->snd_wnd : tcb->cwnd;
        int32_t usable = seq_diff(tcb->snd_una + wnd, tcb->snd_nxt);
#else
        /* TODO(lab 6): the usable window — labs/lab6-tcp-window/README.md,
         * "Part A". P1 = SND.UNA, P2 = SND.NXT, P3 = SND.UNA + the send
         * window, which is min(SND.WND, cwnd): usable = P3 - P2 (seq_diff). */
        int32_t usable = seq_diff(tcb->snd_una + tcb->cwnd, tcb->snd_nxt);   /* ignores SND.WND: no flow control */
#endif
        size_t unsent, len;
        bool fin, is_rtx;
        uint8_t flags = TCP_FLAG_ACK;

        if (off < 0 || (size_t)off > buffered)
            break;   /* nothing left: the FIN is out already */
        unsent = buffered - (size_t)off;
        len = unsent;
        if (usable <= 0)
            len = 0;
        else if (len > (size_t)usable)
            len = (size_t)usable;
        if (len > tcb->snd_mss)
            len = tcb->snd_mss;
        /* The FIN follows the last byte of data (RFC 9293 §3.10.4: "queue
         * this until all preceding SENDs have been segmentized"). */
        fin = tcb->fin_queued && (size_t)off + len == buffered;
        if (len == 0 && !fin)
            break;
        is_rtx = seq_lt(tcb->snd_nxt, tcb->snd_max);
        if (!fin && !is_rtx && nagle_holds(tcb, len, unsent))
            break;   /* retransmissions never wait for Nagle */
        if (len > 0 && (size_t)off + len == buffered)
            flags |= TCP_FLAG_PSH;   /* the end of what the user gave us */
        if (fin)
            flags |= TCP_FLAG_FIN;
        if (tcb->snd_una == tcb->snd_max)
            tcb->unacked_since = now;   /* the user timeout counts from here */
        tcp_send_segment(tcb, flags, tcb->snd_nxt, (uint32_t)len, is_rtx, now);
        if (!is_rtx)
            tcp_rtt_start(tcb, tcb->snd_nxt + (uint32_t)len + (fin ? 1 : 0), now);
        if (len < tcb->snd_mss)
            tcb->snd_sml = tcb->snd_nxt + (uint32_t)len;
        tcb->snd_nxt += (uint32_t)len + (fin ? 1 : 0);
        if (fin) {
            tcb->fin_sent = true;
            tcb->fin_seq = tcb->snd_nxt - 1;
        }
        tcb->snd_max = seq_max(tcb->snd_max, tcb->snd_nxt);
        tcp_rto_arm(tcb, now);
        if (fin)
            break;
    }
    tcp_persist_check(tcb, now);
}

uint32_t tcp_unsent(const struct tcb *tcb)
{
    int32_t off = seq_diff(tcb->snd_nxt, tcb->snd_buf_seq);
    size_t buffered = tcp_buf_len(&tcb->sndbuf);

    if (off < 0 || (size_t)off >= buffered)
        return 0;
    return (uint32_t)(buffered - (size_t)off);
}

void tcp_send_ack(struct tcb *tcb, usec_t now)
{
    /* RFC 9293's SND.NXT is our snd_max: after a timeout snd_nxt has gone
     * back to SND.UNA, and a pure ACK carrying that old number would fail
     * the peer's sequence check — its news ignored (BSD does the same). */
    tcp_send_segment(tcb, TCP_FLAG_ACK, tcb->snd_max, 0, false, now);
}

void tcp_ack_owed(struct tcb *tcb, usec_t now)
{
    const struct tcp_config *cfg = &tcb->tcp->cfg;

    if (!tcb->ack_pending)
        return;
    /* At once: when asked (a gap, a FIN, a closed window), with delayed
     * ACKs off, in the quick-ACK phase at the start of the data (Linux
     * ACKs the first segments at once so the sender's slow start is not
     * held back), and when more than one full segment is unacknowledged
     * (RFC 1122 §4.2.3.2, RFC 5681 §4.2: "at least every second
     * full-sized segment"). */
    if (tcb->ack_now || cfg->delack_timeout == 0 ||
        tcb->rcv_nxt - tcb->rcv_acked > tcb->rcv_mss) {
        tcp_send_ack(tcb, now);
        return;
    }
    if (tcb->quickack > 0) {
        tcb->quickack--;
        tcp_send_ack(tcb, now);
        return;
    }
    tcp_delack_arm(tcb, now);
}

bool tcp_challenge_ack_allowed(struct tcp *tcp, const char *subject, usec_t now)
{
    /* RFC 5961 §7: a system-wide limit on challenge ACKs, so that spoofed
     * segments cannot turn us into an ACK amplifier. Linux randomises the
     * limit to close a side channel (CVE-2016-5696); we keep it exact so
     * runs are reproducible. */
    if (now - tcp->challenge_slot_start >= USEC_PER_SEC || now < tcp->challenge_slot_start) {
        tcp->challenge_slot_start = now;
        tcp->challenge_count = 0;
    }
    if (tcp->challenge_count >= tcp->cfg.challenge_ack_limit) {
        tcp->stats.challenge_acks_limited++;
        return false;
    }
    tcp->challenge_count++;
    tcp->stats.challenge_acks++;
    trace_note(tcp->trace, now, tcp->node, subject, "challenge ACK (RFC 5961)");
    return true;
}

void tcp_send_challenge_ack(struct tcb *tcb, usec_t now)
{
    if (tcp_challenge_ack_allowed(tcb->tcp, tcb->subject, now))
        tcp_send_ack(tcb, now);
}

int tcp_send_no_tcb(struct tcp *tcp, const struct tcp_no_tcb_segment *s, bool is_rtx,
                    usec_t now)
{
    struct tcp_hdr h;
    struct pkb *p = pkb_alloc(PKB_DEFAULT_HEADROOM, 0);

    if (!p)
        return -ENOBUFS;
    tcp_hdr_init(&h);
    h.src_port = s->local_port;
    h.dst_port = s->remote_port;
    h.seq = s->seq;
    h.ack = s->ack;
    h.flags = s->flags;
    h.window = s->window;
    if (s->flags & TCP_FLAG_SYN) {
        /* As header_for() writes a SYN+ACK: our MSS, and a window scale
         * only when the peer's SYN offered one (RFC 7323 §2.2). */
        h.opt.has_mss = true;
        h.opt.mss = s->mss;
        if (s->wscale >= 0) {
            h.opt.has_wscale = true;
            h.opt.wscale = (uint8_t)s->wscale;
        }
    }
    if (is_rtx)
        tcp->stats.retrans_segs++;
    else
        tcp->stats.segs_out++;
    return transmit(tcp, p, &h, s->local_ip, s->remote_ip, now);
}

void tcp_send_rst(struct tcb *tcb, usec_t now)
{
    tcp_send_segment(tcb, TCP_FLAG_RST | TCP_FLAG_ACK, tcb->snd_max, 0, false, now);
}

void tcp_send_rst_reply(struct tcp *tcp, const struct tcp_seg *seg, usec_t now)
{
    struct tcp_hdr h;
    struct pkb *p;

    if (seg->h.flags & TCP_FLAG_RST)
        return;   /* never answer a reset with a reset */
    p = pkb_alloc(PKB_DEFAULT_HEADROOM, 0);
    if (!p)
        return;
    tcp_hdr_init(&h);
    h.src_port = seg->h.dst_port;
    h.dst_port = seg->h.src_port;
    if (seg->h.flags & TCP_FLAG_ACK) {
        /* RFC 9293 §3.10.7.1: "<SEQ=SEG.ACK><CTL=RST>" — the sequence number
         * the peer expects from us, so it accepts the reset. */
        h.seq = seg->h.ack;
        h.flags = TCP_FLAG_RST;
    } else {
        /* "<SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>" — no ACK of ours to
         * quote, so acknowledge exactly what it sent. */
        h.seq = 0;
        h.ack = seg->h.seq + seg->seg_len;
        h.flags = TCP_FLAG_RST | TCP_FLAG_ACK;
    }
    tcp->stats.segs_out++;
    transmit(tcp, p, &h, seg->dst_ip, seg->src_ip, now);
}
