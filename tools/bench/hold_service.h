/*
 * hold_service.h — a TCP service that accepts connections and holds them,
 * idle, for the memory benchmark.
 *
 * It sits on TCP's user calls (stack/transport/tcp.h) rather than on
 * sockets: the socket table has SOCK_TABLE_SIZE (1024) descriptors, and the
 * benchmark holds 10,000 connections. What it measures is therefore TCP's
 * own cost per connection (the tcb, its timers' slots, the hash entry), plus
 * one pointer here. It never reads, writes or closes: the connections live
 * until the stack is freed.
 */
#ifndef TUNLAB_TOOLS_BENCH_HOLD_SERVICE_H
#define TUNLAB_TOOLS_BENCH_HOLD_SERVICE_H

#include <stddef.h>
#include <stdint.h>

#include "stack/core/clock.h"

#ifdef __cplusplus
extern "C" {
#endif

struct stack;
struct hold_service;

/* Listen on `port` on every address of st. Returns 0 and *out, or a negative errno. */
int hold_service_start(struct stack *st, uint16_t port, usec_t now, struct hold_service **out);
/* Connections accepted so far. */
size_t hold_service_count(const struct hold_service *h);
/* Close the listener and forget the connections (freed with the stack). */
void hold_service_stop(struct hold_service *h, usec_t now);

#ifdef __cplusplus
}
#endif

#endif
