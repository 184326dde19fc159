/*
 * tcp_listen.c — a listening connection: SEGMENT ARRIVES in LISTEN
 * (RFC 9293 §3.10.7.2), its queue of completed connections, and accept.
 *
 *   SYN ──► SYN cache entry ──(final ACK)──► tcb: SYN_RECV ──► ESTABLISHED ──► accept()
 *           tcp_syncache.c                   tcp_listen_complete           on its accept_queue
 *
 * A SYN does not get a tcb: it gets an entry in the listener's SYN cache
 * (tcp_syncache.h), a few dozen bytes that remember the handshake and send
 * (and resend) the SYN+ACK. Only the final ACK builds the connection — a
 * copy of the listener, as RFC 9293 §3.10.7.2 describes: "fill in ... the
 * foreign socket" — in SYN_RECV, and that same ACK takes it to ESTABLISHED
 * (fifth check, tcp_input.c) and onto the accept queue until the
 * application calls accept(). Both are bounded: max_syn_backlog entries,
 * `backlog` completed connections. When either is full, a new SYN is
 * dropped without an answer (no RST), and counted: the client's SYN
 * retransmission tries again later, when there may be room. The cache's
 * bound is what a SYN flood (the seed's 三次握手的隐患) fills with spoofed
 * SYNs whose SYN+ACKs are never answered (RFC 4987 §2).
 *
 * The defence (RFC 4987 §3.6): with cfg.syncookies on, a SYN that finds the
 * cache full is answered with a SYN+ACK whose ISS is a cookie
 * (tcp_syncookie.c) and nothing is kept; a final ACK that matches no
 * connection is checked as a cookie, and only a valid one makes a
 * connection — through tcp_listen_complete, as from a cache entry. A flood
 * then costs the listener a bounded table and no memory per spoofed SYN,
 * and real clients still get in. With cookies off, a student sees the cache
 * fill and the counters (syncache_overflowed, syn_queue_full) climb.
 */
#include "stack/transport/tcp_internal.h"

#include <errno.h>

#include "stack/core/log.h"

void tcb_queue_push(struct tcb_queue *q, struct tcb *tcb)
{
    tcb->queue_next = NULL;
    if (q->tail)
        q->tail->queue_next = tcb;
    else
        q->head = tcb;
    q->tail = tcb;
    q->count++;
}

struct tcb *tcb_queue_pop(struct tcb_queue *q)
{
    struct tcb *tcb = q->head;

    if (!tcb)
        return NULL;
    q->head = tcb->queue_next;
    if (!q->head)
        q->tail = NULL;
    tcb->queue_next = NULL;
    q->count--;
    return tcb;
}

bool tcb_queue_remove(struct tcb_queue *q, struct tcb *tcb)
{
    struct tcb *prev = NULL;

    for (struct tcb *t = q->head; t; prev = t, t = t->queue_next) {
        if (t != tcb)
            continue;
        if (prev)
            prev->queue_next = t->queue_next;
        else
            q->head = t->queue_next;
        if (q->tail == t)
            q->tail = prev;
        t->queue_next = NULL;
        q->count--;
        return true;
    }
    return false;
}

void tcp_listen_unlink(struct tcb *child)
{
    struct tcb *parent = child->parent;

    if (!parent)
        return;
    if (tcb_queue_remove(&parent->syn_queue, child))
        child->tcp->stats.syncache_dropped++;   /* a handshake that never completed */
    else
        tcb_queue_remove(&parent->accept_queue, child);
    child->parent = NULL;
}

/* A new child for the 4-tuple of seg (the final ACK of its handshake). */
static struct tcb *make_child(struct tcb *listener, const struct tcp_seg *seg)
{
    struct tcb *child = tcp_tcb_alloc(listener->tcp);

    if (!child)
        return NULL;
    child->state = TCP_LISTEN;   /* the copy of the listener, about to move on */
    child->local_ip = seg->dst_ip;
    child->local_port = seg->h.dst_port;
    child->remote_ip = seg->src_ip;
    child->remote_port = seg->h.src_port;
    if (tcp_port_hold(child) < 0) {
        tcp_tcb_free(child);
        return NULL;
    }
    child->passive = true;
    child->reuseaddr = listener->reuseaddr;
    tcp_buf_set_cap(&child->sndbuf, listener->sndbuf.cap);
    tcp_buf_set_cap(&child->rcvbuf, listener->rcvbuf.cap);
    tcp_set_subject(child);
    return child;
}

void tcp_listen_complete(struct tcb *listener, const struct tcp_handshake *hs,
                         struct tcp_seg *seg, usec_t now)
{
    struct tcb *child = make_child(listener, seg);
    uint32_t wnd;

    if (!child)
        return;   /* out of memory: the client's retransmission tries again */
    /* What the SYN set (RFC 9293 §3.10.7.2): IRS and RCV.NXT; our ISS, with
     * SND.UNA = ISS and SND.NXT = ISS + 1 (the SYN+ACK was sent). */
    child->irs = hs->irs;
    child->rcv_nxt = hs->irs + 1;
    tcp_tcb_init_send(child, hs->iss, now);
    tcp_apply_syn_options(child, hs->wscale_ok, hs->snd_wscale, hs->peer_mss);
    /* The window our SYN+ACK offered: its right edge never moves left. */
    wnd = (uint32_t)(child->rcvbuf.cap > 65535 ? 65535 : child->rcvbuf.cap);
    child->rcv_wnd = wnd;
    child->rcv_adv = child->rcv_nxt + wnd;
    child->rcv_acked = child->rcv_nxt;
    child->snd_wnd = hs->peer_window;
    child->max_snd_wnd = hs->peer_window;
    child->snd_wl1 = hs->irs;   /* the SYN's: older than this ACK, which updates it */
    child->snd_nxt = hs->iss + 1;
    child->snd_max = hs->iss + 1;
    /* The handshake's RTT sample is taken in established() unless the
     * SYN+ACK was retransmitted (Karn; RFC 6298 §5.7 then starts at 3 s). */
    child->opened_at = hs->synack_sent;
    child->retries = hs->retries;
    tcp_hash_insert(child);
    child->parent = listener;
    tcb_queue_push(&listener->syn_queue, child);
    if (hs->announced)
        child->state = TCP_SYN_RECV;   /* counted and traced when the SYN came */
    else
        tcp_set_state(child, TCP_SYN_RECV, now);
    /* Should the ACK not take it further (the lab 6 sequence check may be
     * stricter than the cache's), it is an ordinary SYN_RECV connection:
     * its SYN+ACK is retransmitted and it gives up in time. */
    tcp_rto_arm(child, now);
    /* The ACK itself now takes the child to ESTABLISHED (fifth check) and
     * delivers any data it carries. */
    tcp_input_synchronized(child, seg, now);
}

/* RFC 4987 §3.6: an ACK for no connection may complete a handshake whose
 * SYN was answered with a cookie. True when the segment was used (a
 * connection was built, or the ACK was dropped for a full accept queue);
 * false when it is no cookie of ours: counted, and the caller resets it. */
static bool cookie_ack(struct tcb *listener, struct tcp_seg *seg, usec_t now)
{
    struct tcp *tcp = listener->tcp;
    int idx = tcp_cookie_check(tcp, seg, now);
    struct tcp_handshake hs;

    if (idx < 0) {
        tcp->stats.syncookies_rejected++;
        trace_note(tcp->trace, now, tcp->node, listener->subject, "ACK %u: no valid cookie (%s)",
                   seg->h.ack, idx == -ETIMEDOUT ? "too old" : "bad hash");
        return false;
    }
    if (listener->accept_queue.count >= listener->backlog) {
        /* As for a cache entry: drop the ACK; the client's data or its
         * retransmission brings the cookie again while it is valid. */
        tcp->stats.accept_queue_full++;
        return true;
    }
    /* Rebuild what the SYN would have set: IRS is the segment's SEQ - 1,
     * our ISS is its ACK - 1. The cookie's MSS (never more than our own);
     * no window scaling (our SYN+ACK did not offer it, see
     * tcp_syncookie.c). We do not know when the SYN+ACK left: no RTT
     * sample from the handshake (retries 1, as after a retransmission). */
    hs = (struct tcp_handshake){
        .iss = seg->h.ack - 1,
        .irs = seg->h.seq - 1,
        .peer_mss = tcp_cookie_mss[idx],
        .wscale_ok = false,
        .peer_window = seg->h.window,
        .synack_sent = now,
        .retries = 1,
        .announced = false,
    };
    tcp->stats.syncookies_accepted++;
    trace_note(tcp->trace, now, tcp->node, listener->subject, "SYN cookie accepted: MSS %u",
               tcp_cookie_mss[idx]);
    tcp_listen_complete(listener, &hs, seg, now);
    return true;
}

/* RFC 4987 §3.6: the SYN cache is full; answer without keeping state. */
static void send_cookie(struct tcb *listener, struct tcp_seg *seg, usec_t now)
{
    struct tcp *tcp = listener->tcp;
    uint16_t peer_mss = seg->h.opt.has_mss ? seg->h.opt.mss : TCP_DEFAULT_MSS;
    uint32_t iss = tcp_cookie_make(tcp, seg, tcp_cookie_mss_index(peer_mss), now);

    if (tcp_cookie_send_synack(tcp, listener, seg, iss, now) == 0)
        tcp->stats.syncookies_sent++;
}

void tcp_listen_input(struct tcb *listener, struct tcp_seg *seg, uint32_t iss_hint, usec_t now)
{
    struct tcp *tcp = listener->tcp;
    const struct tcp_hdr *h = &seg->h;
    struct tcp_syncache_entry *e;

    /* A handshake in progress: SYN-RECEIVED, played by the cache entry. */
    e = tcp_syncache_lookup(listener, seg->dst_ip, seg->src_ip, h->src_port);
    if (e) {
        tcp_syncache_input(listener, e, seg, now);
        return;
    }
    /* "First, check for a RST: an incoming RST segment could not be valid
     * since it could not have been sent in response to anything sent by this
     * incarnation of the connection. An incoming RST should be ignored." */
    if (h->flags & TCP_FLAG_RST) {
        tcp->stats.drop_rst_no_tcb++;
        return;
    }
    /* "Second, check for an ACK: any acknowledgment is bad if it arrives on
     * a connection still in the LISTEN state. An acceptable reset segment
     * should be formed for any arriving ACK-bearing segment:
     * <SEQ=SEG.ACK><CTL=RST>". */
    if (h->flags & TCP_FLAG_ACK) {
        if (!(h->flags & TCP_FLAG_SYN) && tcp->cfg.syncookies && cookie_ack(listener, seg, now))
            return;
        tcp->stats.drop_listen++;
        tcp_send_rst_reply(tcp, seg, now);
        return;
    }
    /* "Fourth, other data or control": neither SYN nor RST nor ACK. */
    if (!(h->flags & TCP_FLAG_SYN)) {
        tcp->stats.drop_listen++;
        return;
    }
    /* "Third, check for a SYN" — after the backlog checks, which the RFC
     * leaves to the implementation. Dropping silently, not resetting, lets
     * the client retry (Linux does the same). */
    if (tcp_syncache_full(listener)) {
        tcp->stats.syncache_overflowed++;
        if (tcp->cfg.syncookies && listener->accept_queue.count < listener->backlog) {
            send_cookie(listener, seg, now);
            return;
        }
        tcp->stats.syn_queue_full++;
        trace_note(tcp->trace, now, tcp->node, listener->subject,
                   "SYN dropped: SYN cache full (%u)", tcp->cfg.max_syn_backlog);
        return;
    }
    if (listener->accept_queue.count >= listener->backlog) {
        tcp->stats.accept_queue_full++;
        trace_note(tcp->trace, now, tcp->node, listener->subject,
                   "SYN dropped: accept queue full (%u)", listener->accept_queue.count);
        return;
    }
    tcp_syncache_add(listener, seg, iss_hint, now);
}

bool tcp_listen_child_established(struct tcb *child, usec_t now)
{
    struct tcb *parent = child->parent;
    struct tcp *tcp = child->tcp;

    if (!parent)
        return true;
    if (parent->accept_queue.count >= parent->backlog) {
        /* Linux (tcp_abort_on_overflow = 0): ignore the ACK; the child stays
         * in SYN_RECV and its SYN+ACK retransmission gives the application
         * time to accept. */
        tcp->stats.accept_queue_full++;
        trace_note(tcp->trace, now, tcp->node, child->subject,
                   "final ACK dropped: accept queue full (%u)", parent->accept_queue.count);
        return false;
    }
    tcb_queue_remove(&parent->syn_queue, child);
    tcb_queue_push(&parent->accept_queue, child);
    return true;
}

void tcp_listen_close_children(struct tcb *listener, usec_t now)
{
    struct tcb *child;

    tcp_syncache_clear(listener, now);

    /* Handshakes in progress vanish silently (the client's SYN+ACK ... ACK
     * then meets no connection and is answered with RST); completed ones
     * that nobody accepted are reset, as Linux's inet_csk_listen_stop does. */
    while ((child = tcb_queue_pop(&listener->syn_queue)) != NULL) {
        child->parent = NULL;
        listener->tcp->stats.syncache_dropped++;
        tcp_tcb_done(child, 0, now);
    }
    while ((child = tcb_queue_pop(&listener->accept_queue)) != NULL) {
        child->parent = NULL;
        if (child->state != TCP_TIME_WAIT && child->state != TCP_CLOSED)
            tcp_send_rst(child, now);
        tcp_tcb_done(child, -ECONNRESET, now);
    }
}

struct tcb *tcp_accept(struct tcb *listener, int *err, usec_t now)
{
    struct tcb *child;

    (void)now;
    if (listener->state != TCP_LISTEN) {
        *err = -EINVAL;
        return NULL;
    }
    child = tcb_queue_pop(&listener->accept_queue);
    if (!child) {
        *err = -EAGAIN;
        return NULL;
    }
    child->parent = NULL;
    child->user_attached = true;
    *err = 0;
    return child;
}
