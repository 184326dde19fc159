/*
 * rudp_receiver.c — the receiving side of reliable UDP: acknowledge every
 * data packet cumulatively with its timestamp echoed, buffer packets that
 * arrive early, deliver in order, discard duplicates (see rudp.h).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apps/rudp/rudp.h"
#include "stack/core/seq.h"
#include "stack/core/trace.h"
#include "stack/net/ip4.h"
#include "stack/socket/sock_watch.h"
#include "stack/socket/socket.h"
#include "stack/stack.h"

/* One buffered packet; slot i holds the packet whose seq % window == i. */
struct rudp_slot {
    bool present;
    bool fin;
    uint32_t seq;
    uint16_t len;
    uint8_t *data;   /* RUDP_MAX_PAYLOAD bytes in the receiver's buffer */
};

struct rudp_receiver {
    struct stack *st;
    int fd;
    struct sock_watch watch;
    struct rudp_config cfg;
    char subject[TRACE_SUBJECT_LEN];

    bool active;             /* a transfer has started ... */
    bool done;               /* ... and its FIN was delivered */
    struct sock_addr peer;
    uint32_t rcv_nxt;        /* next packet to deliver */
    struct rudp_slot *slots; /* cfg.window of them */
    uint8_t *buffer;

    rudp_deliver_fn deliver;
    rudp_finished_fn finished;
    void *ctx;
    struct rudp_receiver_stats stats;
    uint8_t pkt[RUDP_HDR_LEN + RUDP_MAX_PAYLOAD + 1];
};

static void note(struct rudp_receiver *r, usec_t now, const char *what, uint32_t seq)
{
    trace_note(r->st->trace, now, r->st->name, r->subject, "%s seq=%u (expecting %u)", what, seq,
               r->rcv_nxt);
}

/* ACK everything before rcv_nxt, echoing the timestamp of the packet that
 * made us send it. */
static void send_ack(struct rudp_receiver *r, uint32_t ts_echo, usec_t now)
{
    struct rudp_hdr h = {
        .version = RUDP_VERSION,
        .flags = RUDP_FLAG_ACK,
        .window = (uint16_t)r->cfg.window,
        .ack = r->rcv_nxt,
        .ts = (uint32_t)now,
        .ts_echo = ts_echo,
    };
    uint8_t out[RUDP_HDR_LEN];

    rudp_hdr_emit(&h, out);
    if (socket_sendto(r->st, r->fd, out, sizeof out, &r->peer, now) >= 0)
        r->stats.acks_sent++;
}

static void start_transfer(struct rudp_receiver *r, const struct sock_addr *from, usec_t now)
{
    char a[16], b[16];
    struct sock_addr local;

    r->active = true;
    r->done = false;
    r->peer = *from;
    r->rcv_nxt = 0;
    for (uint32_t i = 0; i < r->cfg.window; i++)
        r->slots[i].present = false;
    socket_getsockname(r->st, r->fd, &local);
    ip4_format_addr(from->ip, a, sizeof a);
    ip4_format_addr(local.ip != 0 ? local.ip : ip4_source_for(r->st->ip, from->ip), b, sizeof b);
    snprintf(r->subject, sizeof r->subject, "rudp %s:%u>%s:%u", a, from->port, b, local.port);
    trace_note(r->st->trace, now, r->st->name, r->subject, "transfer starts");
}

/* Hand over every packet that is now in order. */
static void deliver_in_order(struct rudp_receiver *r, usec_t now)
{
    for (;;) {
        struct rudp_slot *slot = &r->slots[r->rcv_nxt % r->cfg.window];
        bool fin;
        if (!slot->present || slot->seq != r->rcv_nxt)
            return;
        slot->present = false;
        fin = slot->fin;
        r->stats.delivered++;
        r->rcv_nxt++;
        r->deliver(r->ctx, slot->seq, slot->data, slot->len, now);
        if (fin) {
            r->done = true;
            trace_note(r->st->trace, now, r->st->name, r->subject,
                       "transfer complete: %u packets", r->rcv_nxt);
            if (r->finished != NULL)
                r->finished(r->ctx, now);
            return;
        }
    }
}

static void on_data(struct rudp_receiver *r, const struct rudp_hdr *h, const uint8_t *payload,
                    size_t len, usec_t now)
{
    struct rudp_slot *slot;

    r->stats.received++;
    if (seq_lt(h->seq, r->rcv_nxt)) {
        /* Delivered already: our ACK was lost or the network duplicated
         * the packet. Discard it, but ACK again so the sender moves on. */
        r->stats.duplicates++;
        note(r, now, "duplicate discarded:", h->seq);
        goto ack;
    }
    if (r->done || !seq_lt(h->seq, r->rcv_nxt + r->cfg.window)) {
        r->stats.beyond_window++;
        goto ack;
    }
    slot = &r->slots[h->seq % r->cfg.window];
    if (slot->present) {
        r->stats.duplicates++;
        note(r, now, "duplicate discarded (buffered):", h->seq);
        goto ack;
    }
    slot->present = true;
    slot->fin = (h->flags & RUDP_FLAG_FIN) != 0;
    slot->seq = h->seq;
    slot->len = (uint16_t)len;
    memcpy(slot->data, payload, len);
    if (h->seq != r->rcv_nxt) {
        r->stats.out_of_order++;
        note(r, now, "out of order, buffered:", h->seq);
    }
    deliver_in_order(r, now);
ack:
    send_ack(r, h->ts, now);
}

static bool same_peer(const struct sock_addr *a, const struct sock_addr *b)
{
    return a->ip == b->ip && a->port == b->port;
}

static void rudp_receiver_receive(void *ctx, int fd, usec_t now)
{
    struct rudp_receiver *r = ctx;
    struct sock_addr from;
    struct rudp_hdr h;
    ssize_t n;

    for (int budget = 256; budget > 0; budget--) {
        n = socket_recvfrom(r->st, fd, r->pkt, sizeof r->pkt, &from, now);
        if (n == -EAGAIN)
            return;
        if (n < 0)
            continue;
        if (rudp_hdr_parse(r->pkt, (size_t)n, &h) != RUDP_PARSE_OK ||
            !(h.flags & RUDP_FLAG_DATA) || (size_t)n - RUDP_HDR_LEN > RUDP_MAX_PAYLOAD) {
            r->stats.bad_packets++;
            continue;
        }
        /* One transfer at a time; a new peer may start one after the last
         * finished. */
        if (!r->active || (r->done && !same_peer(&from, &r->peer)))
            start_transfer(r, &from, now);
        else if (!same_peer(&from, &r->peer)) {
            r->stats.other_peer++;
            continue;
        }
        on_data(r, &h, r->pkt + RUDP_HDR_LEN, (size_t)n - RUDP_HDR_LEN, now);
    }
    sock_watch_kick(&r->watch, now);
}

int rudp_receiver_service_start(struct stack *st, uint16_t port, const struct rudp_config *cfg,
                                rudp_deliver_fn deliver, rudp_finished_fn finished, void *ctx,
                                struct rudp_receiver **out)
{
    struct rudp_receiver *r;
    struct sock_addr addr = {0, port};
    int rc;

    if (deliver == NULL)
        return -EINVAL;
    r = calloc(1, sizeof *r);
    if (r == NULL)
        return -ENOMEM;
    r->st = st;
    if (cfg != NULL)
        r->cfg = *cfg;
    rc = rudp_config_resolve(&r->cfg);
    if (rc < 0)
        goto free_receiver;
    r->deliver = deliver;
    r->finished = finished;
    r->ctx = ctx;
    snprintf(r->subject, sizeof r->subject, "rudp *:%u", port);
    r->slots = calloc(r->cfg.window, sizeof *r->slots);
    r->buffer = malloc((size_t)r->cfg.window * RUDP_MAX_PAYLOAD);
    if (r->slots == NULL || r->buffer == NULL) {
        rc = -ENOMEM;
        goto free_buffers;
    }
    for (uint32_t i = 0; i < r->cfg.window; i++)
        r->slots[i].data = r->buffer + (size_t)i * RUDP_MAX_PAYLOAD;
    r->fd = socket_open(st, SOCK_TYPE_DGRAM);
    if (r->fd < 0) {
        rc = r->fd;
        goto free_buffers;
    }
    rc = socket_bind(st, r->fd, &addr);
    if (rc < 0)
        goto close_socket;
    /* Room for a full window of packets waiting in the socket. */
    socket_setsockopt(st, r->fd, SOCK_OPT_RCVBUF,
                      (int)((r->cfg.window + 16) * (RUDP_HDR_LEN + RUDP_MAX_PAYLOAD)), 0);
    rc = sock_watch_start(&r->watch, st, r->fd, rudp_receiver_receive, r);
    if (rc < 0)
        goto close_socket;
    *out = r;
    return 0;

close_socket:
    socket_close(st, r->fd, 0);
free_buffers:
    free(r->slots);
    free(r->buffer);
free_receiver:
    free(r);
    return rc;
}

void rudp_receiver_service_stop(struct rudp_receiver *r, usec_t now)
{
    if (r == NULL)
        return;
    sock_watch_stop(&r->watch);
    socket_close(r->st, r->fd, now);
    free(r->slots);
    free(r->buffer);
    free(r);
}

const struct rudp_receiver_stats *rudp_receiver_get_stats(const struct rudp_receiver *r)
{
    return &r->stats;
}
