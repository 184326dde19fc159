/*
 * hold_service.c — accept and hold idle connections (see hold_service.h).
 *
 * TCP's notify callback runs inside TCP, where calling tcp_accept is not
 * allowed, so it only arms a zero-delay timer on the stack's queue; the
 * timer accepts everything waiting (the pattern of sock_watch.h).
 */
#include "tools/bench/hold_service.h"

#include <errno.h>
#include <stdlib.h>

#include "stack/stack.h"
#include "stack/transport/tcp.h"

struct hold_service {
    struct stack *st;
    struct tcb *listener;
    struct timer accept_timer;
    struct tcb **conns;
    size_t count, cap;
};

static void accept_all(struct timer *t, void *arg, usec_t now)
{
    struct hold_service *h = arg;
    struct tcb *child;
    int err;

    (void)t;
    while ((child = tcp_accept(h->listener, &err, now)) != NULL) {
        if (h->count == h->cap) {
            size_t cap = h->cap ? h->cap * 2 : 1024;
            struct tcb **grown = realloc(h->conns, cap * sizeof *grown);
            if (!grown) {
                tcp_abort(child, now);
                continue;
            }
            h->conns = grown;
            h->cap = cap;
        }
        tcp_set_notify(child, NULL, NULL);   /* idle: nothing to be told */
        h->conns[h->count++] = child;
    }
}

/* Inside TCP: only ask for accept_all to run at this instant. */
static void listener_notify(void *ctx, struct tcb *tcb, usec_t now)
{
    struct hold_service *h = ctx;

    (void)tcb;
    if (!timer_armed(&h->accept_timer))
        timer_arm(&h->st->timers, &h->accept_timer, now);
}

int hold_service_start(struct stack *st, uint16_t port, usec_t now, struct hold_service **out)
{
    struct hold_service *h = calloc(1, sizeof *h);
    int rc;

    if (!h)
        return -ENOMEM;
    h->st = st;
    timer_init(&h->accept_timer, accept_all, h, "hold-accept");
    h->listener = tcp_open(st->tcp);
    if (!h->listener) {
        free(h);
        return -ENOMEM;
    }
    tcp_set_reuseaddr(h->listener, true);
    tcp_set_notify(h->listener, listener_notify, h);
    rc = tcp_bind(h->listener, 0, port);
    if (rc == 0)
        rc = tcp_listen(h->listener, 128, now);
    if (rc < 0) {
        tcp_abort(h->listener, now);
        free(h);
        return rc;
    }
    *out = h;
    return 0;
}

size_t hold_service_count(const struct hold_service *h)
{
    return h ? h->count : 0;
}

void hold_service_stop(struct hold_service *h, usec_t now)
{
    if (!h)
        return;
    timer_cancel(&h->st->timers, &h->accept_timer);
    tcp_close(h->listener, now);
    free(h->conns);
    free(h);
}
