/*
 * sim_events.h — the simulated link's queue of packets in flight: a binary
 * min-heap keyed by (arrival time, insertion number). Two packets due at the
 * same instant come out in the order they went in, so a simulation run is
 * reproducible. Internal to stack/phy (simlink.c); not part of its contract.
 */
#ifndef TUNLAB_PHY_SIM_EVENTS_H
#define TUNLAB_PHY_SIM_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stack/core/clock.h"
#include "stack/core/pkb.h"

#ifdef __cplusplus
extern "C" {
#endif

struct sim_link;

struct sim_event {
    usec_t time;             /* when the packet arrives */
    uint64_t order;          /* insertion number: breaks ties in time */
    struct sim_link *link;
    int direction;           /* 0: a -> b, 1: b -> a */
    struct pkb *p;
};

struct sim_events {
    struct sim_event *heap;
    size_t count, capacity;
    uint64_t next_order;
};

void sim_events_init(struct sim_events *q);
/* Frees the packets still queued and the heap. */
void sim_events_destroy(struct sim_events *q);
/* Queue ev (its `order` is assigned here). Returns 0 or -ENOMEM. */
int sim_events_push(struct sim_events *q, struct sim_event ev);
/* The earliest event; only when count > 0. */
static inline const struct sim_event *sim_events_peek(const struct sim_events *q)
{
    return &q->heap[0];
}
/* Remove and return the earliest event; only when count > 0. */
struct sim_event sim_events_pop(struct sim_events *q);

#ifdef __cplusplus
}
#endif

#endif
