/*
 * tcp_syncache.c — the SYN cache: a listener's half-open connections as
 * small table entries (tcp_syncache.h), from the SYN to the final ACK.
 *
 * An entry plays SYN-RECEIVED (RFC 9293 §3.10.7.4) for a connection that
 * has no tcb yet:
 *   - it sends the SYN+ACK, and again after 1, 3, 7, 15, 31 s (RFC 6298
 *     §5.5's backoff, the same rule as a connection's), and after
 *     cfg.synack_retries it gives up and is freed, without a word;
 *   - a retransmitted SYN gets the SYN+ACK again at once (our SYN+ACK was
 *     lost, as Linux's tcp_check_req assumes);
 *   - an RST at exactly RCV.NXT frees it ("return this connection to
 *     LISTEN"); another RST in the window gets a challenge ACK (RFC 5961
 *     §3.2);
 *   - an ACK of our SYN (SEG.ACK = ISS + 1) in the window builds the
 *     connection (tcp_listen_complete, shared with SYN cookies), which the
 *     ACK takes to ESTABLISHED and onto the accept queue; a wrong ACK gets
 *     <SEQ=SEG.ACK><CTL=RST>; with the accept queue full the ACK is
 *     ignored and the entry waits, as Linux does.
 */
#include "stack/transport/tcp_internal.h"

#include <stdlib.h>
#include <string.h>

#include "stack/core/seq.h"

static void synack_timer_expired(struct timer *t, void *arg, usec_t now);

/* ---- the table ---- */

static unsigned bucket_of(const struct tcp_syncache *sc, uint32_t lip, uint32_t rip,
                          uint16_t rport)
{
    return (unsigned)(tcp_tuple_hash(sc->listener->tcp, lip, sc->listener->local_port, rip,
                                     rport) &
                      (sc->nbuckets - 1));
}

struct tcp_syncache *tcp_syncache_get(struct tcb *listener)
{
    unsigned cap = listener->tcp->cfg.max_syn_backlog;
    struct tcp_syncache *sc = listener->syncache;

    if (sc || cap == 0)
        return sc;
    if (cap > TCP_SYNCACHE_MAX)
        cap = TCP_SYNCACHE_MAX;
    sc = calloc(1, sizeof *sc);
    if (!sc)
        return NULL;
    sc->nbuckets = 1;
    while (sc->nbuckets < cap)
        sc->nbuckets *= 2;
    sc->bucket = malloc(sc->nbuckets * sizeof *sc->bucket);
    sc->entry = calloc(cap, sizeof *sc->entry);
    if (!sc->bucket || !sc->entry) {
        free(sc->bucket);
        free(sc->entry);
        free(sc);
        return NULL;
    }
    for (unsigned i = 0; i < sc->nbuckets; i++)
        sc->bucket[i] = TCP_SYNCACHE_NIL;
    for (unsigned i = 0; i < cap; i++)   /* every entry on the free list */
        sc->entry[i].next = (uint16_t)(i + 1 < cap ? i + 1 : TCP_SYNCACHE_NIL);
    sc->free_head = 0;
    sc->capacity = cap;
    sc->listener = listener;
    timer_init(&sc->timer, synack_timer_expired, sc, "synack");
    listener->syncache = sc;
    return sc;
}

void tcp_syncache_free(struct tcb *listener)
{
    struct tcp_syncache *sc = listener->syncache;

    if (!sc)
        return;
    timer_cancel(listener->tcp->timers, &sc->timer);
    free(sc->bucket);
    free(sc->entry);
    free(sc);
    listener->syncache = NULL;
}

bool tcp_syncache_full(const struct tcb *listener)
{
    const struct tcp_syncache *sc = listener->syncache;

    if (!sc)
        return listener->tcp->cfg.max_syn_backlog == 0;
    return sc->count >= sc->capacity;
}

struct tcp_syncache_entry *tcp_syncache_lookup(struct tcb *listener, uint32_t lip,
                                               uint32_t rip, uint16_t rport)
{
    struct tcp_syncache *sc = listener->syncache;

    if (!sc || sc->count == 0)
        return NULL;
    for (uint16_t i = sc->bucket[bucket_of(sc, lip, rip, rport)]; i != TCP_SYNCACHE_NIL;
         i = sc->entry[i].next) {
        struct tcp_syncache_entry *e = &sc->entry[i];

        if (e->local_ip == lip && e->remote_ip == rip && e->remote_port == rport)
            return e;
    }
    return NULL;
}

/* Unlink e from its chain and put it on the free list. */
static void entry_remove(struct tcp_syncache *sc, struct tcp_syncache_entry *e)
{
    uint16_t idx = (uint16_t)(e - sc->entry);
    uint16_t *pp = &sc->bucket[bucket_of(sc, e->local_ip, e->remote_ip, e->remote_port)];

    while (*pp != TCP_SYNCACHE_NIL && *pp != idx)
        pp = &sc->entry[*pp].next;
    if (*pp == idx)
        *pp = e->next;
    memset(e, 0, sizeof *e);
    e->next = sc->free_head;
    sc->free_head = idx;
    sc->count--;
}

static void entry_subject(const struct tcb *listener, const struct tcp_syncache_entry *e,
                          char *out, size_t outlen)
{
    tcp_format_subject(out, outlen, e->local_ip, listener->local_port, e->remote_ip,
                       e->remote_port);
}

/* The entry's connection is over before it began: SYN_RECV -> CLOSED. */
static void entry_drop(struct tcb *listener, struct tcp_syncache_entry *e, usec_t now)
{
    char subject[TRACE_SUBJECT_LEN];

    entry_subject(listener, e, subject, sizeof subject);
    listener->tcp->stats.syncache_dropped++;
    tcp_note_transition(listener->tcp, subject, TCP_SYN_RECV, TCP_CLOSED, now);
    entry_remove(listener->syncache, e);
}

void tcp_syncache_clear(struct tcb *listener, usec_t now)
{
    struct tcp_syncache *sc = listener->syncache;

    if (!sc)
        return;
    for (unsigned i = 0; i < sc->capacity && sc->count > 0; i++)
        if (sc->entry[i].in_use)
            entry_drop(listener, &sc->entry[i], now);
    tcp_syncache_free(listener);
}

void tcp_syncache_foreach(const struct tcb *listener, tcp_syncache_fn fn, void *ctx)
{
    const struct tcp_syncache *sc = listener->syncache;

    if (!sc)
        return;
    for (unsigned i = 0; i < sc->capacity; i++)
        if (sc->entry[i].in_use)
            fn(ctx, listener, &sc->entry[i]);
}

/* ---- what an entry sends ---- */

/* The window of our SYN+ACK: the listener's receive buffer, what a new
 * connection's empty buffer offers, unscaled (RFC 7323 §2.2). */
static uint16_t synack_window(const struct tcb *listener)
{
    size_t cap = listener->rcvbuf.cap;

    return (uint16_t)(cap > 65535 ? 65535 : cap);
}

/* Our shift count, as tcp_tcb_init_send computes it for the connection. */
static uint8_t our_wscale(const struct tcb *listener)
{
    uint8_t shift = 0;

    while (shift < TCP_WSCALE_MAX && (listener->rcvbuf.cap >> shift) > 65535)
        shift++;
    return shift;
}

/* RFC 7323 §2.2: scaling only if the peer's SYN offered it (and we allow it). */
static bool scaling(const struct tcp *tcp, const struct tcp_syncache_entry *e)
{
    return tcp->cfg.window_scaling && e->peer_wscale != TCP_SYNCACHE_NO_WSCALE;
}

/* <SEQ=ISS><ACK=IRS+1><CTL=SYN,ACK> with our options, or (ack_only) the
 * ACK of SYN-RECEIVED, <SEQ=ISS+1><ACK=IRS+1><CTL=ACK>. */
static void entry_send(struct tcb *listener, const struct tcp_syncache_entry *e, bool ack_only,
                       bool is_rtx, usec_t now)
{
    struct tcp *tcp = listener->tcp;
    struct tcp_no_tcb_segment s = {
        .local_ip = e->local_ip,
        .remote_ip = e->remote_ip,
        .local_port = listener->local_port,
        .remote_port = e->remote_port,
        .seq = ack_only ? e->iss + 1 : e->iss,
        .ack = e->irs + 1,
        .flags = ack_only ? TCP_FLAG_ACK : TCP_FLAG_SYN | TCP_FLAG_ACK,
        .window = synack_window(listener),
        .mss = tcp_mss_for(tcp, e->remote_ip),
        .wscale = scaling(tcp, e) ? our_wscale(listener) : -1,
    };

    if (ack_only && scaling(tcp, e))
        s.window = (uint16_t)(s.window >> our_wscale(listener));
    tcp_send_no_tcb(tcp, &s, is_rtx, now);
}

static void arm_timer(struct tcp_syncache *sc, usec_t deadline)
{
    if (!timer_armed(&sc->timer) || deadline < sc->timer.deadline)
        timer_arm(sc->listener->tcp->timers, &sc->timer, deadline);
}

/* The one timer of a table: every entry whose time has come retransmits
 * its SYN+ACK (with the RTO doubled), or gives up after synack_retries;
 * then the timer waits for the next. */
static void synack_timer_expired(struct timer *t, void *arg, usec_t now)
{
    struct tcp_syncache *sc = arg;
    struct tcb *listener = sc->listener;
    struct tcp *tcp = listener->tcp;
    usec_t next = USEC_NEVER;

    (void)t;
    for (unsigned i = 0; i < sc->capacity; i++) {
        struct tcp_syncache_entry *e = &sc->entry[i];

        if (!e->in_use)
            continue;
        if (e->next_rtx <= now) {
            if (e->retries >= tcp->cfg.synack_retries) {
                char subject[TRACE_SUBJECT_LEN];

                entry_subject(listener, e, subject, sizeof subject);
                trace_note(tcp->trace, now, tcp->node, subject,
                           "gave up after %u retransmissions", (unsigned)e->retries);
                tcp->stats.timeouts++;
                tcp->stats.syncache_timed_out++;
                entry_drop(listener, e, now);
                continue;
            }
            e->retries++;
            e->rto = tcp_rto_backed_off(listener, e->rto, now);
            entry_send(listener, e, false, true, now);
            e->next_rtx = now + e->rto;
        }
        if (e->next_rtx < next)
            next = e->next_rtx;
    }
    if (next != USEC_NEVER)
        timer_arm(tcp->timers, &sc->timer, next);
}

/* ---- SYN and the segments that follow ---- */

void tcp_syncache_add(struct tcb *listener, const struct tcp_seg *seg, uint32_t iss_hint,
                      usec_t now)
{
    struct tcp *tcp = listener->tcp;
    struct tcp_syncache *sc = tcp_syncache_get(listener);
    struct tcp_syncache_entry *e;
    char subject[TRACE_SUBJECT_LEN];
    unsigned b;

    if (!sc || sc->free_head == TCP_SYNCACHE_NIL)
        return;   /* out of memory; the caller checked tcp_syncache_full */
    e = &sc->entry[sc->free_head];
    sc->free_head = e->next;
    /* "Set RCV.NXT to SEG.SEQ+1, IRS is set to SEG.SEQ ... ISS should be
     * selected and a SYN segment sent of the form
     * <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>. ... The connection state should
     * be changed to SYN-RECEIVED." (RFC 9293 §3.10.7.2) — here the state is
     * this entry. Data on the SYN is not kept (the peer sends it again
     * after the handshake); tunlab has no TCP Fast Open. */
    e->local_ip = seg->dst_ip;
    e->remote_ip = seg->src_ip;
    e->remote_port = seg->h.src_port;
    e->irs = seg->h.seq;
    e->iss = iss_hint ? iss_hint
                      : tcp_isn(tcp, seg->dst_ip, seg->h.dst_port, seg->src_ip,
                                seg->h.src_port, now);
    e->peer_mss = seg->h.opt.has_mss ? seg->h.opt.mss : 0;
    e->peer_wscale = seg->h.opt.has_wscale ? seg->h.opt.wscale : TCP_SYNCACHE_NO_WSCALE;
    e->peer_window = seg->h.window;
    e->retries = 0;
    e->rto = tcp->cfg.rto_initial;
    e->next_rtx = now + e->rto;
    e->in_use = true;
    b = bucket_of(sc, e->local_ip, e->remote_ip, e->remote_port);
    e->next = sc->bucket[b];
    sc->bucket[b] = (uint16_t)(e - sc->entry);
    sc->count++;
    tcp->stats.syncache_added++;
    entry_subject(listener, e, subject, sizeof subject);
    tcp_note_transition(tcp, subject, TCP_LISTEN, TCP_SYN_RECV, now);
    entry_send(listener, e, false, false, now);
    arm_timer(sc, e->next_rtx);
}

/* RFC 5961 §3.2, §4.2: answer with the ACK of SYN-RECEIVED, rate limited. */
static void challenge(struct tcb *listener, const struct tcp_syncache_entry *e, usec_t now)
{
    char subject[TRACE_SUBJECT_LEN];

    entry_subject(listener, e, subject, sizeof subject);
    if (tcp_challenge_ack_allowed(listener->tcp, subject, now))
        entry_send(listener, e, true, false, now);
}

/* RFC 9293 §3.10.7.4's first check, against the window our SYN+ACK offered. */
static bool seq_acceptable(const struct tcb *listener, const struct tcp_syncache_entry *e,
                           const struct tcp_seg *seg)
{
    uint32_t lo = e->irs + 1, hi = lo + synack_window(listener);
    uint32_t seq = seg->h.seq;

    if (seg->seg_len == 0)
        return seq_in_window(seq, lo, hi);
    return seq_in_window(seq, lo, hi) || seq_in_window(seq + seg->seg_len - 1, lo, hi);
}

void tcp_syncache_input(struct tcb *listener, struct tcp_syncache_entry *e,
                        struct tcp_seg *seg, usec_t now)
{
    struct tcp *tcp = listener->tcp;
    const struct tcp_hdr *h = &seg->h;
    struct tcp_handshake hs;

    if (h->flags & TCP_FLAG_SYN) {
        if (!(h->flags & (TCP_FLAG_ACK | TCP_FLAG_RST)) && h->seq == e->irs) {
            /* The peer sent its SYN again: our SYN+ACK was lost. Send it
             * again at once rather than wait for the timer (Linux). */
            entry_send(listener, e, false, true, now);
            return;
        }
        /* Any other SYN: RFC 5961 §4.2's challenge ACK. */
        tcp->stats.syn_in_window++;
        challenge(listener, e, now);
        return;
    }
    if (!seq_acceptable(listener, e, seg)) {
        /* "If an incoming segment is not acceptable, an acknowledgment
         * should be sent in reply (unless the RST bit is set, if so drop
         * the segment and return)." */
        tcp->stats.drop_not_acceptable++;
        if (!(h->flags & TCP_FLAG_RST))
            entry_send(listener, e, true, false, now);
        return;
    }
    if (h->flags & TCP_FLAG_RST) {
        if (h->seq != e->irs + 1) {
            tcp->stats.rst_in_window++;
            challenge(listener, e, now);
            return;
        }
        /* "If this connection was initiated with a passive OPEN (i.e.,
         * came from the LISTEN state), then return this connection to
         * LISTEN state and return." The listener never left it. */
        tcp->stats.in_rsts++;
        tcp->stats.syncache_reset++;
        entry_drop(listener, e, now);
        return;
    }
    if (!(h->flags & TCP_FLAG_ACK)) {
        tcp->stats.drop_no_ack++;   /* "if the ACK bit is off, drop the segment" */
        return;
    }
    /* "If SND.UNA < SEG.ACK =< SND.NXT": our SYN is the only thing sent. */
    if (h->ack != e->iss + 1) {
        tcp->stats.drop_bad_ack++;
        tcp_send_rst_reply(tcp, seg, now);   /* <SEQ=SEG.ACK><CTL=RST> */
        return;
    }
    if (listener->accept_queue.count >= listener->backlog) {
        /* Linux (tcp_abort_on_overflow = 0): ignore the ACK; the entry's
         * SYN+ACK retransmission gives the application time to accept. */
        char subject[TRACE_SUBJECT_LEN];

        entry_subject(listener, e, subject, sizeof subject);
        tcp->stats.accept_queue_full++;
        trace_note(tcp->trace, now, tcp->node, subject,
                   "final ACK dropped: accept queue full (%u)", listener->accept_queue.count);
        return;
    }
    hs = (struct tcp_handshake){
        .iss = e->iss,
        .irs = e->irs,
        .peer_mss = e->peer_mss,
        .wscale_ok = e->peer_wscale != TCP_SYNCACHE_NO_WSCALE,
        .snd_wscale = e->peer_wscale,
        .peer_window = e->peer_window,
        .synack_sent = e->next_rtx - e->rto,   /* exact while retries == 0 */
        .retries = e->retries,
        .announced = true,
    };
    tcp->stats.syncache_completed++;
    entry_remove(listener->syncache, e);
    tcp_listen_complete(listener, &hs, seg, now);
}
