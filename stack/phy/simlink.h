/*
 * simlink.h — the simulated wire used by the tests: two (or more) netdevs
 * joined in memory, with seeded, reproducible impairments, driven by a
 * virtual clock.
 *
 * A `sim_world` owns the virtual clock, the links, and a list of stacks to
 * step. Packets put on a link by netdev_transmit() are scheduled for delivery
 * at now + delay (+ serialization time at the link's rate) and may be lost,
 * duplicated, reordered or corrupted according to the link's impairments,
 * drawn from the world's rng. sim_world_run_until() advances the clock from
 * event to event (the next delivery or the next timer of any stack), so
 * virtual seconds take microseconds of real time.
 *
 * Same seed, same configuration => the identical sequence of deliveries.
 */
#ifndef TUNLAB_PHY_SIMLINK_H
#define TUNLAB_PHY_SIMLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stack/core/clock.h"
#include "stack/core/netdev.h"
#include "stack/core/rng.h"
#include "stack/core/trace.h"

#ifdef __cplusplus
extern "C" {
#endif

struct sim_impairments {
    double loss;          /* probability a packet is dropped */
    double duplicate;     /* probability a packet is delivered twice */
    double reorder;       /* probability a packet is held back by reorder_delay */
    usec_t reorder_delay; /* extra delay of a reordered packet */
    double corrupt;       /* probability one random bit of the packet is flipped */
    usec_t delay;         /* one-way propagation delay */
    usec_t jitter;        /* uniform extra delay in [0, jitter) (never reorders by itself) */
    uint64_t rate_bps;    /* serialization rate in bits per second; 0 = infinite */
    uint32_t mtu;         /* larger packets are dropped and counted; 0 = no limit */
    uint32_t queue_limit; /* packets waiting to be serialized before tail drop; 0 = no limit */
};

struct sim_link_stats {
    uint64_t sent, delivered, lost, duplicated, reordered, corrupted, too_big, queue_drops;
};

struct sim_world;
struct sim_link;

/* Something the world steps: a stack's timers. `run_timers(ctx, now)` fires
 * its due timers; `next_deadline(ctx)` returns its earliest one or
 * USEC_NEVER. */
struct sim_node_ops {
    void (*run_timers)(void *ctx, usec_t now);
    usec_t (*next_deadline)(void *ctx);
};

struct sim_world *sim_world_new(uint64_t seed);
void sim_world_free(struct sim_world *w);   /* frees its links and their devices */
uint64_t sim_world_seed(const struct sim_world *w);
usec_t sim_world_now(const struct sim_world *w);
struct rng *sim_world_rng(struct sim_world *w);

/* The world's trace (created with the world): every link records lost
 * packets in it; stacks may share it so one trace tells the whole story. */
struct trace *sim_world_trace(struct sim_world *w);

/* Register a stack (or anything with timers) to be stepped. */
int sim_world_add_node(struct sim_world *w, const struct sim_node_ops *ops, void *ctx);

/* A point-to-point link between two new devices a and b. `link` says whether
 * they carry IP packets (like TUN) or Ethernet frames (like TAP); Ethernet
 * devices get distinct locally administered MACs 02:00:00:00:00:NN. The
 * impairments apply in both directions (set each direction separately with
 * sim_link_set_impairments). */
struct sim_link *sim_link_new(struct sim_world *w, enum netdev_link link, uint32_t mtu,
                              const char *name_a, const char *name_b);
struct netdev *sim_link_dev_a(struct sim_link *l);
struct netdev *sim_link_dev_b(struct sim_link *l);
/* direction 0: a -> b, 1: b -> a. */
void sim_link_set_impairments(struct sim_link *l, int direction, const struct sim_impairments *imp);
void sim_link_set_both(struct sim_link *l, const struct sim_impairments *imp);
struct sim_link_stats sim_link_stats(const struct sim_link *l, int direction);

/* Advance the virtual clock, delivering packets and firing timers in time
 * order, until `deadline` (inclusive). Returns the number of events
 * processed. */
size_t sim_world_run_until(struct sim_world *w, usec_t deadline);
/* Run until nothing is in flight and no timer is due before now + horizon,
 * or `max_events` events have run. Returns events processed. */
size_t sim_world_run_idle(struct sim_world *w, usec_t horizon, size_t max_events);
/* Process exactly the next event (delivery or timer); false if none. */
bool sim_world_step(struct sim_world *w);
/* Packets currently in flight on all links. */
size_t sim_world_in_flight(const struct sim_world *w);

#ifdef __cplusplus
}
#endif

#endif
