/*
 * tcp_print.c — what `ss -tan` and `netstat -s` show: the connection
 * listing and the counters.
 *
 * The listing is where the seed's CLOSE_WAIT lesson becomes visible: a
 * server that never closes the connections its clients have closed piles
 * them up in CLOSE-WAIT, one line each.
 */
#include "stack/transport/tcp_internal.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "stack/net/ip4.h"

/* The `ss -i` part: only a synchronized connection has windows and an RTT. */
static void fill_detail(const struct tcb *tcb, struct tcp_conn_info *info)
{
    struct tcp_info ti;
    info->has_detail = tcb->state != TCP_LISTEN && tcb->state != TCP_SYN_SENT &&
                       tcb->state != TCP_CLOSED;
    if (!info->has_detail)
        return;
    tcp_get_info(tcb, &ti);
    info->rto = ti.rto;
    info->srtt = ti.has_rtt ? ti.srtt : 0;
    info->mss = ti.snd_mss;
    info->cwnd = ti.cwnd;
    info->ssthresh = ti.ssthresh;
    info->snd_wnd = ti.snd_wnd;
    info->rcv_wnd = ti.rcv_wnd;
}

static void fill_info(const struct tcb *tcb, struct tcp_conn_info *info, usec_t now)
{
    const struct timer *t = NULL;

    info->state = tcb->state;
    info->local_ip = tcb->local_ip;
    info->local_port = tcb->local_port;
    info->remote_ip = tcb->remote_ip;
    info->remote_port = tcb->remote_port;
    info->retries = tcb->retries;
    info->orphan = !tcb->user_attached;
    if (tcb->state == TCP_LISTEN) {
        /* ss shows a listener's accept queue and its backlog. */
        info->recv_q = tcb->accept_queue.count;
        info->send_q = tcb->backlog;
    } else {
        info->recv_q = tcp_buf_len(&tcb->rcvbuf);
        info->send_q = tcp_buf_len(&tcb->sndbuf);
    }
    info->timer = "off";
    if (timer_armed(&tcb->tw_timer)) {
        t = &tcb->tw_timer;
        info->timer = "timewait";
    } else if (timer_armed(&tcb->rto_timer)) {
        t = &tcb->rto_timer;
        info->timer = "on";
    } else if (timer_armed(&tcb->persist_timer)) {
        t = &tcb->persist_timer;
        info->timer = "persist";
    } else if (timer_armed(&tcb->keepalive_timer)) {
        t = &tcb->keepalive_timer;
        info->timer = "keepalive";
        info->retries = tcb->keepalive_probes_out;
    }
    info->timer_left = t && t->deadline > now ? t->deadline - now : 0;
    fill_detail(tcb, info);
}

/* A half-open connection: an entry of a listener's SYN cache, shown as
 * SYN-RECV with its SYN+ACK timer, as ss shows Linux's request sockets. */
static void fill_entry_info(const struct tcb *listener, const struct tcp_syncache_entry *e,
                            struct tcp_conn_info *info, usec_t now)
{
    memset(info, 0, sizeof *info);
    info->state = TCP_SYN_RECV;
    info->local_ip = e->local_ip;
    info->local_port = listener->local_port;
    info->remote_ip = e->remote_ip;
    info->remote_port = e->remote_port;
    info->timer = "on";
    info->timer_left = e->next_rtx > now ? e->next_rtx - now : 0;
    info->retries = e->retries;
    info->orphan = true;   /* no user holds it: accept() cannot see it yet */
}

/* Listeners first, then by local port, then remote port (like ss). */
static int compare_infos(const void *a, const void *b)
{
    const struct tcp_conn_info *x = a, *y = b;
    int lx = x->state == TCP_LISTEN, ly = y->state == TCP_LISTEN;

    if (lx != ly)
        return ly - lx;
    if (x->local_port != y->local_port)
        return x->local_port < y->local_port ? -1 : 1;
    if (x->remote_ip != y->remote_ip)
        return x->remote_ip < y->remote_ip ? -1 : 1;
    if (x->remote_port != y->remote_port)
        return x->remote_port < y->remote_port ? -1 : 1;
    return 0;
}

struct listing {
    struct tcp_conn_info *v;
    size_t n;
    usec_t now;
};

static void add_entry(void *ctx, const struct tcb *listener, const struct tcp_syncache_entry *e)
{
    struct listing *l = ctx;

    fill_entry_info(listener, e, &l->v[l->n++], l->now);
}

void tcp_foreach_conn(struct tcp *tcp, tcp_conn_fn fn, void *ctx, usec_t now)
{
    size_t cap = 0;
    struct listing l = {.now = now};

    for (struct tcb *t = tcp->all; t; t = t->all_next)
        cap += 1 + (t->syncache ? t->syncache->count : 0);
    if (cap == 0)
        return;
    l.v = malloc(cap * sizeof *l.v);
    if (!l.v)
        return;
    for (struct tcb *t = tcp->all; t; t = t->all_next) {
        /* A bound socket that never listened nor connected is not a
         * connection; ss -t lists it only with -a as UNCONN. Skip it. */
        if (t->state == TCP_CLOSED && !t->remote_port)
            continue;
        memset(&l.v[l.n], 0, sizeof l.v[l.n]);
        fill_info(t, &l.v[l.n++], now);
        if (t->state == TCP_LISTEN)
            tcp_syncache_foreach(t, add_entry, &l);
    }
    qsort(l.v, l.n, sizeof *l.v, compare_infos);
    for (size_t i = 0; i < l.n; i++)
        fn(ctx, &l.v[i]);
    free(l.v);
}

static void print_one(void *ctx, const struct tcp_conn_info *c)
{
    FILE *out = ctx;
    char l[16], r[16], local[24], peer[24], timer[48] = "";

    ip4_format_addr(c->local_ip, l, sizeof l);
    ip4_format_addr(c->remote_ip, r, sizeof r);
    snprintf(local, sizeof local, "%s:%u", l, (unsigned)c->local_port);
    if (c->state == TCP_LISTEN)
        snprintf(peer, sizeof peer, "%s:*", r);
    else
        snprintf(peer, sizeof peer, "%s:%u", r, (unsigned)c->remote_port);
    if (c->timer[0] != 'o' || c->timer[1] != 'f')
        snprintf(timer, sizeof timer, "timer:(%s,%.3fs,%u)", c->timer,
                 (double)c->timer_left / USEC_PER_SEC, c->retries);
    fprintf(out, "%-11s %-6zu %-6zu %-21s %-21s %s\n", tcp_state_ss_name(c->state), c->recv_q,
            c->send_q, local, peer, timer);
    if (!c->has_detail)
        return;
    char ssthresh[16] = "-";
    if (c->ssthresh != UINT32_MAX)
        snprintf(ssthresh, sizeof ssthresh, "%u", (unsigned)c->ssthresh);
    fprintf(out, "            rto:%.0f rtt:%.1f mss:%u cwnd:%u ssthresh:%s snd_wnd:%u rcv_wnd:%u\n",
            (double)c->rto / USEC_PER_MSEC, (double)c->srtt / USEC_PER_MSEC, (unsigned)c->mss,
            (unsigned)c->cwnd, ssthresh, (unsigned)c->snd_wnd, (unsigned)c->rcv_wnd);
}

void tcp_print_conns(struct tcp *tcp, FILE *out, usec_t now)
{
    fprintf(out, "%-11s %-6s %-6s %-21s %-21s %s\n", "State", "Recv-Q", "Send-Q",
            "Local Address:Port", "Peer Address:Port", "Timer");
    tcp_foreach_conn(tcp, print_one, out, now);
}

void tcp_print_stats(const struct tcp *tcp, FILE *out)
{
    const struct tcp_stats *s = &tcp->stats;
    unsigned estab = 0;

    for (const struct tcb *t = tcp->all; t; t = t->all_next)
        estab += t->state == TCP_ESTABLISHED || t->state == TCP_CLOSE_WAIT;
#define LINE(value, text) fprintf(out, "    %" PRIu64 " " text "\n", (uint64_t)(value))
    fprintf(out, "Tcp:\n");
    LINE(s->active_opens, "active connection openings");
    LINE(s->passive_opens, "passive connection openings");
    LINE(s->attempt_fails, "failed connection attempts");
    LINE(s->estab_resets, "connection resets received");
    LINE(estab, "connections established");
    LINE(s->segs_in, "segments received");
    LINE(s->segs_out, "segments sent out");
    LINE(s->retrans_segs, "segments retransmitted");
    LINE(s->in_errs, "bad segments received");
    LINE(s->out_rsts, "resets sent");
    LINE(s->bad_checksum, "segments with a bad checksum");
    fprintf(out, "TcpExt:\n");
    LINE(s->bad_header, "segments with a bad header");
    LINE(s->bad_options, "segments with bad option lengths");
    LINE(s->in_rsts, "resets received that closed a connection");
    LINE(s->no_port, "segments to a closed port (answered with RST)");
    LINE(s->drop_rst_no_tcb, "resets for no connection (dropped)");
    LINE(s->drop_bcast, "segments to broadcast or multicast (dropped)");
    LINE(s->drop_not_acceptable, "segments outside the receive window");
    LINE(s->drop_bad_ack, "segments with an unacceptable ACK");
    LINE(s->drop_no_ack, "segments without ACK in a synchronized state");
    LINE(s->drop_listen, "segments a listener could not use");
    LINE(s->drop_syn_sent, "segments SYN-SENT could not use");
    LINE(s->ooo_queued, "out-of-order segments held");
    LINE(s->drop_out_of_order, "out-of-order segments dropped (too many holes)");
    LINE(s->syn_queue_full, "SYNs dropped because the SYN cache was full");
    LINE(s->syncache_added, "SYNs given an entry in the SYN cache");
    LINE(s->syncache_completed, "SYN cache entries completed by the final ACK");
    LINE(s->syncache_dropped, "SYN cache entries that never completed");
    LINE(s->syncache_timed_out, "SYN cache entries timed out (SYN+ACK unanswered)");
    LINE(s->syncache_reset, "SYN cache entries reset by the peer");
    LINE(s->syncache_overflowed, "SYNs that found the SYN cache full");
    LINE(s->syncookies_sent, "SYN cookies sent (RFC 4987)");
    LINE(s->syncookies_accepted, "SYN cookies accepted: connections built from the final ACK");
    LINE(s->syncookies_rejected, "ACKs to a listener with a bad or too old cookie");
    LINE(s->accept_queue_full, "times the accept queue was full (ListenOverflows)");
    LINE(s->challenge_acks, "challenge ACKs sent (RFC 5961)");
    LINE(s->challenge_acks_limited, "challenge ACKs suppressed by the rate limit");
    LINE(s->rst_in_window, "in-window resets challenged");
    LINE(s->syn_in_window, "SYNs in synchronized states challenged");
    LINE(s->timeouts, "connections dropped after retransmission timeouts");
    LINE(s->persist_probes, "zero-window probes sent");
    LINE(s->keepalive_probes, "keep-alive probes sent");
    LINE(s->keepalive_drops, "connections dropped by keep-alive");
    LINE(s->user_timeouts, "connections dropped by their user timeout");
    LINE(s->dup_acks, "duplicate ACKs received");
    LINE(s->fast_retransmits, "fast retransmits");
    LINE(s->timewait_reacks, "FINs re-acknowledged in TIME-WAIT");
    LINE(s->timewait_recycled, "TIME-WAIT connections reopened by a new SYN");
    LINE(s->timewait_rst_ignored, "resets ignored in TIME-WAIT (RFC 1337)");
    LINE(s->timewait_overflow, "connections closed without TIME-WAIT: too many in it already");
    LINE(s->data_after_close, "connections reset on data after close");
    LINE(s->out_no_route, "segments IPv4 could not send");
    LINE(s->icmp_errors, "ICMP errors received");
#undef LINE
}
