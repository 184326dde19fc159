/*
 * rudp_sender.c — the sending side of reliable UDP: number the packets,
 * keep up to `window` of them in flight, retransmit on timeout with a
 * doubling RTO, measure RTT from echoed timestamps (see rudp.h).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apps/rudp/rudp.h"
#include "apps/rudp/rudp_rtt.h"
#include "stack/core/seq.h"
#include "stack/core/timer.h"
#include "stack/core/trace.h"
#include "stack/net/ip4.h"
#include "stack/socket/sock_watch.h"
#include "stack/socket/socket.h"
#include "stack/stack.h"

/* Duplicate ACKs that mean "a packet is missing" (TCP's number). */
#define RUDP_DUPACK_THRESHOLD 3

struct rudp_sender {
    struct stack *st;
    int fd;
    struct sock_watch watch;
    struct rudp_config cfg;
    char subject[TRACE_SUBJECT_LEN];

    uint8_t *data;
    size_t len;
    uint32_t total;          /* packets in the transfer */

    uint32_t snd_una;        /* oldest packet not yet acknowledged */
    uint32_t snd_nxt;        /* next packet never sent */
    uint32_t peer_window;    /* the receiver's last advertised window */
    bool in_recovery;        /* retransmitting after a loss ... */
    uint32_t recover;        /* ... of what was in flight up to here */
    int retries;             /* consecutive timeouts of snd_una */
    int dup_acks;

    struct rudp_rtt rtt;
    struct timer rto_timer;

    bool finished;
    rudp_done_fn done;
    void *ctx;
    struct rudp_sender_stats stats;
    uint8_t pkt[RUDP_HDR_LEN + RUDP_MAX_PAYLOAD];
};

static void note(struct rudp_sender *s, usec_t now, const char *what, uint32_t seq)
{
    trace_note(s->st->trace, now, s->st->name, s->subject, "%s seq=%u", what, seq);
}

static void var(struct rudp_sender *s, usec_t now, const char *name, usec_t value)
{
    trace_var(s->st->trace, now, s->st->name, s->subject, name, (int64_t)value);
}

static void finish(struct rudp_sender *s, int error, usec_t now)
{
    timer_cancel(&s->st->timers, &s->rto_timer);
    s->finished = true;
    trace_note(s->st->trace, now, s->st->name, s->subject, "%s",
               error == 0 ? "transfer complete" : socket_strerror(error));
    if (s->done != NULL)
        s->done(s->ctx, error, now);
}

/* Send (or resend) packet seq with a fresh timestamp. Returns 0, or the
 * socket's error when the transfer cannot go on (ECONNREFUSED). */
static int send_packet(struct rudp_sender *s, uint32_t seq, bool retransmit, usec_t now)
{
    size_t off = (size_t)seq * s->cfg.mss;
    size_t n = s->len - off < s->cfg.mss ? s->len - off : s->cfg.mss;
    struct rudp_hdr h = {
        .version = RUDP_VERSION,
        .flags = (uint8_t)(RUDP_FLAG_DATA | (seq == s->total - 1 ? RUDP_FLAG_FIN : 0)),
        .seq = seq,
        .ts = (uint32_t)now,   /* microseconds, modulo 2^32 */
    };
    ssize_t rc;

    rudp_hdr_emit(&h, s->pkt);
    if (n > 0)
        memcpy(s->pkt + RUDP_HDR_LEN, s->data + off, n);
    rc = socket_send(s->st, s->fd, s->pkt, RUDP_HDR_LEN + n, now);
    s->stats.sent++;
    if (retransmit)
        s->stats.retransmits++;
    note(s, now, retransmit ? "retransmit" : "send", seq);
    /* A full device or a missing route is just another loss: the timer
     * will try again. A refusal from the peer ends the transfer. */
    return rc == -ECONNREFUSED ? (int)rc : 0;
}

static void arm_rto(struct rudp_sender *s, usec_t now)
{
    timer_arm(&s->st->timers, &s->rto_timer, now + s->rtt.rto);
}

/* Send new packets while the window allows: min(our window, the peer's). */
static int fill_window(struct rudp_sender *s, usec_t now)
{
    uint32_t wnd = s->cfg.window < s->peer_window ? s->cfg.window : s->peer_window;
    int rc;

    while (seq_lt(s->snd_nxt, s->total) && s->snd_nxt - s->snd_una < wnd) {
        rc = send_packet(s, s->snd_nxt, false, now);
        if (rc < 0)
            return rc;
        s->snd_nxt++;
    }
    /* RFC 6298 §5.1: if the timer is not running, start it. */
    if (s->snd_una != s->snd_nxt && !timer_armed(&s->rto_timer))
        arm_rto(s, now);
    return 0;
}

/* The RTO timer: RFC 6298 §5.4-5.6 — retransmit the oldest packet, back
 * off, restart the timer; give up after max_retries in a row. */
static void on_rto(struct timer *t, void *arg, usec_t now)
{
    struct rudp_sender *s = arg;
    usec_t old = s->rtt.rto;

    (void)t;
    if (s->finished || s->snd_una == s->snd_nxt)
        return;
    s->stats.timeouts++;
    if (s->retries >= s->cfg.max_retries) {
        trace_note(s->st->trace, now, s->st->name, s->subject,
                   "give up: seq=%u unacknowledged after %d retransmissions", s->snd_una,
                   s->retries);
        finish(s, -ETIMEDOUT, now);
        return;
    }
    s->retries++;
    rudp_rtt_backoff(&s->rtt);
    trace_note(s->st->trace, now, s->st->name, s->subject,
               "timeout seq=%u: rto %llu -> %llu us", s->snd_una, (unsigned long long)old,
               (unsigned long long)s->rtt.rto);
    var(s, now, "rto.backoff", s->rtt.rto);
    s->in_recovery = true;
    s->recover = s->snd_nxt;
    s->dup_acks = 0;
    if (send_packet(s, s->snd_una, true, now) < 0) {
        finish(s, -ECONNREFUSED, now);
        return;
    }
    arm_rto(s, now);
}

/* An ACK that acknowledges new packets. */
static int on_new_ack(struct rudp_sender *s, const struct rudp_hdr *h, usec_t now)
{
    uint32_t rtt = (uint32_t)now - h->ts_echo;   /* modulo 2^32, like the stamp */

    /* The echoed timestamp belongs to the transmission that made the
     * receiver send this ACK: a valid sample even after a retransmission. */
    rudp_rtt_sample(&s->rtt, rtt);
    s->stats.rtt_samples++;
    var(s, now, "rtt", rtt);
    var(s, now, "srtt", s->rtt.srtt);
    var(s, now, "rttvar", s->rtt.rttvar);
    var(s, now, "rto", s->rtt.rto);

    s->snd_una = h->ack;
    s->retries = 0;
    s->dup_acks = 0;
    if (s->snd_una == s->total) {
        finish(s, 0, now);
        return 0;
    }
    /* NewReno's partial ACK: after a loss, an ACK that stops short of
     * everything that was in flight means the next packet is lost too. */
    if (s->in_recovery) {
        if (seq_lt(s->snd_una, s->recover)) {
            if (send_packet(s, s->snd_una, true, now) < 0)
                return -ECONNREFUSED;
        } else {
            s->in_recovery = false;
        }
    }
    /* RFC 6298 §5.2-5.3: stop the timer when all is acknowledged, else
     * restart it for the oldest outstanding packet. */
    if (s->snd_una == s->snd_nxt)
        timer_cancel(&s->st->timers, &s->rto_timer);
    else
        arm_rto(s, now);
    return 0;
}

static void on_ack(struct rudp_sender *s, const struct rudp_hdr *h, usec_t now)
{
    int rc = 0;

    if (!(h->flags & RUDP_FLAG_ACK) || seq_gt(h->ack, s->snd_nxt)) {
        s->stats.bad_packets++;   /* acknowledges what was never sent */
        return;
    }
    s->stats.acks++;
    s->peer_window = h->window > 0 ? h->window : 1;
    if (seq_gt(h->ack, s->snd_una)) {
        rc = on_new_ack(s, h, now);
    } else if (h->ack == s->snd_una && s->snd_una != s->snd_nxt) {
        s->stats.dup_acks++;
        if (++s->dup_acks == RUDP_DUPACK_THRESHOLD && s->cfg.window > 1 && !s->in_recovery) {
            s->stats.fast_retransmits++;
            s->in_recovery = true;
            s->recover = s->snd_nxt;
            note(s, now, "fast retransmit after 3 duplicate acks:", s->snd_una);
            rc = send_packet(s, s->snd_una, true, now);
        }
    }
    if (rc == 0 && !s->finished)
        rc = fill_window(s, now);
    if (rc < 0 && !s->finished)
        finish(s, rc, now);
}

static void rudp_sender_receive(void *ctx, int fd, usec_t now)
{
    struct rudp_sender *s = ctx;
    struct rudp_hdr h;
    ssize_t n;

    while (!s->finished) {
        n = socket_recv(s->st, fd, s->pkt, sizeof s->pkt, now);
        if (n == -EAGAIN)
            return;
        if (n < 0) {
            finish(s, (int)n, now);   /* ECONNREFUSED: nobody receives */
            return;
        }
        if (rudp_hdr_parse(s->pkt, (size_t)n, &h) != RUDP_PARSE_OK) {
            s->stats.bad_packets++;
            continue;
        }
        on_ack(s, &h, now);
    }
}

int rudp_sender_service_start(struct stack *st, uint32_t peer_ip, uint16_t peer_port,
                              const void *data, size_t len, const struct rudp_config *cfg,
                              rudp_done_fn done, void *ctx, usec_t now,
                              struct rudp_sender **out)
{
    struct rudp_sender *s;
    struct sock_addr peer = {peer_ip, peer_port}, local;
    char a[16], b[16];
    int rc;

    s = calloc(1, sizeof *s);
    if (s == NULL)
        return -ENOMEM;
    s->st = st;
    if (cfg != NULL)
        s->cfg = *cfg;
    rc = rudp_config_resolve(&s->cfg);
    if (rc < 0)
        goto free_sender;
    s->len = len;
    s->data = malloc(len > 0 ? len : 1);
    if (s->data == NULL) {
        rc = -ENOMEM;
        goto free_sender;
    }
    if (len > 0)
        memcpy(s->data, data, len);
    /* An empty transfer is one empty packet carrying FIN. */
    s->total = len == 0 ? 1 : (uint32_t)((len + s->cfg.mss - 1) / s->cfg.mss);
    s->stats.packets = s->total;
    s->peer_window = s->cfg.window;
    s->done = done;
    s->ctx = ctx;
    rudp_rtt_init(&s->rtt, s->cfg.rto_initial, s->cfg.rto_min, s->cfg.rto_max);
    timer_init(&s->rto_timer, on_rto, s, "rudp-rto");

    /* Connected, so that the peer's ICMP port unreachable reaches us. */
    s->fd = socket_open(st, SOCK_TYPE_DGRAM);
    if (s->fd < 0) {
        rc = s->fd;
        goto free_data;
    }
    rc = socket_connect(st, s->fd, &peer, now);
    if (rc < 0)
        goto close_socket;
    socket_getsockname(st, s->fd, &local);
    ip4_format_addr(local.ip, a, sizeof a);
    ip4_format_addr(peer_ip, b, sizeof b);
    snprintf(s->subject, sizeof s->subject, "rudp %s:%u>%s:%u", a, local.port, b, peer_port);
    rc = sock_watch_start(&s->watch, st, s->fd, rudp_sender_receive, s);
    if (rc < 0)
        goto close_socket;
    var(s, now, "rto", s->rtt.rto);
    rc = fill_window(s, now);
    if (rc < 0)
        goto stop_watch;
    *out = s;
    return 0;

stop_watch:
    sock_watch_stop(&s->watch);
    timer_cancel(&st->timers, &s->rto_timer);
close_socket:
    socket_close(st, s->fd, now);
free_data:
    free(s->data);
free_sender:
    free(s);
    return rc;
}

void rudp_sender_service_stop(struct rudp_sender *s, usec_t now)
{
    if (s == NULL)
        return;
    timer_cancel(&s->st->timers, &s->rto_timer);
    sock_watch_stop(&s->watch);
    socket_close(s->st, s->fd, now);
    free(s->data);
    free(s);
}

const struct rudp_sender_stats *rudp_sender_get_stats(const struct rudp_sender *s)
{
    return &s->stats;
}

usec_t rudp_sender_rto(const struct rudp_sender *s) { return s->rtt.rto; }
usec_t rudp_sender_srtt(const struct rudp_sender *s) { return s->rtt.srtt; }
