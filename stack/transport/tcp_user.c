/*
 * tcp_user.c — the user calls of RFC 9293 §3.10: OPEN (listen, connect),
 * SEND, RECEIVE, CLOSE (close, shutdown), ABORT, and STATUS.
 *
 * None of them waits. The RFC lets SEND and RECEIVE queue requests; here a
 * call does what it can now and returns -EAGAIN for the rest, and the
 * notify callback tells the user when to try again — which is how the
 * socket layer and the event-driven apps use it.
 */
#include "stack/transport/tcp_internal.h"

#include <errno.h>

#include "stack/core/seq.h"
#include "stack/net/ip4.h"

struct tcb *tcp_open(struct tcp *tcp)
{
    struct tcb *tcb = tcp_tcb_alloc(tcp);

    if (tcb)
        tcb->user_attached = true;
    return tcb;
}

void tcp_set_notify(struct tcb *tcb, tcp_notify_fn fn, void *ctx)
{
    tcb->notify = fn;
    tcb->notify_ctx = ctx;
}

void tcp_set_reuseaddr(struct tcb *tcb, bool on) { tcb->reuseaddr = on; }
bool tcp_get_reuseaddr(const struct tcb *tcb) { return tcb->reuseaddr; }
void tcp_set_linger_zero(struct tcb *tcb, bool on) { tcb->linger_zero = on; }
bool tcp_get_nodelay(const struct tcb *tcb) { return tcb->nodelay; }
void tcp_set_user_timeout(struct tcb *tcb, usec_t timeout) { tcb->user_timeout = timeout; }

void tcp_set_nodelay(struct tcb *tcb, bool on)
{
    tcb->nodelay = on;
}

int tcp_listen(struct tcb *tcb, int backlog, usec_t now)
{
    const struct tcp_config *cfg = &tcb->tcp->cfg;
    int err;

    if (tcb->state != TCP_CLOSED && tcb->state != TCP_LISTEN)
        return -EINVAL;
    if (!tcb_bound(tcb)) {
        err = tcp_bind(tcb, 0, 0);
        if (err < 0)
            return err;
    }
    /* listen(2): the backlog bounds the accept queue. 0 still admits one
     * connection, and no more than max_backlog (somaxconn). */
    if (backlog < 1)
        backlog = 1;
    tcb->backlog = (unsigned)backlog > cfg->max_backlog ? cfg->max_backlog : (unsigned)backlog;
    tcp_set_state(tcb, TCP_LISTEN, now);
    return 0;
}

int tcp_connect(struct tcb *tcb, uint32_t ip, uint16_t port, usec_t now)
{
    struct tcp *tcp = tcb->tcp;
    uint32_t src;
    int err;

    switch (tcb->state) {
    case TCP_CLOSED:
        break;
    case TCP_SYN_SENT:
    case TCP_SYN_RECV:
        return -EALREADY;
    case TCP_LISTEN:
        return -EINVAL;
    default:
        return -EISCONN;
    }
    if (ip == 0 || port == 0)
        return -EINVAL;
    src = tcb->local_ip ? tcb->local_ip : ip4_source_for(tcp->ip, ip);
    if (src == 0)
        return -ENETUNREACH;
    if (!tcb_bound(tcb)) {
        err = tcp_bind(tcb, 0, 0);
        if (err < 0)
            return err;
    }
    if (tcp_lookup(tcp, src, tcb->local_port, ip, port))
        return -EADDRNOTAVAIL;   /* that 4-tuple is taken (TIME-WAIT, say) */
    tcb->local_ip = src;
    tcb->remote_ip = ip;
    tcb->remote_port = port;
    tcb->error = 0;
    tcb->soft_error = 0;
    tcb->passive = false;
    tcb->fin_queued = tcb->fin_sent = tcb->fin_received = false;
    tcp_set_subject(tcb);
    /* RFC 9293 §3.10.1, active OPEN: "A SYN segment of the form
     * <SEQ=ISS><CTL=SYN> is sent. Set SND.UNA to ISS, SND.NXT to ISS+1, enter
     * SYN-SENT state". The seed's first step: SYN seq=j. */
    tcp_tcb_init_send(tcb, tcp_isn(tcp, src, tcb->local_port, ip, port, now), now);
    tcb->rcv_mss = tcp_mss_for(tcp, ip);
    tcp_hash_insert(tcb);
    tcp_set_state(tcb, TCP_SYN_SENT, now);
    tcp_send_segment(tcb, TCP_FLAG_SYN, tcb->iss, 0, false, now);
    tcb->snd_nxt = tcb->iss + 1;
    tcb->snd_max = tcb->snd_nxt;
    tcp_rto_arm(tcb, now);
    tcp_conn_timer_arm(tcb, now);
    return 0;
}

ssize_t tcp_send(struct tcb *tcb, const void *buf, size_t len, usec_t now)
{
    size_t n;
    int err = tcp_take_error(tcb);

    if (err)
        return err;
    switch (tcb->state) {
    case TCP_ESTABLISHED:
    case TCP_CLOSE_WAIT:
        break;
    case TCP_SYN_SENT:
    case TCP_SYN_RECV:
        return -EAGAIN;   /* a non-blocking socket cannot send before it connects */
    case TCP_CLOSED:
    case TCP_LISTEN:
        return tcb->remote_port ? -EPIPE : -ENOTCONN;
    default:
        return -EPIPE;    /* FIN-WAIT, CLOSING, LAST-ACK, TIME-WAIT: we have sent our FIN */
    }
    if (tcb->fin_queued)
        return -EPIPE;    /* shutdown(SHUT_WR) */
    if (len == 0)
        return 0;
    n = tcp_buf_write(&tcb->sndbuf, buf, len);
    if (n == 0)
        return tcp_buf_space(&tcb->sndbuf) ? -ENOBUFS : -EAGAIN;
    tcp_output(tcb, now);
    return (ssize_t)n;
}

/* After the user read, tell the peer about a window that opened enough to
 * matter. tcp_rcv_window applies RFC 1122 §4.2.3.3 (by min(buffer / 2,
 * MSS)), so any growth it reports is worth an ACK. */
static void maybe_window_update(struct tcb *tcb, usec_t now)
{
    int32_t open = seq_diff(tcb->rcv_adv, tcb->rcv_nxt);

    switch (tcb->state) {
    case TCP_ESTABLISHED:
    case TCP_FIN_WAIT_1:
    case TCP_FIN_WAIT_2:
        if ((int64_t)tcp_rcv_window(tcb) > (int64_t)open)
            tcp_send_ack(tcb, now);
        break;
    default:
        break;
    }
}

ssize_t tcp_receive(struct tcb *tcb, void *buf, size_t len, usec_t now)
{
    size_t n;

    if (tcp_buf_len(&tcb->rcvbuf) > 0 && !tcb->rd_shutdown) {
        n = tcp_buf_read(&tcb->rcvbuf, buf, len);
        maybe_window_update(tcb, now);
        return (ssize_t)n;
    }
    if (tcb->error)
        return tcp_take_error(tcb);
    if (tcb->fin_received || tcb->rd_shutdown)
        return 0;   /* end of stream: the peer's FIN */
    switch (tcb->state) {
    case TCP_CLOSED:
    case TCP_LISTEN:
        return -ENOTCONN;
    default:
        return -EAGAIN;
    }
}

int tcp_shutdown(struct tcb *tcb, bool rd, bool wr, usec_t now)
{
    switch (tcb->state) {
    case TCP_CLOSED:
    case TCP_LISTEN:
    case TCP_SYN_SENT:
        return -ENOTCONN;
    default:
        break;
    }
    if (rd) {
        tcb->rd_shutdown = true;
        tcp_buf_consume(&tcb->rcvbuf, tcp_buf_len(&tcb->rcvbuf));
    }
    if (wr && !tcb->fin_queued) {
        /* RFC 9293 §3.10.4, CLOSE of our direction only: the FIN goes after
         * the data, and we may go on receiving (the half-close). */
        tcb->fin_queued = true;
        if (tcb->state == TCP_ESTABLISHED || tcb->state == TCP_SYN_RECV)
            tcp_set_state(tcb, TCP_FIN_WAIT_1, now);
        else if (tcb->state == TCP_CLOSE_WAIT)
            tcp_set_state(tcb, TCP_LAST_ACK, now);
        tcp_output(tcb, now);
    }
    tcp_notify_user(tcb, now);
    return 0;
}

void tcp_abort(struct tcb *tcb, usec_t now)
{
    tcb->user_attached = false;
    tcb->user_closed = true;
    tcb->notify = NULL;
    switch (tcb->state) {
    case TCP_CLOSED:
        tcp_tcb_free(tcb);
        return;
    case TCP_LISTEN:
        tcp_listen_close_children(tcb, now);
        tcp_tcb_done(tcb, 0, now);
        return;
    case TCP_SYN_RECV:
    case TCP_ESTABLISHED:
    case TCP_FIN_WAIT_1:
    case TCP_FIN_WAIT_2:
    case TCP_CLOSE_WAIT:
        /* RFC 9293 §3.10.5: "a reset segment should be sent:
         * <SEQ=SND.NXT><CTL=RST>" */
        tcp_send_rst(tcb, now);
        tcp_tcb_done(tcb, -ECONNABORTED, now);
        return;
    default:
        /* SYN-SENT, CLOSING, LAST-ACK, TIME-WAIT: "delete the TCB". */
        tcp_tcb_done(tcb, -ECONNABORTED, now);
        return;
    }
}

void tcp_close(struct tcb *tcb, usec_t now)
{
    if (tcb->linger_zero || tcp_buf_len(&tcb->rcvbuf) > 0) {
        /* SO_LINGER 0, or unread data: RFC 1122 §4.2.2.13, "If such a host
         * issues a CLOSE call while received data is still pending in TCP
         * ... its TCP SHOULD send a RST to show that data was lost." */
        tcp_abort(tcb, now);
        return;
    }
    tcb->user_attached = false;
    tcb->user_closed = true;
    tcb->notify = NULL;
    switch (tcb->state) {
    case TCP_CLOSED:
        tcp_tcb_free(tcb);
        return;
    case TCP_LISTEN:
        tcp_listen_close_children(tcb, now);
        tcp_tcb_done(tcb, 0, now);
        return;
    case TCP_SYN_SENT:
        /* "Delete the TCB and return 'error: closing' responses". */
        tcp_tcb_done(tcb, 0, now);
        return;
    case TCP_SYN_RECV:
    case TCP_ESTABLISHED:
    case TCP_CLOSE_WAIT:
        /* The seed's first step of the four-way close (FIN seq=u), or the
         * passive closer's third (FIN seq=w, CLOSE-WAIT -> LAST-ACK). */
        tcp_shutdown(tcb, false, true, now);
        return;
    case TCP_FIN_WAIT_2:
        /* Shut down earlier; now an orphan waiting for the peer's FIN. */
        tcp_fin_wait_2_timer_arm(tcb, now);
        return;
    default:
        /* FIN-WAIT-1, CLOSING, LAST-ACK, TIME-WAIT: already closing. */
        if (tcb->state == TCP_TIME_WAIT)
            tcp_buf_free(&tcb->rcvbuf);
        return;
    }
}

/* ---- STATUS ---- */

int tcp_get_state(const struct tcb *tcb) { return tcb->state; }
int tcp_error(const struct tcb *tcb) { return tcb->error; }

int tcp_take_error(struct tcb *tcb)
{
    int err = tcb->error;

    tcb->error = 0;
    return err;
}

bool tcp_readable(const struct tcb *tcb)
{
    return tcp_buf_len(&tcb->rcvbuf) > 0 || tcb->fin_received || tcb->rd_shutdown ||
           tcb->error != 0;
}

bool tcp_writable(const struct tcb *tcb)
{
    if (tcb->error)
        return true;   /* so that poll wakes the user to see the error */
    if (tcb->state != TCP_ESTABLISHED && tcb->state != TCP_CLOSE_WAIT)
        return false;
    return !tcb->fin_queued && tcp_buf_space(&tcb->sndbuf) > 0;
}

bool tcp_acceptable(const struct tcb *tcb)
{
    return tcb->state == TCP_LISTEN && tcb->accept_queue.count > 0;
}

bool tcp_connecting(const struct tcb *tcb)
{
    return !tcb->passive && (tcb->state == TCP_SYN_SENT || tcb->state == TCP_SYN_RECV);
}

bool tcp_eof(const struct tcb *tcb) { return tcb->fin_received; }
size_t tcp_recv_queued(const struct tcb *tcb) { return tcp_buf_len(&tcb->rcvbuf); }

size_t tcp_send_queued(const struct tcb *tcb)
{
    /* Bytes not yet acknowledged, like Linux's Send-Q. */
    return tcp_buf_len(&tcb->sndbuf);
}

size_t tcp_send_space(const struct tcb *tcb) { return tcp_buf_space(&tcb->sndbuf); }

void tcp_local(const struct tcb *tcb, uint32_t *ip, uint16_t *port)
{
    if (ip)
        *ip = tcb->local_ip;
    if (port)
        *port = tcb->local_port;
}

void tcp_remote(const struct tcb *tcb, uint32_t *ip, uint16_t *port)
{
    if (ip)
        *ip = tcb->remote_ip;
    if (port)
        *port = tcb->remote_port;
}

int tcp_set_sndbuf(struct tcb *tcb, size_t bytes)
{
    if (bytes < 1 || bytes > (1u << 30))
        return -EINVAL;
    return tcp_buf_set_cap(&tcb->sndbuf, bytes);
}

int tcp_set_rcvbuf(struct tcb *tcb, size_t bytes)
{
    if (bytes < 1 || bytes > (1u << 30))
        return -EINVAL;
    return tcp_buf_set_cap(&tcb->rcvbuf, bytes);
}

void tcp_get_info(const struct tcb *tcb, struct tcp_info *info)
{
    info->state = tcb->state;
    info->iss = tcb->iss;
    info->irs = tcb->irs;
    info->snd_una = tcb->snd_una;
    info->snd_nxt = tcb->snd_nxt;
    info->snd_max = tcb->snd_max;
    info->rcv_nxt = tcb->rcv_nxt;
    info->snd_wnd = tcb->snd_wnd;
    info->rcv_wnd = tcb->rcv_wnd;
    info->snd_mss = tcb->snd_mss;
    info->rcv_mss = tcb->rcv_mss;
    info->snd_wscale = tcb->snd_wscale;
    info->rcv_wscale = tcb->rcv_wscale;
    info->cwnd = tcb->cwnd;
    info->ssthresh = tcb->ssthresh;
    info->has_rtt = tcb->has_rtt;
    info->srtt = tcb->srtt;
    info->rttvar = tcb->rttvar;
    info->rto = tcb->rto;
    info->retries = tcb->retries;
}

size_t tcp_get_sndbuf(const struct tcb *tcb) { return tcb->sndbuf.cap; }
size_t tcp_get_rcvbuf(const struct tcb *tcb) { return tcb->rcvbuf.cap; }
