/*
 * ladder_build.c — from a trace to a ladder model: which node sent what to
 * whom, when it left and when it arrived (see ladder.h for the rules).
 */
#include "tools/draw/ladder.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tools/draw/conn.h"
#include "tools/draw/ladder_priv.h"

/* What became of an OUT event. */
enum out_fate {
    OUT_FREE,        /* not (yet) paired with anything */
    OUT_DELIVERED,   /* paired with an IN event: recv[i] */
    OUT_LOST,        /* a TRACE_PKT_LOST event names it */
};

struct builder {
    const struct trace *t;
    const struct ladder_options *opt;
    struct ladder *l;
    bool have_conn;
    struct conn_id conn;
    bool fixed_nodes;
    struct pkt_info *info;   /* per event (packets only) */
    uint8_t *fate;           /* per OUT event: enum out_fate */
    size_t *recv;            /* per OUT event: its IN event */
    bool *corrupt;           /* per OUT event: its IN carries other bytes */
    bool *used;              /* per IN event: paired */
    size_t *dup_of;          /* per IN event: the OUT it duplicates, or LADDER_NONE */
    size_t arrow_cap;
    char *err;
    size_t errlen;
};

static int fail(struct builder *b, int rc, const char *what, const char *name)
{
    if (b->err != NULL && b->errlen > 0)
        snprintf(b->err, b->errlen, "%s%s%s%s", what, name ? " '" : "", name ? name : "",
                 name ? "'" : "");
    return rc;
}

static bool is_packet(const struct trace_event *ev)
{
    return ev->kind == TRACE_PKT_IN || ev->kind == TRACE_PKT_OUT || ev->kind == TRACE_PKT_LOST;
}

/* A packet the diagram shows: any, or the --conn connection's. */
static bool relevant(const struct builder *b, size_t i)
{
    return is_packet(&b->t->events[i]) &&
           (!b->have_conn || conn_direction(&b->conn, &b->info[i]) != CONN_NONE);
}

/* ---- nodes -------------------------------------------------------------- */

static int find_node(const struct ladder *l, const char *name)
{
    for (size_t i = 0; i < l->node_count; i++)
        if (strncmp(l->nodes[i].name, name, TRACE_NODE_LEN) == 0)
            return (int)i;
    return -1;
}

/* The timeline of `name`: found, or added unless --nodes fixed the list. */
static int node_index(struct builder *b, const char *name, bool from_address)
{
    int n = find_node(b->l, name);
    if (n >= 0 || b->fixed_nodes || b->l->node_count >= LADDER_MAX_NODES)
        return n;
    struct ladder_node *node = &b->l->nodes[b->l->node_count];
    snprintf(node->name, sizeof node->name, "%s", name);
    node->from_address = from_address;
    return (int)b->l->node_count++;
}

static int parse_nodes(struct builder *b, const char *list)
{
    const char *p = list;
    b->fixed_nodes = true;
    while (*p != '\0') {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        if (n == 0 || n >= TRACE_NODE_LEN)
            return fail(b, -EINVAL, "--nodes: empty or too long name in", list);
        if (b->l->node_count >= LADDER_MAX_NODES)
            return fail(b, -EINVAL, "--nodes: too many nodes in", list);
        struct ladder_node *node = &b->l->nodes[b->l->node_count++];
        memcpy(node->name, p, n);
        node->name[n] = '\0';
        p += n + (comma ? 1 : 0);
        if (comma && *p == '\0')
            return fail(b, -EINVAL, "--nodes: trailing comma in", list);
    }
    if (b->l->node_count == 0)
        return fail(b, -EINVAL, "--nodes: no node named", NULL);
    return 0;
}

/* The name of the node that owns an address: the first node that sent a
 * packet from it. NULL if no traced node did. */
static const char *owner_of(const struct builder *b, uint32_t ip)
{
    for (size_t i = 0; i < b->t->count; i++)
        if (b->t->events[i].kind == TRACE_PKT_OUT && b->info[i].has_ip && b->info[i].src == ip)
            return b->t->events[i].node;
    return NULL;
}

/* The only other traced node, if the trace has exactly two. */
static const char *other_traced_node(const struct builder *b, const char *self)
{
    const char *other = NULL;
    for (size_t i = 0; i < b->t->count; i++) {
        const char *n = b->t->events[i].node;
        if (!is_packet(&b->t->events[i]) || strncmp(n, self, TRACE_NODE_LEN) == 0)
            continue;
        if (other != NULL && strncmp(n, other, TRACE_NODE_LEN) != 0)
            return NULL;
        other = n;
    }
    return other;
}

/* Where a packet that no node received was going (or where one that no
 * node sent came from): the address's owner, else the one other node, else
 * a timeline named by the address. *traced says whether that node records
 * its own packets. */
static int peer_node(struct builder *b, size_t i, bool toward_dst, bool *traced)
{
    const struct pkt_info *info = &b->info[i];
    const char *self = b->t->events[i].node;
    const char *name = info->has_ip ? owner_of(b, toward_dst ? info->dst : info->src) : NULL;
    char addr[16];

    if (name != NULL && strncmp(name, self, TRACE_NODE_LEN) == 0)
        name = NULL;
    if (name == NULL)
        name = other_traced_node(b, self);
    if (name != NULL) {
        *traced = true;
        return node_index(b, name, false);
    }
    if (!info->has_ip)
        return -1;
    *traced = false;
    pkt_format_ip(toward_dst ? info->dst : info->src, addr, sizeof addr);
    return node_index(b, addr, true);
}

/* ---- pairing ------------------------------------------------------------ */

static void pair_lost(struct builder *b)
{
    const struct trace_event *ev = b->t->events;
    for (size_t i = 0; i < b->t->count; i++) {
        if (ev[i].kind != TRACE_PKT_LOST || !relevant(b, i))
            continue;
        for (size_t j = i; j-- > 0;)
            if (ev[j].kind == TRACE_PKT_OUT && b->fate[j] == OUT_FREE &&
                strncmp(ev[j].node, ev[i].node, TRACE_NODE_LEN) == 0 &&
                pkt_same_bytes(&ev[j], &ev[i])) {
                b->fate[j] = OUT_LOST;
                b->used[i] = true;   /* `used` marks the LOST event accounted for */
                break;
            }
    }
}

/* Each send with the first later unpaired receive of the same bytes at
 * another node. */
static void pair_delivered(struct builder *b)
{
    const struct trace_event *ev = b->t->events;
    for (size_t i = 0; i < b->t->count; i++) {
        if (ev[i].kind != TRACE_PKT_OUT || b->fate[i] != OUT_FREE || !relevant(b, i))
            continue;
        for (size_t j = i + 1; j < b->t->count; j++)
            if (ev[j].kind == TRACE_PKT_IN && !b->used[j] &&
                strncmp(ev[j].node, ev[i].node, TRACE_NODE_LEN) != 0 &&
                pkt_same_bytes(&ev[i], &ev[j])) {
                b->fate[i] = OUT_DELIVERED;
                b->recv[i] = j;
                b->used[j] = true;
                break;
            }
    }
}

/* A receive left over is a duplicate of an earlier send with the same
 * bytes, or a corrupted copy of an unreceived send of the same length. */
static void pair_leftovers(struct builder *b)
{
    const struct trace_event *ev = b->t->events;
    for (size_t j = 0; j < b->t->count; j++) {
        if (ev[j].kind != TRACE_PKT_IN || b->used[j] || !relevant(b, j))
            continue;
        for (size_t i = j; i-- > 0;)
            if (ev[i].kind == TRACE_PKT_OUT && b->fate[i] == OUT_DELIVERED &&
                strncmp(ev[i].node, ev[j].node, TRACE_NODE_LEN) != 0 &&
                pkt_same_bytes(&ev[i], &ev[j])) {
                b->dup_of[j] = i;
                b->used[j] = true;
                break;
            }
        if (b->used[j])
            continue;
        for (size_t i = j; i-- > 0;)
            if (ev[i].kind == TRACE_PKT_OUT && b->fate[i] == OUT_FREE &&
                strncmp(ev[i].node, ev[j].node, TRACE_NODE_LEN) != 0 &&
                ev[i].link == ev[j].link && ev[i].wire_len == ev[j].wire_len) {
                b->fate[i] = OUT_DELIVERED;
                b->recv[i] = j;
                b->corrupt[i] = true;
                b->used[j] = true;
                break;
            }
    }
}

/* ---- arrows ------------------------------------------------------------- */

static struct ladder_arrow *new_arrow(struct builder *b)
{
    struct ladder *l = b->l;
    if (l->arrow_count == b->arrow_cap) {
        size_t cap = b->arrow_cap ? 2 * b->arrow_cap : 32;
        struct ladder_arrow *a = realloc(l->arrows, cap * sizeof *a);
        if (a == NULL)
            return NULL;
        l->arrows = a;
        b->arrow_cap = cap;
    }
    struct ladder_arrow *a = &l->arrows[l->arrow_count++];
    memset(a, 0, sizeof *a);
    a->ev_send = a->ev_recv = LADDER_NONE;
    return a;
}

/* Add an arrow; *made is NULL when an end is not drawn (the packet is
 * then left out of the diagram). */
static int add_arrow(struct builder *b, int from, int to, size_t ev_send, size_t ev_recv,
                     enum ladder_arrow_kind kind, struct ladder_arrow **made)
{
    *made = NULL;
    if (from < 0 || to < 0 || from == to)
        return 0;
    struct ladder_arrow *a = new_arrow(b);
    if (a == NULL)
        return -ENOMEM;
    const struct trace_event *ev = b->t->events;
    a->from = from;
    a->to = to;
    a->kind = kind;
    a->ev_send = ev_send;
    a->ev_recv = ev_recv;
    a->t_send = ev_send != LADDER_NONE ? ev[ev_send].time : ev[ev_recv].time;
    a->t_recv = ev_recv != LADDER_NONE ? ev[ev_recv].time : a->t_send;
    *made = a;
    return 0;
}

static int arrows_from_events(struct builder *b)
{
    const struct trace_event *ev = b->t->events;
    struct ladder_arrow *a;
    int rc = 0;
    for (size_t i = 0; i < b->t->count && rc == 0; i++) {
        if (!relevant(b, i))
            continue;
        int self = node_index(b, ev[i].node, false);
        bool traced = false;
        if (ev[i].kind == TRACE_PKT_OUT && b->fate[i] == OUT_DELIVERED) {
            int to = node_index(b, ev[b->recv[i]].node, false);
            rc = add_arrow(b, self, to, i, b->recv[i], LADDER_DELIVERED, &a);
            if (a != NULL)
                a->corrupted = b->corrupt[i];
        } else if (ev[i].kind == TRACE_PKT_OUT) {
            /* Never received: lost if it went to a node that traces its
             * packets, else seen at one capture point. */
            int to = peer_node(b, i, true, &traced);
            bool lost = b->fate[i] == OUT_LOST || traced;
            rc = add_arrow(b, self, to, i, LADDER_NONE, lost ? LADDER_LOST : LADDER_CAPTURED, &a);
        } else if (ev[i].kind == TRACE_PKT_LOST && !b->used[i]) {
            /* a drop whose send the trace does not hold */
            rc = add_arrow(b, self, peer_node(b, i, true, &traced), i, LADDER_NONE, LADDER_LOST,
                           &a);
        } else if (ev[i].kind == TRACE_PKT_IN && b->dup_of[i] != LADDER_NONE) {
            size_t orig = b->dup_of[i];
            rc = add_arrow(b, node_index(b, ev[orig].node, false), self, orig, i,
                           LADDER_DELIVERED, &a);
            if (a != NULL)
                a->duplicate = true;
        } else if (ev[i].kind == TRACE_PKT_IN && !b->used[i]) {
            rc = add_arrow(b, peer_node(b, i, false, &traced), self, LADDER_NONE, i,
                           LADDER_CAPTURED, &a);
        }
    }
    return rc;
}

/* Send order: by the send event (a packet that only arrived, by its
 * arrival), a duplicate right after its original. */
static size_t arrow_key(const struct ladder_arrow *a)
{
    return a->ev_send != LADDER_NONE ? a->ev_send : a->ev_recv;
}

static int compare_arrows(const void *pa, const void *pb)
{
    const struct ladder_arrow *a = pa, *b = pb;
    size_t ka = arrow_key(a), kb = arrow_key(b);
    if (ka != kb)
        return ka < kb ? -1 : 1;
    if (a->duplicate != b->duplicate)
        return a->duplicate ? 1 : -1;
    return a->ev_recv < b->ev_recv ? -1 : a->ev_recv > b->ev_recv;
}

/* Labels in send order, since the label context learns ISNs as it goes. */
static void label_arrows(struct builder *b)
{
    struct label_ctx ctx;
    label_ctx_init(&ctx, b->opt->absolute, b->opt->window);
    for (size_t k = 0; k < b->l->arrow_count; k++) {
        struct ladder_arrow *a = &b->l->arrows[k];
        size_t i = arrow_key(a);
        if (a->duplicate) {
            /* the original sorts just before its copies */
            size_t o = k;
            while (o > 0 && b->l->arrows[o].duplicate)
                o--;
            snprintf(a->label, sizeof a->label, "%.*s (dup)", PKT_LABEL_LEN - 8,
                     b->l->arrows[o].duplicate ? "?" : b->l->arrows[o].label);
            continue;
        }
        struct label_facts facts;
        char text[PKT_LABEL_LEN];
        pkt_label(&ctx, &b->info[i], &b->t->events[i], text, sizeof text, &facts);
        a->retransmission = facts.retransmission;
        snprintf(a->label, sizeof a->label, "%.*s%s", PKT_LABEL_LEN - 14, text,
                 a->corrupted ? " (corrupted)" : "");
    }
}

int ladder_build(const struct trace *t, const struct ladder_options *opt, struct ladder *l,
                 char *err, size_t errlen)
{
    struct builder b = {.t = t, .opt = opt, .l = l, .err = err, .errlen = errlen};
    size_t n = t->count;
    int rc = 0;

    memset(l, 0, sizeof *l);
    if (err != NULL && errlen > 0)
        err[0] = '\0';
    if (opt->conn != NULL) {
        if (conn_parse(opt->conn, &b.conn) < 0)
            return fail(&b, -EINVAL, "--conn must look like 10.0.0.1:40000>10.0.0.2:80, not",
                        opt->conn);
        b.have_conn = true;
    }
    if (opt->nodes != NULL && (rc = parse_nodes(&b, opt->nodes)) < 0)
        return rc;
    snprintf(l->title, sizeof l->title, "%s", opt->title ? opt->title : "");
    snprintf(l->caption, sizeof l->caption, "%s", opt->caption ? opt->caption : "");

    b.info = calloc(n ? n : 1, sizeof *b.info);
    b.fate = calloc(n ? n : 1, sizeof *b.fate);
    b.recv = calloc(n ? n : 1, sizeof *b.recv);
    b.corrupt = calloc(n ? n : 1, sizeof *b.corrupt);
    b.used = calloc(n ? n : 1, sizeof *b.used);
    b.dup_of = calloc(n ? n : 1, sizeof *b.dup_of);
    if (!b.info || !b.fate || !b.recv || !b.corrupt || !b.used || !b.dup_of) {
        rc = fail(&b, -ENOMEM, "out of memory", NULL);
        goto free_work;
    }
    for (size_t i = 0; i < n; i++) {
        b.dup_of[i] = LADDER_NONE;
        if (is_packet(&t->events[i]))
            pkt_info_decode(&t->events[i], &b.info[i]);
    }
    /* Timelines from left to right: the senders in the order they first
     * send (the client of a handshake comes first, as in textbooks), then
     * nodes that only receive or only change state; nodes named by an
     * address are added last, as the arrows find them. */
    for (size_t i = 0; i < n; i++)
        if (t->events[i].kind == TRACE_PKT_OUT && relevant(&b, i))
            node_index(&b, t->events[i].node, false);
    for (size_t i = 0; i < n; i++)
        if (relevant(&b, i) ||
            (t->events[i].kind == TRACE_STATE &&
             (!b.have_conn || conn_matches_subject(&b.conn, t->events[i].subject))))
            node_index(&b, t->events[i].node, false);

    pair_lost(&b);
    pair_delivered(&b);
    pair_leftovers(&b);
    if ((rc = arrows_from_events(&b)) < 0) {
        fail(&b, rc, "out of memory", NULL);
        goto free_work;
    }
    if (l->arrow_count > 1)
        qsort(l->arrows, l->arrow_count, sizeof *l->arrows, compare_arrows);
    label_arrows(&b);
    if ((rc = ladder_add_marks(l, t, opt, b.have_conn ? &b.conn : NULL)) < 0) {
        fail(&b, rc, "out of memory", NULL);
        goto free_work;
    }
    ladder_assign_slots(l);
    ladder_measure_time(l, t);
    if (b.have_conn && l->arrow_count == 0 && l->mark_count == 0)
        rc = fail(&b, -EINVAL, "--conn: no packet or state of this connection in the trace:",
                  opt->conn);
    for (size_t k = 0; k < l->node_count && rc == 0; k++)
        if (!ladder_node_used(l, (int)k) && b.fixed_nodes)
            rc = fail(&b, -EINVAL, "--nodes: nothing happens at node", l->nodes[k].name);

free_work:
    free(b.info);
    free(b.fate);
    free(b.recv);
    free(b.corrupt);
    free(b.used);
    free(b.dup_of);
    if (rc < 0)
        ladder_free(l);
    return rc;
}

void ladder_free(struct ladder *l)
{
    free(l->arrows);
    free(l->marks);
    l->arrows = NULL;
    l->marks = NULL;
    l->arrow_count = 0;
    l->mark_count = 0;
}
