/*
 * tcp_echo.h — the TCP echo service (RFC 862, port 7) on a tunlab stack:
 * every byte a client sends comes back on the same connection, until the
 * client closes; then the service closes too.
 *
 * An event-driven service: it runs inside the stack's event-loop thread,
 * woken by its sockets (sock_watch.h), and makes only non-blocking socket
 * calls. Stop it before freeing the stack.
 *
 *     $ nc 10.0.0.2 7
 *     hello
 *     hello
 *
 * Each connection holds at most TCP_ECHO_BUF bytes that it has read but not
 * yet been able to send: while those wait for send space, it stops reading,
 * so a client that sends without reading fills its own windows (flow
 * control), not our memory.
 */
#ifndef TUNLAB_APPS_TCP_ECHO_H
#define TUNLAB_APPS_TCP_ECHO_H

#include <stdint.h>

#include "stack/core/clock.h"

#ifdef __cplusplus
extern "C" {
#endif

struct stack;
struct tcp_echo;

#define TCP_ECHO_PORT 7
#define TCP_ECHO_BUF 4096
#define TCP_ECHO_MAX_CONNS 64

struct tcp_echo_stats {
    uint64_t accepted;      /* connections accepted */
    uint64_t refused;       /* accepted but closed at once: TCP_ECHO_MAX_CONNS reached */
    uint64_t closed;        /* connections finished (EOF echoed, then closed) */
    uint64_t errors;        /* connections that ended with an error (reset) */
    uint64_t bytes;         /* bytes echoed */
};

/* Listen on port (TCP_ECHO_PORT) on every address of st, backlog 16.
 * Returns 0 and *out, or a negative errno (-EADDRINUSE, -ENOMEM). */
int tcp_echo_service_start(struct stack *st, uint16_t port, struct tcp_echo **out);
/* Close the listener and every connection (each sends its FIN) and free
 * the service. */
void tcp_echo_service_stop(struct tcp_echo *echo, usec_t now);
const struct tcp_echo_stats *tcp_echo_stats(const struct tcp_echo *echo);
/* Connections open now. */
unsigned tcp_echo_conns(const struct tcp_echo *echo);

#ifdef __cplusplus
}
#endif

#endif
