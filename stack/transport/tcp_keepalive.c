/*
 * tcp_keepalive.c — keep-alive probes (RFC 1122 §4.2.3.6; the seed's
 * 客户端突然故障): off by default and per connection. After `idle` without
 * a segment from the peer (2 hours), send a probe every `interval` (75 s);
 * after `count` probes without an answer (9, Linux's number; the seed says
 * 10) the peer is taken for dead: RST and ETIMEDOUT to the user.
 *
 * A probe is an ACK carrying the sequence number SND.UNA - 1, an old one:
 * it holds no data (RFC 1122: a keep-alive "MUST NOT" be required to carry
 * data), and the peer must answer an unacceptable segment with an ACK
 * (RFC 9293 §3.10.7.4, first check) — which tells us it is alive. A peer
 * that rebooted answers with RST instead, which resets us.
 */
#include "stack/transport/tcp_internal.h"

#include <errno.h>

static bool keepalive_state(int state)
{
    /* Only where a silent peer could hold us for ever. */
    return state == TCP_ESTABLISHED || state == TCP_CLOSE_WAIT || state == TCP_FIN_WAIT_2;
}

static void keepalive_expired(struct timer *t, void *arg, usec_t now)
{
    struct tcb *tcb = arg;
    struct tcp *tcp = tcb->tcp;

    (void)t;
    if (!tcb->keepalive || !keepalive_state(tcb->state))
        return;
#ifdef LAB7_SOLUTION
    if (tcb->keepalive_probes_out >= tcb->keepalive_count) {
        trace_note(tcp->trace, now, tcp->node, tcb->subject,
                   "keepalive: %u probes unanswered, the peer is gone", tcb->keepalive_probes_out);
        tcp->stats.keepalive_drops++;
        tcp->stats.timeouts++;
        tcp_send_rst(tcb, now);
        tcp_tcb_done(tcb, -ETIMEDOUT, now);
        return;
    }
    tcp_send_segment(tcb, TCP_FLAG_ACK, tcb->snd_una - 1, 0, false, now);
    tcb->keepalive_probes_out++;
    tcp->stats.keepalive_probes++;
    trace_var(tcp->trace, now, tcp->node, tcb->subject, "keepalive_probe",
              tcb->keepalive_probes_out);
    timer_arm(tcp->timers, &tcb->keepalive_timer, now + tcb->keepalive_interval);
#else
    /* TODO(lab 7): keepalive_expired() — labs/lab7-tcp-retransmission/README.md,
     * "Part C". After keepalive_count unanswered probes the peer is gone:
     * count keepalive_drops and timeouts, send a RST, tcp_tcb_done with
     * -ETIMEDOUT. Otherwise send a probe (an ACK carrying SND.UNA - 1, which
     * a live peer must answer), count it (keepalive_probes_out,
     * keepalive_probes) and re-arm the timer for keepalive_interval. */
    (void)tcp;
    (void)now;   /* never probes: a silent peer holds the connection for ever */
#endif
}

void tcp_keepalive_init(struct tcb *tcb)
{
    const struct tcp_config *cfg = &tcb->tcp->cfg;

    timer_init(&tcb->keepalive_timer, keepalive_expired, tcb, "keepalive");
    tcb->keepalive_idle = cfg->keepalive_idle;
    tcb->keepalive_interval = cfg->keepalive_interval;
    tcb->keepalive_count = cfg->keepalive_count;
}

void tcp_keepalive_reset(struct tcb *tcb, usec_t now)
{
    tcb->keepalive_probes_out = 0;
    if (tcb->keepalive && keepalive_state(tcb->state))
        timer_arm(tcb->tcp->timers, &tcb->keepalive_timer, now + tcb->keepalive_idle);
    else
        timer_cancel(tcb->tcp->timers, &tcb->keepalive_timer);
}

int tcp_set_keepalive(struct tcb *tcb, bool on, usec_t now)
{
    tcb->keepalive = on;
    tcp_keepalive_reset(tcb, now);
    return 0;
}

int tcp_set_keepalive_params(struct tcb *tcb, usec_t idle, usec_t interval, unsigned count,
                             usec_t now)
{
    if ((idle && idle < USEC_PER_SEC) || (interval && interval < USEC_PER_SEC))
        return -EINVAL;
    if (idle)
        tcb->keepalive_idle = idle;
    if (interval)
        tcb->keepalive_interval = interval;
    if (count)
        tcb->keepalive_count = count;
    if (timer_armed(&tcb->keepalive_timer) && tcb->keepalive_probes_out == 0)
        tcp_keepalive_reset(tcb, now);
    return 0;
}

bool tcp_get_keepalive(const struct tcb *tcb) { return tcb->keepalive; }
