/*
 * discard.h — the TCP discard service (RFC 863, port 9) on a tunlab stack:
 * it reads everything a client sends and throws it away, and closes when
 * the client closes. The sink for bulk-transfer tests and demos.
 *
 * An event-driven service in the stack's event-loop thread, like
 * apps/tcp_echo. Stop it before freeing the stack.
 *
 *     $ head -c 1000000 /dev/zero | nc -N 10.0.0.2 9
 */
#ifndef TUNLAB_APPS_DISCARD_H
#define TUNLAB_APPS_DISCARD_H

#include <stdint.h>

#include "stack/core/clock.h"

#ifdef __cplusplus
extern "C" {
#endif

struct stack;
struct discard;

#define DISCARD_PORT 9
#define DISCARD_MAX_CONNS 64

struct discard_stats {
    uint64_t accepted;   /* connections accepted */
    uint64_t refused;    /* closed at once: DISCARD_MAX_CONNS reached */
    uint64_t closed;     /* connections the client finished (EOF) */
    uint64_t errors;     /* connections that ended with an error (reset) */
    uint64_t bytes;      /* bytes read and discarded */
};

/* Listen on port (DISCARD_PORT) on every address of st, backlog 16.
 * Returns 0 and *out, or a negative errno. */
int discard_service_start(struct stack *st, uint16_t port, struct discard **out);
void discard_service_stop(struct discard *d, usec_t now);
const struct discard_stats *discard_stats(const struct discard *d);
unsigned discard_conns(const struct discard *d);

#ifdef __cplusplus
}
#endif

#endif
