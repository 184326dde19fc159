/*
 * plot_priv.h — what the two plots share. Private to tools/draw.
 */
#ifndef TUNLAB_TOOLS_DRAW_PLOT_PRIV_H
#define TUNLAB_TOOLS_DRAW_PLOT_PRIV_H

#include <stdbool.h>
#include <stdio.h>

#include "stack/core/trace.h"
#include "tools/draw/conn.h"
#include "tools/draw/pkt_info.h"
#include "tools/draw/plot_axis.h"
#include "tools/draw/plots.h"
#include "tools/draw/svg.h"

/* The connection a plot shows: --conn, or the first TCP connection of the
 * trace turned toward the direction that carries more data. Returns 0 or
 * -EINVAL with a message in err. */
int plot_choose_conn(const struct trace *t, const char *conn_opt, struct conn_id *c, char *err,
                     size_t errlen);
/* The node whose view a plot shows: the first node that sent a segment
 * a -> b, else the first that received one ("" if none). */
void plot_choose_node(const struct trace *t, const struct conn_id *c, char *node);
/* Decode a packet event; true if it is a TCP segment. */
bool plot_tcp_event(const struct trace_event *ev, struct pkt_info *info);
/* Title, caption, and where time 0 is, at the top left. */
void plot_write_heading(FILE *out, const char *title, const char *caption, usec_t t0);

/* Milliseconds since t0 (negative for an event before it). */
double plot_ms(usec_t t, usec_t t0);
/* The time axis for data from lo to hi: from 0 when the data starts near
 * the beginning, with a little room on the right. */
void plot_time_axis(usec_t t0, usec_t lo, usec_t hi, double *x_lo, double *x_hi);

#define PLOT_WIDTH 960.0
#define PLOT_HEIGHT 600.0

#endif
