/*
 * tcp_reno.c — Reno's window rules (RFC 5681 §3.1).
 *
 *   slow start (cwnd < ssthresh):   cwnd += min(acked, SMSS) per ACK
 *                                   — about doubling every round trip;
 *   congestion avoidance:           cwnd += SMSS once per cwnd bytes acked
 *                                   — one segment more per round trip
 *                                   (byte counting, RFC 3465 with L = 1);
 *   on loss:                        ssthresh = max(FlightSize / 2, 2 SMSS).
 */
#include "stack/transport/tcp_cong.h"

#include "stack/transport/tcb.h"

static uint32_t reno_ssthresh(const struct tcb *tcb)
{
#ifdef LAB7_SOLUTION
    uint32_t flight = tcb->snd_max - tcb->snd_una;
    uint32_t half = flight / 2;

    return half > 2u * tcb->snd_mss ? half : 2u * tcb->snd_mss;   /* RFC 5681 eq. (4) */
#else
    /* TODO(lab 7): reno_ssthresh() — labs/lab7-tcp-retransmission/README.md,
     * "Part B". RFC 5681 eq. (4): after a loss, ssthresh =
     * max(FlightSize / 2, 2 SMSS), FlightSize = SND.MAX - SND.UNA. */
    return tcb->ssthresh;   /* a loss changes nothing */
#endif
}

static void reno_cong_avoid(struct tcb *tcb, uint32_t acked)
{
#ifdef LAB7_SOLUTION
    if (tcb->cwnd < tcb->ssthresh) {
        tcb->cwnd += acked < tcb->snd_mss ? acked : tcb->snd_mss;   /* eq. (2) */
        return;
    }
    tcb->bytes_acked += acked;
    if (tcb->bytes_acked >= tcb->cwnd) {
        tcb->bytes_acked -= tcb->cwnd;
        tcb->cwnd += tcb->snd_mss;
    }
#else
    /* TODO(lab 7): reno_cong_avoid() — labs/lab7-tcp-retransmission/README.md,
     * "Part B". Below ssthresh (slow start): cwnd += min(acked, SMSS).
     * Above (congestion avoidance): count acked bytes in bytes_acked and
     * add one SMSS to cwnd each time a whole cwnd has been acknowledged. */
    (void)tcb;
    (void)acked;   /* cwnd never grows */
#endif
}

const struct tcp_cong_ops tcp_reno_ops = {
    .name = "reno",
    .ssthresh = reno_ssthresh,
    .cong_avoid = reno_cong_avoid,
};
