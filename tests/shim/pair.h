/*
 * pair.h — the test shim for "two stacks on a simulated link".
 *
 *      client 10.0.0.1  ──── sim link (seeded impairments) ────  server 10.0.0.2
 *
 * A thin C layer the GoogleTest suites call, so that a test reads as the
 * scenario: make a pair, open sockets on either side, run virtual time,
 * assert. Both stacks record into the world's one trace, so a failing test
 * prints the whole exchange (shim_pair_dump) and the seed it ran with.
 */
#ifndef TUNLAB_TESTS_SHIM_PAIR_H
#define TUNLAB_TESTS_SHIM_PAIR_H

#include <stdint.h>
#include <stdio.h>

#include "stack/core/netdev.h"
#include "stack/phy/simlink.h"
#include "stack/stack.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SHIM_CLIENT_ADDR 0x0A000001u   /* 10.0.0.1 */
#define SHIM_SERVER_ADDR 0x0A000002u   /* 10.0.0.2 */

struct shim_pair {
    uint64_t seed;
    struct sim_world *world;
    struct sim_link *link;   /* direction 0: client -> server, 1: server -> client */
    struct stack *client;
    struct stack *server;
};

/* Two stacks named "client" and "server" on a fresh link of the given type
 * (NETDEV_LINK_IP like TUN, or NETDEV_LINK_ETHERNET like TAP with ARP),
 * MTU 1500, 1 ms one-way delay, no impairments (change them with
 * sim_link_set_both(pair->link, ...)). Returns NULL on failure. */
struct shim_pair *shim_pair_new(uint64_t seed, enum netdev_link link);
void shim_pair_free(struct shim_pair *pair);

usec_t shim_now(const struct shim_pair *pair);
/* Advance virtual time by `delta`, delivering packets and firing timers. */
void shim_run_for(struct shim_pair *pair, usec_t delta);
/* Run until the link is quiet and no timer is due within `horizon`. */
void shim_run_idle(struct shim_pair *pair, usec_t horizon);

/* Print the seed and every trace event, one per line (tests print this on
 * failure). */
void shim_pair_dump(const struct shim_pair *pair, FILE *out);

#ifdef __cplusplus
}
#endif

#endif
