/*
 * loop.h — the real-time event loop: drives one stack from its devices'
 * file descriptors and its timers, with the real clock.
 *
 * One iteration:
 *   1. run the stack's due timers (ops->run_timers(ctx, now));
 *   2. sleep in ppoll() on every device fd and the wakeup fd until a packet
 *      arrives, another thread calls loop_wake()/loop_stop(), or the stack's
 *      next deadline (ops->next_deadline(ctx)) comes;
 *   3. if woken, call ops->on_wakeup(ctx, now) (work other threads queued);
 *   4. netdev_poll() each readable device, at most `budget` packets each,
 *      so a flood on one device cannot starve the timers or the others.
 * Steps 1 and 3-4 run between ops->enter and ops->leave; the sleep does not.
 * At the end of each of those stretches of work, devices that batch their
 * writes (tun_vnet.h) are flushed (loop_set_flush), so what the stack sent
 * goes out before the loop sleeps.
 *
 * The test driver does the same with a virtual clock (simlink.h's
 * sim_world); `struct loop_ops` has the shape of `struct sim_node_ops` so a
 * stack provides the same two functions to both.
 *
 * loop.c is the one place in stack/ that reads a clock: loop_clock_now().
 */
#ifndef TUNLAB_PHY_LOOP_H
#define TUNLAB_PHY_LOOP_H

#include <stdbool.h>
#include <stdint.h>

#include "stack/core/clock.h"
#include "stack/core/netdev.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LOOP_MAX_DEVICES 8
#define LOOP_DEFAULT_BUDGET 64

struct loop_ops {
    /* Called before and after each stretch of work on the stack (timers,
     * wakeup, device reads) and never around the sleep: a daemon whose
     * stack other threads also use takes the stack's mutex here. May be NULL. */
    void (*enter)(void *ctx);
    void (*leave)(void *ctx);
    void (*run_timers)(void *ctx, usec_t now);   /* fire due timers; may be NULL */
    usec_t (*next_deadline)(void *ctx);          /* earliest timer; may be NULL */
    void (*on_wakeup)(void *ctx, usec_t now);    /* after loop_wake(); may be NULL */
};

struct loop_stats {
    uint64_t iterations;
    uint64_t wakeups;     /* times the wakeup fd was found signalled */
    uint64_t packets;     /* delivered by netdev_poll */
    uint64_t timeouts;    /* ppoll returned with nothing ready */
};

/* The loop's state is private to loop.c (its stop flag is a C11 atomic,
 * which C++ code including this header could not declare). */
struct loop;

/* A loop for the stack `ctx`. Returns NULL, with errno set, if memory or
 * the wakeup eventfd could not be had. */
struct loop *loop_new(const struct loop_ops *ops, void *ctx);

/* Close the wakeup fd and free the loop. The devices stay open: they belong
 * to the caller. */
void loop_free(struct loop *l);

/* Packets read from each device per iteration (default LOOP_DEFAULT_BUDGET). */
void loop_set_budget(struct loop *l, int budget);

struct loop_stats loop_stats(const struct loop *l);

/* Watch a fd-backed device. Returns 0, -EINVAL for a device without a fd,
 * or -ENOSPC when LOOP_MAX_DEVICES are registered. */
int loop_add_device(struct loop *l, struct netdev *dev);

/* For a device that holds transmitted packets until told to write them
 * (tun_vnet_flush): the loop calls flush(dev, now) after every stretch of
 * work, before it sleeps. Returns 0, or -ENOENT if dev was not added. */
typedef void (*loop_flush_fn)(struct netdev *dev, usec_t now);
int loop_set_flush(struct loop *l, struct netdev *dev, loop_flush_fn flush);

/* Run until loop_stop() or until the clock reaches `end` (USEC_NEVER: no
 * end). Returns 0, or a negative errno if polling or a device failed. */
int loop_run_until(struct loop *l, usec_t end);

/* loop_run_until(l, USEC_NEVER). */
int loop_run(struct loop *l);

/* Safe from any thread or a signal handler: the loop returns soon after. */
void loop_stop(struct loop *l);

/* Safe from any thread: interrupt the sleep so on_wakeup runs. */
void loop_wake(struct loop *l);

/* The monotonic clock in microseconds: the `now` the loop passes down. */
usec_t loop_clock_now(void);

#ifdef __cplusplus
}
#endif

#endif
