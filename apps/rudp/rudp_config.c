/*
 * rudp_config.c — defaults and limits of a reliable-UDP endpoint.
 */
#include <errno.h>

#include "apps/rudp/rudp.h"
#include "apps/rudp/rudp_rtt.h"

#define RUDP_MAX_WINDOW 4096

int rudp_config_resolve(struct rudp_config *cfg)
{
    if (cfg->window == 0)
        cfg->window = 1;   /* the seed's stop-and-wait */
    if (cfg->mss == 0)
        cfg->mss = 1000;
    if (cfg->rto_initial == 0)
        cfg->rto_initial = RUDP_RTO_INITIAL;
    if (cfg->rto_min == 0)
        cfg->rto_min = RUDP_RTO_MIN;
    if (cfg->rto_max == 0)
        cfg->rto_max = RUDP_RTO_MAX;
    if (cfg->max_retries <= 0)
        cfg->max_retries = 15;
    if (cfg->window > RUDP_MAX_WINDOW || cfg->mss > RUDP_MAX_PAYLOAD ||
        cfg->rto_min > cfg->rto_max)
        return -EINVAL;
    return 0;
}
