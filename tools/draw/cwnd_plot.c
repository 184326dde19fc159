/*
 * cwnd_plot.c — the congestion window and slow-start threshold over time,
 * from the TRACE_VAR events a TCP sender records (see plots.h), with the
 * loss signals that explain each drop of the window.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "stack/core/seq.h"
#include "tools/draw/pkt_label.h"
#include "tools/draw/plot_priv.h"

static bool grow(void **array, size_t *cap, size_t count, size_t size)
{
    if (count < *cap)
        return true;
    size_t n = *cap ? 2 * *cap : 64;
    void *a = realloc(*array, n * size);
    if (a == NULL)
        return false;
    *array = a;
    *cap = n;
    return true;
}

bool cwnd_plot_ssthresh_unset(int64_t value)
{
    return value < 0 || value >= CWND_PLOT_INFINITE;
}

/* Is the subject this connection, written from its a side ("tcp a>b")? */
static bool subject_from_a(const struct conn_id *c, const char *subject)
{
    struct conn_id s;
    return conn_parse(subject, &s) == 0 && s.a_ip == c->a_ip && s.a_port == c->a_port &&
           s.b_ip == c->b_ip && s.b_port == c->b_port;
}

/* The node and subject whose variables to plot: the first "cwnd" of the
 * --conn connection (recorded by its a side, if that side recorded any),
 * or the first "cwnd" in the trace. */
static int choose_subject(const struct trace *t, const struct plot_options *opt,
                          struct cwnd_plot *p, char *err, size_t errlen)
{
    struct conn_id c;
    const struct trace_event *pick = NULL;

    if (opt->conn != NULL && conn_parse(opt->conn, &c) < 0) {
        snprintf(err, errlen, "--conn must look like 10.0.0.1:40000>10.0.0.2:80, not '%s'",
                 opt->conn);
        return -EINVAL;
    }
    for (size_t i = 0; i < t->count; i++) {
        const struct trace_event *ev = &t->events[i];
        if (ev->kind != TRACE_VAR || strcmp(ev->text, "cwnd") != 0)
            continue;
        if (opt->conn == NULL) {
            pick = ev;
            break;
        }
        if (subject_from_a(&c, ev->subject)) {
            pick = ev;
            break;
        }
        if (pick == NULL && conn_matches_subject(&c, ev->subject))
            pick = ev;
    }
    if (pick == NULL) {
        snprintf(err, errlen, "no \"cwnd\" variable%s%s in the trace (the TCP sender records it "
                 "with trace_var)", opt->conn ? " of " : "", opt->conn ? opt->conn : "");
        return -EINVAL;
    }
    snprintf(p->node, sizeof p->node, "%s", pick->node);
    snprintf(p->subject, sizeof p->subject, "%s", pick->subject);
    return 0;
}

/* A note that tells of a loss or its repair. */
static bool loss_note(const char *text)
{
    static const char *const words[] = {"retrans", "timeout", "loss", "lost", "fast recovery",
                                        "dupack", "dup ack", "rto"};
    char lower[TRACE_TEXT_LEN];
    size_t n = 0;
    for (; text[n] != '\0' && n + 1 < sizeof lower; n++)
        lower[n] = (char)tolower((unsigned char)text[n]);
    lower[n] = '\0';
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strstr(lower, words[i]) != NULL)
            return true;
    return false;
}

static int add_event(struct cwnd_plot *p, size_t *cap, usec_t time, enum cwnd_event_kind kind,
                     const char *text)
{
    if (!grow((void **)&p->events, cap, p->event_count, sizeof *p->events))
        return -ENOMEM;
    struct cwnd_event *e = &p->events[p->event_count++];
    e->time = time;
    e->kind = kind;
    snprintf(e->text, sizeof e->text, "%s", text);
    return 0;
}

int cwnd_plot_build(const struct trace *t, const struct plot_options *opt, struct cwnd_plot *p,
                    char *err, size_t errlen)
{
    size_t cwnd_cap = 0, ss_cap = 0, ev_cap = 0;
    struct conn_id c;
    bool have_conn, high_known = false;
    uint32_t high = 0;
    struct pkt_info info;
    int rc;

    memset(p, 0, sizeof *p);
    if ((rc = choose_subject(t, opt, p, err, errlen)) < 0)
        return rc;
    have_conn = conn_parse(p->subject, &c) == 0;   /* "tcp local>remote" */
    p->t0 = t->count > 0 ? t->events[0].time : 0;

    for (size_t i = 0; i < t->count && rc == 0; i++) {
        const struct trace_event *ev = &t->events[i];
        bool here = strncmp(ev->node, p->node, TRACE_NODE_LEN) == 0;
        if (ev->kind == TRACE_VAR && here && strcmp(ev->subject, p->subject) == 0) {
            bool is_cwnd = strcmp(ev->text, "cwnd") == 0;
            if (!is_cwnd && strcmp(ev->text, "ssthresh") != 0)
                continue;
            struct cwnd_point **arr = is_cwnd ? &p->cwnd : &p->ssthresh;
            size_t *count = is_cwnd ? &p->cwnd_count : &p->ssthresh_count;
            if (!grow((void **)arr, is_cwnd ? &cwnd_cap : &ss_cap, *count, sizeof **arr)) {
                rc = -ENOMEM;
                break;
            }
            (*arr)[(*count)++] = (struct cwnd_point){ev->time, ev->value};
        } else if (ev->kind == TRACE_NOTE && here && strcmp(ev->subject, p->subject) == 0 &&
                   loss_note(ev->text)) {
            rc = add_event(p, &ev_cap, ev->time, CWND_EV_NOTE, ev->text);
        } else if (have_conn && plot_tcp_event(ev, &info) &&
                   conn_direction(&c, &info) == CONN_A_TO_B) {
            uint32_t len = pkt_tcp_seg_len(&info);
            if (ev->kind == TRACE_PKT_LOST && len > 0) {
                rc = add_event(p, &ev_cap, ev->time, CWND_EV_DROP, "dropped by the link");
            } else if (ev->kind == TRACE_PKT_OUT && here && len > 0) {
                if ((info.flags & PKT_TCP_SYN) || !high_known) {
                    high = info.seq;
                    high_known = true;
                }
                if (seq_lt(info.seq, high))
                    rc = add_event(p, &ev_cap, ev->time, CWND_EV_RETX, "retransmission");
                high = seq_max(high, info.seq + len);
            }
        }
    }
    if (rc < 0) {
        snprintf(err, errlen, "out of memory");
        cwnd_plot_free(p);
    }
    return rc;
}

void cwnd_plot_free(struct cwnd_plot *p)
{
    free(p->cwnd);
    free(p->ssthresh);
    free(p->events);
    p->cwnd = p->ssthresh = NULL;
    p->events = NULL;
    p->cwnd_count = p->ssthresh_count = p->event_count = 0;
}
