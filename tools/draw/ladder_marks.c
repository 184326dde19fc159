/*
 * ladder_marks.c — the rest of the ladder model: state labels, the ranks of
 * same-instant events, and the time measures both drawings use.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "tools/draw/ladder_priv.h"

static int find_node(const struct ladder *l, const char *name)
{
    for (size_t i = 0; i < l->node_count; i++)
        if (strncmp(l->nodes[i].name, name, TRACE_NODE_LEN) == 0)
            return (int)i;
    return -1;
}

/* A TCP state reads best alone ("ESTABLISHED"); another machine's state
 * keeps its subject ("arp 10.0.0.2: REACHABLE"). */
static void state_text(const struct trace_event *ev, char *out, size_t outlen)
{
    const char *arrow = strstr(ev->text, " -> ");
    const char *to = arrow ? arrow + 4 : ev->text;
    if (strncmp(ev->subject, "tcp ", 4) == 0)
        snprintf(out, outlen, "%s", to);
    else   /* bounded: "arp 10.0.0.2: INCOMPLETE" fits with room to spare */
        snprintf(out, outlen, "%.39s: %.16s", ev->subject, to);
}

int ladder_add_marks(struct ladder *l, const struct trace *t, const struct ladder_options *opt,
                     const struct conn_id *conn)
{
    size_t cap = 0;
    for (size_t i = 0; i < t->count; i++) {
        const struct trace_event *ev = &t->events[i];
        bool is_note = ev->kind == TRACE_NOTE;
        if (ev->kind != TRACE_STATE && !(is_note && opt->notes))
            continue;
        if (conn != NULL && !conn_matches_subject(conn, ev->subject))
            continue;
        int node = find_node(l, ev->node);
        if (node < 0)
            continue;
        if (l->mark_count == cap) {
            size_t n = cap ? 2 * cap : 16;
            struct ladder_mark *m = realloc(l->marks, n * sizeof *m);
            if (m == NULL)
                return -ENOMEM;
            l->marks = m;
            cap = n;
        }
        struct ladder_mark *m = &l->marks[l->mark_count++];
        memset(m, 0, sizeof *m);
        m->node = node;
        m->time = ev->time;
        m->ev = i;
        m->is_note = is_note;
        if (is_note)
            snprintf(m->text, sizeof m->text, "%s", ev->text);
        else
            state_text(ev, m->text, sizeof m->text);
    }
    return 0;
}

/* ---- slots -------------------------------------------------------------- */

/*
 * Events at one node at the same instant are ranked so that the drawings
 * can set them apart: sends among sends, receives among receives, states
 * among states (a reply may leave at the very point its request arrived,
 * as in textbook figures, but two sends never share a point). A level
 * arrow (sent and received at the same instant: one capture point) takes
 * one rank for both ends, unique among the level arrows of that instant,
 * so a request and its same-instant reply do not overlap.
 */
enum slot_class { SLOT_SEND, SLOT_RECV, SLOT_MARK, SLOT_LEVEL };

struct slot_item {
    int node;   /* -1 for a level arrow: ranked across all nodes */
    usec_t time;
    int class;
    size_t ev;
    int *slot;
};

static int compare_items(const void *pa, const void *pb)
{
    const struct slot_item *a = pa, *b = pb;
    if (a->node != b->node)
        return a->node < b->node ? -1 : 1;
    if (a->time != b->time)
        return a->time < b->time ? -1 : 1;
    if (a->class != b->class)
        return a->class < b->class ? -1 : 1;
    return a->ev < b->ev ? -1 : a->ev > b->ev;
}

static bool is_level(const struct ladder_arrow *a)
{
    return a->kind != LADDER_LOST && a->t_send == a->t_recv;
}

void ladder_assign_slots(struct ladder *l)
{
    size_t n = 0;
    struct slot_item *items = calloc(2 * l->arrow_count + l->mark_count + 1, sizeof *items);
    if (items == NULL)
        return;   /* every slot stays 0: a denser picture, still correct */

    for (size_t k = 0; k < l->arrow_count; k++) {
        struct ladder_arrow *a = &l->arrows[k];
        size_t key = a->ev_send != LADDER_NONE ? a->ev_send : a->ev_recv;
        if (is_level(a))
            items[n++] = (struct slot_item){-1, a->t_send, SLOT_LEVEL, key, &a->slot_send};
        else if (!a->duplicate)
            items[n++] = (struct slot_item){a->from, a->t_send, SLOT_SEND, a->ev_send, &a->slot_send};
        if (!is_level(a) && a->ev_recv != LADDER_NONE)
            items[n++] = (struct slot_item){a->to, a->t_recv, SLOT_RECV, a->ev_recv, &a->slot_recv};
    }
    for (size_t k = 0; k < l->mark_count; k++) {
        struct ladder_mark *m = &l->marks[k];
        items[n++] = (struct slot_item){m->node, m->time, SLOT_MARK, m->ev, &m->slot};
    }
    qsort(items, n, sizeof *items, compare_items);
    for (size_t i = 0; i < n; i++) {
        bool same = i > 0 && items[i].node == items[i - 1].node &&
                    items[i].time == items[i - 1].time && items[i].class == items[i - 1].class;
        *items[i].slot = same ? *items[i - 1].slot + 1 : 0;
    }
    free(items);

    /* A level arrow's two ends share its rank; a duplicate leaves with its
     * original. */
    for (size_t k = 0; k < l->arrow_count; k++) {
        struct ladder_arrow *a = &l->arrows[k];
        if (is_level(a)) {
            a->slot_recv = a->slot_send;
        } else if (a->duplicate) {
            for (size_t o = k; o-- > 0;)
                if (!l->arrows[o].duplicate && l->arrows[o].ev_send == a->ev_send) {
                    a->slot_send = l->arrows[o].slot_send;
                    break;
                }
        } else if (a->ev_recv == LADDER_NONE) {
            a->slot_recv = a->slot_send;
        }
    }
}

/* ---- time ------------------------------------------------------------------ */

static int compare_usec(const void *pa, const void *pb)
{
    usec_t a = *(const usec_t *)pa, b = *(const usec_t *)pb;
    return a < b ? -1 : a > b;
}

/* The median of v[0..n) (n > 0); sorts v. */
static usec_t median(usec_t *v, size_t n)
{
    qsort(v, n, sizeof *v, compare_usec);
    return v[n / 2];
}

void ladder_measure_time(struct ladder *l, const struct trace *t)
{
    size_t n = 0, total = 2 * l->arrow_count + l->mark_count;
    usec_t *v = calloc(total + 1, sizeof *v);

    l->t0 = 0;
    l->typical_delay = 0;
    l->gap_threshold = USEC_NEVER;
    if (v == NULL)
        return;
    for (size_t k = 0; k < l->arrow_count; k++) {
        const struct ladder_arrow *a = &l->arrows[k];
        if (a->kind == LADDER_DELIVERED && !a->duplicate && a->t_recv > a->t_send)
            v[n++] = a->t_recv - a->t_send;
    }
    if (n > 0)
        l->typical_delay = median(v, n);

    /* every drawn instant, to find t0 and the usual spacing of events */
    n = 0;
    for (size_t k = 0; k < l->arrow_count; k++) {
        v[n++] = l->arrows[k].t_send;
        v[n++] = l->arrows[k].t_recv;
    }
    for (size_t k = 0; k < l->mark_count; k++)
        v[n++] = l->marks[k].time;
    if (n > 0)
        qsort(v, n, sizeof *v, compare_usec);
    l->t0 = t->count > 0 ? t->events[0].time : 0;
    if (n > 0 && v[0] < l->t0)
        l->t0 = v[0];   /* a trace out of time order: never print negative times */
    if (l->typical_delay > 0) {
        /* Idle for more than a round trip and a half, with nothing in
         * flight: shown shortened, its duration written across. */
        l->gap_threshold = l->typical_delay * 3 / 2;
    } else if (n > 1) {
        /* A single capture point: no delays to measure, so compare with the
         * usual spacing of events instead. */
        size_t d = 0;
        for (size_t i = 1; i < n; i++)
            if (v[i] > v[i - 1])
                v[d++] = v[i] - v[i - 1];
        if (d > 0)
            l->gap_threshold = 20 * median(v, d);
    }
    free(v);
}

bool ladder_is_gap(const struct ladder *l, usec_t a, usec_t b)
{
    if (b <= a || b - a <= l->gap_threshold)
        return false;
    for (size_t k = 0; k < l->arrow_count; k++) {
        const struct ladder_arrow *arrow = &l->arrows[k];
        if (arrow->kind == LADDER_DELIVERED && arrow->t_send <= a && arrow->t_recv >= b)
            return false;   /* a packet in flight: its slant must stay true */
    }
    return true;
}

bool ladder_node_used(const struct ladder *l, int node)
{
    for (size_t k = 0; k < l->arrow_count; k++)
        if (l->arrows[k].from == node || l->arrows[k].to == node)
            return true;
    for (size_t k = 0; k < l->mark_count; k++)
        if (l->marks[k].node == node)
            return true;
    return false;
}

/* Milliseconds with up to three decimals, trailing zeros dropped. */
static void format_ms_value(usec_t us, char *out, size_t outlen)
{
    uint64_t ms = us / 1000, frac = us % 1000;
    if (frac == 0) {
        snprintf(out, outlen, "%" PRIu64, ms);
        return;
    }
    int digits = 3;
    while (frac % 10 == 0) {
        frac /= 10;
        digits--;
    }
    snprintf(out, outlen, "%" PRIu64 ".%0*" PRIu64, ms, digits, frac);
}

void ladder_format_ms(usec_t t, char *out, size_t outlen)
{
    format_ms_value(t, out, outlen);
}

void ladder_format_duration(usec_t d, char *out, size_t outlen)
{
    char num[32];
    if (d >= USEC_PER_SEC) {
        /* seconds = milliseconds / 1000: reuse the ms formatter on d / 1000 */
        format_ms_value(d / 1000, num, sizeof num);
        snprintf(out, outlen, "%s s", num);
    } else {
        format_ms_value(d, num, sizeof num);
        snprintf(out, outlen, "%s ms", num);
    }
}
