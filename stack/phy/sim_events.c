/*
 * sim_events.c — packets in flight: a FIFO for those that arrive in order,
 * a binary min-heap for the rest (see sim_events.h).
 *
 * FIFO: a ring; fifo_at(q, i) is its i-th oldest, i slots after fifo_head.
 * An event joins it only if it is not earlier than its last event, so the
 * ring stays sorted by (time, order) without ever comparing more than that.
 *
 * Heap: heap[0] is the earliest event; the children of slot i are 2i+1
 * and 2i+2. push: append, then swap upwards while earlier than the parent.
 * pop: take heap[0], move the last event there, swap it downwards with its
 * earlier child until neither child is earlier.
 */
#include "stack/phy/sim_events.h"

#include <errno.h>
#include <stdlib.h>

static bool event_before(const struct sim_event *x, const struct sim_event *y)
{
    if (x->time != y->time)
        return x->time < y->time;
    return x->order < y->order;
}

void sim_events_init(struct sim_events *q)
{
    *q = (struct sim_events){0};
}

/* ---- FIFO ----------------------------------------------------------------- */

static struct sim_event *fifo_at(const struct sim_events *q, size_t i)
{
    size_t slot = q->fifo_head + i;   /* i < fifo_capacity */

    return &q->fifo[slot < q->fifo_capacity ? slot : slot - q->fifo_capacity];
}

/* Double the ring, moving its events to the front of the new storage. */
static int fifo_grow(struct sim_events *q)
{
    size_t capacity = q->fifo_capacity ? q->fifo_capacity * 2 : 64;
    struct sim_event *fifo = malloc(capacity * sizeof *fifo);

    if (!fifo)
        return -ENOMEM;
    for (size_t i = 0; i < q->fifo_count; i++)
        fifo[i] = *fifo_at(q, i);
    free(q->fifo);
    q->fifo = fifo;
    q->fifo_capacity = capacity;
    q->fifo_head = 0;
    return 0;
}

static int fifo_push(struct sim_events *q, struct sim_event ev)
{
    if (q->fifo_count == q->fifo_capacity && fifo_grow(q) < 0)
        return -ENOMEM;
    *fifo_at(q, q->fifo_count) = ev;
    q->fifo_count++;
    return 0;
}

static struct sim_event fifo_pop(struct sim_events *q)
{
    struct sim_event ev = q->fifo[q->fifo_head];

    q->fifo_head = q->fifo_head + 1 < q->fifo_capacity ? q->fifo_head + 1 : 0;
    q->fifo_count--;
    return ev;
}

/* ---- heap ----------------------------------------------------------------- */

static void swap(struct sim_event *heap, size_t i, size_t j)
{
    struct sim_event tmp = heap[i];
    heap[i] = heap[j];
    heap[j] = tmp;
}

static int heap_push(struct sim_events *q, struct sim_event ev)
{
    size_t i;

    if (q->heap_count == q->heap_capacity) {
        size_t capacity = q->heap_capacity ? q->heap_capacity * 2 : 64;
        struct sim_event *heap = realloc(q->heap, capacity * sizeof *heap);
        if (!heap)
            return -ENOMEM;
        q->heap = heap;
        q->heap_capacity = capacity;
    }
    i = q->heap_count++;
    q->heap[i] = ev;
    while (i > 0 && event_before(&q->heap[i], &q->heap[(i - 1) / 2])) {
        swap(q->heap, i, (i - 1) / 2);
        i = (i - 1) / 2;
    }
    return 0;
}

static struct sim_event heap_pop(struct sim_events *q)
{
    struct sim_event top = q->heap[0];
    size_t i = 0;

    q->heap[0] = q->heap[--q->heap_count];
    for (;;) {
        size_t left = 2 * i + 1, right = left + 1, earliest = i;
        if (left < q->heap_count && event_before(&q->heap[left], &q->heap[earliest]))
            earliest = left;
        if (right < q->heap_count && event_before(&q->heap[right], &q->heap[earliest]))
            earliest = right;
        if (earliest == i)
            break;
        swap(q->heap, i, earliest);
        i = earliest;
    }
    return top;
}

void sim_events_destroy(struct sim_events *q)
{
    for (size_t i = 0; i < q->fifo_count; i++)
        pkb_free(fifo_at(q, i)->p);
    for (size_t i = 0; i < q->heap_count; i++)
        pkb_free(q->heap[i].p);
    free(q->fifo);
    free(q->heap);
    sim_events_init(q);
}

/* ---- the queue -------------------------------------------------------------- */

int sim_events_push(struct sim_events *q, struct sim_event ev)
{
    int rc;

    ev.order = q->next_order++;
    /* Not earlier than the FIFO's last event: its place is at the back. */
    if (q->fifo_count == 0 || !event_before(&ev, fifo_at(q, q->fifo_count - 1)))
        rc = fifo_push(q, ev);
    else
        rc = heap_push(q, ev);
    if (rc == 0)
        q->count++;
    return rc;
}

/* true if the earliest event is the FIFO's front (only when count > 0). */
static bool fifo_first(const struct sim_events *q)
{
    return q->heap_count == 0 ||
           (q->fifo_count > 0 && event_before(&q->fifo[q->fifo_head], &q->heap[0]));
}

const struct sim_event *sim_events_peek(const struct sim_events *q)
{
    return fifo_first(q) ? &q->fifo[q->fifo_head] : &q->heap[0];
}

struct sim_event sim_events_pop(struct sim_events *q)
{
    q->count--;
    return fifo_first(q) ? fifo_pop(q) : heap_pop(q);
}
