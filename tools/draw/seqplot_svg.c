/*
 * seqplot_svg.c — draw the time-sequence plot (see plots.h), in the style
 * of Stevens' figures and tcptrace: time across, sequence numbers up.
 */
#include <errno.h>
#include <string.h>

#include "tools/draw/plot_priv.h"

#define SEG_COLOR "#1f4e9c"
#define ACK_COLOR "#1b7a4a"
#define WIN_COLOR "#b8860b"

struct range {
    bool any;
    usec_t lo, hi;
};

static void see(struct range *r, usec_t t)
{
    if (!r->any || t < r->lo)
        r->lo = t;
    if (!r->any || t > r->hi)
        r->hi = t;
    r->any = true;
}

static void time_range(const struct seqplot *p, usec_t *lo, usec_t *hi)
{
    struct range r = {false, 0, 0};
    for (size_t i = 0; i < p->seg_count; i++)
        see(&r, p->segs[i].time);
    for (size_t i = 0; i < p->ack_count; i++)
        see(&r, p->acks[i].time);
    for (size_t i = 0; i < p->drop_count; i++)
        see(&r, p->drops[i].time);
    *lo = r.lo;
    *hi = r.hi;
}

/* The highest sequence number sent or acknowledged, and the highest
 * window edge. */
static void sequence_tops(const struct seqplot *p, double *data, double *window)
{
    *data = *window = 0;
    for (size_t i = 0; i < p->seg_count; i++)
        if (p->segs[i].end > *data)
            *data = p->segs[i].end;
    for (size_t i = 0; i < p->ack_count; i++) {
        if (p->acks[i].ack > *data)
            *data = p->acks[i].ack;
        if (p->acks[i].window_edge > *window)
            *window = p->acks[i].window_edge;
    }
}

static void draw_segments(const struct seqplot *p, const struct plot_frame *f, usec_t t0,
                          FILE *out)
{
    for (size_t i = 0; i < p->seg_count; i++) {
        const struct seq_segment *s = &p->segs[i];
        double x = plot_px_x(f, plot_ms(s->time, t0));
        double y0 = plot_px_y(f, s->start), y1 = plot_px_y(f, s->end);
        bool data = seq_segment_has_data(s);
        const char *color = s->retransmission ? SVG_LOST : SEG_COLOR;
        if (!data) {
            /* a bare SYN or FIN: a small diamond and its letter */
            fprintf(out,
                    "<g class=\"%s\"><path d=\"M%.1f,%.1f l4,-4 l4,4 l-4,4 z\" fill=\"none\" "
                    "stroke=\"%s\"/>",
                    (s->flags & PKT_TCP_SYN) ? "syn" : "fin", x - 4, y0, color);
            svg_text(out, x + 7, y0 - 4, "start", "font-size=\"10\"",
                     (s->flags & PKT_TCP_SYN) ? "SYN" : "FIN");
            fputs("</g>\n", out);
            continue;
        }
        if (y0 - y1 < 3)
            y1 = y0 - 3;   /* a one-byte segment stays visible */
        fprintf(out,
                "<path class=\"segment%s\" d=\"M%.1f,%.1f h6 M%.1f,%.1f V%.1f M%.1f,%.1f h6\" "
                "stroke=\"%s\" stroke-width=\"1.5\" fill=\"none\"/>\n",
                s->retransmission ? " retransmission" : "", x - 3, y0, x, y0, y1, x - 3, y1, color);
        if (s->retransmission)
            svg_text(out, x, y1 - 4, "middle", "font-size=\"10\" fill=\"" SVG_LOST "\"", "R");
    }
}

/* A step line through (time, value) pairs, held to the right edge. */
static void step_line(FILE *out, const char *cls, const char *color, const char *dash,
                      const struct seqplot *p, bool window, const struct plot_frame *f, usec_t t0)
{
    if (p->ack_count == 0)
        return;
    fprintf(out, "<polyline class=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.6\"%s%s%s points=\"",
            cls, color, dash[0] ? " stroke-dasharray=\"" : "", dash, dash[0] ? "\"" : "");
    double prev_y = 0;
    for (size_t i = 0; i < p->ack_count; i++) {
        double x = plot_px_x(f, plot_ms(p->acks[i].time, t0));
        double y = plot_px_y(f, window ? p->acks[i].window_edge : p->acks[i].ack);
        if (i > 0)
            fprintf(out, " %.1f,%.1f", x, prev_y);
        fprintf(out, "%s%.1f,%.1f", i ? " " : "", x, y);
        prev_y = y;
    }
    fprintf(out, " %.1f,%.1f\"/>\n", f->left + f->width, prev_y);
}

static void draw_acks(const struct seqplot *p, const struct plot_frame *f, usec_t t0, FILE *out)
{
    step_line(out, "window-line", WIN_COLOR, "5 3", p, true, f, t0);
    step_line(out, "ack-line", ACK_COLOR, "", p, false, f, t0);
    for (size_t i = 0; i < p->ack_count; i++)
        if (p->acks[i].duplicate)
            fprintf(out,
                    "<circle class=\"dupack\" cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"none\" "
                    "stroke=\"%s\"/>\n",
                    plot_px_x(f, plot_ms(p->acks[i].time, t0)), plot_px_y(f, p->acks[i].ack),
                    ACK_COLOR);
    for (size_t i = 0; i < p->drop_count; i++) {
        double x = plot_px_x(f, plot_ms(p->drops[i].time, t0));
        double y = plot_px_y(f, (p->drops[i].start + (double)p->drops[i].end) / 2);
        fprintf(out,
                "<path class=\"drop\" d=\"M%.1f,%.1f l10,10 M%.1f,%.1f l-10,10\" stroke=\"%s\" "
                "stroke-width=\"2.5\"/>\n",
                x - 5, y - 5, x + 5, y - 5, SVG_LOST);
    }
}

static void draw_legend(FILE *out, double x, double y, bool retx, bool drops, bool window_fits)
{
    fprintf(out, "<g class=\"legend-box\">\n");
    fprintf(out, "<path d=\"M%.1f,%.1f h6 M%.1f,%.1f v-12 M%.1f,%.1f h6\" stroke=\"" SEG_COLOR
                 "\" stroke-width=\"1.5\"/>\n",
            x - 3, y + 6, x, y + 6, x - 3, y - 6);
    plot_legend_text(out, x + 10, y, "segment sent");
    x += 140;
    if (retx) {
        fprintf(out, "<path d=\"M%.1f,%.1f h6 M%.1f,%.1f v-12 M%.1f,%.1f h6\" stroke=\"" SVG_LOST
                     "\" stroke-width=\"1.5\"/>\n",
                x - 3, y + 6, x, y + 6, x - 3, y - 6);
        plot_legend_text(out, x + 10, y, "retransmitted");
        x += 140;
    }
    fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" ACK_COLOR
                 "\" stroke-width=\"1.6\"/>\n",
            x - 6, y, x + 14, y);
    plot_legend_text(out, x + 20, y, "ACK received");
    x += 150;
    fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" WIN_COLOR
                 "\" stroke-width=\"1.6\" stroke-dasharray=\"5 3\"/>\n",
            x - 6, y, x + 14, y);
    plot_legend_text(out, x + 20, y, window_fits ? "ACK + window" : "ACK + window (cut)");
    x += window_fits ? 150 : 190;
    if (drops) {
        fprintf(out, "<path d=\"M%.1f,%.1f l8,8 M%.1f,%.1f l-8,8\" stroke=\"" SVG_LOST
                     "\" stroke-width=\"2.5\"/>\n",
                x - 4, y - 4, x + 4, y - 4);
        plot_legend_text(out, x + 10, y, "dropped by the link");
    }
    fputs("</g>\n", out);
}

int seqplot_write_svg(const struct seqplot *p, const struct plot_options *opt, FILE *out)
{
    char conn[48], title[160];
    usec_t lo, hi;
    double data_top, window_top;
    bool retx = false;

    conn_format(&p->conn, conn, sizeof conn);
    if (opt->title != NULL)
        snprintf(title, sizeof title, "%s", opt->title);
    else
        snprintf(title, sizeof title, "Time-sequence: %s, seen at %s", conn, p->node);
    time_range(p, &lo, &hi);
    for (size_t i = 0; i < p->seg_count; i++)
        retx = retx || p->segs[i].retransmission;

    /* The data decide the scale. A window far above them (64 KB offered,
     * a few KB sent) would squash them flat, so then the window line is
     * cut at the top of the frame, and the legend says so. */
    sequence_tops(p, &data_top, &window_top);
    bool window_fits = window_top <= 1.6 * data_top;
    double top = window_fits && window_top > data_top ? window_top : data_top;
    struct plot_frame f = {
        .left = 90, .top = 100, .width = PLOT_WIDTH - 90 - 30, .height = PLOT_HEIGHT - 100 - 60,
        .y_lo = 0, .y_hi = top > 0 ? top * 1.08 : 10,
    };
    plot_time_axis(p->t0, lo, hi, &f.x_lo, &f.x_hi);

    svg_begin(out, PLOT_WIDTH, PLOT_HEIGHT, title);
    fprintf(out, "<defs><clipPath id=\"plot-area\"><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                 "height=\"%.1f\"/></clipPath></defs>\n",
            f.left, f.top, f.width, f.height);
    plot_write_heading(out, title, opt->caption, p->t0);
    draw_legend(out, f.left + 10, 82, retx, p->drop_count > 0, window_fits);
    plot_draw_axes(out, &f, "time (ms)",
                   opt->absolute ? "sequence number" : "sequence number (relative, bytes)");
    fputs("<g clip-path=\"url(#plot-area)\">\n", out);
    draw_acks(p, &f, p->t0, out);
    fputs("</g>\n", out);
    draw_segments(p, &f, p->t0, out);
    svg_end(out);
    return ferror(out) ? -EIO : 0;
}
