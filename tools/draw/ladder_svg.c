/*
 * ladder_svg.c — the ladder as an SVG figure for slides.
 *
 * Time runs down on a linear scale chosen so that a typical one-way delay
 * spans DELAY_ROWS rows: arrows slant, and delay and loss are visible. Two
 * exceptions keep the figure readable, and both are marked:
 *  - events at the same instant are set ROW pixels apart (their slots), and
 *    the next instant moves down to make room;
 *  - an idle stretch (ladder_is_gap: e.g. TIME-WAIT's 60 s) shrinks to
 *    GAP_PX with a break on every timeline and its duration written across.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tools/draw/ladder_priv.h"
#include "tools/draw/svg.h"

#define ROW 24.0           /* px between events at the same instant */
#define DELAY_ROWS 4.0     /* a typical one-way delay, in rows */
#define GAP_PX 60.0        /* a compressed idle stretch */
#define MAX_STRETCH_ROWS 40.0
#define LABEL_FONT 12
#define LOST_ALONG 0.55   /* how far toward the receiver a lost packet gets */
#define LABEL_CHAR_W (0.6 * LABEL_FONT)
#define TIME_FONT 11
#define NAME_FONT 15
#define MIN_SPACING 240.0
#define LADDER_PI 3.14159265358979323846

/* Colors of the senders' arrows, by the sender's column. */
static const char *const sender_colors[] = {"#1f4e9c", "#1b7a4a", "#7b3294", "#8c510a"};
#define SENDER_COLORS (sizeof sender_colors / sizeof sender_colors[0])

struct instant {
    usec_t time;
    int rows;      /* 1 + the highest slot used at this instant */
    double y;      /* of slot 0 */
    bool gap_before;
    double lost_room;   /* how far below y the X of a lost arrow sent here lies */
};

struct svg_layout {
    bool any_crossing;  /* arrows cross: labels move toward their senders */
    struct instant *at;
    size_t count;
    double x[LADDER_MAX_NODES];
    double scale;       /* px per microsecond */
    double lost_drop;   /* how far down a lost arrow goes before its X */
    double header_y;    /* top of the node boxes */
    double top;         /* first instant */
    double bottom;      /* end of the timelines */
    double width, height;
    double time_right;  /* right edge of the time labels */
};

static int compare_usec(const void *pa, const void *pb)
{
    usec_t a = *(const usec_t *)pa, b = *(const usec_t *)pb;
    return a < b ? -1 : a > b;
}

static struct instant *find_instant(const struct svg_layout *lay, usec_t t)
{
    size_t lo = 0, hi = lay->count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (lay->at[mid].time < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < lay->count && lay->at[lo].time == t ? &lay->at[lo] : NULL;
}

static void use_slot(struct svg_layout *lay, usec_t t, int slot)
{
    struct instant *in = find_instant(lay, t);
    if (in != NULL && slot + 1 > in->rows)
        in->rows = slot + 1;
}

static double y_of(const struct svg_layout *lay, usec_t t, int slot)
{
    const struct instant *in = find_instant(lay, t);
    return (in ? in->y : lay->top) + slot * ROW;
}

/* Every drawn instant, once, in order, with the rows it needs. */
static int collect_instants(const struct ladder *l, struct svg_layout *lay)
{
    size_t n = 0;
    usec_t *t = calloc(2 * l->arrow_count + l->mark_count + 1, sizeof *t);
    if (t == NULL)
        return -ENOMEM;
    for (size_t k = 0; k < l->arrow_count; k++) {
        t[n++] = l->arrows[k].t_send;
        if (l->arrows[k].kind != LADDER_LOST)
            t[n++] = l->arrows[k].t_recv;
    }
    for (size_t k = 0; k < l->mark_count; k++)
        t[n++] = l->marks[k].time;
    qsort(t, n, sizeof *t, compare_usec);
    lay->at = calloc(n + 1, sizeof *lay->at);
    if (lay->at == NULL) {
        free(t);
        return -ENOMEM;
    }
    for (size_t i = 0; i < n; i++)
        if (lay->count == 0 || lay->at[lay->count - 1].time != t[i])
            lay->at[lay->count++] = (struct instant){.time = t[i], .rows = 1};
    free(t);
    for (size_t k = 0; k < l->arrow_count; k++) {
        const struct ladder_arrow *a = &l->arrows[k];
        use_slot(lay, a->t_send, a->slot_send);
        if (a->kind != LADDER_LOST)
            use_slot(lay, a->t_recv, a->slot_recv);
    }
    for (size_t k = 0; k < l->mark_count; k++)
        use_slot(lay, l->marks[k].time, l->marks[k].slot);
    return 0;
}

/* px per microsecond: a typical delay spans DELAY_ROWS rows; with no delay
 * to measure (one capture point), the median spacing of instants spans 1.5. */
static double choose_scale(const struct ladder *l, const struct svg_layout *lay)
{
    if (l->typical_delay > 0)
        return DELAY_ROWS * ROW / (double)l->typical_delay;
    usec_t *d = calloc(lay->count + 1, sizeof *d);
    size_t n = 0;
    double scale = 0;
    if (d == NULL)
        return 0;
    for (size_t i = 1; i < lay->count; i++)
        if (!ladder_is_gap(l, lay->at[i - 1].time, lay->at[i].time))
            d[n++] = lay->at[i].time - lay->at[i - 1].time;
    if (n > 0) {
        qsort(d, n, sizeof *d, compare_usec);
        scale = 1.5 * ROW / (double)d[n / 2];
    }
    free(d);
    return scale;
}

static double text_width(const char *s, double char_w)
{
    return (double)strlen(s) * char_w;
}

/* The y of an arrow's two ends on the sender's and the receiver's line
 * (a lost arrow: where it would have arrived after a typical delay). */
static void arrow_ends(const struct svg_layout *lay, const struct ladder_arrow *a, double *y_from,
                       double *y_to)
{
    *y_from = y_of(lay, a->t_send, a->slot_send);
    *y_to = a->kind == LADDER_LOST ? *y_from + lay->lost_drop : y_of(lay, a->t_recv, a->slot_recv);
}

/* Does an arrow going the other way between the same two timelines cross
 * this one? Two segments between the same two vertical lines cross when
 * their order on one line is the reverse of their order on the other.
 * Crossing arrows would put centred labels on top of each other. */
static bool crosses(const struct ladder *l, const struct svg_layout *lay,
                    const struct ladder_arrow *a)
{
    double a_from, a_to, b_from, b_to;
    arrow_ends(lay, a, &a_from, &a_to);
    for (size_t k = 0; k < l->arrow_count; k++) {
        const struct ladder_arrow *b = &l->arrows[k];
        if (b->from != a->to || b->to != a->from)
            continue;
        arrow_ends(lay, b, &b_from, &b_to);
        /* on a's sender line b arrives at b_to; on a's receiver line b leaves at b_from */
        if ((a_from - b_to) * (a_to - b_from) < 0)
            return true;
    }
    return false;
}

/* Down the page: the y of every instant, gaps, the height. */
static void place_rows(const struct ladder *l, struct svg_layout *lay)
{
    lay->header_y = 14 + (l->title[0] ? 30 : 0) + (l->caption[0] ? 18 : 0) + (l->t0 ? 18 : 0);
    lay->top = lay->header_y + 28 + 34;
    lay->scale = choose_scale(l, lay);
    lay->lost_drop = l->typical_delay > 0 ? (double)l->typical_delay * lay->scale : 2 * ROW;

    /* A lost arrow goes down part of a delay before its X: the next gap
     * marker must not start before that. */
    for (size_t k = 0; k < l->arrow_count; k++) {
        const struct ladder_arrow *a = &l->arrows[k];
        struct instant *in = find_instant(lay, a->t_send);
        double need = a->slot_send * ROW + LOST_ALONG * lay->lost_drop + 14;
        if (a->kind == LADDER_LOST && in != NULL && need > in->lost_room)
            in->lost_room = need;
    }
    double y = lay->top;
    for (size_t i = 0; i < lay->count; i++) {
        struct instant *in = &lay->at[i];
        if (i > 0) {
            const struct instant *prev = &lay->at[i - 1];
            double room = prev->y + prev->rows * ROW;
            in->gap_before = ladder_is_gap(l, prev->time, in->time);
            if (in->gap_before && prev->y + prev->lost_room + ROW > room)
                room = prev->y + prev->lost_room + ROW;
            double linear = prev->y + (double)(in->time - prev->time) * lay->scale;
            /* a stretch that cannot be shortened (a packet in flight across
             * it) still stays on the page */
            if (linear > prev->y + MAX_STRETCH_ROWS * ROW)
                linear = prev->y + MAX_STRETCH_ROWS * ROW;
            y = in->gap_before ? room - ROW + GAP_PX : (linear > room ? linear : room);
        }
        in->y = y;
    }
    double end = lay->count ? lay->at[lay->count - 1].y + lay->at[lay->count - 1].rows * ROW : y;
    for (size_t k = 0; k < l->arrow_count; k++)   /* a lost arrow near the end */
        if (l->arrows[k].kind == LADDER_LOST &&
            y_of(lay, l->arrows[k].t_send, l->arrows[k].slot_send) + lay->lost_drop + ROW > end)
            end = y_of(lay, l->arrows[k].t_send, l->arrows[k].slot_send) + lay->lost_drop + ROW;
    lay->bottom = end + 10;
    lay->height = lay->bottom + 16;
}

/* Across the page: the time column, the timelines, the width. */
static void place_columns(const struct ladder *l, struct svg_layout *lay)
{
    double left = 0, right = 0, longest = 0, time_w = 0, name_w = 0;
    size_t last = l->node_count - 1;
    char when[32];

    for (size_t k = 0; k < l->mark_count; k++) {
        double w = text_width(l->marks[k].text, SVG_CHAR_W) + 14;
        if (l->marks[k].node == 0 && !l->marks[k].is_note && w > left)
            left = w;
        else if (l->marks[k].node != 0 && w > right)
            right = w;
    }
    for (size_t k = 0; k < l->arrow_count; k++)
        if (text_width(l->arrows[k].label, LABEL_CHAR_W) > longest)
            longest = text_width(l->arrows[k].label, LABEL_CHAR_W);
    for (size_t i = 0; i < l->node_count; i++)
        if (text_width(l->nodes[i].name, 0.62 * NAME_FONT) + 28 > name_w)
            name_w = text_width(l->nodes[i].name, 0.62 * NAME_FONT) + 28;
    for (size_t i = 0; i < lay->count; i++) {
        ladder_format_ms(lay->at[i].time - l->t0, when, sizeof when);
        if (text_width(when, 0.6 * TIME_FONT) > time_w)
            time_w = text_width(when, 0.6 * TIME_FONT);
    }
    if (time_w < text_width("time (ms)", 0.6 * TIME_FONT))
        time_w = text_width("time (ms)", 0.6 * TIME_FONT);

    /* Crossing arrows need room for two labels side by side, each near
     * its sender. (Quadratic: skipped for huge ladders, which are not read
     * label by label anyway.) */
    lay->any_crossing = false;
    for (size_t k = 0; k < l->arrow_count && !lay->any_crossing && l->arrow_count < 4000; k++)
        lay->any_crossing = crosses(l, lay, &l->arrows[k]);
    double need = lay->any_crossing ? 2 * longest + 110 : longest + 120;
    double spacing = need > MIN_SPACING ? need : MIN_SPACING;
    double x0_room = left > 0 ? left + 16 : 0;
    if (name_w / 2 + 8 > x0_room)
        x0_room = name_w / 2 + 8;
    lay->time_right = 16 + time_w;
    for (size_t i = 0; i < l->node_count; i++)
        lay->x[i] = lay->time_right + 16 + x0_room + (double)i * spacing;
    double right_room = right > 0 ? right + 16 : 0;
    if (name_w / 2 + 8 > right_room)
        right_room = name_w / 2 + 8;
    lay->width = lay->x[last] + right_room + 20;
    double title_w = text_width(l->title, 0.62 * 16) + 40;
    double caption_w = text_width(l->caption, 0.6 * 12) + 40;
    if (title_w > lay->width)
        lay->width = title_w;
    if (caption_w > lay->width)
        lay->width = caption_w;
}

/* ---- drawing ------------------------------------------------------------ */

static void draw_header(const struct ladder *l, const struct svg_layout *lay, FILE *out)
{
    double y = 14;
    if (l->title[0]) {
        y += 18;
        svg_text(out, 20, y, "start", "class=\"title\" font-size=\"16\" font-weight=\"bold\"",
                 l->title);
        y += 6;
    }
    if (l->caption[0]) {
        y += 16;
        svg_text(out, 20, y, "start",
                 "class=\"caption\" font-size=\"12\" font-style=\"italic\" fill=\"" SVG_MUTED "\"",
                 l->caption);
    }
    if (l->t0) {
        char t0[32], text[80];
        trace_format_time(l->t0, t0, sizeof t0);
        snprintf(text, sizeof text, "time 0 is %s s in the trace", t0);
        y += 16;
        svg_text(out, 20, y, "start", "class=\"caption\" font-size=\"12\" fill=\"" SVG_MUTED "\"",
                 text);
    }
    svg_text(out, lay->time_right, lay->header_y + 18, "end",
             "class=\"time-title\" font-size=\"11\" fill=\"" SVG_MUTED "\"", "time (ms)");
    for (size_t i = 0; i < l->node_count; i++) {
        double w = text_width(l->nodes[i].name, 0.62 * NAME_FONT) + 28;
        fprintf(out, "<g class=\"node\" data-node=\"");
        svg_escaped(out, l->nodes[i].name);
        fprintf(out,
                "\"><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"28\" rx=\"5\" "
                "fill=\"%s\" stroke=\"#555555\"/>\n",
                lay->x[i] - w / 2, lay->header_y, w, l->nodes[i].from_address ? "#f4f4f4" : "#e8eef8");
        svg_text(out, lay->x[i], lay->header_y + 19, "middle",
                 "font-size=\"15\" font-weight=\"bold\"", l->nodes[i].name);
        fputs("</g>\n", out);
    }
}

/* The timelines, broken at each gap, with the gap's duration across. */
static void draw_timelines(const struct ladder *l, const struct svg_layout *lay, FILE *out)
{
    double seg_start = lay->header_y + 28;
    for (size_t i = 0; i <= lay->count; i++) {
        bool gap = i < lay->count && lay->at[i].gap_before;
        if (!gap && i < lay->count)
            continue;
        double mid = gap ? lay->at[i].y - GAP_PX / 2 : 0;
        double seg_end = gap ? mid - 7 : lay->bottom;
        for (size_t n = 0; n < l->node_count; n++)
            fprintf(out,
                    "<line class=\"timeline\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                    "stroke=\"#888888\" stroke-width=\"2\"/>\n",
                    lay->x[n], seg_start, lay->x[n], seg_end);
        if (!gap)
            break;
        char dur[32], text[48];
        ladder_format_duration(lay->at[i].time - lay->at[i - 1].time, dur, sizeof dur);
        snprintf(text, sizeof text, "%s later", dur);
        fputs("<g class=\"gap\">\n", out);
        for (size_t n = 0; n < l->node_count; n++)
            fprintf(out,
                    "<path d=\"M%.1f,%.1f l14,-6 M%.1f,%.1f l14,-6\" stroke=\"#888888\" "
                    "stroke-width=\"2\" fill=\"none\"/>\n",
                    lay->x[n] - 7, mid - 1, lay->x[n] - 7, mid + 9);
        double cx = (lay->x[0] + lay->x[l->node_count - 1]) / 2;
        svg_text(out, cx, mid + 6, "middle",
                 "font-size=\"12\" font-style=\"italic\" fill=\"" SVG_MUTED "\"", text);
        fputs("</g>\n", out);
        seg_start = mid + 11;
    }
}

static void draw_times(const struct ladder *l, const struct svg_layout *lay, FILE *out)
{
    char when[32];
    for (size_t i = 0; i < lay->count; i++) {
        double y = lay->at[i].y;
        ladder_format_ms(lay->at[i].time - l->t0, when, sizeof when);
        fprintf(out,
                "<line class=\"guide\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                "stroke=\"#e6e6e6\" stroke-dasharray=\"2 4\"/>\n",
                lay->time_right + 4, y, lay->x[l->node_count - 1], y);
        svg_text(out, lay->time_right, y + 4, "end",
                 "class=\"time\" font-size=\"11\" fill=\"" SVG_MUTED "\"", when);
    }
}

static void draw_arrow(const struct ladder *l, const struct svg_layout *lay, FILE *out,
                       const struct ladder_arrow *a)
{
    bool lost = a->kind == LADDER_LOST;
    const char *color = lost ? SVG_LOST : a->corrupted ? SVG_RETX
                                                       : sender_colors[a->from % SENDER_COLORS];
    double x1 = lay->x[a->from], y1 = y_of(lay, a->t_send, a->slot_send);
    double x2 = lay->x[a->to], y2 = y_of(lay, a->t_recv, a->slot_recv);
    if (lost) {
        x2 = x1 + LOST_ALONG * (x2 - x1);
        y2 = y1 + LOST_ALONG * lay->lost_drop;
    }
    fprintf(out, "<g class=\"packet %s%s%s\" data-from=\"",
            lost ? "lost" : a->kind == LADDER_CAPTURED ? "captured" : "delivered",
            a->duplicate ? " duplicate" : "", a->retransmission ? " retransmission" : "");
    svg_escaped(out, l->nodes[a->from].name);
    fputs("\" data-to=\"", out);
    svg_escaped(out, l->nodes[a->to].name);
    fprintf(out, "\">\n<line class=\"%s\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                 "stroke=\"%s\" stroke-width=\"1.6\"%s",
            lost ? "arrow lost" : "arrow", x1, y1, x2, y2, color,
            a->duplicate ? " stroke-dasharray=\"7 4\"" : a->corrupted ? " stroke-dasharray=\"2 3\"" : "");
    if (!lost)
        fprintf(out, " marker-end=\"url(#head%d)\"", a->corrupted ? -1 : (int)(a->from % SENDER_COLORS));
    fputs("/>\n", out);
    if (lost)
        fprintf(out,
                "<path class=\"lost-marker\" d=\"M%.1f,%.1f l12,12 M%.1f,%.1f l-12,12\" "
                "stroke=\"%s\" stroke-width=\"3\" stroke-linecap=\"round\"/>\n",
                x2 - 6, y2 - 6, x2 + 6, y2 - 6, SVG_LOST);

    /* The label rides on the arrow, upright, just above it: centred, or,
     * where arrows cross, just after the sender, so that the labels of
     * two crossing arrows sit apart. A lost arrow's label sits where it
     * would on the whole arrow, in line with its neighbours of a burst. */
    double fx = lay->x[a->to] - x1;
    double fy = lost ? lay->lost_drop : y2 - y1;
    double span = fabs(fx), half = text_width(a->label, LABEL_CHAR_W) / 2;
    double along = 0.5;
    if (span > 0 && lay->any_crossing && crosses(l, lay, a))
        along = (half + 44) / span;   /* clear of the arrowheads that arrive there */
    else if (lost && span > 0)
        along = LOST_ALONG / 2;
    if (along > 0.5)
        along = 0.5;
    double mx = x1 + along * fx, my = y1 + along * fy;
    double angle = atan2(fy, fx) * 180.0 / LADDER_PI;
    if (angle > 90)
        angle -= 180;
    else if (angle < -90)
        angle += 180;
    char attrs[256];
    snprintf(attrs, sizeof attrs,
             "class=\"label\" font-size=\"%d\" fill=\"%s\" stroke=\"#ffffff\" stroke-width=\"4\" "
             "paint-order=\"stroke\" transform=\"rotate(%.2f %.1f %.1f)\"",
             LABEL_FONT, a->retransmission ? SVG_RETX : color, angle, mx, my);
    svg_text(out, mx, my - 6, "middle", attrs, a->label);
    fputs("</g>\n", out);
}

static void draw_mark(const struct ladder *l, const struct svg_layout *lay, FILE *out,
                      const struct ladder_mark *m)
{
    double x = lay->x[m->node], y = y_of(lay, m->time, m->slot);
    double w = text_width(m->text, SVG_CHAR_W) + 12;
    double bx = m->node == 0 ? x - 12 - w : x + 12;

    fprintf(out, "<g class=\"%s\" data-node=\"", m->is_note ? "note" : "state");
    svg_escaped(out, l->nodes[m->node].name);
    fprintf(out, "\" data-y=\"%.1f\">\n", y);
    if (m->is_note) {
        /* a note, often long, goes inside the diagram, right of its line */
        svg_text(out, x + 10, y + 4, "start",
                 "font-size=\"11\" font-style=\"italic\" fill=\"" SVG_MUTED "\"", m->text);
    } else {
        fprintf(out,
                "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"#555555\"/>\n"
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"19\" rx=\"4\" "
                "fill=\"#fff4cc\" stroke=\"#c9a227\"/>\n",
                x, y, bx, y - 10, w);
        svg_text(out, bx + 6, y + 4.5, "start", "fill=\"#5a4500\"", m->text);
    }
    fputs("</g>\n", out);
}

int ladder_write_svg(const struct ladder *l, FILE *out)
{
    struct svg_layout lay;

    memset(&lay, 0, sizeof lay);
    if (l->node_count == 0) {
        svg_begin(out, 420, 60, "empty ladder");
        svg_text(out, 20, 35, "start", "", "nothing to draw: no packets or states");
        svg_end(out);
        return ferror(out) ? -EIO : 0;
    }
    if (collect_instants(l, &lay) < 0)
        return -ENOMEM;
    place_rows(l, &lay);
    place_columns(l, &lay);

    svg_begin(out, lay.width, lay.height, l->title[0] ? l->title : "ladder diagram");
    fputs("<defs>\n", out);
    for (size_t i = 0; i < SENDER_COLORS; i++) {
        char id[16];
        snprintf(id, sizeof id, "head%zu", i);
        svg_arrowhead(out, id, sender_colors[i]);
    }
    svg_arrowhead(out, "head-1", SVG_RETX);
    fputs("</defs>\n", out);
    draw_header(l, &lay, out);
    draw_timelines(l, &lay, out);
    draw_times(l, &lay, out);
    for (size_t k = 0; k < l->mark_count; k++)
        draw_mark(l, &lay, out, &l->marks[k]);
    for (size_t k = 0; k < l->arrow_count; k++)
        draw_arrow(l, &lay, out, &l->arrows[k]);
    svg_end(out);
    free(lay.at);
    return ferror(out) ? -EIO : 0;
}
