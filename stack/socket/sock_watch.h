/*
 * sock_watch.h — run an event-driven service's handler when its socket
 * becomes ready, from a place where the handler may call the socket API.
 *
 * Why this exists: a socket's callback (socket_set_callback) runs inside the
 * stack — in the middle of UDP or TCP input — where calling back into the
 * stack is not allowed (socket.h). A watch turns the callback into a timer
 * armed for `now` on the stack's own timer queue; the handler runs when the
 * timer fires, which is the next thing the event loop (or the simulated
 * world) does, at the same instant. There the handler may recv, send,
 * accept and close freely.
 *
 * The handler is also where a service should drain the socket: it runs once
 * for any number of callbacks that happened before it.
 */
#ifndef TUNLAB_SOCKET_SOCK_WATCH_H
#define TUNLAB_SOCKET_SOCK_WATCH_H

#include <stdbool.h>

#include "stack/core/clock.h"
#include "stack/core/timer.h"

#ifdef __cplusplus
extern "C" {
#endif

struct stack;

typedef void (*sock_watch_fn)(void *ctx, int fd, usec_t now);

struct sock_watch {
    struct stack *st;
    int fd;
    struct timer run;     /* armed for "now" when the socket signals */
    sock_watch_fn handler;
    void *ctx;
};

/* Install the callback on fd. Returns 0 or socket_set_callback's error. */
int sock_watch_start(struct sock_watch *w, struct stack *st, int fd, sock_watch_fn handler,
                     void *ctx);

/* Ask for the handler to run now (at the next timer run), as if the socket
 * had signalled: for a service that stopped draining to be fair to others. */
void sock_watch_kick(struct sock_watch *w, usec_t now);

/* Remove the callback and cancel a pending run. Call before closing fd or
 * freeing w. */
void sock_watch_stop(struct sock_watch *w);

#ifdef __cplusplus
}
#endif

#endif
