/*
 * ladder_priv.h — the steps of ladder_build() kept in other files, and the
 * helpers both renderers use. Private to tools/draw.
 */
#ifndef TUNLAB_TOOLS_DRAW_LADDER_PRIV_H
#define TUNLAB_TOOLS_DRAW_LADDER_PRIV_H

#include "tools/draw/conn.h"
#include "tools/draw/ladder.h"

/* State changes (and notes, if asked) at the drawn nodes. Returns 0 or -ENOMEM. */
int ladder_add_marks(struct ladder *l, const struct trace *t, const struct ladder_options *opt,
                     const struct conn_id *conn);
/* Rank the events that happen at one node at the same instant, so that
 * the drawings can set them apart (slot 0, 1, 2, ... in trace order). */
void ladder_assign_slots(struct ladder *l);
/* t0 (the trace's first event: every figure of a trace counts time from
 * there), typical_delay and gap_threshold. */
void ladder_measure_time(struct ladder *l, const struct trace *t);
/* Does anything happen on this timeline? */
bool ladder_node_used(const struct ladder *l, int node);

/* "12.5" (milliseconds since t0, trailing zeros dropped) and "59.997 s" /
 * "40 ms" for a duration. */
void ladder_format_ms(usec_t t, char *out, size_t outlen);
void ladder_format_duration(usec_t d, char *out, size_t outlen);

#endif
