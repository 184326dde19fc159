/*
 * ping.h — the stack's own ping client: it sends ICMP echo requests from the
 * stack (10.0.0.2) to an address, typically the kernel's side (10.0.0.1),
 * and prints what ping(8) prints.
 */
#ifndef TUNLAB_APPS_PING_H
#define TUNLAB_APPS_PING_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

struct daemon;

struct ping_result {
    int sent, received, errors;
    double rtt_min_ms, rtt_avg_ms, rtt_max_ms;
};

/* Ping dst `count` times, one second apart, `size` data bytes each, waiting
 * up to one second for each reply; print ping(8)'s lines to out (may be
 * NULL). Runs in the caller's thread; takes the stack's mutex only to send.
 * Returns the tallies. */
struct ping_result ping_run(struct daemon *d, uint32_t dst, int count, size_t size, FILE *out);

#ifdef __cplusplus
}
#endif

#endif
