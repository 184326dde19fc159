/*
 * socket_tcp.c — the socket ops of TCP: each one is a thin call into the
 * user calls of stack/transport/tcp.h (RFC 9293 §3.10). What is left here
 * is the translation: struct sock_addr <-> ip/port, connect's EINPROGRESS,
 * shutdown's `how`, the options, and the readiness bits poll(2) reports.
 */
#include "stack/socket/socket_tcp.h"

#include <errno.h>
#include <stddef.h>

#include "stack/stack.h"
#include "stack/transport/tcp.h"

static struct tcb *tcb_of(struct sock *s) { return sock_pcb(s); }

/* TCP's notify runs inside TCP: pass it on as a readiness change. */
static void tcp_sock_notify(void *ctx, struct tcb *tcb, usec_t now)
{
    (void)tcb;
    sock_notify(ctx, now);
}

static int tcp_sock_create(struct stack *st, struct sock *s)
{
    struct tcb *tcb;

    if (st->tcp == NULL)
        return -EPROTONOSUPPORT;
    tcb = tcp_open(st->tcp);
    if (tcb == NULL)
        return -ENOMEM;
    tcp_set_notify(tcb, tcp_sock_notify, s);
    sock_set_pcb(s, tcb);
    return 0;
}

static int tcp_sock_bind(struct stack *st, struct sock *s, const struct sock_addr *addr)
{
    (void)st;
    return tcp_bind(tcb_of(s), addr->ip, addr->port);
}

static int tcp_sock_listen(struct stack *st, struct sock *s, int backlog, usec_t now)
{
    (void)st;
    return tcp_listen(tcb_of(s), backlog, now);
}

static int tcp_sock_accept(struct stack *st, struct sock *s, struct sock **child,
                           struct sock_addr *peer, usec_t now)
{
    int err;
    struct tcb *tcb = tcp_accept(tcb_of(s), &err, now);
    struct sock *cs;

    if (tcb == NULL)
        return err;
    cs = sock_new_child(st, s, tcb);
    if (cs == NULL) {
        tcp_abort(tcb, now);
        return -ENOMEM;
    }
    tcp_set_notify(tcb, tcp_sock_notify, cs);
    if (peer != NULL)
        tcp_remote(tcb, &peer->ip, &peer->port);
    *child = cs;
    return 0;
}

static int tcp_sock_connect(struct stack *st, struct sock *s, const struct sock_addr *addr,
                            usec_t now)
{
    struct tcb *tcb = tcb_of(s);
    int rc;

    (void)st;
    /* A connect that failed reports its error once (then may be retried),
     * like a non-blocking socket's second connect(2). */
    if (tcp_get_state(tcb) == TCP_CLOSED && tcp_error(tcb) != 0)
        return tcp_take_error(tcb);
    rc = tcp_connect(tcb, addr->ip, addr->port, now);
    return rc == 0 ? -EINPROGRESS : rc;
}

static ssize_t tcp_sock_sendto(struct stack *st, struct sock *s, const void *buf, size_t len,
                               const struct sock_addr *to, usec_t now)
{
    (void)st;
    (void)to;   /* a stream socket has one peer; Linux ignores the address too */
    return tcp_send(tcb_of(s), buf, len, now);
}

static ssize_t tcp_sock_recvfrom(struct stack *st, struct sock *s, void *buf, size_t len,
                                 struct sock_addr *from, usec_t now)
{
    (void)st;
    if (from != NULL)
        tcp_remote(tcb_of(s), &from->ip, &from->port);
    return tcp_receive(tcb_of(s), buf, len, now);
}

static int tcp_sock_shutdown(struct stack *st, struct sock *s, int how, usec_t now)
{
    (void)st;
    return tcp_shutdown(tcb_of(s), how != SOCK_SHUT_WR, how != SOCK_SHUT_RD, now);
}

static int tcp_sock_close(struct stack *st, struct sock *s, usec_t now)
{
    (void)st;
    /* TCP goes on closing by itself (FIN, FIN-WAIT, TIME-WAIT). */
    tcp_close(tcb_of(s), now);
    sock_set_pcb(s, NULL);
    return 0;
}

static int tcp_sock_setsockopt(struct stack *st, struct sock *s, enum sock_option opt,
                               int value, usec_t now)
{
    struct tcb *tcb = tcb_of(s);

    (void)st;
    switch (opt) {
    case SOCK_OPT_REUSEADDR:
        tcp_set_reuseaddr(tcb, value != 0);
        return 0;
    case SOCK_OPT_LINGER_ZERO:
        tcp_set_linger_zero(tcb, value != 0);
        return 0;
    case SOCK_OPT_RCVBUF:
        return value <= 0 ? -EINVAL : tcp_set_rcvbuf(tcb, (size_t)value);
    case SOCK_OPT_SNDBUF:
        return value <= 0 ? -EINVAL : tcp_set_sndbuf(tcb, (size_t)value);
    case SOCK_OPT_NODELAY:
        tcp_set_nodelay(tcb, value != 0);
        return 0;
    case SOCK_OPT_KEEPALIVE:
        return tcp_set_keepalive(tcb, value != 0, now);
    case SOCK_OPT_KEEPIDLE:
        return value <= 0 ? -EINVAL
                          : tcp_set_keepalive_params(tcb, usec_from_sec((uint64_t)value), 0, 0, now);
    case SOCK_OPT_KEEPINTVL:
        return value <= 0 ? -EINVAL
                          : tcp_set_keepalive_params(tcb, 0, usec_from_sec((uint64_t)value), 0, now);
    case SOCK_OPT_KEEPCNT:
        return value <= 0 ? -EINVAL : tcp_set_keepalive_params(tcb, 0, 0, (unsigned)value, now);
    case SOCK_OPT_USER_TIMEOUT:
        if (value < 0)
            return -EINVAL;
        tcp_set_user_timeout(tcb, usec_from_msec((uint64_t)value));
        return 0;
    default:
        return -ENOPROTOOPT;
    }
}

static int clamp_int(size_t n) { return n > (size_t)0x7fffffff ? 0x7fffffff : (int)n; }

static int tcp_sock_getsockopt(struct stack *st, struct sock *s, enum sock_option opt,
                               int *value)
{
    struct tcb *tcb = tcb_of(s);

    (void)st;
    switch (opt) {
    case SOCK_OPT_ERROR:
        *value = -tcp_take_error(tcb);
        return 0;
    case SOCK_OPT_TCP_STATE:
        *value = tcp_get_state(tcb);
        return 0;
    case SOCK_OPT_REUSEADDR:
        *value = tcp_get_reuseaddr(tcb) ? 1 : 0;
        return 0;
    case SOCK_OPT_NODELAY:
        *value = tcp_get_nodelay(tcb) ? 1 : 0;
        return 0;
    case SOCK_OPT_KEEPALIVE:
        *value = tcp_get_keepalive(tcb) ? 1 : 0;
        return 0;
    case SOCK_OPT_RCVBUF:
        *value = clamp_int(tcp_get_rcvbuf(tcb));
        return 0;
    case SOCK_OPT_SNDBUF:
        *value = clamp_int(tcp_get_sndbuf(tcb));
        return 0;
    default:
        return -ENOPROTOOPT;
    }
}

static int tcp_sock_getname(struct stack *st, struct sock *s, struct sock_addr *local,
                            struct sock_addr *peer)
{
    struct tcb *tcb = tcb_of(s);

    (void)st;
    tcp_local(tcb, &local->ip, &local->port);
    tcp_remote(tcb, &peer->ip, &peer->port);
    if (tcp_get_state(tcb) == TCP_LISTEN || tcp_get_state(tcb) == TCP_CLOSED) {
        peer->ip = 0;
        peer->port = 0;
    }
    return 0;
}

/* What poll(2) says of a TCP socket (after Linux's tcp_poll): readable when
 * data, EOF or an error waits, or a listener has a connection to accept;
 * writable when connected with send space (a connecting socket becomes
 * writable when the handshake completes — or fails); hung up when the
 * connection is over. */
static unsigned tcp_sock_events(struct stack *st, struct sock *s)
{
    const struct tcb *tcb = tcb_of(s);
    int state = tcp_get_state(tcb);
    unsigned ev = 0;

    (void)st;
    if (state == TCP_LISTEN)
        return tcp_acceptable(tcb) ? SOCK_POLLIN : 0;
    if (tcp_readable(tcb))
        ev |= SOCK_POLLIN;
    if (tcp_writable(tcb))
        ev |= SOCK_POLLOUT;
    if (tcp_error(tcb) != 0)
        ev |= SOCK_POLLERR;
    if (state == TCP_CLOSED ||
        (tcp_eof(tcb) && (state == TCP_LAST_ACK || state == TCP_CLOSING ||
                          state == TCP_TIME_WAIT)))
        ev |= SOCK_POLLHUP;
    return ev;
}

const struct sock_proto_ops socket_tcp_ops = {
    .type = SOCK_TYPE_STREAM,
    .create = tcp_sock_create,
    .bind = tcp_sock_bind,
    .listen = tcp_sock_listen,
    .accept = tcp_sock_accept,
    .connect = tcp_sock_connect,
    .sendto = tcp_sock_sendto,
    .recvfrom = tcp_sock_recvfrom,
    .shutdown = tcp_sock_shutdown,
    .close = tcp_sock_close,
    .setsockopt = tcp_sock_setsockopt,
    .getsockopt = tcp_sock_getsockopt,
    .getname = tcp_sock_getname,
    .events = tcp_sock_events,
};
