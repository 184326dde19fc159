/*
 * discard.c — the TCP discard service (RFC 863): "simply throw away any
 * data received", and close when the client does.
 */
#include "apps/discard/discard.h"

#include <errno.h>
#include <stdlib.h>

#include "apps/service/service_socket.h"
#include "stack/socket/sock_watch.h"
#include "stack/socket/socket.h"

#define DISCARD_BUDGET 16
#define DISCARD_CHUNK 16384

struct discard_conn {
    struct discard *d;
    int fd;
    struct sock_watch watch;
    struct discard_conn *next;
};

struct discard {
    struct stack *st;
    int fd;
    struct sock_watch watch;
    struct discard_conn *conns;
    unsigned count;
    struct discard_stats stats;
    uint8_t scratch[DISCARD_CHUNK];   /* where the data goes to die */
};

static void conn_close(struct discard_conn *c, usec_t now)
{
    struct discard *d = c->d;
    struct discard_conn **pp = &d->conns;

    while (*pp && *pp != c)
        pp = &(*pp)->next;
    if (*pp)
        *pp = c->next;
    d->count--;
    sock_watch_stop(&c->watch);
    socket_close(d->st, c->fd, now);
    free(c);
}

static void conn_serve(void *ctx, int fd, usec_t now)
{
    struct discard_conn *c = ctx;
    struct discard *d = c->d;

    for (int i = 0; i < DISCARD_BUDGET; i++) {
        ssize_t n = socket_recv(d->st, fd, d->scratch, sizeof d->scratch, now);

        if (n == -EAGAIN)
            return;
        if (n == 0) {
            d->stats.closed++;   /* the client's FIN: close our side too */
            conn_close(c, now);
            return;
        }
        if (n < 0) {
            d->stats.errors++;
            conn_close(c, now);
            return;
        }
        d->stats.bytes += (uint64_t)n;
    }
    sock_watch_kick(&c->watch, now);
}

static void listener_serve(void *ctx, int fd, usec_t now)
{
    struct discard *d = ctx;

    for (int i = 0; i < DISCARD_BUDGET; i++) {
        struct discard_conn *c;
        int cfd = socket_accept(d->st, fd, NULL, now);

        if (cfd < 0)
            return;
        d->stats.accepted++;
        c = d->count < DISCARD_MAX_CONNS ? calloc(1, sizeof *c) : NULL;
        if (c == NULL) {
            d->stats.refused++;
            socket_close(d->st, cfd, now);
            continue;
        }
        c->d = d;
        c->fd = cfd;
        c->next = d->conns;
        d->conns = c;
        d->count++;
        if (sock_watch_start(&c->watch, d->st, cfd, conn_serve, c) < 0) {
            d->stats.errors++;
            conn_close(c, now);
            continue;
        }
        sock_watch_kick(&c->watch, now);
    }
    sock_watch_kick(&d->watch, now);
}

int discard_service_start(struct stack *st, uint16_t port, struct discard **out)
{
    struct discard *d;

    d = calloc(1, sizeof *d);
    if (d == NULL)
        return -ENOMEM;
    d->st = st;
    d->fd = service_socket_open(st, SOCK_TYPE_STREAM, port, 16, &d->watch, listener_serve, d);
    if (d->fd < 0) {
        int rc = d->fd;
        free(d);
        return rc;
    }
    *out = d;
    return 0;
}

void discard_service_stop(struct discard *d, usec_t now)
{
    if (d == NULL)
        return;
    while (d->conns)
        conn_close(d->conns, now);
    service_socket_close(d->st, d->fd, &d->watch, now);
    free(d);
}

const struct discard_stats *discard_stats(const struct discard *d) { return &d->stats; }
unsigned discard_conns(const struct discard *d) { return d->count; }
