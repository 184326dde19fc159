/*
 * rudp_rtt.h — the retransmission timeout from measured round-trip times,
 * RFC 6298's formulas (the ones TCP uses), in microseconds.
 *
 *   before any sample         RTO = rto_initial (1 s, §2.1)
 *   first sample R            SRTT = R, RTTVAR = R/2                  (§2.2)
 *   each later sample R       RTTVAR = 3/4 RTTVAR + 1/4 |SRTT - R|
 *                             SRTT   = 7/8 SRTT   + 1/8 R            (§2.3)
 *   after each sample         RTO = SRTT + max(G, 4 RTTVAR),
 *                             clamped to [rto_min, rto_max]        (§2.4-2.5)
 *   when the timer expires    RTO = min(2 RTO, rto_max): "back off" (§5.5)
 *
 * RFC 6298 asks for rto_min = 1 s; Linux's TCP uses 200 ms, and so do we by
 * default, so that a 10 ms simulated link recovers at a visible pace.
 */
#ifndef TUNLAB_APPS_RUDP_RTT_H
#define TUNLAB_APPS_RUDP_RTT_H

#include <stdbool.h>

#include "stack/core/clock.h"

#ifdef __cplusplus
extern "C" {
#endif

#define RUDP_RTO_INITIAL (1 * USEC_PER_SEC)
#define RUDP_RTO_MIN (200 * USEC_PER_MSEC)
#define RUDP_RTO_MAX (60 * USEC_PER_SEC)
#define RUDP_CLOCK_GRANULARITY (1 * USEC_PER_MSEC)   /* G */

struct rudp_rtt {
    bool have_sample;
    usec_t srtt, rttvar, rto;
    usec_t rto_min, rto_max;
};

/* 0 for any bound means its default above. */
void rudp_rtt_init(struct rudp_rtt *r, usec_t rto_initial, usec_t rto_min, usec_t rto_max);
/* Feed one measured round-trip time; recomputes RTO. */
void rudp_rtt_sample(struct rudp_rtt *r, usec_t rtt);
/* The timer expired: double RTO (up to rto_max). */
void rudp_rtt_backoff(struct rudp_rtt *r);

#ifdef __cplusplus
}
#endif

#endif
