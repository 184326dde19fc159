/*
 * seqplot.c — the model of the time-sequence plot (see plots.h): the
 * segments one side sent, the ACKs it got back, and the link's drops.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "stack/core/seq.h"
#include "tools/draw/pkt_label.h"
#include "tools/draw/plot_priv.h"

struct seq_builder {
    struct seqplot *p;
    bool absolute;
    bool isn_known;
    uint32_t isn;              /* the sender's initial sequence number */
    int wscale_a, wscale_b;    /* from the SYNs, -1 if absent */
    bool high_known;
    uint32_t high;             /* one past the highest sequence number sent */
    bool ack_known;
    uint32_t last_ack;         /* absolute, the highest seen */
    size_t seg_cap, ack_cap, drop_cap;
};

/* Grow an array by doubling; false when out of memory. */
static bool grow(void **array, size_t *cap, size_t count, size_t size)
{
    if (count < *cap)
        return true;
    size_t n = *cap ? 2 * *cap : 64;
    void *a = realloc(*array, n * size);
    if (a == NULL)
        return false;
    *array = a;
    *cap = n;
    return true;
}

static uint32_t rel(const struct seq_builder *b, uint32_t seq)
{
    return seq - b->p->isn;
}

/* A segment from a to b. Returns 1 when a SYN with another ISN starts a
 * new connection on the same ports: the plot ends there. */
static int add_segment(struct seq_builder *b, usec_t time, const struct pkt_info *info)
{
    struct seqplot *p = b->p;
    if (info->flags & PKT_TCP_SYN) {
        if (b->isn_known && info->seq != b->isn)
            return 1;
        b->isn = info->seq;
        b->isn_known = true;
        b->wscale_a = info->wscale;
    } else if (!b->isn_known) {
        b->isn = info->seq - 1;   /* no SYN in the trace: data starts at 1 */
        b->isn_known = true;
    }
    p->isn = b->absolute ? 0 : b->isn;
    uint32_t len = pkt_tcp_seg_len(info);
    if (len == 0)
        return 0;   /* a bare ACK: not part of the sequence picture */
    if (!grow((void **)&p->segs, &b->seg_cap, p->seg_count, sizeof *p->segs))
        return -ENOMEM;
    struct seq_segment *s = &p->segs[p->seg_count++];
    s->time = time;
    s->start = rel(b, info->seq);
    s->end = s->start + len;
    s->flags = info->flags;
    s->retransmission = b->high_known && seq_lt(info->seq, b->high);
    uint32_t end = info->seq + len;
    b->high = b->high_known ? seq_max(b->high, end) : end;
    b->high_known = true;
    return 0;
}

/* An acknowledgment from b to a: the cumulative ACK never goes back (an
 * older ACK overtaken on the way changes nothing for the sender). */
static int add_ack(struct seq_builder *b, usec_t time, const struct pkt_info *info)
{
    struct seqplot *p = b->p;
    if (info->flags & PKT_TCP_SYN)
        b->wscale_b = info->wscale;
    if (!(info->flags & PKT_TCP_ACK) || !b->isn_known)
        return 0;
    uint32_t ack = info->ack;
    if (b->ack_known && seq_lt(ack, b->last_ack))
        ack = b->last_ack;
    /* RFC 7323 §2.3: a SYN's window is never scaled; others are when both
     * SYNs carried the option. */
    uint32_t win = info->window;
    if (!(info->flags & PKT_TCP_SYN) && b->wscale_a >= 0 && b->wscale_b >= 0)
        win <<= (b->wscale_b > 14 ? 14 : b->wscale_b);
    if (!grow((void **)&p->acks, &b->ack_cap, p->ack_count, sizeof *p->acks))
        return -ENOMEM;
    struct seq_ack *a = &p->acks[p->ack_count++];
    a->time = time;
    a->ack = rel(b, ack);
    a->window_edge = a->ack + win;
    a->duplicate = b->ack_known && ack == b->last_ack && info->payload == 0 &&
                   !(info->flags & (PKT_TCP_SYN | PKT_TCP_FIN)) && p->ack_count > 1 &&
                   a->window_edge == p->acks[p->ack_count - 2].window_edge;
    b->last_ack = ack;
    b->ack_known = true;
    return 0;
}

static int add_drop(struct seq_builder *b, usec_t time, const struct pkt_info *info)
{
    struct seqplot *p = b->p;
    uint32_t len = pkt_tcp_seg_len(info);
    if (len == 0 || !b->isn_known)
        return 0;
    if (!grow((void **)&p->drops, &b->drop_cap, p->drop_count, sizeof *p->drops))
        return -ENOMEM;
    struct seq_drop *d = &p->drops[p->drop_count++];
    d->time = time;
    d->start = rel(b, info->seq);
    d->end = d->start + len;
    return 0;
}

int seqplot_build(const struct trace *t, const struct plot_options *opt, struct seqplot *p,
                  char *err, size_t errlen)
{
    struct seq_builder b = {.p = p, .absolute = opt->absolute, .wscale_a = -1, .wscale_b = -1};
    struct pkt_info info;
    int rc;

    memset(p, 0, sizeof *p);
    if ((rc = plot_choose_conn(t, opt->conn, &p->conn, err, errlen)) < 0)
        return rc;
    plot_choose_node(t, &p->conn, p->node);
    p->t0 = t->count > 0 ? t->events[0].time : 0;
    for (size_t i = 0; i < t->count && rc == 0; i++) {
        const struct trace_event *ev = &t->events[i];
        if (!plot_tcp_event(ev, &info))
            continue;
        enum conn_dir dir = conn_direction(&p->conn, &info);
        if (dir == CONN_NONE)
            continue;
        if (ev->kind == TRACE_PKT_LOST) {
            if (dir == CONN_A_TO_B)
                rc = add_drop(&b, ev->time, &info);
            continue;
        }
        if (strncmp(ev->node, p->node, TRACE_NODE_LEN) != 0)
            continue;
        rc = dir == CONN_A_TO_B ? add_segment(&b, ev->time, &info) : add_ack(&b, ev->time, &info);
    }
    if (rc < 0) {
        snprintf(err, errlen, "out of memory");
        seqplot_free(p);
        return rc;
    }
    return 0;
}

void seqplot_free(struct seqplot *p)
{
    free(p->segs);
    free(p->acks);
    free(p->drops);
    p->segs = NULL;
    p->acks = NULL;
    p->drops = NULL;
    p->seg_count = p->ack_count = p->drop_count = 0;
}

bool seq_segment_has_data(const struct seq_segment *s)
{
    uint32_t control = ((s->flags & PKT_TCP_SYN) ? 1u : 0u) + ((s->flags & PKT_TCP_FIN) ? 1u : 0u);
    return s->end - s->start > control;
}

size_t seqplot_data_segments(const struct seqplot *p)
{
    size_t n = 0;
    for (size_t i = 0; i < p->seg_count; i++)
        n += seq_segment_has_data(&p->segs[i]) ? 1 : 0;
    return n;
}
