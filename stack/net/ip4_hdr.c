/*
 * ip4_hdr.c — parse, validate and emit the IPv4 header (RFC 791 §3.1).
 */
#include "stack/net/ip4_hdr.h"

#include <string.h>

#include "stack/core/byteorder.h"
#include "stack/core/checksum.h"

enum ip4_hdr_error ip4_hdr_parse(const uint8_t *b, size_t len, struct ip4_hdr *h)
{
#ifdef LAB3_SOLUTION
    /* The checks run in the order of RFC 1122 §3.2.1: each one makes the
     * next one safe (the checksum covers hdr_len bytes, so the IHL must be
     * known to lie inside the packet first). */
    if (len < IP4_HDR_MIN_LEN)
        return IP4_HDR_TOO_SHORT;

    /* RFC 1122 §3.2.1.1: a datagram whose version is not 4 MUST be
     * silently discarded. */
    if ((b[IP4_OFF_VER_IHL] >> 4) != 4)
        return IP4_HDR_BAD_VERSION;

    size_t hdr_len = (size_t)(b[IP4_OFF_VER_IHL] & 0x0F) * 4;
    if (hdr_len < IP4_HDR_MIN_LEN || hdr_len > len)
        return IP4_HDR_BAD_IHL;

    /* Total length may be shorter than what arrived (Ethernet pads short
     * frames to 60 bytes) but never longer: a truncated datagram. */
    size_t total_len = be16_read(b + IP4_OFF_TOTAL_LEN);
    if (total_len < hdr_len || total_len > len)
        return IP4_HDR_BAD_TOTAL_LEN;

    /* RFC 1122 §3.2.1.2: a host MUST verify the header checksum and
     * silently discard a datagram with a bad one. A header whose checksum
     * field is included sums to 0 after the complement. */
    if (checksum_inet(b, hdr_len) != 0)
        return IP4_HDR_BAD_CHECKSUM;

    uint16_t flags_frag = be16_read(b + IP4_OFF_FLAGS_FRAG);
    h->hdr_len = (uint8_t)hdr_len;
    h->tos = b[IP4_OFF_TOS];
    h->total_len = (uint16_t)total_len;
    h->id = be16_read(b + IP4_OFF_ID);
    /* The reserved flag must be sent as zero (RFC 791) and is ignored on
     * receipt, as every stack does. */
    h->df = (flags_frag & IP4_FLAG_DF) != 0;
    h->mf = (flags_frag & IP4_FLAG_MF) != 0;
    h->frag_offset = (uint16_t)((flags_frag & IP4_FRAG_OFFSET_MASK) * 8);
    h->ttl = b[IP4_OFF_TTL];
    h->protocol = b[IP4_OFF_PROTOCOL];
    h->checksum = be16_read(b + IP4_OFF_CHECKSUM);
    h->src = be32_read(b + IP4_OFF_SRC);
    h->dst = be32_read(b + IP4_OFF_DST);
    h->options_len = (uint8_t)(hdr_len - IP4_HDR_MIN_LEN);
    h->options = h->options_len ? b + IP4_HDR_MIN_LEN : NULL;
    return IP4_HDR_OK;
#else
    /* TODO(lab 3): ip4_hdr_parse() — labs/lab3-network/README.md, "Part A".
     * Check, in RFC 1122 §3.2.1's order, each check making the next one
     * safe: at least 20 bytes; version 4; IHL*4 at least 20 and within len;
     * total length at least IHL*4 and within len; the header checksum
     * (checksum_inet over IHL*4 bytes sums to 0). Return the first failing
     * check's error. Then fill every field of *h (ip4_hdr_emit below is the
     * mirror image; frag_offset is in bytes) and return IP4_HDR_OK. */
    (void)b;
    (void)len;
    memset(h, 0, sizeof *h);
    return IP4_HDR_TOO_SHORT;   /* refuses every datagram */
#endif
}

void ip4_hdr_emit(const struct ip4_hdr *h, uint8_t *out)
{
    uint16_t flags_frag = (uint16_t)((h->frag_offset / 8) & IP4_FRAG_OFFSET_MASK);
    if (h->df)
        flags_frag |= IP4_FLAG_DF;
    if (h->mf)
        flags_frag |= IP4_FLAG_MF;

    out[IP4_OFF_VER_IHL] = (uint8_t)(4 << 4 | (h->hdr_len / 4));
    out[IP4_OFF_TOS] = h->tos;
    be16_write(out + IP4_OFF_TOTAL_LEN, h->total_len);
    be16_write(out + IP4_OFF_ID, h->id);
    be16_write(out + IP4_OFF_FLAGS_FRAG, flags_frag);
    out[IP4_OFF_TTL] = h->ttl;
    out[IP4_OFF_PROTOCOL] = h->protocol;
    be16_write(out + IP4_OFF_CHECKSUM, 0);
    be32_write(out + IP4_OFF_SRC, h->src);
    be32_write(out + IP4_OFF_DST, h->dst);

    size_t room = (size_t)h->hdr_len - IP4_HDR_MIN_LEN;
    size_t copy = h->options_len < room ? h->options_len : room;
    if (copy > 0)
        memcpy(out + IP4_HDR_MIN_LEN, h->options, copy);
    /* Padding after the options is zero, which reads as End of Options. */
    memset(out + IP4_HDR_MIN_LEN + copy, 0, room - copy);

    be16_write(out + IP4_OFF_CHECKSUM, checksum_inet(out, h->hdr_len));
}

int ip4_options_check(const uint8_t *opt, size_t len)
{
    size_t i = 0;
    while (i < len) {
        uint8_t type = opt[i];
        if (type == IP4_OPT_END)
            return -1;   /* the rest is padding */
        if (type == IP4_OPT_NOP) {
            i++;
            continue;
        }
        /* Every other option is type, length (counting both), data. */
        if (i + 1 >= len)
            return (int)i;
        uint8_t optlen = opt[i + 1];
        if (optlen < 2 || i + optlen > len)
            return (int)i + 1;
        i += optlen;
    }
    return -1;
}

const char *ip4_hdr_error_name(enum ip4_hdr_error err)
{
    switch (err) {
    case IP4_HDR_OK: return "ok";
    case IP4_HDR_TOO_SHORT: return "too short";
    case IP4_HDR_BAD_VERSION: return "bad version";
    case IP4_HDR_BAD_IHL: return "bad header length";
    case IP4_HDR_BAD_TOTAL_LEN: return "bad total length";
    case IP4_HDR_BAD_CHECKSUM: return "bad checksum";
    }
    return "?";
}
