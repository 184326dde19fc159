/*
 * timer.h — timers driven by the time the caller passes in.
 *
 * A timer is embedded in the object it belongs to (a TCP connection, an ARP
 * entry, a reassembly buffer) and armed on the stack's timer queue with an
 * absolute deadline. Nothing fires by itself: the event loop (real clock) or
 * the test driver (virtual clock) calls timerq_run(q, now), which fires every
 * timer whose deadline is <= now, earliest first; timers with equal deadlines
 * fire in the order they were armed, so runs are reproducible.
 *
 * timerq_next_deadline() tells the loop how long it may sleep, and tells the
 * virtual-clock driver which instant to jump to next.
 *
 * Implementation: a binary min-heap of timer pointers, each timer remembering
 * its heap slot, so arm, re-arm and cancel are O(log n).
 */
#ifndef TUNLAB_CORE_TIMER_H
#define TUNLAB_CORE_TIMER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stack/core/clock.h"

#ifdef __cplusplus
extern "C" {
#endif

struct timer;

/* Called when the timer fires. The timer is already disarmed, so the
 * callback may re-arm it or free the object that contains it. */
typedef void (*timer_fn)(struct timer *t, void *arg, usec_t now);

struct timer {
    timer_fn fn;
    void *arg;
    const char *name;   /* for logs and traces: "rto", "2msl", "arp-retry" */
    usec_t deadline;
    uint64_t order;     /* arming order: breaks ties between equal deadlines */
    size_t slot;        /* index in the heap, TIMER_UNARMED when not armed */
};

#define TIMER_UNARMED ((size_t)-1)

struct timerq {
    struct timer **heap;
    size_t count;
    size_t capacity;
    uint64_t next_order;
    uint64_t fired;     /* timers fired so far, for statistics */
};

void timerq_init(struct timerq *q);
/* Frees the heap. Armed timers are simply forgotten (their owners free them). */
void timerq_destroy(struct timerq *q);

void timer_init(struct timer *t, timer_fn fn, void *arg, const char *name);

/* Arm (or re-arm: an armed timer is moved) to fire at `deadline`.
 * Returns 0, or -1 if the queue could not grow (out of memory). */
int timer_arm(struct timerq *q, struct timer *t, usec_t deadline);

/* Disarm; does nothing if the timer is not armed. */
void timer_cancel(struct timerq *q, struct timer *t);

static inline bool timer_armed(const struct timer *t) { return t->slot != TIMER_UNARMED; }

/* The earliest deadline, or USEC_NEVER when no timer is armed. */
usec_t timerq_next_deadline(const struct timerq *q);

/* Fire every timer whose deadline is <= now, earliest first. Timers armed by
 * callbacks with deadlines <= now fire in the same call. Returns how many
 * fired. */
size_t timerq_run(struct timerq *q, usec_t now);

#ifdef __cplusplus
}
#endif

#endif
