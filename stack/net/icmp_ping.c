/*
 * icmp_ping.c — the stack's own ping client: send Echo Requests, report
 * Echo Replies (and errors about our requests) to a handler that computes
 * round-trip times, like ping(8) does.
 */
#include <errno.h>

#include "stack/core/byteorder.h"
#include "stack/core/checksum.h"
#include "stack/net/icmp_priv.h"
#include "stack/net/ip4_hdr.h"

/* The first 8 data bytes carry the send time, as ping(8) carries its
 * timeval; the rest is a pattern the reply must bring back. */
#define PING_STAMP_LEN 8

static uint8_t pattern_byte(size_t i) { return (uint8_t)(i & 0xFF); }

void icmp_ping_set_handler(struct icmp *icmp, icmp_echo_reply_fn on_reply,
                           icmp_ping_error_fn on_error, void *ctx)
{
    icmp->on_reply = on_reply;
    icmp->on_error = on_error;
    icmp->ping_ctx = ctx;
}

int icmp_ping_send(struct icmp *icmp, uint32_t dst, uint16_t id, uint16_t seq,
                   size_t payload_len, usec_t now)
{
    if (payload_len > ICMP_PING_MAX_PAYLOAD)
        return -EINVAL;
    struct pkb *p = pkb_alloc(PKB_DEFAULT_HEADROOM, ICMP_HDR_LEN + payload_len);
    if (p == NULL)
        return -ENOBUFS;
    uint8_t *b = pkb_put(p, ICMP_HDR_LEN + payload_len);
    b[ICMP_OFF_TYPE] = ICMP_ECHO_REQUEST;
    b[ICMP_OFF_CODE] = 0;
    be16_write(b + ICMP_OFF_CHECKSUM, 0);
    be16_write(b + ICMP_OFF_ID, id);
    be16_write(b + ICMP_OFF_SEQ, seq);

    uint8_t *data = b + ICMP_HDR_LEN;
    size_t i = 0;
    if (payload_len >= PING_STAMP_LEN) {
        be32_write(data, (uint32_t)(now >> 32));
        be32_write(data + 4, (uint32_t)now);
        i = PING_STAMP_LEN;
    }
    for (; i < payload_len; i++)
        data[i] = pattern_byte(i);
    be16_write(b + ICMP_OFF_CHECKSUM, checksum_inet(b, ICMP_HDR_LEN + payload_len));

    icmp->stats.out_msgs++;
    icmp->stats.out_type[ICMP_ECHO_REQUEST]++;
    int err = ip4_output(icmp->ip, p, 0, dst, IP4_PROTO_ICMP, now);
    if (err != 0)
        icmp->stats.out_failed++;
    return err;
}

void icmp_ping_reply_input(struct icmp *icmp, const struct pkb *p,
                           const struct ip4_rx_info *info, usec_t now)
{
    if (icmp->on_reply == NULL) {
        icmp->stats.in_echo_replies_unhandled++;
        return;
    }
    const uint8_t *b = p->data;
    const uint8_t *data = b + ICMP_HDR_LEN;
    struct icmp_echo_reply_info r = {
        .from = info->src,
        .id = be16_read(b + ICMP_OFF_ID),
        .seq = be16_read(b + ICMP_OFF_SEQ),
        .ttl = info->ttl,
        .len = p->len - ICMP_HDR_LEN,
        .data_ok = true,
    };
    size_t i = 0;
    if (r.len >= PING_STAMP_LEN) {
        usec_t sent = (usec_t)be32_read(data) << 32 | be32_read(data + 4);
        r.has_time = sent <= now;
        r.rtt = r.has_time ? now - sent : 0;
        i = PING_STAMP_LEN;
    }
    for (; i < r.len; i++) {
        if (data[i] != pattern_byte(i)) {
            r.data_ok = false;
            break;
        }
    }
    icmp->on_reply(icmp->ping_ctx, &r, now);
}

void icmp_ping_error_input(struct icmp *icmp, uint32_t from, uint8_t type, uint8_t code,
                           const uint8_t *quoted, size_t quoted_len, usec_t now)
{
    /* The quote holds our request's IP header and its first 8 bytes: the
     * ICMP header with type, id and sequence. */
    size_t hdr_len = (size_t)(quoted[0] & 0x0F) * 4;
    const uint8_t *req = quoted + hdr_len;
    if (hdr_len + ICMP_HDR_LEN > quoted_len || req[ICMP_OFF_TYPE] != ICMP_ECHO_REQUEST) {
        icmp->stats.in_error_no_handler++;   /* about some other ICMP message */
        return;
    }
    if (icmp->on_error == NULL) {
        icmp->stats.in_error_no_handler++;
        return;
    }
    icmp->stats.in_errors_delivered++;
    icmp->on_error(icmp->ping_ctx, from, type, code, be16_read(req + ICMP_OFF_ID),
                   be16_read(req + ICMP_OFF_SEQ), now);
}
