/* The listening socket of a built-in service: see service_socket.h. */
#include "apps/service/service_socket.h"

#include "stack/socket/socket.h"

int service_socket_open(struct stack *st, int type, uint16_t port, int backlog,
                        struct sock_watch *watch, sock_watch_fn handler, void *ctx)
{
    struct sock_addr addr = {0, port};
    int fd, rc;

    fd = socket_open(st, type);
    if (fd < 0)
        return fd;
    if (type == SOCK_TYPE_STREAM)
        socket_setsockopt(st, fd, SOCK_OPT_REUSEADDR, 1, 0);
    rc = socket_bind(st, fd, &addr);
    if (rc == 0 && type == SOCK_TYPE_STREAM)
        rc = socket_listen(st, fd, backlog, 0);
    if (rc == 0)
        rc = sock_watch_start(watch, st, fd, handler, ctx);
    if (rc < 0) {
        socket_close(st, fd, 0);
        return rc;
    }
    return fd;
}

void service_socket_close(struct stack *st, int fd, struct sock_watch *watch, usec_t now)
{
    sock_watch_stop(watch);
    socket_close(st, fd, now);
}
