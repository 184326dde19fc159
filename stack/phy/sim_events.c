/*
 * sim_events.c — a binary min-heap of packets in flight (see sim_events.h).
 *
 * heap[0] is the earliest event; the children of slot i are 2i+1 and 2i+2.
 * push: append, then swap upwards while earlier than the parent.
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

static void swap(struct sim_events *q, size_t i, size_t j)
{
    struct sim_event tmp = q->heap[i];
    q->heap[i] = q->heap[j];
    q->heap[j] = tmp;
}

void sim_events_init(struct sim_events *q)
{
    q->heap = NULL;
    q->count = 0;
    q->capacity = 0;
    q->next_order = 0;
}

void sim_events_destroy(struct sim_events *q)
{
    for (size_t i = 0; i < q->count; i++)
        pkb_free(q->heap[i].p);
    free(q->heap);
    sim_events_init(q);
}

int sim_events_push(struct sim_events *q, struct sim_event ev)
{
    size_t i;

    if (q->count == q->capacity) {
        size_t capacity = q->capacity ? q->capacity * 2 : 64;
        struct sim_event *heap = realloc(q->heap, capacity * sizeof *heap);
        if (!heap)
            return -ENOMEM;
        q->heap = heap;
        q->capacity = capacity;
    }
    ev.order = q->next_order++;
    i = q->count++;
    q->heap[i] = ev;
    while (i > 0 && event_before(&q->heap[i], &q->heap[(i - 1) / 2])) {
        swap(q, i, (i - 1) / 2);
        i = (i - 1) / 2;
    }
    return 0;
}

struct sim_event sim_events_pop(struct sim_events *q)
{
    struct sim_event top = q->heap[0];
    size_t i = 0;

    q->heap[0] = q->heap[--q->count];
    for (;;) {
        size_t left = 2 * i + 1, right = left + 1, earliest = i;
        if (left < q->count && event_before(&q->heap[left], &q->heap[earliest]))
            earliest = left;
        if (right < q->count && event_before(&q->heap[right], &q->heap[earliest]))
            earliest = right;
        if (earliest == i)
            break;
        swap(q, i, earliest);
        i = earliest;
    }
    return top;
}
