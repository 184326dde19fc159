/*
 * icmp_error.c — sending ICMP error messages (RFC 792), with the rules of
 * RFC 1122 §3.2.2 about when not to, and a rate limit.
 */
#include <errno.h>
#include <string.h>

#include "stack/core/byteorder.h"
#include "stack/core/checksum.h"
#include "stack/core/log.h"
#include "stack/net/icmp_priv.h"
#include "stack/net/ip4_addr.h"
#include "stack/net/ip4_hdr.h"
#include "stack/net/ip4_priv.h"

/* A token bucket in the caller's time: `burst` errors may leave back to
 * back, then one per 1/rate seconds (RFC 1812 §4.3.2.8 asks for a limit;
 * RFC 1122 §3.2.2 notes hosts may need one too). Whole tokens are added
 * for the time elapsed and the remainder of the time is carried, so the
 * refill is exact in virtual time. */
static bool take_token(struct icmp *icmp, usec_t now)
{
    if (!icmp->bucket_started) {
        icmp->bucket_started = true;
        icmp->tokens = icmp->burst;
        icmp->last_refill = now;
    }
    usec_t elapsed = now > icmp->last_refill ? now - icmp->last_refill : 0;
    if (elapsed >= 60 * USEC_PER_SEC) {
        /* A long quiet spell refills the bucket (and keeps the product
         * below from overflowing). */
        icmp->tokens = icmp->burst;
        icmp->last_refill = now;
    } else {
        uint64_t add = elapsed * icmp->rate / USEC_PER_SEC;
        if (add > 0) {
            icmp->last_refill += add * USEC_PER_SEC / icmp->rate;
            if (icmp->tokens + add >= icmp->burst) {
                icmp->tokens = icmp->burst;
                icmp->last_refill = now;   /* a full bucket saves no credit */
            } else {
                icmp->tokens += (uint32_t)add;
            }
        }
    }
    if (icmp->tokens == 0)
        return false;
    icmp->tokens--;
    return true;
}

/* RFC 1122 §3.2.2: "An ICMP error message MUST NOT be sent as the result
 * of receiving: an ICMP error message, or a datagram destined to an IP
 * broadcast or IP multicast address, or a datagram sent as a link-layer
 * broadcast, or a non-initial fragment, or a datagram whose source address
 * does not define a single host". Returns the counter of the rule that
 * forbids it, or NULL. (The link-layer broadcast rule is covered by the
 * Ethernet layer, which hands IPv4 only frames for our MAC or broadcast,
 * and by the IP broadcast check: a link broadcast carries an IP broadcast.) */
static uint64_t *forbidden_by(struct icmp *icmp, const uint8_t *hdr, size_t hdr_len,
                              size_t avail)
{
    uint32_t src = be32_read(hdr + IP4_OFF_SRC);
    uint32_t dst = be32_read(hdr + IP4_OFF_DST);
    uint16_t frag_offset = be16_read(hdr + IP4_OFF_FLAGS_FRAG) & IP4_FRAG_OFFSET_MASK;

    if (frag_offset != 0)
        return &icmp->stats.err_suppressed_fragment;
    if (hdr[IP4_OFF_PROTOCOL] == IP4_PROTO_ICMP &&
        (avail <= hdr_len || !icmp_type_is_query(hdr[hdr_len])))
        return &icmp->stats.err_suppressed_icmp_error;
    if (ip4_addr_is_multicast(dst) || ip4_is_broadcast(icmp->ip, dst))
        return &icmp->stats.err_suppressed_broadcast;
    if (!ip4_addr_is_unicast_source(src) || ip4_is_broadcast(icmp->ip, src))
        return &icmp->stats.err_suppressed_source;
    return NULL;
}

int icmp_send_error(struct icmp *icmp, const struct pkb *offending, uint8_t type, uint8_t code,
                    usec_t now)
{
    return icmp_send_error_rest(icmp, offending, type, code, 0, now);
}

int icmp_send_error_rest(struct icmp *icmp, const struct pkb *offending, uint8_t type,
                         uint8_t code, uint32_t rest, usec_t now)
{
    /* The offending datagram runs from its IP header to the end of the
     * packet's data (a transport may have pulled its own header). */
    const uint8_t *hdr = offending->network_header;
    const uint8_t *end = offending->data + offending->len;
    if (hdr == NULL || hdr < offending->buf || hdr > end)
        return -EINVAL;
    size_t avail = (size_t)(end - hdr);
    if (avail < IP4_HDR_MIN_LEN || (hdr[0] >> 4) != 4)
        return -EINVAL;
    size_t hdr_len = (size_t)(hdr[0] & 0x0F) * 4;
    if (hdr_len < IP4_HDR_MIN_LEN || hdr_len > avail)
        return -EINVAL;

    uint64_t *rule = forbidden_by(icmp, hdr, hdr_len, avail);
    if (rule != NULL) {
        (*rule)++;
        return -EPERM;
    }
    if (!take_token(icmp, now)) {
        icmp->stats.err_suppressed_rate++;
        return -EAGAIN;
    }

    /* RFC 792: the IP header and the first 64 bits of its data. */
    size_t quote = hdr_len + ICMP_ERROR_QUOTE_DATA;
    if (quote > avail)
        quote = avail;
    struct pkb *p = pkb_alloc(PKB_DEFAULT_HEADROOM, ICMP_HDR_LEN + quote);
    if (p == NULL) {
        icmp->stats.out_failed++;
        return -ENOBUFS;
    }
    uint8_t *b = pkb_put(p, ICMP_HDR_LEN + quote);
    b[ICMP_OFF_TYPE] = type;
    b[ICMP_OFF_CODE] = code;
    be16_write(b + ICMP_OFF_CHECKSUM, 0);
    be32_write(b + ICMP_OFF_REST, rest);
    memcpy(b + ICMP_HDR_LEN, hdr, quote);
    be16_write(b + ICMP_OFF_CHECKSUM, checksum_inet(b, ICMP_HDR_LEN + quote));

    /* From the address the datagram was sent to, when it is ours (so the
     * sender can match the error); otherwise the route's own source. */
    uint32_t offending_dst = be32_read(hdr + IP4_OFF_DST);
    uint32_t src = ip4_is_local(icmp->ip, offending_dst) ? offending_dst : 0;
    uint32_t dst = be32_read(hdr + IP4_OFF_SRC);

    char to[16];
    ip4_format_addr(dst, to, sizeof(to));
    trace_note(icmp->trace, now, icmp->trace_node, "icmp", "error %u/%u to %s",
               (unsigned)type, (unsigned)code, to);

    icmp->stats.out_msgs++;
    icmp->stats.out_type[type]++;
    /* RFC 1122 §3.2.2: errors SHOULD be sent with TOS 0 (the default). */
    int err = ip4_output(icmp->ip, p, src, dst, IP4_PROTO_ICMP, now);
    if (err != 0)
        icmp->stats.out_failed++;
    return err;
}

void icmp_local_error(struct icmp *icmp, const uint8_t *datagram, size_t len, uint8_t type,
                      uint8_t code, usec_t now)
{
    /* Build the message a router would have sent, then take the receive
     * path, so transports see one kind of error report. */
    uint8_t msg[ICMP_HDR_LEN + IP4_HDR_MAX_LEN + ICMP_ERROR_QUOTE_DATA];
    if (len < IP4_HDR_MIN_LEN)
        return;
    size_t hdr_len = (size_t)(datagram[0] & 0x0F) * 4;
    size_t quote = hdr_len + ICMP_ERROR_QUOTE_DATA;
    if (quote > len)
        quote = len;
    if (quote > sizeof(msg) - ICMP_HDR_LEN)
        quote = sizeof(msg) - ICMP_HDR_LEN;
    memset(msg, 0, ICMP_HDR_LEN);
    msg[ICMP_OFF_TYPE] = type;
    msg[ICMP_OFF_CODE] = code;
    memcpy(msg + ICMP_HDR_LEN, datagram, quote);
    be16_write(msg + ICMP_OFF_CHECKSUM, checksum_inet(msg, ICMP_HDR_LEN + quote));
    /* Reported by ourselves: the datagram's own source address. */
    icmp_error_input(icmp, msg, ICMP_HDR_LEN + quote, be32_read(datagram + IP4_OFF_SRC), now);
}
