/*
 * timer.c — a timer queue as a binary min-heap.
 *
 * heap[0] is the timer that fires first; the children of slot i are slots
 * 2i+1 and 2i+2, and no child fires before its parent. Each timer remembers
 * its slot, so re-arming or cancelling a timer in the middle of the heap
 * needs no search: move the last timer into its slot and sift it up or down.
 *
 * "Fires first" means the earlier deadline, and between equal deadlines the
 * timer armed earlier (the `order` stamp), so the firing order never depends
 * on the heap's shape and every run is reproducible.
 */
#include "stack/core/timer.h"

#include <stdlib.h>

#define TIMERQ_INITIAL_CAPACITY 16

void timerq_init(struct timerq *q)
{
    q->heap = NULL;
    q->count = 0;
    q->capacity = 0;
    q->next_order = 0;
    q->fired = 0;
}

void timerq_destroy(struct timerq *q)
{
    free(q->heap);
    timerq_init(q);
}

void timer_init(struct timer *t, timer_fn fn, void *arg, const char *name)
{
    t->fn = fn;
    t->arg = arg;
    t->name = name;
    t->deadline = USEC_NEVER;
    t->order = 0;
    t->slot = TIMER_UNARMED;
}

/* Does a fire before b? */
static int fires_before(const struct timer *a, const struct timer *b)
{
    if (a->deadline != b->deadline)
        return a->deadline < b->deadline;
    return a->order < b->order;
}

static void place(struct timerq *q, struct timer *t, size_t slot)
{
    q->heap[slot] = t;
    t->slot = slot;
}

/* Move the timer at `slot` towards the root while it fires before its parent. */
static void sift_up(struct timerq *q, size_t slot)
{
    struct timer *t = q->heap[slot];

    while (slot > 0) {
        size_t parent = (slot - 1) / 2;
        if (!fires_before(t, q->heap[parent]))
            break;
        place(q, q->heap[parent], slot);
        slot = parent;
    }
    place(q, t, slot);
}

/* Move the timer at `slot` towards the leaves while a child fires before it. */
static void sift_down(struct timerq *q, size_t slot)
{
    struct timer *t = q->heap[slot];

    for (;;) {
        size_t child = 2 * slot + 1;
        if (child >= q->count)
            break;
        if (child + 1 < q->count && fires_before(q->heap[child + 1], q->heap[child]))
            child++;
        if (!fires_before(q->heap[child], t))
            break;
        place(q, q->heap[child], slot);
        slot = child;
    }
    place(q, t, slot);
}

/* After the timer at `slot` changed (or was replaced), restore heap order. */
static void resift(struct timerq *q, size_t slot)
{
    if (slot > 0 && fires_before(q->heap[slot], q->heap[(slot - 1) / 2]))
        sift_up(q, slot);
    else
        sift_down(q, slot);
}

/* Is t armed on this queue (and not on another one)? */
static int is_queued_here(const struct timerq *q, const struct timer *t)
{
    return t->slot < q->count && q->heap[t->slot] == t;
}

static int grow(struct timerq *q)
{
    size_t capacity = q->capacity ? q->capacity * 2 : TIMERQ_INITIAL_CAPACITY;
    struct timer **heap;

    if (capacity > SIZE_MAX / sizeof(*heap))
        return -1;
    heap = realloc(q->heap, capacity * sizeof(*heap));
    if (!heap)
        return -1;
    q->heap = heap;
    q->capacity = capacity;
    return 0;
}

int timer_arm(struct timerq *q, struct timer *t, usec_t deadline)
{
    if (is_queued_here(q, t)) {
        /* Re-arming counts as arming: the timer goes behind others that
         * already wait for the same deadline. */
        t->deadline = deadline;
        t->order = q->next_order++;
        resift(q, t->slot);
        return 0;
    }
    if (q->count == q->capacity && grow(q) < 0)
        return -1;
    t->deadline = deadline;
    t->order = q->next_order++;
    place(q, t, q->count++);
    sift_up(q, t->slot);
    return 0;
}

void timer_cancel(struct timerq *q, struct timer *t)
{
    size_t slot = t->slot;
    struct timer *last;

    if (!is_queued_here(q, t))
        return;
    t->slot = TIMER_UNARMED;
    last = q->heap[--q->count];
    if (last == t)
        return;   /* it was the last slot: nothing to fill */
    place(q, last, slot);
    resift(q, slot);
}

usec_t timerq_next_deadline(const struct timerq *q)
{
    return q->count > 0 ? q->heap[0]->deadline : USEC_NEVER;
}

size_t timerq_run(struct timerq *q, usec_t now)
{
    size_t fired = 0;

    /* Look at heap[0] afresh each time: a callback may have armed, re-armed
     * or cancelled any timer, including the ones due now. A callback that
     * keeps re-arming itself at a deadline <= now never lets this return;
     * timers that repeat must move their deadline forward. */
    while (q->count > 0 && q->heap[0]->deadline <= now) {
        struct timer *t = q->heap[0];
        timer_cancel(q, t);
        fired++;
        q->fired++;
        if (t->fn)
            t->fn(t, t->arg, now);
    }
    return fired;
}
