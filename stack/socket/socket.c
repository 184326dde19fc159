/*
 * socket.c — the socket API (socket.h): look the descriptor up, hand the
 * call to its protocol's ops (socket_proto.h), name the errors.
 *
 * Every call follows the same three steps, which is all a BSD kernel's
 * socket layer does before the protocol takes over:
 *   1. a descriptor that is not open is -EBADF;
 *   2. an op the protocol does not have (listen on UDP) is -EOPNOTSUPP;
 *   3. otherwise the protocol's answer is returned unchanged.
 */
#include "stack/socket/socket.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "stack/socket/sock_table.h"
#include "stack/socket/socket_proto.h"
#include "stack/stack.h"

static struct sock *lookup(struct stack *st, int fd)
{
    if (st == NULL || st->socks == NULL)
        return NULL;
    return sock_table_lookup(st->socks, fd);
}

int socket_open(struct stack *st, int type)
{
    const struct sock_proto_ops *ops;
    struct sock *s;
    int rc;

    if (st == NULL || st->socks == NULL)
        return -EINVAL;
    ops = sock_table_proto(st->socks, type);
    if (ops == NULL)
        return -EPROTONOSUPPORT;
    s = sock_alloc(st, ops, NULL);
    if (s == NULL)
        return -ENOMEM;
    if (ops->create != NULL) {
        rc = ops->create(st, s);
        if (rc < 0)
            goto free_sock;
    }
    rc = sock_table_install(st->socks, s);
    if (rc < 0)
        goto close_pcb;
    return rc;

close_pcb:
    if (ops->close != NULL)
        ops->close(st, s, 0);
free_sock:
    free(s);
    return rc;
}

int socket_bind(struct stack *st, int fd, const struct sock_addr *addr)
{
    struct sock *s = lookup(st, fd);

    if (s == NULL)
        return -EBADF;
    if (addr == NULL)
        return -EFAULT;
    if (s->ops->bind == NULL)
        return -EOPNOTSUPP;
    return s->ops->bind(st, s, addr);
}

int socket_listen(struct stack *st, int fd, int backlog, usec_t now)
{
    struct sock *s = lookup(st, fd);

    if (s == NULL)
        return -EBADF;
    if (s->ops->listen == NULL)
        return -EOPNOTSUPP;
    return s->ops->listen(st, s, backlog, now);
}

int socket_accept(struct stack *st, int fd, struct sock_addr *peer, usec_t now)
{
    struct sock *s = lookup(st, fd);
    struct sock *child = NULL;
    int rc;

    if (s == NULL)
        return -EBADF;
    if (s->ops->accept == NULL)
        return -EOPNOTSUPP;
    rc = s->ops->accept(st, s, &child, peer, now);
    if (rc < 0)
        return rc;
    if (child == NULL)
        return -EAGAIN;
    rc = sock_table_install(st->socks, child);
    if (rc < 0) {
        /* No descriptor for it: the connection cannot be handed out. */
        if (child->ops->close != NULL)
            child->ops->close(st, child, now);
        free(child);
    }
    return rc;
}

int socket_connect(struct stack *st, int fd, const struct sock_addr *addr, usec_t now)
{
    struct sock *s = lookup(st, fd);

    if (s == NULL)
        return -EBADF;
    if (addr == NULL)
        return -EFAULT;
    if (s->ops->connect == NULL)
        return -EOPNOTSUPP;
    return s->ops->connect(st, s, addr, now);
}

ssize_t socket_send(struct stack *st, int fd, const void *buf, size_t len, usec_t now)
{
    return socket_sendto(st, fd, buf, len, NULL, now);
}

ssize_t socket_recv(struct stack *st, int fd, void *buf, size_t len, usec_t now)
{
    return socket_recvfrom(st, fd, buf, len, NULL, now);
}

ssize_t socket_sendto(struct stack *st, int fd, const void *buf, size_t len,
                      const struct sock_addr *to, usec_t now)
{
    struct sock *s = lookup(st, fd);

    if (s == NULL)
        return -EBADF;
    if (buf == NULL && len > 0)
        return -EFAULT;
    if (s->ops->sendto == NULL)
        return -EOPNOTSUPP;
    return s->ops->sendto(st, s, buf, len, to, now);
}

ssize_t socket_recvfrom(struct stack *st, int fd, void *buf, size_t len,
                        struct sock_addr *from, usec_t now)
{
    struct sock *s = lookup(st, fd);

    if (s == NULL)
        return -EBADF;
    if (buf == NULL && len > 0)
        return -EFAULT;
    if (s->ops->recvfrom == NULL)
        return -EOPNOTSUPP;
    return s->ops->recvfrom(st, s, buf, len, from, now);
}

int socket_shutdown(struct stack *st, int fd, int how, usec_t now)
{
    struct sock *s = lookup(st, fd);

    if (s == NULL)
        return -EBADF;
    if (how != SOCK_SHUT_RD && how != SOCK_SHUT_WR && how != SOCK_SHUT_RDWR)
        return -EINVAL;
    if (s->ops->shutdown == NULL)
        return -EOPNOTSUPP;
    return s->ops->shutdown(st, s, how, now);
}

int socket_close(struct stack *st, int fd, usec_t now)
{
    struct sock *s = lookup(st, fd);
    int rc = 0;

    if (s == NULL)
        return -EBADF;
    /* The descriptor is gone whatever the protocol says (close(2) too
     * releases the descriptor even when it reports an error). */
    s->callback = NULL;
    if (s->ops->close != NULL)
        rc = s->ops->close(st, s, now);
    sock_table_release(st->socks, s);
    return rc;
}

int socket_setsockopt(struct stack *st, int fd, enum sock_option opt, int value, usec_t now)
{
    struct sock *s = lookup(st, fd);

    if (s == NULL)
        return -EBADF;
    if (s->ops->setsockopt == NULL)
        return -ENOPROTOOPT;
    return s->ops->setsockopt(st, s, opt, value, now);
}

int socket_getsockopt(struct stack *st, int fd, enum sock_option opt, int *value)
{
    struct sock *s = lookup(st, fd);

    if (s == NULL)
        return -EBADF;
    if (value == NULL)
        return -EFAULT;
    if (s->ops->getsockopt == NULL)
        return -ENOPROTOOPT;
    return s->ops->getsockopt(st, s, opt, value);
}

int socket_getsockname(struct stack *st, int fd, struct sock_addr *addr)
{
    struct sock *s = lookup(st, fd);
    struct sock_addr peer;

    if (s == NULL)
        return -EBADF;
    if (addr == NULL)
        return -EFAULT;
    if (s->ops->getname == NULL)
        return -EOPNOTSUPP;
    return s->ops->getname(st, s, addr, &peer);
}

int socket_getpeername(struct stack *st, int fd, struct sock_addr *addr)
{
    struct sock *s = lookup(st, fd);
    struct sock_addr local;
    int rc;

    if (s == NULL)
        return -EBADF;
    if (addr == NULL)
        return -EFAULT;
    if (s->ops->getname == NULL)
        return -EOPNOTSUPP;
    rc = s->ops->getname(st, s, &local, addr);
    if (rc < 0)
        return rc;
    /* A socket without a peer has port 0 there: getpeername(2) says
     * ENOTCONN. */
    return addr->port == 0 ? -ENOTCONN : 0;
}

int socket_events(struct stack *st, int fd)
{
    struct sock *s = lookup(st, fd);

    if (s == NULL)
        return -EBADF;
    if (s->ops->events == NULL)
        return 0;
    return (int)s->ops->events(st, s);
}

int socket_poll(struct stack *st, struct sock_pollfd *fds, size_t count)
{
    int ready = 0;

    for (size_t i = 0; i < count; i++) {
        int ev;
        fds[i].revents = 0;
        if (fds[i].fd < 0)
            continue;   /* poll(2): a negative fd is ignored */
        ev = socket_events(st, fds[i].fd);
        if (ev < 0) {
            fds[i].revents = SOCK_POLLERR;   /* poll(2) would say POLLNVAL */
        } else {
            /* Errors and hang-ups are reported whether asked for or not. */
            fds[i].revents =
                (short)((unsigned)ev & ((unsigned)fds[i].events | SOCK_POLLERR | SOCK_POLLHUP));
        }
        if (fds[i].revents != 0)
            ready++;
    }
    return ready;
}

int socket_set_callback(struct stack *st, int fd, sock_callback_fn fn, void *ctx)
{
    struct sock *s = lookup(st, fd);

    if (s == NULL)
        return -EBADF;
    s->callback = fn;
    s->callback_ctx = ctx;
    return 0;
}

/* The errors the stack returns, with the text glibc prints for them. */
static const struct {
    int err;
    const char *text;
} error_names[] = {
    {0, "Success"},
    {EPERM, "Operation not permitted"},
    {EINTR, "Interrupted system call"},
    {EBADF, "Bad file descriptor"},
    {EAGAIN, "Resource temporarily unavailable"},
    {ENOMEM, "Cannot allocate memory"},
    {EFAULT, "Bad address"},
    {EEXIST, "File exists"},
    {EINVAL, "Invalid argument"},
    {EMFILE, "Too many open files"},
    {ENOSPC, "No space left on device"},
    {EPIPE, "Broken pipe"},
    {EPROTO, "Protocol error"},
    {ENONET, "Machine is not on the network"},
    {EDESTADDRREQ, "Destination address required"},
    {EMSGSIZE, "Message too long"},
    {ENOPROTOOPT, "Protocol not available"},
    {EPROTONOSUPPORT, "Protocol not supported"},
    {EOPNOTSUPP, "Operation not supported"},
    {EAFNOSUPPORT, "Address family not supported by protocol"},
    {EADDRINUSE, "Address already in use"},
    {EADDRNOTAVAIL, "Cannot assign requested address"},
    {ENETUNREACH, "Network is unreachable"},
    {ECONNABORTED, "Software caused connection abort"},
    {ECONNRESET, "Connection reset by peer"},
    {ENOBUFS, "No buffer space available"},
    {EISCONN, "Transport endpoint is already connected"},
    {ENOTCONN, "Transport endpoint is not connected"},
    {ETIMEDOUT, "Connection timed out"},
    {ECONNREFUSED, "Connection refused"},
    {EHOSTDOWN, "Host is down"},
    {EHOSTUNREACH, "No route to host"},
    {EALREADY, "Operation already in progress"},
    {EINPROGRESS, "Operation now in progress"},
    {ECANCELED, "Operation canceled"},
};

const char *socket_strerror(int err)
{
    if (err < 0)
        err = -err;
    for (size_t i = 0; i < sizeof error_names / sizeof error_names[0]; i++) {
        if (error_names[i].err == err)
            return error_names[i].text;
    }
    return "Unknown error";
}
