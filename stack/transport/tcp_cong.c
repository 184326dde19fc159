/*
 * tcp_cong.c — what every congestion control algorithm shares:
 * RFC 5681 (slow start, congestion avoidance, fast retransmit, fast
 * recovery) with RFC 6582's NewReno modification of fast recovery.
 *
 *   3 duplicate ACKs ─► fast retransmit of SND.UNA's segment,
 *                       ssthresh = algorithm's choice, cwnd = ssthresh + 3 MSS,
 *                       recover = the highest sequence number sent
 *   more dup ACKs    ─► cwnd += MSS each (segments have left the network)
 *   partial ACK      ─► (below recover) retransmit the next hole at once,
 *                       deflate cwnd by what was acked, stay in recovery
 *   full ACK         ─► (reaches recover) cwnd = ssthresh, recovery ends
 *   timeout          ─► ssthresh = algorithm's choice, cwnd = 1 MSS
 *
 * The seed's "有了拥塞控制为什么还拥塞": a router drops first, and the
 * sender halves only when the duplicate ACKs come back — one round trip
 * later. The trace shows both instants.
 */
#include "stack/transport/tcp_cong.h"

#include <string.h>

#include "stack/core/seq.h"
#include "stack/transport/tcp_internal.h"

const struct tcp_cong_ops *tcp_cong_find(const char *name)
{
    if (name == NULL || strcmp(name, "reno") == 0 || strcmp(name, "newreno") == 0)
        return &tcp_reno_ops;
    return NULL;
}

static void trace_window(struct tcb *tcb, usec_t now)
{
    struct tcp *tcp = tcb->tcp;

    trace_var(tcp->trace, now, tcp->node, tcb->subject, "cwnd", tcb->cwnd);
    trace_var(tcp->trace, now, tcp->node, tcb->subject, "ssthresh",
              tcb->ssthresh == UINT32_MAX ? -1 : (int64_t)tcb->ssthresh);
}

void tcp_cong_reset(struct tcb *tcb)
{
    const struct tcp_config *cfg = &tcb->tcp->cfg;

    if (!tcb->cong)
        tcb->cong = tcp_cong_find(cfg->congestion);
    if (!tcb->cong)
        tcb->cong = &tcp_reno_ops;
    tcb->cwnd = (cfg->init_cwnd ? cfg->init_cwnd : 10) * tcb->snd_mss;
    tcb->ssthresh = UINT32_MAX;   /* RFC 5681 §3.1: "arbitrarily high" */
    tcb->dupacks = 0;
    tcb->in_recovery = false;
    tcb->recover = tcb->snd_una;
    tcb->bytes_acked = 0;
}

void tcp_cong_init(struct tcb *tcb, usec_t now)
{
    tcp_cong_reset(tcb);
    trace_window(tcb, now);
}

/* Send the segment at SND.UNA again, whatever the windows say. */
static void retransmit_first(struct tcb *tcb, usec_t now)
{
    uint32_t len = tcp_buf_len(&tcb->sndbuf) < tcb->snd_mss ? (uint32_t)tcp_buf_len(&tcb->sndbuf)
                                                            : tcb->snd_mss;
    uint32_t seq = tcb->snd_una;
    uint8_t flags = TCP_FLAG_ACK;
    int32_t off = seq_diff(seq, tcb->snd_buf_seq);

    if (off != 0)
        return;   /* SND.UNA is not a data byte (only the FIN is left) */
    if (tcb->fin_sent && len == tcp_buf_len(&tcb->sndbuf))
        flags |= TCP_FLAG_FIN;
    if (len == 0 && !(flags & TCP_FLAG_FIN))
        return;
    tcp_rtt_cancel(tcb);   /* Karn */
    tcp_send_segment(tcb, flags | (len ? TCP_FLAG_PSH : 0), seq, len, true, now);
    tcb->tcp->stats.fast_retransmits++;
}

void tcp_cong_on_dupack(struct tcb *tcb, usec_t now)
{
    struct tcp *tcp = tcb->tcp;

    tcb->dupacks++;
    if (tcb->in_recovery) {
        /* RFC 5681 §3.2 step 4: each further duplicate means one more
         * segment has left the network: inflate, and maybe send new data. */
        tcb->cwnd += tcb->snd_mss;
        trace_window(tcb, now);
        return;
    }
#ifdef LAB7_SOLUTION
    if (tcb->dupacks != 3)
        return;
    /* RFC 6582 §3.2 step 2: a loss from before the last recovery (or
     * timeout) must not trigger another one. */
    if (!seq_gt(tcb->snd_una, tcb->recover) && tcb->recover != tcb->snd_una)
        return;
    /* Fast retransmit (RFC 5681 §3.2 steps 2-3). */
    tcb->ssthresh = tcb->cong->ssthresh(tcb);
    tcb->recover = tcb->snd_max;
    tcb->in_recovery = true;
    trace_note(tcp->trace, now, tcp->node, tcb->subject,
               "3 duplicate ACKs: fast retransmit of %u, recovery until %u", tcb->snd_una,
               tcb->recover);
    retransmit_first(tcb, now);
    tcb->cwnd = tcb->ssthresh + 3u * tcb->snd_mss;
    trace_window(tcb, now);
#else
    /* TODO(lab 7): fast retransmit — labs/lab7-tcp-retransmission/README.md,
     * "Part B". On exactly the third duplicate ACK (and unless this loss
     * is older than the last recovery: RFC 6582 §3.2 step 2, `recover`):
     * ssthresh = cong->ssthresh(tcb), recover = SND.MAX, in_recovery,
     * retransmit_first(), cwnd = ssthresh + 3 SMSS, trace_window(). */
    (void)tcp;   /* no fast retransmit: only the timer recovers a loss */
#endif
}

void tcp_cong_on_ack(struct tcb *tcb, uint32_t prior_una, uint32_t acked, usec_t now)
{
    (void)prior_una;
    tcb->dupacks = 0;
    if (tcb->in_recovery) {
        if (seq_ge(tcb->snd_una, tcb->recover)) {
            /* A full ACK (RFC 6582 §3.2 step 3): deflate to ssthresh (its
             * option 2, as Linux does) and leave recovery. */
            tcb->cwnd = tcb->ssthresh;
            tcb->in_recovery = false;
            tcb->bytes_acked = 0;
        } else {
            /* A partial ACK: the next hole is lost too. Retransmit it at
             * once, deflate by what was acked, add one MSS back (step 3). */
            retransmit_first(tcb, now);
            tcb->cwnd = tcb->cwnd > acked ? tcb->cwnd - acked : 0;
            if (acked >= tcb->snd_mss)
                tcb->cwnd += tcb->snd_mss;
            if (tcb->cwnd < tcb->snd_mss)
                tcb->cwnd = tcb->snd_mss;
        }
        trace_window(tcb, now);
        return;
    }
    tcb->cong->cong_avoid(tcb, acked);
    trace_window(tcb, now);
}

void tcp_cong_on_timeout(struct tcb *tcb, usec_t now)
{
    /* RFC 5681 §3.1 eq. (4) and "cwnd ... MUST be set to no more than the
     * loss window, LW, which equals 1 full-sized segment". Only the first
     * timeout of a segment halves ssthresh (later ones see a flight of
     * what is left). */
    if (tcb->retries <= 1)
        tcb->ssthresh = tcb->cong->ssthresh(tcb);
    tcb->cwnd = tcb->snd_mss;
    tcb->in_recovery = false;
    tcb->dupacks = 0;
    tcb->bytes_acked = 0;
    tcb->recover = tcb->snd_max;   /* RFC 6582 §4: no fast retransmit for these */
    trace_window(tcb, now);
}
