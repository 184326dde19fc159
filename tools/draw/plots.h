/*
 * plots.h — the plots of one TCP connection, drawn as SVG:
 *
 *  - the time-sequence plot (Stevens, tcptrace): x = time, y = sequence
 *    number relative to the sender's ISN. Each data segment the sender sent
 *    is a vertical bar from its first to one past its last byte
 *    (retransmissions in red), the ACK line steps up with the cumulative
 *    acknowledgment the sender received, and the window line (ACK +
 *    advertised window, scaled per RFC 7323) shows how far it may send.
 *    Segments dropped by the simulated link are crossed where they died.
 *  - the congestion-window plot: cwnd and ssthresh from TRACE_VAR events as
 *    step lines, with the loss signals marked: link drops, retransmissions,
 *    and notes that speak of a retransmission, timeout or loss.
 *
 * Both plots show one direction of one connection, seen at one node: the
 * node that sent the data (else, for a trace that holds only the receiver,
 * the node that received it).
 */
#ifndef TUNLAB_TOOLS_DRAW_PLOTS_H
#define TUNLAB_TOOLS_DRAW_PLOTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "stack/core/trace.h"
#include "tools/draw/conn.h"

#ifdef __cplusplus
extern "C" {
#endif

struct plot_options {
    const char *conn;      /* "10.0.0.1:40000>10.0.0.2:80": the data the left end
                              sends; NULL = the trace's first TCP connection, in
                              the direction that carries more data */
    bool absolute;         /* absolute sequence numbers (default relative) */
    const char *title;     /* NULL = a title naming the connection */
    const char *caption;   /* a remark under the title; NULL = none */
};

/* ---- time-sequence plot ------------------------------------------------- */

struct seq_segment {
    usec_t time;
    uint32_t start, end;   /* relative: [start, end) */
    uint8_t flags;         /* TCP flags (SYN and FIN occupy one number each) */
    bool retransmission;
};

struct seq_ack {
    usec_t time;
    uint32_t ack;          /* relative, never decreasing (the cumulative ACK) */
    uint32_t window_edge;  /* ack + scaled window */
    bool duplicate;        /* same ack and window, no data: a dupack */
};

struct seq_drop {
    usec_t time;
    uint32_t start, end;
};

struct seqplot {
    struct conn_id conn;               /* a = the data's sender */
    char node[TRACE_NODE_LEN];         /* the node whose view is drawn */
    usec_t t0;                         /* the trace's first event: time counts from it */
    uint32_t isn;                      /* base of relative numbers */
    struct seq_segment *segs;          /* data segments, SYN and FIN, in send order */
    size_t seg_count;
    struct seq_ack *acks;
    size_t ack_count;
    struct seq_drop *drops;
    size_t drop_count;
};

/* Returns 0, or -EINVAL (bad --conn, no such connection, no TCP in the
 * trace) / -ENOMEM with a message in err. */
int seqplot_build(const struct trace *t, const struct plot_options *opt, struct seqplot *p,
                  char *err, size_t errlen);
void seqplot_free(struct seqplot *p);
/* Does the segment carry data (more than a bare SYN or FIN)? */
bool seq_segment_has_data(const struct seq_segment *s);
/* How many segments carry data. */
size_t seqplot_data_segments(const struct seqplot *p);
int seqplot_write_svg(const struct seqplot *p, const struct plot_options *opt, FILE *out);

/* ---- congestion window -------------------------------------------------- */

/* An ssthresh that is negative (tunlab's TCP records -1) or at least this
 * large is "not set yet": implementations start it at "infinity". It is
 * left out of the plot until the first loss brings it down. */
#define CWND_PLOT_INFINITE ((int64_t)1 << 30)
bool cwnd_plot_ssthresh_unset(int64_t value);

struct cwnd_point {
    usec_t time;
    int64_t value;
};

enum cwnd_event_kind {
    CWND_EV_DROP,     /* the link dropped one of the connection's segments */
    CWND_EV_RETX,     /* the sender retransmitted */
    CWND_EV_NOTE,     /* the stack's note: "fast retransmit", "RTO timeout", ... */
};

struct cwnd_event {
    usec_t time;
    enum cwnd_event_kind kind;
    char text[TRACE_TEXT_LEN];
};

struct cwnd_plot {
    usec_t t0;                         /* the trace's first event: time counts from it */
    char node[TRACE_NODE_LEN];
    char subject[TRACE_SUBJECT_LEN];
    struct cwnd_point *cwnd, *ssthresh;
    size_t cwnd_count, ssthresh_count;
    struct cwnd_event *events;
    size_t event_count;
};

int cwnd_plot_build(const struct trace *t, const struct plot_options *opt, struct cwnd_plot *p,
                    char *err, size_t errlen);
void cwnd_plot_free(struct cwnd_plot *p);
int cwnd_plot_write_svg(const struct cwnd_plot *p, const struct plot_options *opt, FILE *out);

#ifdef __cplusplus
}
#endif

#endif
