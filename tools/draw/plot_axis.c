/*
 * plot_axis.c — ticks, scales and axes of the plots (see plot_axis.h).
 */
#include "tools/draw/plot_axis.h"

#include <math.h>

#include "tools/draw/svg.h"

#define PLOT_MAX_TICKS 30

double plot_nice_step(double lo, double hi, int target)
{
    double span = hi - lo;
    if (!(span > 0) || target < 1)
        return 1;
    double raw = span / target;
    double mag = pow(10, floor(log10(raw)));
    double frac = raw / mag;
    double nice = frac < 1.5 ? 1 : frac < 3.5 ? 2 : frac < 7.5 ? 5 : 10;
    return nice * mag;
}

double plot_px_x(const struct plot_frame *f, double x)
{
    double span = f->x_hi - f->x_lo;
    return f->left + (span > 0 ? (x - f->x_lo) / span * f->width : 0);
}

double plot_px_y(const struct plot_frame *f, double y)
{
    double span = f->y_hi - f->y_lo;
    return f->top + f->height - (span > 0 ? (y - f->y_lo) / span * f->height : 0);
}

/* Enough decimals to tell ticks `step` apart. */
static int decimals_for(double step)
{
    int d = step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9);
    return d > 6 ? 6 : d;
}

void plot_draw_axes(FILE *out, const struct plot_frame *f, const char *x_title,
                    const char *y_title)
{
    char label[48];
    double xs = plot_nice_step(f->x_lo, f->x_hi, 8), ys = plot_nice_step(f->y_lo, f->y_hi, 8);
    int xd = decimals_for(xs), yd = decimals_for(ys);

    fputs("<g class=\"axes\">\n", out);
    /* counted loops: a step too small to change a huge value cannot spin */
    for (int i = 0; i <= PLOT_MAX_TICKS; i++) {
        double x = ceil(f->x_lo / xs) * xs + i * xs;
        if (x > f->x_hi + xs * 1e-9)
            break;
        double px = plot_px_x(f, x);
        fprintf(out,
                "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                "stroke=\"" SVG_GRID "\"/>\n",
                px, f->top, px, f->top + f->height + 5);
        snprintf(label, sizeof label, "%.*f", xd, fabs(x) < xs * 1e-9 ? 0.0 : x);
        svg_text(out, px, f->top + f->height + 19, "middle",
                 "class=\"tick\" font-size=\"11\" fill=\"" SVG_MUTED "\"", label);
    }
    for (int i = 0; i <= PLOT_MAX_TICKS; i++) {
        double y = ceil(f->y_lo / ys) * ys + i * ys;
        if (y > f->y_hi + ys * 1e-9)
            break;
        double py = plot_px_y(f, y);
        fprintf(out,
                "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                "stroke=\"" SVG_GRID "\"/>\n",
                f->left - 5, py, f->left + f->width, py);
        snprintf(label, sizeof label, "%.*f", yd, fabs(y) < ys * 1e-9 ? 0.0 : y);
        svg_text(out, f->left - 8, py + 4, "end",
                 "class=\"tick\" font-size=\"11\" fill=\"" SVG_MUTED "\"", label);
    }
    fprintf(out,
            "<rect class=\"frame\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
            "fill=\"none\" stroke=\"#444444\"/>\n",
            f->left, f->top, f->width, f->height);
    svg_text(out, f->left + f->width / 2, f->top + f->height + 40, "middle",
             "class=\"axis-title\" font-size=\"12\"", x_title);
    char attrs[128];
    double ty = f->top + f->height / 2, tx = 18;
    snprintf(attrs, sizeof attrs, "class=\"axis-title\" font-size=\"12\" transform=\"rotate(-90 %.1f %.1f)\"",
             tx, ty);
    svg_text(out, tx, ty, "middle", attrs, y_title);
    fputs("</g>\n", out);
}

void plot_legend_text(FILE *out, double x, double y, const char *text)
{
    svg_text(out, x, y + 4, "start", "class=\"legend\" font-size=\"12\"", text);
}
