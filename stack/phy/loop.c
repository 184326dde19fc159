#define _GNU_SOURCE
/*
 * loop.c — the real-time event loop (see loop.h).
 *
 * This file is the one place under stack/ that reads a clock
 * (clock_gettime(CLOCK_MONOTONIC)): everything below it is handed `now`.
 * CLOCK_MONOTONIC, not the time of day, because timers must not jump when
 * someone sets the system clock.
 */
#include "stack/phy/loop.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "stack/core/log.h"

usec_t loop_clock_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (usec_t)ts.tv_sec * USEC_PER_SEC + (usec_t)ts.tv_nsec / 1000;
}

struct loop {
    struct netdev *devices[LOOP_MAX_DEVICES];
    loop_flush_fn flush[LOOP_MAX_DEVICES];   /* NULL: the device writes at once */
    int device_count;
    const struct loop_ops *ops;
    void *ctx;
    int budget;            /* packets per device per iteration */
    int wake_fd;           /* an eventfd: written by loop_wake() */
    atomic_bool stop;      /* set by loop_stop() from any thread */
    struct loop_stats stats;
};

struct loop *loop_new(const struct loop_ops *ops, void *ctx)
{
    struct loop *l = calloc(1, sizeof *l);

    if (!l)
        return NULL;
    l->ops = ops;
    l->ctx = ctx;
    l->budget = LOOP_DEFAULT_BUDGET;
    atomic_init(&l->stop, false);
    l->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (l->wake_fd < 0) {
        int err = errno;
        free(l);
        errno = err;
        return NULL;
    }
    return l;
}

void loop_free(struct loop *l)
{
    if (!l)
        return;
    close(l->wake_fd);
    free(l);
}

void loop_set_budget(struct loop *l, int budget)
{
    l->budget = budget > 0 ? budget : 1;
}

struct loop_stats loop_stats(const struct loop *l)
{
    return l->stats;
}

int loop_add_device(struct loop *l, struct netdev *dev)
{
    if (!dev || dev->fd < 0)
        return -EINVAL;
    if (l->device_count >= LOOP_MAX_DEVICES)
        return -ENOSPC;
    l->devices[l->device_count++] = dev;
    return 0;
}

int loop_set_flush(struct loop *l, struct netdev *dev, loop_flush_fn flush)
{
    for (int i = 0; i < l->device_count; i++) {
        if (l->devices[i] == dev) {
            l->flush[i] = flush;
            return 0;
        }
    }
    return -ENOENT;
}

void loop_wake(struct loop *l)
{
    uint64_t one = 1;

    /* write(2) is async-signal-safe; a full counter (EAGAIN) is already a
     * pending wakeup, so the result does not matter. */
    if (write(l->wake_fd, &one, sizeof one) < 0) {
        /* nothing to do */
    }
}

void loop_stop(struct loop *l)
{
    atomic_store(&l->stop, true);
    loop_wake(l);
}

int loop_run(struct loop *l)
{
    return loop_run_until(l, USEC_NEVER);
}

/* How long ppoll may sleep: until the stack's next deadline or the end of
 * the run, whichever is first. NULL means "until something happens". */
static struct timespec *sleep_time(const struct loop *l, usec_t now, usec_t end,
                                   struct timespec *ts)
{
    usec_t until = end;
    usec_t wait;

    if (l->ops && l->ops->next_deadline) {
        usec_t deadline = l->ops->next_deadline(l->ctx);
        if (deadline < until)
            until = deadline;
    }
    if (until == USEC_NEVER)
        return NULL;
    wait = until > now ? until - now : 0;
    ts->tv_sec = (time_t)(wait / USEC_PER_SEC);
    ts->tv_nsec = (long)(wait % USEC_PER_SEC) * 1000;
    return ts;
}

/* Empty the eventfd and let the stack pick up what other threads queued. */
static void handle_wakeup(struct loop *l)
{
    uint64_t count;

    if (read(l->wake_fd, &count, sizeof count) == (ssize_t)sizeof count)
        l->stats.wakeups++;
    if (l->ops && l->ops->on_wakeup)
        l->ops->on_wakeup(l->ctx, loop_clock_now());
}

static void loop_enter(struct loop *l)
{
    if (l->ops && l->ops->enter)
        l->ops->enter(l->ctx);
}

/* The end of a stretch of work: let batching devices write what the stack
 * sent, still inside enter/leave (the flush touches the device's queue). */
static void loop_leave(struct loop *l)
{
    usec_t now = 0;

    for (int i = 0; i < l->device_count; i++) {
        if (l->flush[i]) {
            if (now == 0)
                now = loop_clock_now();
            l->flush[i](l->devices[i], now);
        }
    }
    if (l->ops && l->ops->leave)
        l->ops->leave(l->ctx);
}

/* After ppoll: the wakeup, then up to `budget` packets from each readable
 * device. Returns 0, or a negative errno if a device failed. */
static int handle_ready(struct loop *l, const struct pollfd *fds)
{
    if (fds[0].revents & POLLIN)
        handle_wakeup(l);
    usec_t now = loop_clock_now();
    for (int i = 0; i < l->device_count; i++) {
        struct netdev *dev = l->devices[i];
        if (!(fds[i + 1].revents & POLLIN)) {
            if (fds[i + 1].revents & (POLLERR | POLLHUP | POLLNVAL)) {
                log_error("loop", "%s: the device fd failed (revents 0x%x)", dev->name,
                          (unsigned)fds[i + 1].revents);
                return -EIO;
            }
            continue;
        }
        int got = netdev_poll(dev, l->budget, now);
        if (got < 0) {
            log_error("loop", "%s: reading failed: %s", dev->name, strerror(-got));
            return got;
        }
        l->stats.packets += (uint64_t)got;
    }
    return 0;
}

int loop_run_until(struct loop *l, usec_t end)
{
    struct pollfd fds[LOOP_MAX_DEVICES + 1];

    while (!atomic_load(&l->stop)) {
        usec_t now = loop_clock_now();
        struct timespec ts;
        int n;

        if (now >= end)
            break;
        l->stats.iterations++;
        loop_enter(l);
        if (l->ops && l->ops->run_timers)
            l->ops->run_timers(l->ctx, now);
        struct timespec *sleep_for = sleep_time(l, now, end, &ts);
        loop_leave(l);
        if (atomic_load(&l->stop))
            break;   /* a timer asked to stop: do not sleep first */

        fds[0] = (struct pollfd){.fd = l->wake_fd, .events = POLLIN};
        for (int i = 0; i < l->device_count; i++)
            fds[i + 1] = (struct pollfd){.fd = l->devices[i]->fd, .events = POLLIN};
        n = ppoll(fds, (nfds_t)l->device_count + 1, sleep_for, NULL);
        if (n < 0) {
            if (errno == EINTR)
                continue;   /* a signal: check the stop flag and go round */
            log_error("loop", "ppoll: %s", strerror(errno));
            return -errno;
        }
        if (n == 0) {
            l->stats.timeouts++;
            continue;
        }
        loop_enter(l);
        int rc = handle_ready(l, fds);
        loop_leave(l);
        if (rc < 0)
            return rc;
    }
    return 0;
}
