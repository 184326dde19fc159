/* The listening socket of a built-in service (echo, discard, DNS, HTTP).
 *
 * Every service starts the same way: open a socket, bind it to the
 * service's well-known port, listen (TCP only), and ask to be called when
 * it becomes readable. Written once here so that each service's file shows
 * only what is particular to that service. */
#ifndef TUNLAB_APPS_SERVICE_SOCKET_H
#define TUNLAB_APPS_SERVICE_SOCKET_H

#include <stdint.h>

#include "stack/core/clock.h"
#include "stack/socket/sock_watch.h"

#ifdef __cplusplus
extern "C" {
#endif

struct stack;

/* Open a socket of `type` (SOCK_TYPE_STREAM or SOCK_TYPE_DGRAM) bound to
 * `port` on every address of the stack. A stream socket gets SO_REUSEADDR
 * first (a restarted service must not wait out its old connections'
 * TIME-WAIT) and listens with `backlog`. Then `watch` calls
 * handler(ctx, fd, now) whenever the socket is readable (a datagram or a
 * connection waits). Returns the descriptor, or a negative errno with
 * nothing left open. */
int service_socket_open(struct stack *st, int type, uint16_t port, int backlog,
                        struct sock_watch *watch, sock_watch_fn handler, void *ctx);

/* Stop watching the socket and close it. */
void service_socket_close(struct stack *st, int fd, struct sock_watch *watch, usec_t now);

#ifdef __cplusplus
}
#endif

#endif
