/*
 * bulk_sender.c — send for a while, then close politely (see bulk_sender.h).
 *
 *   CONNECTING ─► SENDING ─(duration over)─► shutdown(WR) ─► DRAINING ─(EOF)─► DONE
 */
#include "tools/bench/bulk_sender.h"

#include <errno.h>
#include <stdlib.h>

#include "stack/socket/sock_watch.h"
#include "stack/stack.h"

#define SENDER_CHUNK (64 * 1024)
#define SENDER_BUDGET 16   /* sends per wakeup before yielding to the loop */

struct bulk_sender {
    struct stack *st;
    int fd;
    struct sock_watch watch;
    struct timer stop_timer;   /* wakes us when the duration is over */
    usec_t end;
    bool shut, done;
    int error;
    uint64_t bytes;
    uint8_t chunk[SENDER_CHUNK];
};

static void finish(struct bulk_sender *s, int error, usec_t now)
{
    s->error = error;
    s->done = true;
    timer_cancel(&s->st->timers, &s->stop_timer);
    sock_watch_stop(&s->watch);
    socket_close(s->st, s->fd, now);
    s->fd = -1;
}

/* After our FIN: read until the sink's FIN (it reads to the end, then closes). */
static void drain(struct bulk_sender *s, usec_t now)
{
    ssize_t n = socket_recv(s->st, s->fd, s->chunk, sizeof s->chunk, now);

    if (n == 0)
        finish(s, 0, now);
    else if (n < 0 && n != -EAGAIN)
        finish(s, (int)n, now);
}

static void serve(void *ctx, int fd, usec_t now)
{
    struct bulk_sender *s = ctx;

    (void)fd;
    if (s->done)
        return;
    if (!s->shut && now >= s->end) {
        socket_shutdown(s->st, s->fd, SOCK_SHUT_WR, now);
        s->shut = true;
    }
    if (s->shut) {
        drain(s, now);
        return;
    }
    int err = 0;
    socket_getsockopt(s->st, s->fd, SOCK_OPT_ERROR, &err);
    if (err != 0) {
        finish(s, err, now);
        return;
    }
    for (int i = 0; i < SENDER_BUDGET; i++) {
        ssize_t n = socket_send(s->st, s->fd, s->chunk, sizeof s->chunk, now);
        if (n == -EAGAIN)
            return;   /* the socket calls us back when there is room */
        if (n < 0) {
            finish(s, (int)n, now);
            return;
        }
        s->bytes += (uint64_t)n;
    }
    sock_watch_kick(&s->watch, now);   /* budget spent: let the loop read the device */
}

static void duration_over(struct timer *t, void *arg, usec_t now)
{
    (void)t;
    serve(arg, -1, now);
}

int bulk_sender_start(struct stack *st, const struct sock_addr *to, usec_t duration, int sndbuf,
                      usec_t now, struct bulk_sender **out)
{
    struct bulk_sender *s = calloc(1, sizeof *s);
    int rc;

    if (!s)
        return -ENOMEM;
    s->st = st;
    s->end = now + duration;
    s->fd = socket_open(st, SOCK_TYPE_STREAM);
    if (s->fd < 0) {
        rc = s->fd;
        goto free_sender;
    }
    if (sndbuf > 0 && (rc = socket_setsockopt(st, s->fd, SOCK_OPT_SNDBUF, sndbuf, now)) < 0)
        goto close_socket;
    rc = sock_watch_start(&s->watch, st, s->fd, serve, s);
    if (rc < 0)
        goto close_socket;
    rc = socket_connect(st, s->fd, to, now);
    if (rc < 0 && rc != -EINPROGRESS)
        goto stop_watch;
    timer_init(&s->stop_timer, duration_over, s, "bulk-stop");
    timer_arm(&st->timers, &s->stop_timer, s->end);
    *out = s;
    return 0;

stop_watch:
    sock_watch_stop(&s->watch);
close_socket:
    socket_close(st, s->fd, now);
free_sender:
    free(s);
    return rc;
}

bool bulk_sender_done(const struct bulk_sender *s) { return s->done; }
uint64_t bulk_sender_bytes(const struct bulk_sender *s) { return s->bytes; }
int bulk_sender_error(const struct bulk_sender *s) { return s->error; }

void bulk_sender_free(struct bulk_sender *s, usec_t now)
{
    if (!s)
        return;
    if (!s->done)
        finish(s, -ECANCELED, now);
    free(s);
}
