/*
 * tcp_reass.c — the out-of-order map: sorted sequence ranges.
 *
 * A handful of ranges in an array, kept sorted and merged, is all a
 * receiver needs to know which bytes beyond RCV.NXT it already has (the
 * bytes themselves sit in the receive ring). Comparisons use seq.h, so the
 * map works across the 2^32 wrap.
 */
#include "stack/transport/tcp_reass.h"

#include <string.h>

#include "stack/core/seq.h"

void tcp_reass_init(struct tcp_reass *q)
{
    memset(q, 0, sizeof *q);
}

static void remove_at(struct tcp_reass *q, unsigned i)
{
    memmove(&q->r[i], &q->r[i + 1], (q->count - i - 1) * sizeof q->r[0]);
    q->count--;
}

bool tcp_reass_add(struct tcp_reass *q, uint32_t start, uint32_t end)
{
    unsigned i = 0;

    if (!seq_lt(start, end))
        return true;   /* empty: nothing to remember */
    /* Skip the ranges that end before this one starts (not even touching). */
    while (i < q->count && seq_lt(q->r[i].end, start))
        i++;
    if (i == q->count || seq_lt(end, q->r[i].start)) {
        /* It fits between two ranges without touching either: insert. */
        if (q->count == TCP_REASS_MAX_RANGES)
            return false;
        memmove(&q->r[i + 1], &q->r[i], (q->count - i) * sizeof q->r[0]);
        q->r[i].start = start;
        q->r[i].end = end;
        q->count++;
        return true;
    }
    /* It overlaps or touches r[i]: grow r[i], then swallow the ranges it
     * now reaches. */
    q->r[i].start = seq_min(q->r[i].start, start);
    q->r[i].end = seq_max(q->r[i].end, end);
    while (i + 1 < q->count && seq_le(q->r[i + 1].start, q->r[i].end)) {
        q->r[i].end = seq_max(q->r[i].end, q->r[i + 1].end);
        remove_at(q, i + 1);
    }
    return true;
}

uint32_t tcp_reass_advance(struct tcp_reass *q, uint32_t rcv_nxt)
{
    while (q->count > 0 && seq_le(q->r[0].start, rcv_nxt)) {
        rcv_nxt = seq_max(rcv_nxt, q->r[0].end);
        remove_at(q, 0);
    }
    return rcv_nxt;
}

uint32_t tcp_reass_bytes(const struct tcp_reass *q)
{
    uint32_t n = 0;

    for (unsigned i = 0; i < q->count; i++)
        n += q->r[i].end - q->r[i].start;
    return n;
}
