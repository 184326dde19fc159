/*
 * sock_watch.c — socket callback -> zero-delay timer -> handler.
 */
#include "stack/socket/sock_watch.h"

#include "stack/socket/socket.h"
#include "stack/stack.h"

static void watch_fire(struct timer *t, void *arg, usec_t now)
{
    struct sock_watch *w = arg;

    (void)t;
    w->handler(w->ctx, w->fd, now);
}

/* Runs inside the stack: only arm the timer. */
static void watch_signal(void *ctx, int fd, unsigned events, usec_t now)
{
    (void)fd;
    (void)events;
    sock_watch_kick(ctx, now);
}

int sock_watch_start(struct sock_watch *w, struct stack *st, int fd, sock_watch_fn handler,
                     void *ctx)
{
    w->st = st;
    w->fd = fd;
    w->handler = handler;
    w->ctx = ctx;
    timer_init(&w->run, watch_fire, w, "sock-watch");
    return socket_set_callback(st, fd, watch_signal, w);
}

void sock_watch_kick(struct sock_watch *w, usec_t now)
{
    if (!timer_armed(&w->run))
        timer_arm(&w->st->timers, &w->run, now);
}

void sock_watch_stop(struct sock_watch *w)
{
    socket_set_callback(w->st, w->fd, NULL, NULL);
    timer_cancel(&w->st->timers, &w->run);
}
