/*
 * plot_conn.c — which connection, which direction and which node's view a
 * plot shows (see plots.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tools/draw/plot_priv.h"

static bool tcp_packet(const struct trace_event *ev, struct pkt_info *info)
{
    if (ev->kind != TRACE_PKT_IN && ev->kind != TRACE_PKT_OUT && ev->kind != TRACE_PKT_LOST)
        return false;
    pkt_info_decode(ev, info);
    return info->proto == PKT_TCP;
}

/* Payload bytes each way. A packet may appear twice (sent at one node,
 * received at another) or once (a trace of one side only), so each
 * direction counts the larger of its sends and its receives. */
static void count_bytes(const struct trace *t, const struct conn_id *c, uint64_t *ab, uint64_t *ba)
{
    struct pkt_info info;
    uint64_t sent[3] = {0, 0, 0}, received[3] = {0, 0, 0};
    for (size_t i = 0; i < t->count; i++) {
        const struct trace_event *ev = &t->events[i];
        if ((ev->kind != TRACE_PKT_OUT && ev->kind != TRACE_PKT_IN) || !tcp_packet(ev, &info))
            continue;
        enum conn_dir d = conn_direction(c, &info);
        if (ev->kind == TRACE_PKT_OUT)
            sent[d] += info.payload;
        else
            received[d] += info.payload;
    }
    *ab = sent[CONN_A_TO_B] > received[CONN_A_TO_B] ? sent[CONN_A_TO_B] : received[CONN_A_TO_B];
    *ba = sent[CONN_B_TO_A] > received[CONN_B_TO_A] ? sent[CONN_B_TO_A] : received[CONN_B_TO_A];
}

int plot_choose_conn(const struct trace *t, const char *conn_opt, struct conn_id *c, char *err,
                     size_t errlen)
{
    struct pkt_info info;
    bool found = false;

    if (conn_opt != NULL && conn_parse(conn_opt, c) < 0) {
        snprintf(err, errlen, "--conn must look like 10.0.0.1:40000>10.0.0.2:80, not '%s'",
                 conn_opt);
        return -EINVAL;
    }
    for (size_t i = 0; i < t->count && !found; i++) {
        if (!tcp_packet(&t->events[i], &info))
            continue;
        if (conn_opt == NULL) {
            conn_of_packet(&info, c);
            found = true;
        } else {
            found = conn_direction(c, &info) != CONN_NONE;
        }
    }
    if (!found) {
        if (conn_opt != NULL)
            snprintf(err, errlen, "no packet of connection %s in the trace", conn_opt);
        else
            snprintf(err, errlen, "no TCP segment in the trace");
        return -EINVAL;
    }
    if (conn_opt == NULL) {
        uint64_t ab, ba;
        count_bytes(t, c, &ab, &ba);
        if (ba > ab) {
            struct conn_id r = {c->b_ip, c->a_ip, c->b_port, c->a_port};
            *c = r;
        }
    }
    return 0;
}

void plot_choose_node(const struct trace *t, const struct conn_id *c, char *node)
{
    struct pkt_info info;
    const char *in_node = NULL;
    for (size_t i = 0; i < t->count; i++) {
        const struct trace_event *ev = &t->events[i];
        if ((ev->kind != TRACE_PKT_OUT && ev->kind != TRACE_PKT_IN) || !tcp_packet(ev, &info) ||
            conn_direction(c, &info) != CONN_A_TO_B)
            continue;
        if (ev->kind == TRACE_PKT_OUT) {
            snprintf(node, TRACE_NODE_LEN, "%.*s", TRACE_NODE_LEN - 1, ev->node);
            return;
        }
        if (in_node == NULL)
            in_node = ev->node;
    }
    snprintf(node, TRACE_NODE_LEN, "%.*s", TRACE_NODE_LEN - 1, in_node ? in_node : "");
}

bool plot_tcp_event(const struct trace_event *ev, struct pkt_info *info)
{
    return tcp_packet(ev, info);
}

void plot_write_heading(FILE *out, const char *title, const char *caption, usec_t t0)
{
    svg_text(out, 20, 28, "start", "class=\"title\" font-size=\"16\" font-weight=\"bold\"", title);
    double y = 28;
    if (caption != NULL && caption[0]) {
        y += 17;
        svg_text(out, 20, y, "start",
                 "class=\"caption\" font-size=\"12\" font-style=\"italic\" fill=\"" SVG_MUTED "\"",
                 caption);
    }
    if (t0 != 0) {
        char when[32], text[64];
        trace_format_time(t0, when, sizeof when);
        snprintf(text, sizeof text, "time 0 is %s s in the trace", when);
        y += 17;
        svg_text(out, 20, y, "start", "class=\"caption\" font-size=\"12\" fill=\"" SVG_MUTED "\"",
                 text);
    }
}

double plot_ms(usec_t t, usec_t t0)
{
    return ((double)t - (double)t0) / 1000.0;
}

void plot_time_axis(usec_t t0, usec_t lo, usec_t hi, double *x_lo, double *x_hi)
{
    double a = plot_ms(lo, t0), b = plot_ms(hi, t0);
    double span = b - a;
    if (a > 0 && a < 0.25 * b)
        a = 0;
    if (!(span > 0))
        span = 1;
    *x_lo = a;
    *x_hi = b + 0.04 * span;
}
