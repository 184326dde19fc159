/*
 * socket_udp.c — the socket ops of UDP: each one is a thin call into the
 * pcb API of stack/transport/udp.h. What is left here is the translation:
 * struct sock_addr <-> ip/port, shutdown's `how`, the options UDP has, and
 * the readiness bits.
 */
#include "stack/socket/socket_udp.h"

#include <errno.h>
#include <stddef.h>

#include "stack/stack.h"
#include "stack/transport/udp.h"

static struct udp_pcb *pcb_of(struct sock *s) { return sock_pcb(s); }

/* UDP's notify runs inside UDP input: pass it on as a readiness change. */
static void udp_sock_notify(void *ctx, struct udp_pcb *pcb, usec_t now)
{
    (void)pcb;
    sock_notify(ctx, now);
}

static int udp_sock_create(struct stack *st, struct sock *s)
{
    struct udp_pcb *pcb;

    if (st->udp == NULL)
        return -EPROTONOSUPPORT;
    pcb = udp_pcb_new(st->udp);
    if (pcb == NULL)
        return -ENOMEM;
    udp_pcb_set_notify(pcb, udp_sock_notify, s);
    sock_set_pcb(s, pcb);
    return 0;
}

static int udp_sock_bind(struct stack *st, struct sock *s, const struct sock_addr *addr)
{
    (void)st;
    return udp_pcb_bind(pcb_of(s), addr->ip, addr->port);
}

static int udp_sock_connect(struct stack *st, struct sock *s, const struct sock_addr *addr,
                            usec_t now)
{
    (void)st;
    (void)now;
    return udp_pcb_connect(pcb_of(s), addr->ip, addr->port);
}

static ssize_t udp_sock_sendto(struct stack *st, struct sock *s, const void *buf, size_t len,
                               const struct sock_addr *to, usec_t now)
{
    (void)st;
    if (to == NULL)
        return udp_pcb_send(pcb_of(s), buf, len, now);
    return udp_pcb_sendto(pcb_of(s), buf, len, to->ip, to->port, now);
}

static ssize_t udp_sock_recvfrom(struct stack *st, struct sock *s, void *buf, size_t len,
                                 struct sock_addr *from, usec_t now)
{
    (void)st;
    (void)now;
    if (from == NULL)
        return udp_pcb_recvfrom(pcb_of(s), buf, len, NULL, NULL);
    return udp_pcb_recvfrom(pcb_of(s), buf, len, &from->ip, &from->port);
}

static int udp_sock_shutdown(struct stack *st, struct sock *s, int how, usec_t now)
{
    int rc;

    (void)st;
    rc = udp_pcb_shutdown(pcb_of(s), how != SOCK_SHUT_WR, how != SOCK_SHUT_RD);
    if (rc == 0)
        sock_notify(s, now);   /* a reader waiting for data now sees EOF */
    return rc;
}

static int udp_sock_close(struct stack *st, struct sock *s, usec_t now)
{
    (void)st;
    (void)now;
    udp_pcb_free(pcb_of(s));
    sock_set_pcb(s, NULL);
    return 0;
}

static int udp_sock_setsockopt(struct stack *st, struct sock *s, enum sock_option opt,
                               int value, usec_t now)
{
    (void)st;
    (void)now;
    switch (opt) {
    case SOCK_OPT_REUSEADDR:
        udp_pcb_set_reuseaddr(pcb_of(s), value != 0);
        return 0;
    case SOCK_OPT_RCVBUF:
        if (value <= 0)
            return -EINVAL;
        return udp_pcb_set_rcvbuf(pcb_of(s), (size_t)value);
    default:
        /* SNDBUF too: UDP sends at once and keeps no send buffer. */
        return -ENOPROTOOPT;
    }
}

static int udp_sock_getsockopt(struct stack *st, struct sock *s, enum sock_option opt,
                               int *value)
{
    (void)st;
    switch (opt) {
    case SOCK_OPT_ERROR:
        *value = -udp_pcb_take_error(pcb_of(s));
        return 0;
    case SOCK_OPT_REUSEADDR:
        *value = udp_pcb_reuseaddr(pcb_of(s)) ? 1 : 0;
        return 0;
    case SOCK_OPT_RCVBUF: {
        size_t n = udp_pcb_rcvbuf(pcb_of(s));
        *value = n > (size_t)0x7fffffff ? 0x7fffffff : (int)n;
        return 0;
    }
    default:
        return -ENOPROTOOPT;
    }
}

static int udp_sock_getname(struct stack *st, struct sock *s, struct sock_addr *local,
                            struct sock_addr *peer)
{
    (void)st;
    udp_pcb_local(pcb_of(s), &local->ip, &local->port);
    udp_pcb_remote(pcb_of(s), &peer->ip, &peer->port);
    return 0;
}

/* What poll(2) says of a UDP socket (Linux's datagram_poll): readable when a
 * datagram waits or reading was shut down, writable unless writing was shut
 * down (there is no send buffer to fill), error while an error is pending,
 * hung up when both directions are shut. */
static unsigned udp_sock_events(struct stack *st, struct sock *s)
{
    const struct udp_pcb *pcb = pcb_of(s);
    unsigned ev = 0;

    (void)st;
    if (udp_pcb_readable(pcb))
        ev |= SOCK_POLLIN;
    if (udp_pcb_writable(pcb))
        ev |= SOCK_POLLOUT;
    if (udp_pcb_error(pcb) != 0)
        ev |= SOCK_POLLERR;
    if (udp_pcb_readable(pcb) && !udp_pcb_writable(pcb) && udp_pcb_queued_datagrams(pcb) == 0)
        ev |= SOCK_POLLHUP;
    return ev;
}

const struct sock_proto_ops socket_udp_ops = {
    .type = SOCK_TYPE_DGRAM,
    .create = udp_sock_create,
    .bind = udp_sock_bind,
    .listen = NULL,    /* -EOPNOTSUPP, as listen(2) on a datagram socket */
    .accept = NULL,
    .connect = udp_sock_connect,
    .sendto = udp_sock_sendto,
    .recvfrom = udp_sock_recvfrom,
    .shutdown = udp_sock_shutdown,
    .close = udp_sock_close,
    .setsockopt = udp_sock_setsockopt,
    .getsockopt = udp_sock_getsockopt,
    .getname = udp_sock_getname,
    .events = udp_sock_events,
};
