/*
 * socket.h — the BSD-like socket API of a tunlab stack, in its
 * non-blocking, time-passed-in form.
 *
 * The calls are the ones every network programmer knows — socket, bind,
 * listen, accept, connect, send, recv, sendto, recvfrom, shutdown, close,
 * setsockopt, poll — with two differences that keep the stack deterministic:
 *
 *  1. Nothing blocks. A call that would wait returns -EAGAIN (or
 *     -EINPROGRESS for connect), exactly like a BSD socket with O_NONBLOCK.
 *     Readiness is asked with socket_poll() or announced through a callback
 *     (socket_set_callback), which is how the event-driven services in apps/
 *     and the blocking wrapper (tl_socket.h) wait.
 *  2. Every call takes `now`, because a call may send a segment or start a
 *     timer (connect sends a SYN and arms the retransmission timer).
 *
 * Errors are returned as negative errno values (-ECONNREFUSED);
 * socket_strerror() names them. Addresses are plain host-order structs.
 *
 * The protocols plug in through struct sock_proto_ops (socket_proto.h): UDP
 * (socket_udp.c) and TCP (socket_tcp.c) adapt their own user calls to it, so
 * neither transport includes this header.
 */
#ifndef TUNLAB_SOCKET_SOCKET_H
#define TUNLAB_SOCKET_SOCKET_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "stack/core/clock.h"

#ifdef __cplusplus
extern "C" {
#endif

struct stack;

/* Socket types: the BSD values, so code reads the same. */
#define SOCK_TYPE_STREAM 1   /* == SOCK_STREAM: TCP */
#define SOCK_TYPE_DGRAM 2    /* == SOCK_DGRAM: UDP */

struct sock_addr {
    uint32_t ip;     /* IPv4 address, host order; 0 = any */
    uint16_t port;   /* host order; 0 = any / ephemeral */
};

/* Readiness bits, the poll(2) values. */
#define SOCK_POLLIN 0x001
#define SOCK_POLLOUT 0x004
#define SOCK_POLLERR 0x008
#define SOCK_POLLHUP 0x010

/* shutdown() how: the BSD values. */
#define SOCK_SHUT_RD 0
#define SOCK_SHUT_WR 1
#define SOCK_SHUT_RDWR 2

/* Options (level is implied by the option). */
enum sock_option {
    SOCK_OPT_REUSEADDR,      /* int: bind may reuse a port held in TIME-WAIT */
    SOCK_OPT_RCVBUF,         /* int: receive buffer bytes (TCP: 1..1 GiB, else -EINVAL;
                                UDP: >= 1, clamped to UDP_MAX_RCVBUF, 8 MiB) */
    SOCK_OPT_SNDBUF,         /* int: send buffer bytes */
    SOCK_OPT_NODELAY,        /* int: TCP_NODELAY, turns Nagle off */
    SOCK_OPT_KEEPALIVE,      /* int: SO_KEEPALIVE */
    SOCK_OPT_KEEPIDLE,       /* int seconds: TCP_KEEPIDLE */
    SOCK_OPT_KEEPINTVL,      /* int seconds: TCP_KEEPINTVL */
    SOCK_OPT_KEEPCNT,        /* int: TCP_KEEPCNT */
    SOCK_OPT_USER_TIMEOUT,   /* int milliseconds: TCP_USER_TIMEOUT */
    SOCK_OPT_LINGER_ZERO,    /* int: close() sends RST (SO_LINGER with l_linger 0) */
    SOCK_OPT_ERROR,          /* int, get only: pending error (SO_ERROR), cleared by reading */
    SOCK_OPT_TCP_STATE,      /* int, get only: the TCP state (tcp_state enum) */
};

/* Called (from inside the stack, with `now`) whenever a socket's readiness
 * may have changed. Must not call back into the stack except socket_poll /
 * socket_events; event loops queue the work instead. */
typedef void (*sock_callback_fn)(void *ctx, int fd, unsigned events, usec_t now);

/* Returns a descriptor >= 0, or -EAFNOSUPPORT / -EPROTONOSUPPORT / -EMFILE. */
int socket_open(struct stack *st, int type);
int socket_bind(struct stack *st, int fd, const struct sock_addr *addr);
int socket_listen(struct stack *st, int fd, int backlog, usec_t now);
/* Returns a new descriptor, or -EAGAIN when no connection is ready. */
int socket_accept(struct stack *st, int fd, struct sock_addr *peer, usec_t now);
/* TCP: -EINPROGRESS (the SYN is on its way), later the result is read with
 * SOCK_OPT_ERROR. UDP: sets the default peer, returns 0. */
int socket_connect(struct stack *st, int fd, const struct sock_addr *addr, usec_t now);
/* Returns bytes accepted (possibly fewer than len), or -EAGAIN, -EPIPE, ... */
ssize_t socket_send(struct stack *st, int fd, const void *buf, size_t len, usec_t now);
/* Returns bytes read, 0 at end of stream (TCP) , or -EAGAIN, -ECONNRESET, ... */
ssize_t socket_recv(struct stack *st, int fd, void *buf, size_t len, usec_t now);
ssize_t socket_sendto(struct stack *st, int fd, const void *buf, size_t len,
                      const struct sock_addr *to, usec_t now);
ssize_t socket_recvfrom(struct stack *st, int fd, void *buf, size_t len,
                        struct sock_addr *from, usec_t now);
int socket_shutdown(struct stack *st, int fd, int how, usec_t now);
/* Releases the descriptor. TCP goes on closing (FIN, TIME-WAIT) by itself. */
int socket_close(struct stack *st, int fd, usec_t now);
int socket_setsockopt(struct stack *st, int fd, enum sock_option opt, int value, usec_t now);
int socket_getsockopt(struct stack *st, int fd, enum sock_option opt, int *value);
int socket_getsockname(struct stack *st, int fd, struct sock_addr *addr);
int socket_getpeername(struct stack *st, int fd, struct sock_addr *addr);

/* Current readiness of one socket (SOCK_POLL* bits), or a negative errno. */
int socket_events(struct stack *st, int fd);

struct sock_pollfd {
    int fd;
    short events;    /* wanted */
    short revents;   /* got */
};
/* Fill revents for each entry; returns how many are ready. Never waits. */
int socket_poll(struct stack *st, struct sock_pollfd *fds, size_t count);

/* Install (or clear with NULL) the readiness callback of a socket. */
int socket_set_callback(struct stack *st, int fd, sock_callback_fn fn, void *ctx);

/* "Connection refused" for -ECONNREFUSED (takes the errno with either sign). */
const char *socket_strerror(int err);

#ifdef __cplusplus
}
#endif

#endif
