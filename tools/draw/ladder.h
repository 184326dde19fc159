/*
 * ladder.h — ladder (sequence) diagrams of a trace: one vertical timeline
 * per host, time running down, each packet an arrow from the sender's
 * timeline at its send time to the receiver's at its receive time.
 *
 *        client                         server
 *     [SYN_SENT] |                           |
 *                |---- SYN seq=0 ----------->|
 *                |                           | [SYN_RECV]
 *                |<--- SYN+ACK seq=0 ack=1 --|
 *
 * Building the model (ladder_build) pairs every send with its receive:
 * the OUT event of one node and the first unmatched IN event of another
 * node that carries identical bytes, later in the trace. Then:
 *  - a TRACE_PKT_LOST event (the simulated link dropped it) or an OUT that
 *    no node ever received becomes a lost arrow, ending in an X;
 *  - a second IN of the same bytes is a duplicate (drawn dashed);
 *  - an IN that matches nothing but an unreceived OUT of the same length is
 *    that packet, corrupted on the wire;
 *  - a packet to or from an address no traced node owns (the peer of a trace
 *    script, or either side of a pcap) is drawn between the node and a
 *    timeline named by that address, with receive time = send time.
 * TRACE_STATE events become state labels beside their node's timeline
 * (just the new state for TCP: "ESTABLISHED").
 *
 * Two renderings share the model: SVG for slides (a linear time scale, with
 * long idle stretches such as TIME-WAIT's 60 s compressed to a marked gap)
 * and fixed-width text for terminals and golden-file tests.
 */
#ifndef TUNLAB_TOOLS_DRAW_LADDER_H
#define TUNLAB_TOOLS_DRAW_LADDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "stack/core/trace.h"
#include "tools/draw/pkt_label.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LADDER_MAX_NODES 16
#define LADDER_TEXT_LEN 100
#define LADDER_NONE ((size_t)-1)

struct ladder_options {
    bool absolute;                 /* absolute sequence numbers (default relative) */
    enum label_window window;      /* when to print win= (default: when it changes) */
    const char *conn;              /* "10.0.0.1:40000>10.0.0.2:80": only this
                                      connection's packets and states; NULL = all */
    const char *nodes;             /* "client,server": these timelines in this
                                      order; NULL = every node, in order of appearance */
    bool notes;                    /* TRACE_NOTE text beside the timelines too */
    const char *title;             /* heading; NULL = none */
    const char *caption;           /* a remark under the title; NULL = none */
};

enum ladder_arrow_kind {
    LADDER_DELIVERED,   /* sent and received: slanted by the delay */
    LADDER_LOST,        /* dropped on the wire or never received: ends in an X */
    LADDER_CAPTURED,    /* seen at one point only: receive time = send time */
};

struct ladder_node {
    char name[TRACE_NODE_LEN];
    bool from_address;   /* not a traced node: named by an address it never traced */
};

struct ladder_arrow {
    int from, to;                /* node indices */
    usec_t t_send, t_recv;       /* t_recv == t_send unless delivered */
    size_t ev_send, ev_recv;     /* event indices, LADDER_NONE if absent */
    enum ladder_arrow_kind kind;
    bool duplicate;              /* a second copy of an earlier arrow's packet */
    bool corrupted;              /* arrived with different bytes */
    bool retransmission;         /* TCP: covers sequence space sent before */
    int slot_send, slot_recv;    /* rank among same-instant events at that node */
    char label[PKT_LABEL_LEN];
};

/* A state change (or, with options.notes, a note) beside a timeline. */
struct ladder_mark {
    int node;
    usec_t time;
    size_t ev;
    bool is_note;
    int slot;
    char text[LADDER_TEXT_LEN];
};

struct ladder {
    struct ladder_node nodes[LADDER_MAX_NODES];
    size_t node_count;
    struct ladder_arrow *arrows;   /* in the order they were sent */
    size_t arrow_count;
    struct ladder_mark *marks;     /* in trace order */
    size_t mark_count;
    usec_t t0;                     /* the trace's first event: time labels count from it */
    usec_t typical_delay;          /* median one-way delay of delivered arrows (0 if none) */
    usec_t gap_threshold;          /* longer idle stretches are drawn compressed */
    char title[128];
    char caption[160];
};

/* Build the model. Returns 0, or a negative errno with a message in err:
 * -EINVAL for a bad option (unknown node, malformed --conn), -ENOMEM. */
int ladder_build(const struct trace *t, const struct ladder_options *opt, struct ladder *l,
                 char *err, size_t errlen);
void ladder_free(struct ladder *l);

/* Is [a, b] (two consecutive drawn instants) an idle stretch to compress:
 * longer than gap_threshold with no packet in flight across it? */
bool ladder_is_gap(const struct ladder *l, usec_t a, usec_t b);

/* Write the diagram. Return 0 or -EIO. */
int ladder_write_svg(const struct ladder *l, FILE *out);
int ladder_write_text(const struct ladder *l, FILE *out);

#ifdef __cplusplus
}
#endif

#endif
