/*
 * ladder_text.c — the ladder in fixed-width text, one line per event, for
 * terminals and golden-file tests:
 *
 *   time (ms)              client                              server   arrives
 *           0  [SYN_SENT]  |                                    |
 *           0              |---- SYN seq=0 win=65535 mss=1460 ->|       1
 *           1              |                                    |  [SYN_RECV]
 *
 * A packet is one line at its send time; its arrival time is in the right
 * column ("lost" for a lost one, whose arrow ends in an X short of the
 * receiver). Text has no slant, so the column is where the delay shows. A
 * long idle stretch (see ladder_is_gap) is one ':' line saying how long.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tools/draw/ladder_priv.h"

#define TIME_COL 11   /* "time (ms)" right-aligned, then two spaces */
#define MIN_SPACING 20

struct text_item {
    usec_t time;
    size_t key;
    int sub;
    const struct ladder_arrow *arrow;   /* or */
    const struct ladder_mark *mark;
};

struct text_layout {
    int x[LADDER_MAX_NODES];   /* column of each timeline */
    int arrive_col;            /* 0: no arrival column (no delays to show) */
    int width;
};

static int compare_text_items(const void *pa, const void *pb)
{
    const struct text_item *a = pa, *b = pb;
    if (a->time != b->time)
        return a->time < b->time ? -1 : 1;
    if (a->key != b->key)
        return a->key < b->key ? -1 : 1;
    return a->sub - b->sub;
}

static int mark_width(const struct ladder_mark *m)
{
    return (int)strlen(m->text) + 2;   /* [STATE] or (note) */
}

static void layout(const struct ladder *l, struct text_layout *lay)
{
    int left = 0, right = 0, longest = 0;
    int last = (int)l->node_count - 1;

    for (size_t k = 0; k < l->mark_count; k++) {
        int w = mark_width(&l->marks[k]);
        if (l->marks[k].node == 0 && !l->marks[k].is_note && w > left)
            left = w;
        else if (l->marks[k].node != 0 && w > right)
            right = w;
    }
    for (size_t k = 0; k < l->arrow_count; k++) {
        int w = (int)strlen(l->arrows[k].label);
        if (w > longest)
            longest = w;
    }
    /* room for the label, two dashes and a space each side, and the X of a
     * lost arrow with four blanks before the receiver */
    int spacing = longest + 12 > MIN_SPACING ? longest + 12 : MIN_SPACING;
    /* node 0's states and name both fit between the time column and its line */
    int x0 = (int)strlen(l->nodes[0].name) / 2;
    if (left > 0 && left + 2 > x0)
        x0 = left + 2;
    for (int i = 0; i <= last; i++)
        lay->x[i] = TIME_COL + x0 + i * spacing;
    lay->width = lay->x[last > 0 ? last : 0] + 3 + right;
    int name_end = lay->x[last > 0 ? last : 0] + (int)strlen(l->nodes[last > 0 ? last : 0].name);
    if (name_end + 1 > lay->width)
        lay->width = name_end + 1;
    lay->arrive_col = l->typical_delay > 0 ? lay->width + 2 : 0;
    if (lay->arrive_col)
        lay->width = lay->arrive_col + 8;
}

static void put(char *line, int width, int col, const char *s)
{
    for (int i = 0; s[i] != '\0' && col + i < width; i++)
        if (col + i >= 0)
            line[col + i] = s[i];
}

static void print_line(FILE *out, char *line, int width)
{
    int end = width;
    while (end > 0 && line[end - 1] == ' ')
        end--;
    fprintf(out, "%.*s\n", end, line);
}

static void start_line(const struct ladder *l, const struct text_layout *lay, char *line,
                       char timeline)
{
    memset(line, ' ', (size_t)lay->width);
    for (size_t i = 0; i < l->node_count; i++)
        line[lay->x[i]] = timeline;
}

static void put_time(char *line, usec_t t)
{
    char when[32];
    ladder_format_ms(t, when, sizeof when);
    int len = (int)strlen(when);
    put(line, TIME_COL, TIME_COL - 2 - len, when);
}

/* The arrow's cells between the two timelines: dashes, the head, the
 * label in the middle; a lost arrow stops in an X four cells short. */
static void draw_arrow(const struct ladder *l, const struct text_layout *lay, char *line,
                       const struct ladder_arrow *a)
{
    int xf = lay->x[a->from], xt = lay->x[a->to];
    bool right = xt > xf;
    int lo = (right ? xf : xt) + 1, hi = right ? xt : xf;   /* cells [lo, hi) */
    bool lost = a->kind == LADDER_LOST;
    int body_lo = lo, body_hi = hi;

    for (int c = lo; c < hi; c++)
        line[c] = '-';
    if (lost && hi - lo > 6) {
        int x_cell = right ? hi - 5 : lo + 4;
        for (int c = lo; c < hi; c++)
            if (right ? c > x_cell : c < x_cell)
                line[c] = ' ';
        line[x_cell] = 'X';
        body_lo = right ? lo : x_cell + 1;
        body_hi = right ? x_cell : hi;
    } else {
        line[right ? hi - 1 : lo] = right ? '>' : '<';
        body_lo += right ? 0 : 1;
        body_hi -= right ? 1 : 0;
    }
    char text[PKT_LABEL_LEN + 4];
    int room = body_hi - body_lo - 4;   /* keep two dashes each side */
    if (room < 3)
        return;
    snprintf(text, sizeof text, " %.*s ", room - 2, a->label);
    int len = (int)strlen(text);
    put(line, lay->width, body_lo + (body_hi - body_lo - len) / 2, text);

    if (lay->arrive_col) {
        char when[32] = "lost";
        if (!lost)
            ladder_format_ms(a->t_recv - l->t0, when, sizeof when);
        put(line, lay->width, lay->arrive_col, when);
    }
}

static void draw_mark(const struct text_layout *lay, char *line, const struct ladder_mark *m)
{
    char text[LADDER_TEXT_LEN + 4];
    snprintf(text, sizeof text, m->is_note ? "(%s)" : "[%s]", m->text);
    int len = (int)strlen(text);
    /* states sit outside the first timeline; notes, often long, inside */
    int col = m->node == 0 && !m->is_note ? lay->x[0] - 2 - len : lay->x[m->node] + 2;
    put(line, lay->width, col, text);
}

static void draw_gap(const struct ladder *l, const struct text_layout *lay, char *line,
                     usec_t d)
{
    char text[64], dur[32];
    ladder_format_duration(d, dur, sizeof dur);
    snprintf(text, sizeof text, " %s later ", dur);
    int len = (int)strlen(text);
    int left = lay->x[0], right = lay->x[l->node_count - 1];
    int col = right > left ? left + (right - left - len) / 2 + 1 : left + 2;
    put(line, lay->width, col, text);
}

static void print_header(const struct ladder *l, const struct text_layout *lay, char *line)
{
    memset(line, ' ', (size_t)lay->width);
    put(line, lay->width, TIME_COL - 2 - 9, "time (ms)");
    int end = 0;
    for (size_t i = 0; i < l->node_count; i++) {
        int len = (int)strlen(l->nodes[i].name);
        int col = lay->x[i] - len / 2;
        if (col <= end)
            col = end + 1;
        put(line, lay->width, col, l->nodes[i].name);
        end = col + len;
    }
    if (lay->arrive_col)
        put(line, lay->width, lay->arrive_col, "arrives");
}

int ladder_write_text(const struct ladder *l, FILE *out)
{
    struct text_layout lay;
    size_t n = 0;

    if (l->title[0])
        fprintf(out, "# %s\n", l->title);
    if (l->caption[0])
        fprintf(out, "# %s\n", l->caption);
    if (l->node_count == 0) {
        fprintf(out, "(nothing to draw: no packets or states)\n");
        return ferror(out) ? -EIO : 0;
    }
    if (l->t0 != 0) {
        char t0[32];
        trace_format_time(l->t0, t0, sizeof t0);
        fprintf(out, "# time 0 is %s s in the trace\n", t0);
    }
    layout(l, &lay);
    char *line = malloc((size_t)lay.width + 1);
    struct text_item *items = calloc(l->arrow_count + l->mark_count + 1, sizeof *items);
    if (line == NULL || items == NULL) {
        free(line);
        free(items);
        return -ENOMEM;
    }
    for (size_t k = 0; k < l->arrow_count; k++) {
        const struct ladder_arrow *a = &l->arrows[k];
        items[n++] = (struct text_item){a->t_send, a->ev_send != LADDER_NONE ? a->ev_send : a->ev_recv,
                                        a->duplicate ? 1 : 0, a, NULL};
    }
    for (size_t k = 0; k < l->mark_count; k++)
        items[n++] = (struct text_item){l->marks[k].time, l->marks[k].ev, 0, NULL, &l->marks[k]};
    qsort(items, n, sizeof *items, compare_text_items);

    print_header(l, &lay, line);
    print_line(out, line, lay.width);
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && ladder_is_gap(l, items[i - 1].time, items[i].time)) {
            start_line(l, &lay, line, ':');
            draw_gap(l, &lay, line, items[i].time - items[i - 1].time);
            print_line(out, line, lay.width);
        }
        start_line(l, &lay, line, '|');
        put_time(line, items[i].time - l->t0);
        if (items[i].arrow != NULL)
            draw_arrow(l, &lay, line, items[i].arrow);
        else
            draw_mark(&lay, line, items[i].mark);
        print_line(out, line, lay.width);
    }
    free(line);
    free(items);
    return ferror(out) ? -EIO : 0;
}
