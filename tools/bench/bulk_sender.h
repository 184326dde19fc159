/*
 * bulk_sender.h — the stack's side of "stack → kernel" bulk TCP: an
 * event-driven sender on the stack's non-blocking sockets.
 *
 * It runs in the event-loop thread, woken by its socket (sock_watch.h),
 * like the built-in services: connect to the kernel's sink, send as fast
 * as the window allows for `seconds`, shut down writing, wait for the
 * sink to close, close. No thread crosses to another CPU per send.
 */
#ifndef TUNLAB_TOOLS_BENCH_BULK_SENDER_H
#define TUNLAB_TOOLS_BENCH_BULK_SENDER_H

#include <stdbool.h>
#include <stdint.h>

#include "stack/core/clock.h"
#include "stack/socket/socket.h"

#ifdef __cplusplus
extern "C" {
#endif

struct stack;
struct bulk_sender;

/* Start connecting to `to`; sending stops `duration` after now. sndbuf > 0
 * sets the socket's send buffer (SOCK_OPT_SNDBUF) first; 0 keeps TCP's
 * default. Returns 0 and *out, or a negative errno. */
int bulk_sender_start(struct stack *st, const struct sock_addr *to, usec_t duration, int sndbuf,
                      usec_t now, struct bulk_sender **out);
/* True once the peer has closed and the socket is closed (or failed). */
bool bulk_sender_done(const struct bulk_sender *s);
/* Bytes accepted by socket_send, and the error that ended it (0 if none). */
uint64_t bulk_sender_bytes(const struct bulk_sender *s);
int bulk_sender_error(const struct bulk_sender *s);
void bulk_sender_free(struct bulk_sender *s, usec_t now);

#ifdef __cplusplus
}
#endif

#endif
