/*
 * demo_pair.h — two tunlab stacks on a simulated link, in virtual time, for
 * the demos that `bazel run` shows on the slides (the framing demo, the
 * "open a URL" scenario). The tests have the same thing in tests/shim
 * (testonly); this one is for programs.
 *
 *      client 10.0.0.1  ──── 1 ms ──── 10.0.0.2 server
 *
 * Both stacks record into the world's trace, so one trace tells the story.
 */
#ifndef TUNLAB_APPS_FRAMING_DEMO_PAIR_H
#define TUNLAB_APPS_FRAMING_DEMO_PAIR_H

#include <stdint.h>

#include "stack/core/netdev.h"
#include "stack/phy/simlink.h"
#include "stack/stack.h"

#ifdef __cplusplus
extern "C" {
#endif

#define DEMO_CLIENT_ADDR 0x0A000001u   /* 10.0.0.1 */
#define DEMO_SERVER_ADDR 0x0A000002u   /* 10.0.0.2 */

struct demo_pair {
    struct sim_world *world;
    struct sim_link *link;
    struct stack *client;
    struct stack *server;
};

/* Two stacks "client" and "server" on a link of type `link` (IP like TUN,
 * or Ethernet like TAP, with ARP), MTU 1500, 1 ms one-way delay. NULL on
 * failure. */
struct demo_pair *demo_pair_new(uint64_t seed, enum netdev_link link);
void demo_pair_free(struct demo_pair *p);

usec_t demo_now(const struct demo_pair *p);
/* Advance virtual time by delta, delivering packets and firing timers. */
void demo_run_for(struct demo_pair *p, usec_t delta);
struct trace *demo_trace(struct demo_pair *p);

#ifdef __cplusplus
}
#endif

#endif
