/*
 * tcp_echo.c — the TCP echo service (RFC 862).
 *
 * One listening socket and one small state per connection:
 *
 *     readable ──recv──► buf ──send──► peer
 *        ▲                │ (send space full: keep the rest, stop reading)
 *        └── POLLOUT ─────┘
 *
 * recv returning 0 is the client's FIN (its half of the close): once
 * everything read has been sent back, the service closes too, so the
 * connection does not linger in CLOSE-WAIT (the seed's close_wait lesson).
 */
#include "apps/tcp_echo/tcp_echo.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "apps/service/service_socket.h"
#include "stack/socket/sock_watch.h"
#include "stack/socket/socket.h"

/* Read/send rounds per wake-up before yielding to the rest of the stack. */
#define TCP_ECHO_BUDGET 16

struct echo_conn {
    struct tcp_echo *echo;
    int fd;
    struct sock_watch watch;
    size_t off, len;            /* buf[off .. off+len) still to be sent */
    bool eof;                   /* the client has closed its side */
    struct echo_conn *next;
    uint8_t buf[TCP_ECHO_BUF];
};

struct tcp_echo {
    struct stack *st;
    int fd;
    struct sock_watch watch;
    struct echo_conn *conns;
    unsigned count;
    struct tcp_echo_stats stats;
};

static void conn_close(struct echo_conn *c, usec_t now)
{
    struct tcp_echo *echo = c->echo;
    struct echo_conn **pp = &echo->conns;

    while (*pp && *pp != c)
        pp = &(*pp)->next;
    if (*pp)
        *pp = c->next;
    echo->count--;
    sock_watch_stop(&c->watch);
    socket_close(echo->st, c->fd, now);
    free(c);
}

/* Send what is waiting. Returns false when the connection broke. */
static bool flush(struct echo_conn *c, usec_t now)
{
    while (c->len > 0) {
        ssize_t n = socket_send(c->echo->st, c->fd, c->buf + c->off, c->len, now);

        if (n == -EAGAIN)
            return true;   /* no send space: POLLOUT will wake us */
        if (n < 0)
            return false;
        c->off += (size_t)n;
        c->len -= (size_t)n;
        c->echo->stats.bytes += (uint64_t)n;
    }
    c->off = 0;
    return true;
}

static void conn_serve(void *ctx, int fd, usec_t now)
{
    struct echo_conn *c = ctx;
    struct tcp_echo *echo = c->echo;

    (void)fd;
    for (int i = 0; i < TCP_ECHO_BUDGET; i++) {
        ssize_t n;

        if (!flush(c, now))
            goto broken;
        if (c->len > 0)
            return;   /* wait for send space before reading more */
        if (c->eof)
            goto finished;
        n = socket_recv(echo->st, c->fd, c->buf, sizeof c->buf, now);
        if (n == -EAGAIN)
            return;
        if (n < 0)
            goto broken;
        if (n == 0) {
            c->eof = true;   /* the client's FIN: echo what is left, then close */
            continue;
        }
        c->off = 0;
        c->len = (size_t)n;
    }
    sock_watch_kick(&c->watch, now);   /* more may wait: come back */
    return;

finished:
    echo->stats.closed++;
    conn_close(c, now);
    return;
broken:
    echo->stats.errors++;
    conn_close(c, now);
}

static void listener_serve(void *ctx, int fd, usec_t now)
{
    struct tcp_echo *echo = ctx;

    for (int i = 0; i < TCP_ECHO_BUDGET; i++) {
        struct echo_conn *c;
        int cfd = socket_accept(echo->st, fd, NULL, now);

        if (cfd < 0)
            return;   /* -EAGAIN: nothing more to accept */
        echo->stats.accepted++;
        c = echo->count < TCP_ECHO_MAX_CONNS ? calloc(1, sizeof *c) : NULL;
        if (c == NULL) {
            echo->stats.refused++;
            socket_close(echo->st, cfd, now);
            continue;
        }
        c->echo = echo;
        c->fd = cfd;
        c->next = echo->conns;
        echo->conns = c;
        echo->count++;
        if (sock_watch_start(&c->watch, echo->st, cfd, conn_serve, c) < 0) {
            echo->stats.errors++;
            conn_close(c, now);
            continue;
        }
        sock_watch_kick(&c->watch, now);   /* data may have come with the handshake */
    }
    sock_watch_kick(&echo->watch, now);
}

int tcp_echo_service_start(struct stack *st, uint16_t port, struct tcp_echo **out)
{
    struct tcp_echo *echo;

    echo = calloc(1, sizeof *echo);
    if (echo == NULL)
        return -ENOMEM;
    echo->st = st;
    echo->fd = service_socket_open(st, SOCK_TYPE_STREAM, port, 16, &echo->watch,
                                   listener_serve, echo);
    if (echo->fd < 0) {
        int rc = echo->fd;
        free(echo);
        return rc;
    }
    *out = echo;
    return 0;
}

void tcp_echo_service_stop(struct tcp_echo *echo, usec_t now)
{
    if (echo == NULL)
        return;
    while (echo->conns)
        conn_close(echo->conns, now);
    service_socket_close(echo->st, echo->fd, &echo->watch, now);
    free(echo);
}

const struct tcp_echo_stats *tcp_echo_stats(const struct tcp_echo *echo) { return &echo->stats; }
unsigned tcp_echo_conns(const struct tcp_echo *echo) { return echo->count; }
