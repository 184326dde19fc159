/*
 * rudp_rtt.c — RFC 6298's RTO estimator.
 */
#include "apps/rudp/rudp_rtt.h"

static usec_t clamp(const struct rudp_rtt *r, usec_t rto)
{
    if (rto < r->rto_min)
        return r->rto_min;
    if (rto > r->rto_max)
        return r->rto_max;
    return rto;
}

void rudp_rtt_init(struct rudp_rtt *r, usec_t rto_initial, usec_t rto_min, usec_t rto_max)
{
    r->have_sample = false;
    r->srtt = 0;
    r->rttvar = 0;
    r->rto_min = rto_min != 0 ? rto_min : RUDP_RTO_MIN;
    r->rto_max = rto_max != 0 ? rto_max : RUDP_RTO_MAX;
    r->rto = clamp(r, rto_initial != 0 ? rto_initial : RUDP_RTO_INITIAL);
}

void rudp_rtt_sample(struct rudp_rtt *r, usec_t rtt)
{
#ifdef LAB4_SOLUTION
    usec_t k_rttvar;

    if (!r->have_sample) {
        /* (2.2) */
        r->srtt = rtt;
        r->rttvar = rtt / 2;
        r->have_sample = true;
    } else {
        /* (2.3), with beta = 1/4 and alpha = 1/8; RTTVAR uses the old
         * SRTT, so it is updated first. */
        usec_t delta = r->srtt > rtt ? r->srtt - rtt : rtt - r->srtt;
        r->rttvar = (3 * r->rttvar + delta) / 4;
        r->srtt = (7 * r->srtt + rtt) / 8;
    }
    k_rttvar = 4 * r->rttvar;
    r->rto = clamp(r, r->srtt + (k_rttvar > RUDP_CLOCK_GRANULARITY ? k_rttvar
                                                                   : RUDP_CLOCK_GRANULARITY));
#else
    /* TODO(lab 4): rudp_rtt_sample() — labs/lab4-udp/README.md, "Part B".
     * RFC 6298 §2.2-2.3: the first sample sets SRTT = R, RTTVAR = R/2;
     * later ones RTTVAR = 3/4 RTTVAR + 1/4 |SRTT - R| (with the old SRTT),
     * then SRTT = 7/8 SRTT + 1/8 R. Then RTO = SRTT + max(G, 4 RTTVAR)
     * (G = RUDP_CLOCK_GRANULARITY), clamped to [rto_min, rto_max]. */
    (void)r;
    (void)rtt;   /* ignores the measurement: RTO stays where it was */
#endif
}

void rudp_rtt_backoff(struct rudp_rtt *r)
{
#ifdef LAB4_SOLUTION
    r->rto = r->rto >= r->rto_max / 2 ? r->rto_max : 2 * r->rto;
#else
    /* TODO(lab 4): rudp_rtt_backoff() — labs/lab4-udp/README.md, "Part B".
     * RFC 6298 §5.5: the timer expired, so double RTO, but never beyond
     * rto_max (and without overflowing). */
    (void)r;   /* never backs off */
#endif
}
