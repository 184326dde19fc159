/*
 * icmp.c — ICMP input (RFC 792, RFC 1122 §3.2.2): the echo server, and
 * received errors handed to the transport that sent the quoted datagram.
 * Sending errors is in icmp_error.c, the ping client in icmp_ping.c.
 */
#include <stdlib.h>
#include <string.h>

#include "stack/core/byteorder.h"
#include "stack/core/checksum.h"
#include "stack/core/log.h"
#include "stack/net/icmp_priv.h"
#include "stack/net/ip4_addr.h"
#include "stack/net/ip4_hdr.h"
#include "stack/net/ip4_priv.h"

bool icmp_type_is_query(uint8_t type)
{
    switch (type) {
    case ICMP_ECHO_REPLY:
    case ICMP_ECHO_REQUEST:
    case ICMP_TIMESTAMP:
    case ICMP_TIMESTAMP_REPLY:
    case 15: case 16:   /* information request / reply (obsolete) */
    case 17: case 18:   /* address mask request / reply (obsolete) */
        return true;
    default:
        return false;
    }
}

#ifdef LAB3_SOLUTION
/* A message's checksum after one of its 16-bit words changed from
 * `old_word` to `new_word`, without summing the message again: RFC 1624
 * eqn. 3,
 *   HC' = ~(~HC + ~m + m')
 * in one's complement arithmetic. ~HC is the sum of the whole message
 * (RFC 1071); taking m out of it and putting m' in gives the new sum.
 *
 * One's complement has two zeros. A sum of words that are not all zero is
 * never +0 (0x0000) but -0 (0xffff), and eqn. 3 keeps to that: its result
 * is always the one a full recomputation gives, except for a message that
 * is all zeros after the change, whose sum is +0 and checksum 0xffff. The
 * caller must handle that case (echo_reply does). */
static uint16_t checksum_update16(uint16_t checksum, uint16_t old_word, uint16_t new_word)
{
    uint32_t sum = (uint32_t)(uint16_t)~checksum + (uint16_t)~old_word + new_word;

    sum = (sum & 0xffff) + (sum >> 16);   /* add the carries back in */
    sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}
#endif

/* RFC 792, Echo: "the source and destination addresses are simply
 * reversed, the type code changed to 0, and the checksum recomputed"; the
 * identifier, sequence number and data come back unchanged (RFC 1122
 * §3.2.2.6: the data MUST be returned entirely). The request's buffer is
 * reused: no copy, whatever its size. Only the type and code word changes,
 * so the checksum is updated for that word (RFC 1624) instead of being
 * summed again over the whole message: a flood of echoes is a benchmark
 * (./tunlab bench), and every byte summed shows in it.
 * Deviation: RFC 1122 §3.2.2.6 says Record Route / Timestamp options in a
 * request SHOULD be updated and returned; this stack acts on no option and
 * replies with a plain 20-byte header. */
static void echo_reply(struct icmp *icmp, struct pkb *p, const struct ip4_rx_info *info,
                       usec_t now)
{
#ifdef LAB3_SOLUTION
    /* RFC 1122 §3.2.2.6: a request to a broadcast or multicast address MAY
     * be silently discarded (and answering it makes a "smurf" amplifier). A
     * request from 0.0.0.0 or another non-host source cannot be answered. */
    if (info->dst_is_broadcast || !ip4_addr_is_unicast_source(info->src)) {
        icmp->stats.in_echo_ignored++;
        pkb_free(p);
        return;
    }
    uint8_t *b = p->data;
    uint16_t request_word = be16_read(b + ICMP_OFF_TYPE);   /* type and code */
    b[ICMP_OFF_TYPE] = ICMP_ECHO_REPLY;
    b[ICMP_OFF_CODE] = 0;
    uint16_t checksum = checksum_update16(be16_read(b + ICMP_OFF_CHECKSUM), request_word,
                                          be16_read(b + ICMP_OFF_TYPE));
    /* The one reply that is all zeros: no data, identifier and sequence 0.
     * Its sum is +0, so its checksum is 0xffff, not eqn. 3's 0x0000 (which
     * a receiver would reject: the message would sum to +0, not -0). */
    if (checksum == 0 && p->len == ICMP_HDR_LEN && be32_read(b + ICMP_OFF_ID) == 0)
        checksum = 0xffff;
    be16_write(b + ICMP_OFF_CHECKSUM, checksum);

    icmp->stats.out_msgs++;
    icmp->stats.out_type[ICMP_ECHO_REPLY]++;
    /* The reply comes from the address the request was sent to. */
    if (ip4_output(icmp->ip, p, info->dst, info->src, IP4_PROTO_ICMP, now) != 0)
        icmp->stats.out_failed++;
#else
    /* TODO(lab 3): echo_reply() — labs/lab3-network/README.md, "Part B".
     * Ignore (count in_echo_ignored, free p) a request sent to a broadcast
     * address or from a source that is not one host; otherwise turn the
     * request into the reply in place (type 0, code 0, new checksum over the
     * whole message; RFC 1624 shows how to update it for the one changed
     * word instead), count out_msgs and out_type[ICMP_ECHO_REPLY], and send
     * it back with ip4_output from the address it was sent to. */
    (void)info;
    (void)now;
    icmp->stats.in_echo_ignored++;
    pkb_free(p);   /* never answers */
#endif
}

void icmp_error_input(struct icmp *icmp, const uint8_t *msg, size_t len, uint32_t from,
                      usec_t now)
{
    uint8_t type = msg[ICMP_OFF_TYPE], code = msg[ICMP_OFF_CODE];
    /* The quote must hold an IPv4 header and the 8 bytes after it (RFC
     * 1122 §3.2.2), or no transport could tell which socket it concerns. */
    const uint8_t *quoted = msg + ICMP_HDR_LEN;
    size_t quoted_len = len - ICMP_HDR_LEN;
    size_t hdr_len = quoted_len >= 1 ? (size_t)(quoted[0] & 0x0F) * 4 : 0;
    if (len < ICMP_HDR_LEN + IP4_HDR_MIN_LEN || (quoted[0] >> 4) != 4 ||
        hdr_len < IP4_HDR_MIN_LEN || hdr_len + 8 > quoted_len) {
        icmp->stats.in_error_bad_quote++;
        return;
    }
    if (quoted[IP4_OFF_PROTOCOL] == IP4_PROTO_ICMP) {
        icmp_ping_error_input(icmp, from, type, code, quoted, quoted_len, now);
        return;
    }
    if (ip4_deliver_error(icmp->ip, type, code, quoted, quoted_len, now) != 0) {
        icmp->stats.in_error_no_handler++;
        return;
    }
    icmp->stats.in_errors_delivered++;
}

/* The handler registered as IP protocol 1: p's data is the ICMP message. */
static void icmp_input(void *ctx, struct pkb *p, const struct ip4_rx_info *info, usec_t now)
{
    struct icmp *icmp = ctx;
    icmp->stats.in_msgs++;
    if (p->len < ICMP_HDR_LEN) {
        icmp->stats.in_too_short++;
        goto drop;
    }
    /* The checksum covers the whole message; a correct one sums to 0. */
    if (checksum_inet(p->data, p->len) != 0) {
        icmp->stats.in_bad_checksum++;
        goto drop;
    }
    uint8_t type = p->data[ICMP_OFF_TYPE];
    icmp->stats.in_type[type]++;

    switch (type) {
    case ICMP_ECHO_REQUEST:
        echo_reply(icmp, p, info, now);   /* takes p */
        return;
    case ICMP_ECHO_REPLY:
        icmp_ping_reply_input(icmp, p, info, now);
        break;
    case ICMP_DEST_UNREACH:
    case ICMP_TIME_EXCEEDED:
    case ICMP_PARAM_PROBLEM:
        icmp_error_input(icmp, p->data, p->len, info->src, now);
        break;
    case ICMP_SOURCE_QUENCH:
        /* RFC 6633 §4: hosts MUST silently ignore Source Quench. */
        break;
    case ICMP_REDIRECT:
        /* Not acted on: this stack's routes are configured, and a TUN link
         * has one neighbour. (RFC 1122 §3.2.2.2 expects a host to update
         * its route cache; counted in the input histogram.) */
        break;
    default:
        /* RFC 1122 §3.2.2: an unknown type MUST be silently discarded.
         * Timestamp (13) is a MAY that this stack does not implement. */
        icmp->stats.in_unknown_type++;
        break;
    }
drop:
    pkb_free(p);
}

struct icmp *icmp_new(struct ip4 *ip, uint32_t error_burst, uint32_t error_rate,
                      struct trace *trace, const char *trace_node)
{
    struct icmp *icmp = calloc(1, sizeof(*icmp));
    if (icmp == NULL)
        return NULL;
    icmp->ip = ip;
    icmp->trace = trace;
    icmp->trace_node = trace_node;
    icmp->burst = error_burst;
    icmp->rate = error_rate;
    /* Errors about our own ICMP messages are handled in icmp_error_input
     * (the ping client), so no error handler is registered. */
    if (ip4_register_protocol(ip, IP4_PROTO_ICMP, icmp_input, NULL, icmp) != 0) {
        free(icmp);
        return NULL;
    }
    return icmp;
}

void icmp_free(struct icmp *icmp) { free(icmp); }

const struct icmp_stats *icmp_stats(const struct icmp *icmp) { return &icmp->stats; }
