/*
 * udp_echo.h — the UDP echo service (RFC 862, port 7) on a tunlab stack:
 * every datagram that arrives goes back to its sender unchanged.
 *
 * An event-driven service: it runs inside the stack's event-loop thread,
 * woken by its socket (sock_watch.h), and makes only non-blocking socket
 * calls. Stop it before freeing the stack.
 *
 *     $ nc -u 10.0.0.2 7
 *     hello
 *     hello
 */
#ifndef TUNLAB_APPS_UDP_ECHO_H
#define TUNLAB_APPS_UDP_ECHO_H

#include <stdint.h>

#include "stack/core/clock.h"

#ifdef __cplusplus
extern "C" {
#endif

struct stack;
struct udp_echo;

#define UDP_ECHO_PORT 7

struct udp_echo_stats {
    uint64_t echoed;        /* datagrams sent back */
    uint64_t bytes;         /* their payload bytes */
    uint64_t send_errors;   /* sendto failed (no route, no buffers) */
};

/* Bind port (UDP_ECHO_PORT) on every address of st and start serving.
 * Returns 0 and *out, or a negative errno (-EADDRINUSE, -ENOMEM). */
int udp_echo_service_start(struct stack *st, uint16_t port, struct udp_echo **out);
/* Close the socket and free the service. */
void udp_echo_service_stop(struct udp_echo *echo, usec_t now);
const struct udp_echo_stats *udp_echo_stats(const struct udp_echo *echo);

#ifdef __cplusplus
}
#endif

#endif
