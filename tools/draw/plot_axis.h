/*
 * plot_axis.h — axes for the plots: "nice" tick steps (1, 2 or 5 times a
 * power of ten), data-to-pixel mapping, and the frame with its tick labels.
 * Private to tools/draw.
 */
#ifndef TUNLAB_TOOLS_DRAW_PLOT_AXIS_H
#define TUNLAB_TOOLS_DRAW_PLOT_AXIS_H

#include <stdio.h>

/* A plot area in pixels and the data range it shows. */
struct plot_frame {
    double left, top, width, height;    /* px */
    double x_lo, x_hi, y_lo, y_hi;      /* data */
};

/* A tick step giving about `target` ticks over [lo, hi]. */
double plot_nice_step(double lo, double hi, int target);

double plot_px_x(const struct plot_frame *f, double x);
double plot_px_y(const struct plot_frame *f, double y);

/* The frame, grid lines, ticks with labels and the axis titles. */
void plot_draw_axes(FILE *out, const struct plot_frame *f, const char *x_title,
                    const char *y_title);

/* Legend text at (x, y), right of a sample the caller draws. */
void plot_legend_text(FILE *out, double x, double y, const char *text);

#endif
