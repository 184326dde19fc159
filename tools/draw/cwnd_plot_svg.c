/*
 * cwnd_plot_svg.c — draw cwnd and ssthresh over time (see plots.h): two
 * step lines, and along the bottom the loss signals — the link's drops
 * (red X), the sender's retransmissions (orange triangles) — so the
 * picture shows the order of events: the drop first, the reaction after.
 */
#include <errno.h>
#include <string.h>

#include "tools/draw/plot_priv.h"

#define CWND_COLOR "#1f4e9c"
#define SSTHRESH_COLOR "#d35400"

static void ranges(const struct cwnd_plot *p, usec_t *t0, usec_t *t1, double *top)
{
    bool any = false;
    *t0 = *t1 = 0;
    *top = 0;
    for (size_t k = 0; k < 3; k++) {
        size_t n = k == 0 ? p->cwnd_count : k == 1 ? p->ssthresh_count : p->event_count;
        for (size_t i = 0; i < n; i++) {
            usec_t t = k == 0 ? p->cwnd[i].time : k == 1 ? p->ssthresh[i].time : p->events[i].time;
            if (!any || t < *t0)
                *t0 = t;
            if (!any || t > *t1)
                *t1 = t;
            any = true;
        }
    }
    for (size_t i = 0; i < p->cwnd_count; i++)
        if ((double)p->cwnd[i].value > *top)
            *top = (double)p->cwnd[i].value;
    for (size_t i = 0; i < p->ssthresh_count; i++)
        if (!cwnd_plot_ssthresh_unset(p->ssthresh[i].value) && (double)p->ssthresh[i].value > *top)
            *top = (double)p->ssthresh[i].value;
}

/* One step line; with `skip_unset`, unset values break it (ssthresh
 * before its first loss). */
static void steps(FILE *out, const char *cls, const char *color, const char *dash,
                  const struct cwnd_point *pt, size_t n, bool skip_unset,
                  const struct plot_frame *f, usec_t t0)
{
    bool open = false;
    for (size_t i = 0; i < n; i++) {
        double x = plot_px_x(f, plot_ms(pt[i].time, t0));
        double x_next = i + 1 < n ? plot_px_x(f, plot_ms(pt[i + 1].time, t0)) : f->left + f->width;
        if (skip_unset && cwnd_plot_ssthresh_unset(pt[i].value)) {
            if (open)
                fputs("\"/>\n", out);
            open = false;
            continue;
        }
        double y = plot_px_y(f, (double)(pt[i].value < 0 ? 0 : pt[i].value));
        if (!open) {
            fprintf(out, "<polyline class=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s%s%s points=\"%.1f,%.1f",
                    cls, color, dash[0] ? " stroke-dasharray=\"" : "", dash, dash[0] ? "\"" : "", x, y);
            open = true;
        } else {
            fprintf(out, " %.1f,%.1f", x, y);
        }
        fprintf(out, " %.1f,%.1f", x_next, y);
    }
    if (open)
        fputs("\"/>\n", out);
}

static void draw_events(const struct cwnd_plot *p, const struct plot_frame *f, usec_t t0,
                        FILE *out)
{
    double bottom = f->top + f->height;
    for (size_t i = 0; i < p->event_count; i++) {
        const struct cwnd_event *e = &p->events[i];
        double x = plot_px_x(f, plot_ms(e->time, t0));
        switch (e->kind) {
        case CWND_EV_DROP:
            fprintf(out,
                    "<path class=\"drop\" d=\"M%.1f,%.1f l10,10 M%.1f,%.1f l-10,10\" "
                    "stroke=\"" SVG_LOST "\" stroke-width=\"2.5\"/>\n",
                    x - 5, bottom - 17, x + 5, bottom - 17);
            break;
        case CWND_EV_RETX:
            fprintf(out,
                    "<path class=\"retx\" d=\"M%.1f,%.1f l6,10 h-12 z\" fill=\"" SVG_RETX "\"/>\n",
                    x, bottom - 34);
            break;
        case CWND_EV_NOTE: {
            char attrs[128];
            fprintf(out,
                    "<line class=\"loss-note\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                    "stroke=\"#999999\" stroke-dasharray=\"3 3\"/>\n",
                    x, f->top, x, bottom);
            snprintf(attrs, sizeof attrs,
                     "font-size=\"10\" fill=\"" SVG_MUTED "\" transform=\"rotate(-90 %.1f %.1f)\"",
                     x - 3, f->top + 6);
            svg_text(out, x - 3, f->top + 6, "end", attrs, e->text);
            break;
        }
        }
    }
}

static void draw_legend(FILE *out, double x, double y, const struct cwnd_plot *p)
{
    bool drops = false, retx = false;
    for (size_t i = 0; i < p->event_count; i++) {
        drops = drops || p->events[i].kind == CWND_EV_DROP;
        retx = retx || p->events[i].kind == CWND_EV_RETX;
    }
    fputs("<g class=\"legend-box\">\n", out);
    fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" CWND_COLOR
                 "\" stroke-width=\"2\"/>\n", x, y, x + 20, y);
    plot_legend_text(out, x + 26, y, "cwnd");
    x += 100;
    fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" SSTHRESH_COLOR
                 "\" stroke-width=\"2\" stroke-dasharray=\"6 4\"/>\n", x, y, x + 20, y);
    plot_legend_text(out, x + 26, y, "ssthresh");
    x += 130;
    if (drops) {
        fprintf(out, "<path d=\"M%.1f,%.1f l8,8 M%.1f,%.1f l-8,8\" stroke=\"" SVG_LOST
                     "\" stroke-width=\"2.5\"/>\n", x - 4, y - 4, x + 4, y - 4);
        plot_legend_text(out, x + 10, y, "dropped by the link");
        x += 190;
    }
    if (retx) {
        fprintf(out, "<path d=\"M%.1f,%.1f l6,10 h-12 z\" fill=\"" SVG_RETX "\"/>\n", x, y - 5);
        plot_legend_text(out, x + 10, y, "retransmission");
    }
    fputs("</g>\n", out);
}

int cwnd_plot_write_svg(const struct cwnd_plot *p, const struct plot_options *opt, FILE *out)
{
    char title[160];
    usec_t t0, t1;
    double top;

    if (opt->title != NULL)
        snprintf(title, sizeof title, "%s", opt->title);
    else
        snprintf(title, sizeof title, "cwnd and ssthresh: %s at %s", p->subject, p->node);
    ranges(p, &t0, &t1, &top);
    struct plot_frame f = {
        .left = 90, .top = 100, .width = PLOT_WIDTH - 90 - 30, .height = PLOT_HEIGHT - 100 - 60,
        .y_lo = 0, .y_hi = top > 0 ? top * 1.15 : 10,
    };
    plot_time_axis(p->t0, t0, t1, &f.x_lo, &f.x_hi);
    t0 = p->t0;   /* from here on: the origin of the time axis */

    svg_begin(out, PLOT_WIDTH, PLOT_HEIGHT, title);
    plot_write_heading(out, title, opt->caption, t0);
    draw_legend(out, f.left + 10, 82, p);
    plot_draw_axes(out, &f, "time (ms)", "bytes");
    draw_events(p, &f, t0, out);
    steps(out, "ssthresh-line", SSTHRESH_COLOR, "6 4", p->ssthresh, p->ssthresh_count, true, &f,
          t0);
    steps(out, "cwnd-line", CWND_COLOR, "", p->cwnd, p->cwnd_count, false, &f, t0);
    svg_end(out);
    return ferror(out) ? -EIO : 0;
}
