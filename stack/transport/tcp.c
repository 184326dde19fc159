/*
 * tcp.c — the TCP instance and its connections' life cycle: create and
 * free, bind ports, name connections, and move them between states.
 *
 * Every tcb is on one list (`all`), which the listing walks; the tables
 * that find one without walking (by 4-tuple, by local port, the listeners)
 * are in tcp_table.c.
 */
#include "stack/transport/tcp_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "stack/core/log.h"
#include "stack/net/ip4.h"
#include "stack/net/ip4_route.h"
#include "stack/transport/tcp_cong.h"

/* What tcp_set_subject writes for a tcb with no addresses or ports yet. */
#define TCP_SUBJECT_UNBOUND "tcp 0.0.0.0:0>0.0.0.0:0"

void tcp_config_default(struct tcp_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->msl = usec_from_sec(30);
    cfg->rto_initial = usec_from_sec(1);
    cfg->rto_min = usec_from_msec(200);
    cfg->rto_max = usec_from_sec(120);
    cfg->syn_retries = 6;
    cfg->synack_retries = 5;
    cfg->retries = 15;
    cfg->connect_timeout = 0;
    cfg->fin_wait_2_timeout = usec_from_sec(60);
    cfg->max_syn_backlog = 128;
    cfg->max_backlog = 128;
    cfg->sndbuf = 64 * 1024;
    /* 1 MiB: the bandwidth-delay product of a TUN link at ~1 Gbit/s and a few ms
     * of RTT, or 100 Mbit/s at 80 ms. It needs window scaling (RFC 7323): the
     * smallest shift that fits it into 16 bits is 5 (1 MiB >> 5 = 32 KiB). A peer
     * that does not offer the option sees at most 65535 bytes, as before. */
    cfg->rcvbuf = 1024 * 1024;
    cfg->mss = 0;
    cfg->window_scaling = true;
    cfg->init_cwnd = 10;
    cfg->congestion = "reno";
    cfg->syncookies = false;
    cfg->delack_timeout = usec_from_msec(40);
    cfg->keepalive_idle = usec_from_sec(2 * 3600);
    cfg->keepalive_interval = usec_from_sec(75);
    cfg->keepalive_count = 9;
    cfg->challenge_ack_limit = 1000;
    cfg->rfc1337 = false;
}

static void random_key(struct rng *rng, struct siphash_key *key)
{
    key->k[0] = rng_u64(rng);
    key->k[1] = rng_u64(rng);
}

struct tcp *tcp_new(struct ip4 *ip, struct timerq *timers, struct rng *rng,
                    struct trace *trace, const char *node, const struct tcp_config *cfg)
{
    struct tcp *tcp = calloc(1, sizeof *tcp);

    if (!tcp)
        return NULL;
    tcp->ip = ip;
    tcp->timers = timers;
    tcp->rng = rng;
    tcp->trace = trace;
    snprintf(tcp->node, sizeof tcp->node, "%s", node ? node : "stack");
    if (cfg)
        tcp->cfg = *cfg;
    else
        tcp_config_default(&tcp->cfg);
    random_key(rng, &tcp->isn_key);
    random_key(rng, &tcp->hash_key);
    if (tcp_table_init(&tcp->table) < 0) {
        free(tcp);
        return NULL;
    }
    if (ip4_register_protocol(ip, IP4_PROTO_TCP, tcp_input, tcp_icmp_error, tcp) < 0) {
        tcp_table_free(&tcp->table);
        free(tcp);
        return NULL;
    }
    return tcp;
}

void tcp_free(struct tcp *tcp)
{
    if (!tcp)
        return;
    while (tcp->all) {
        struct tcb *tcb = tcp->all;

        tcp_timer_cancel_all(tcb);
        tcb->user_attached = false;
        tcb->parent = NULL;
        tcb->hashed = false;   /* the table goes with tcp */
        tcb->state = TCP_CLOSED;
        tcp_tcb_free(tcb);
    }
    tcp_table_free(&tcp->table);
    free(tcp);
}

const struct tcp_config *tcp_get_config(const struct tcp *tcp) { return &tcp->cfg; }
void tcp_set_config(struct tcp *tcp, const struct tcp_config *cfg) { tcp->cfg = *cfg; }
const struct tcp_stats *tcp_get_stats(const struct tcp *tcp) { return &tcp->stats; }

/* ---- lookups ---- */

int tcp_state_of(struct tcp *tcp, uint32_t lip, uint16_t lport, uint32_t rip, uint16_t rport)
{
    struct tcb *t;

    if (rip == 0 && rport == 0) {
        t = tcp_lookup_listener(tcp, lip, lport);
        return t ? t->state : TCP_CLOSED;
    }
    t = tcp_lookup(tcp, lip, lport, rip, rport);
    if (t)
        return t->state;
    /* A half-open connection has no tcb: it is an entry of the listener's
     * SYN cache, in SYN-RECEIVED. */
    t = tcp_lookup_listener(tcp, lip, lport);
    if (t && tcp_syncache_lookup(t, lip, rip, rport))
        return TCP_SYN_RECV;
    return TCP_CLOSED;
}

/* ---- life cycle ---- */

struct tcb *tcp_tcb_alloc(struct tcp *tcp)
{
    struct tcb *tcb = calloc(1, sizeof *tcb);

    if (!tcb)
        return NULL;
    tcb->tcp = tcp;
    tcb->state = TCP_CLOSED;
    tcp_buf_init(&tcb->sndbuf, tcp->cfg.sndbuf);
    tcp_buf_init(&tcb->rcvbuf, tcp->cfg.rcvbuf);
    tcb->rto = tcp->cfg.rto_initial;
    tcb->cwnd = UINT32_MAX;
    tcb->ssthresh = UINT32_MAX;
    tcp_timer_init(tcb);
    tcp_keepalive_init(tcb);
    memcpy(tcb->subject, TCP_SUBJECT_UNBOUND, sizeof TCP_SUBJECT_UNBOUND);
    tcb->all_next = tcp->all;
    if (tcp->all)
        tcp->all->all_prev = tcb;
    tcp->all = tcb;
    return tcb;
}

void tcp_tcb_free(struct tcb *tcb)
{
    struct tcp *tcp = tcb->tcp;

    tcp_timer_cancel_all(tcb);
    tcp_syncache_free(tcb);
    tcp_hash_remove(tcb);
    tcp_port_release(tcb);
    if (tcb->all_prev)
        tcb->all_prev->all_next = tcb->all_next;
    else
        tcp->all = tcb->all_next;
    if (tcb->all_next)
        tcb->all_next->all_prev = tcb->all_prev;
    tcp_buf_free(&tcb->sndbuf);
    tcp_buf_free(&tcb->rcvbuf);
    free(tcb);
}

/* The subject is written for every connection opened, traced or not, so
 * it is put together by hand: its three snprintf calls took as many
 * instructions as all the rest of opening a connection (issue 12). */
static char *put_decimal(char *out, unsigned n)
{
    char digits[10];
    int k = 0;

    do {
        digits[k++] = (char)('0' + n % 10);
        n /= 10;
    } while (n);
    while (k > 0)
        *out++ = digits[--k];
    return out;
}

/* "a.b.c.d:port" */
static char *put_endpoint(char *out, uint32_t ip, uint16_t port)
{
    for (int shift = 24; shift >= 0; shift -= 8) {
        out = put_decimal(out, (ip >> shift) & 0xFF);
        *out++ = shift > 0 ? '.' : ':';
    }
    return put_decimal(out, port);
}

void tcp_format_subject(char *out, size_t outlen, uint32_t lip, uint16_t lport, uint32_t rip,
                        uint16_t rport)
{
    char s[sizeof "tcp 255.255.255.255:65535>255.255.255.255:65535"];
    char *end = s;
    size_t n;

    memcpy(end, "tcp ", 4);
    end = put_endpoint(end + 4, lip, lport);
    *end++ = '>';
    end = put_endpoint(end, rip, rport);
    if (outlen == 0)
        return;
    /* As snprintf would: cut short to fit, always terminated. */
    n = (size_t)(end - s) < outlen - 1 ? (size_t)(end - s) : outlen - 1;
    memcpy(out, s, n);
    out[n] = '\0';
}

void tcp_set_subject(struct tcb *tcb)
{
    tcp_format_subject(tcb->subject, sizeof tcb->subject, tcb->local_ip, tcb->local_port,
                       tcb->remote_ip, tcb->remote_port);
}

/* RFC 4022's counters are defined by transitions; count them here, where
 * every transition passes. */
static void count_transition(struct tcp_stats *s, int from, int to)
{
    if (from == TCP_CLOSED && to == TCP_SYN_SENT)
        s->active_opens++;
    if (from == TCP_LISTEN && to == TCP_SYN_RECV)
        s->passive_opens++;
    if ((from == TCP_SYN_SENT || from == TCP_SYN_RECV) &&
        (to == TCP_CLOSED || to == TCP_LISTEN))
        s->attempt_fails++;
    if ((from == TCP_ESTABLISHED || from == TCP_CLOSE_WAIT) && to == TCP_CLOSED)
        s->estab_resets++;
}

void tcp_note_transition(struct tcp *tcp, const char *subject, int from, int to, usec_t now)
{
    count_transition(&tcp->stats, from, to);
    log_debug("tcp", "%s: %s -> %s", subject, tcp_state_name(from), tcp_state_name(to));
    trace_state(tcp->trace, now, tcp->node, subject, tcp_state_name(from), tcp_state_name(to));
}

void tcp_set_state(struct tcb *tcb, int state, usec_t now)
{
    struct tcp *tcp = tcb->tcp;
    int from = tcb->state;

    if (from == state)
        return;
    if (!tcp_state_transition_legal(from, state)) {
        /* A bug, not bad input: say so loudly, but keep going. */
        log_error("tcp", "%s: illegal transition %s -> %s", tcb->subject,
                  tcp_state_name(from), tcp_state_name(state));
        trace_note(tcp->trace, now, tcp->node, tcb->subject, "illegal transition %s -> %s",
                   tcp_state_name(from), tcp_state_name(state));
    }
    /* The listener table holds exactly the tcbs in LISTEN. */
    if (from == TCP_LISTEN)
        tcp_listener_remove(tcb);
    tcb->state = state;
    if (state == TCP_LISTEN)
        tcp_listener_add(tcb);
    tcp_note_transition(tcp, tcb->subject, from, state, now);
}

void tcp_notify_user(struct tcb *tcb, usec_t now)
{
    if (tcb->user_attached && tcb->notify)
        tcb->notify(tcb->notify_ctx, tcb, now);
    else if (tcb->parent && tcb->parent->notify && tcb->parent->user_attached)
        tcb->parent->notify(tcb->parent->notify_ctx, tcb->parent, now);
}

void tcp_tcb_done(struct tcb *tcb, int err, usec_t now)
{
    tcp_timer_cancel_all(tcb);
    if (tcb->parent)
        tcp_listen_unlink(tcb);
    tcp_set_state(tcb, TCP_CLOSED, now);
    tcp_hash_remove(tcb);
    tcp_buf_free(&tcb->sndbuf);
    if (err) {
        /* RFC 9293 §3.10.7.4: on reset "all segment queues should be
         * flushed"; a clean close leaves unread data for the user. */
        tcp_buf_free(&tcb->rcvbuf);
        tcb->error = err;
    }
    if (tcb->user_attached) {
        tcp_notify_user(tcb, now);
        return;
    }
    tcp_tcb_free(tcb);
}

/* ---- ports ---- */

uint16_t tcp_pick_ephemeral(struct tcp *tcp)
{
    uint32_t range = TCP_EPHEMERAL_LAST - TCP_EPHEMERAL_FIRST + 1;
    uint32_t start = rng_below(tcp->rng, range);

    /* RFC 6056 §3.3.1 (algorithm 1): a random start, then the next free one. */
    for (uint32_t i = 0; i < range; i++) {
        uint16_t port = (uint16_t)(TCP_EPHEMERAL_FIRST + (start + i) % range);

        if (!tcp_port_find(tcp, port))
            return port;   /* no tcb is bound to it */
    }
    return 0;
}

/* May tcb take ip:port while `other`, one of the port's holders, holds it? */
static bool bind_conflict(const struct tcb *tcb, const struct tcb *other, uint32_t ip)
{
    if (ip != 0 && other->local_ip != 0 && ip != other->local_ip)
        return false;   /* different local addresses do not overlap */
    /* SO_REUSEADDR's meaning: a port whose holders are only waiting out
     * TIME-WAIT may be bound again (the seed: restart a server at once). */
    if (tcb->reuseaddr && other->state == TCP_TIME_WAIT)
        return false;
    /* ... and, as on Linux, two sockets that both set it may share a port
     * unless one of them listens. */
    if (tcb->reuseaddr && other->reuseaddr && other->state != TCP_LISTEN)
        return false;
    return true;
}

int tcp_bind(struct tcb *tcb, uint32_t ip, uint16_t port)
{
    struct tcp *tcp = tcb->tcp;
    struct tcp_port *held;

    if (tcb_bound(tcb) || tcb->state != TCP_CLOSED)
        return -EINVAL;
    if (ip != 0 && !ip4_is_local(tcp->ip, ip))
        return -EADDRNOTAVAIL;
    if (port == 0) {
        port = tcp_pick_ephemeral(tcp);
        if (port == 0)
            return -EADDRINUSE;
    }
    held = tcp_port_find(tcp, port);
    for (struct tcb *t = held ? held->holders : NULL; t; t = t->port_next) {
        if (bind_conflict(tcb, t, ip))
            return -EADDRINUSE;
    }
    tcb->local_ip = ip;
    tcb->local_port = port;
    if (tcp_port_hold(tcb) < 0) {
        tcb->local_ip = 0;
        tcb->local_port = 0;
        return -ENOMEM;
    }
    tcp_set_subject(tcb);
    return 0;
}

uint16_t tcp_mss_for(struct tcp *tcp, uint32_t dst)
{
    const struct ip4_route *rt;
    const struct ip4_iface *ifc;

    if (tcp->cfg.mss)
        return tcp->cfg.mss;
    /* RFC 9293 §3.7.1: MSS = MTU of the interface - IP header - TCP header. */
    rt = ip4_route_lookup(tcp->ip, dst);
    ifc = rt ? ip4_get_iface(tcp->ip, rt->ifindex) : NULL;
    if (!ifc || !ifc->dev || ifc->dev->mtu <= 40 + TCP_DEFAULT_MSS)
        return TCP_DEFAULT_MSS;
    return (uint16_t)(ifc->dev->mtu > 65535 ? 65535 - 40 : ifc->dev->mtu - 40);
}

void tcp_tcb_init_send(struct tcb *tcb, uint32_t iss, usec_t now)
{
    tcb->iss = iss;
    tcb->snd_una = iss;
    tcb->snd_nxt = iss;
    tcb->snd_max = iss;
    tcb->snd_buf_seq = iss + 1;
    tcb->snd_sml = iss;
    tcb->rto = tcb->tcp->cfg.rto_initial;
    tcb->retries = 0;
    tcb->opened_at = now;
    if (tcb->rcv_mss == 0)
        tcb->rcv_mss = tcp_mss_for(tcb->tcp, tcb->remote_ip);
    /* RFC 7323 §2.3: the shift that lets the 16-bit field cover the buffer. */
    tcb->rcv_wscale = 0;
    while (tcb->rcv_wscale < TCP_WSCALE_MAX && (tcb->rcvbuf.cap >> tcb->rcv_wscale) > 65535)
        tcb->rcv_wscale++;
    tcb->snd_wscale = 0;
    tcb->wscale_ok = false;
    if (tcb->snd_mss == 0)
        tcb->snd_mss = TCP_DEFAULT_MSS;
    /* Every path into a synchronized state starts here (tcp_cong.h). */
    tcp_cong_reset(tcb);
}
