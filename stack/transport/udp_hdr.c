/*
 * udp_hdr.c — parse, emit and checksum the UDP header (RFC 768).
 */
#include "stack/transport/udp_hdr.h"

#include "stack/core/byteorder.h"
#include "stack/core/checksum.h"

#define IPPROTO_UDP_NUMBER 17

int udp_hdr_parse(const uint8_t *p, size_t len, struct udp_hdr *h)
{
    if (len < UDP_HDR_LEN)
        return UDP_PARSE_TRUNCATED;
    h->src_port = be16_read(p + UDP_OFF_SRC_PORT);
    h->dst_port = be16_read(p + UDP_OFF_DST_PORT);
    h->length = be16_read(p + UDP_OFF_LENGTH);
    h->checksum = be16_read(p + UDP_OFF_CHECKSUM);
    /* RFC 768: "Length is the length in octets of this user datagram
     * including this header and the data. (This means the minimum value of
     * the length is eight.)" It may not claim more than IP delivered. */
    if (h->length < UDP_HDR_LEN || h->length > len)
        return UDP_PARSE_BAD_LENGTH;
    return UDP_PARSE_OK;
}

void udp_hdr_emit(const struct udp_hdr *h, uint8_t *p)
{
    be16_write(p + UDP_OFF_SRC_PORT, h->src_port);
    be16_write(p + UDP_OFF_DST_PORT, h->dst_port);
    be16_write(p + UDP_OFF_LENGTH, h->length);
    be16_write(p + UDP_OFF_CHECKSUM, h->checksum);
}

/* The one's complement sum of pseudo-header + datagram, not yet inverted. */
static uint32_t udp_sum(uint32_t src, uint32_t dst, const uint8_t *dgram, size_t len)
{
    uint32_t sum = checksum_pseudo_ipv4(src, dst, IPPROTO_UDP_NUMBER, (uint16_t)len);
    return checksum_add(sum, dgram, len);
}

uint16_t udp_checksum_compute(uint32_t src, uint32_t dst, const uint8_t *dgram, size_t len)
{
    uint16_t c = checksum_finish(udp_sum(src, dst, dgram, len));
    /* RFC 768: "If the computed checksum is zero, it is transmitted as all
     * ones (the equivalent in one's complement arithmetic)." */
    return c == 0 ? 0xFFFF : c;
}

bool udp_checksum_verify(uint32_t src, uint32_t dst, const uint8_t *dgram, size_t len)
{
    if (len >= UDP_HDR_LEN && be16_read(dgram + UDP_OFF_CHECKSUM) == 0)
        return true;   /* the sender computed no checksum */
    return checksum_finish(udp_sum(src, dst, dgram, len)) == 0;
}
