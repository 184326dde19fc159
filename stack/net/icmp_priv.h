/*
 * icmp_priv.h — the ICMP module's state, shared by icmp.c (input and
 * echo), icmp_error.c (sending errors) and icmp_ping.c (the ping client).
 */
#ifndef TUNLAB_NET_ICMP_PRIV_H
#define TUNLAB_NET_ICMP_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "stack/net/icmp.h"
#include "stack/net/ip4.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Byte offsets in the ICMP header. */
#define ICMP_OFF_TYPE 0
#define ICMP_OFF_CODE 1
#define ICMP_OFF_CHECKSUM 2
#define ICMP_OFF_ID 4     /* echo */
#define ICMP_OFF_SEQ 6    /* echo */
#define ICMP_OFF_REST 4   /* errors: unused / MTU / pointer */

struct icmp {
    struct ip4 *ip;
    struct trace *trace;
    const char *trace_node;

    /* Token bucket for errors (RFC 1812 §4.3.2.8), in the time passed in. */
    uint32_t burst;           /* bucket size */
    uint32_t rate;            /* tokens per second */
    uint32_t tokens;
    usec_t last_refill;
    bool bucket_started;

    icmp_echo_reply_fn on_reply;
    icmp_ping_error_fn on_error;
    void *ping_ctx;

    struct icmp_stats stats;
};

/* An error message (data at its ICMP header, len bytes, checksum already
 * verified) reported by `from`: hand it to whoever sent the quoted
 * datagram. */
void icmp_error_input(struct icmp *icmp, const uint8_t *msg, size_t len, uint32_t from,
                      usec_t now);

/* Is `type` a query (echo, timestamp, ...) rather than an error? Unknown
 * types count as errors: never answer what we cannot classify. */
bool icmp_type_is_query(uint8_t type);

/* icmp_ping.c: an Echo Reply arrived (data at its ICMP header). */
void icmp_ping_reply_input(struct icmp *icmp, const struct pkb *p,
                           const struct ip4_rx_info *info, usec_t now);
/* icmp_ping.c: an error about one of our echo requests. */
void icmp_ping_error_input(struct icmp *icmp, uint32_t from, uint8_t type, uint8_t code,
                           const uint8_t *quoted, size_t quoted_len, usec_t now);

#ifdef __cplusplus
}
#endif

#endif
