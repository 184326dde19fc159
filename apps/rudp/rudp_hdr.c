/*
 * rudp_hdr.c — parse and emit the reliable-UDP header.
 */
#include "apps/rudp/rudp_hdr.h"

#include "stack/core/byteorder.h"

int rudp_hdr_parse(const uint8_t *p, size_t len, struct rudp_hdr *h)
{
    if (len < RUDP_HDR_LEN)
        return RUDP_PARSE_TRUNCATED;
    h->version = p[RUDP_OFF_VERSION];
    h->flags = p[RUDP_OFF_FLAGS];
    h->window = be16_read(p + RUDP_OFF_WINDOW);
    h->seq = be32_read(p + RUDP_OFF_SEQ);
    h->ack = be32_read(p + RUDP_OFF_ACK);
    h->ts = be32_read(p + RUDP_OFF_TS);
    h->ts_echo = be32_read(p + RUDP_OFF_TS_ECHO);
    if (h->version != RUDP_VERSION)
        return RUDP_PARSE_BAD_VERSION;
    if ((h->flags & ~(RUDP_FLAG_DATA | RUDP_FLAG_ACK | RUDP_FLAG_FIN)) != 0 ||
        (h->flags & (RUDP_FLAG_DATA | RUDP_FLAG_ACK)) == 0)
        return RUDP_PARSE_BAD_FLAGS;
    return RUDP_PARSE_OK;
}

void rudp_hdr_emit(const struct rudp_hdr *h, uint8_t out[RUDP_HDR_LEN])
{
    out[RUDP_OFF_VERSION] = h->version;
    out[RUDP_OFF_FLAGS] = h->flags;
    be16_write(out + RUDP_OFF_WINDOW, h->window);
    be32_write(out + RUDP_OFF_SEQ, h->seq);
    be32_write(out + RUDP_OFF_ACK, h->ack);
    be32_write(out + RUDP_OFF_TS, h->ts);
    be32_write(out + RUDP_OFF_TS_ECHO, h->ts_echo);
}
