/*
 * tcp_listen.c — a listening connection: SEGMENT ARRIVES in LISTEN
 * (RFC 9293 §3.10.7.2), its two queues, and accept.
 *
 *   SYN ──► child tcb in SYN_RECV ──(final ACK)──► ESTABLISHED ──► accept()
 *           on the listener's syn_queue            on its accept_queue
 *
 * Each SYN makes a child tcb (a copy of the listener, as RFC 9293 §3.10.7.2
 * describes: "fill in ... the foreign socket"), which answers with SYN+ACK
 * and waits in the SYN queue for the final ACK; then it moves to the accept
 * queue until the application calls accept(). Both queues are bounded:
 * max_syn_backlog pending handshakes, `backlog` completed connections.
 * When either is full, a new SYN is dropped without an answer (no RST), and
 * counted: the client's SYN retransmission tries again later, when there may
 * be room. That bound is what a SYN flood (the seed's 三次握手的隐患) fills
 * with spoofed SYNs whose SYN+ACKs are never answered; SYN cookies (a later
 * issue) keep no state for them at all.
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
    if (!tcb_queue_remove(&parent->syn_queue, child))
        tcb_queue_remove(&parent->accept_queue, child);
    child->parent = NULL;
}

/* A new child for a SYN that passed the backlog checks. */
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
    child->bound = true;
    child->passive = true;
    child->reuseaddr = listener->reuseaddr;
    tcp_buf_set_cap(&child->sndbuf, listener->sndbuf.cap);
    tcp_buf_set_cap(&child->rcvbuf, listener->rcvbuf.cap);
    tcp_set_subject(child);
    return child;
}

void tcp_listen_input(struct tcb *listener, struct tcp_seg *seg, uint32_t iss_hint, usec_t now)
{
    struct tcp *tcp = listener->tcp;
    const struct tcp_hdr *h = &seg->h;
    struct tcb *child;
    uint32_t iss;

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
    if (listener->syn_queue.count >= tcp->cfg.max_syn_backlog) {
        tcp->stats.syn_queue_full++;
        trace_note(tcp->trace, now, tcp->node, listener->subject,
                   "SYN dropped: SYN queue full (%u)", listener->syn_queue.count);
        return;
    }
    if (listener->accept_queue.count >= listener->backlog) {
        tcp->stats.accept_queue_full++;
        trace_note(tcp->trace, now, tcp->node, listener->subject,
                   "SYN dropped: accept queue full (%u)", listener->accept_queue.count);
        return;
    }
    child = make_child(listener, seg);
    if (!child)
        return;
    /* "Set RCV.NXT to SEG.SEQ+1, IRS is set to SEG.SEQ ... ISS should be
     * selected and a SYN segment sent of the form
     * <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>. SND.NXT is set to ISS+1 and
     * SND.UNA to ISS. The connection state should be changed to
     * SYN-RECEIVED." Data on the SYN is not kept (the peer sends it again
     * after the handshake); tunlab has no TCP Fast Open. */
    child->irs = h->seq;
    child->rcv_nxt = h->seq + 1;
    child->rcv_adv = child->rcv_nxt;
    iss = iss_hint ? iss_hint
                   : tcp_isn(tcp, child->local_ip, child->local_port, child->remote_ip,
                             child->remote_port, now);
    tcp_tcb_init_send(child, iss, now);
    tcp_input_syn_options(child, seg);
    child->snd_wnd = h->window;
    child->max_snd_wnd = h->window;
    child->snd_wl1 = h->seq;
    tcp_hash_insert(child);
    child->parent = listener;
    tcb_queue_push(&listener->syn_queue, child);
    tcp_set_state(child, TCP_SYN_RECV, now);
    tcp_send_segment(child, TCP_FLAG_SYN | TCP_FLAG_ACK, iss, 0, false, now);
    child->snd_nxt = iss + 1;
    child->snd_max = iss + 1;
    tcp_rto_arm(child, now);
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

    /* Handshakes in progress vanish silently (the client's SYN+ACK ... ACK
     * then meets no connection and is answered with RST); completed ones
     * that nobody accepted are reset, as Linux's inet_csk_listen_stop does. */
    while ((child = tcb_queue_pop(&listener->syn_queue)) != NULL) {
        child->parent = NULL;
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
