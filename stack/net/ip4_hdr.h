/*
 * ip4_hdr.h — the IPv4 header on the wire (RFC 791 §3.1).
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |Version|  IHL  |Type of Service|          Total Length         |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |         Identification        |Flags|      Fragment Offset    |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |  Time to Live |    Protocol   |         Header Checksum       |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                       Source Address                          |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                    Destination Address                        |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                    Options                    |    Padding    |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 *   Flags (3 bits): 0 (reserved, must be zero), DF (don't fragment),
 *   MF (more fragments). Fragment Offset counts units of 8 bytes.
 *   IHL counts 32-bit words (5..15: a header is 20..60 bytes).
 *
 * ip4_hdr_parse() checks a received header in the order of RFC 1122
 * §3.2.1 and says which check failed; ip4_hdr_emit() writes a header and
 * its checksum.
 */
#ifndef TUNLAB_NET_IP4_HDR_H
#define TUNLAB_NET_IP4_HDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define IP4_HDR_MIN_LEN 20
#define IP4_HDR_MAX_LEN 60
#define IP4_MAX_DATAGRAM 65535   /* the Total Length field is 16 bits */

/* Byte offsets of the fields. */
#define IP4_OFF_VER_IHL 0
#define IP4_OFF_TOS 1
#define IP4_OFF_TOTAL_LEN 2
#define IP4_OFF_ID 4
#define IP4_OFF_FLAGS_FRAG 6
#define IP4_OFF_TTL 8
#define IP4_OFF_PROTOCOL 9
#define IP4_OFF_CHECKSUM 10
#define IP4_OFF_SRC 12
#define IP4_OFF_DST 16

/* The flags-and-offset word. */
#define IP4_FLAG_RESERVED 0x8000
#define IP4_FLAG_DF 0x4000
#define IP4_FLAG_MF 0x2000
#define IP4_FRAG_OFFSET_MASK 0x1FFF

/* A parsed header, every field in host order. */
struct ip4_hdr {
    uint8_t hdr_len;        /* bytes: IHL * 4 */
    uint8_t tos;
    uint16_t total_len;     /* header + data */
    uint16_t id;
    bool df, mf;
    uint16_t frag_offset;   /* in bytes (the wire carries it / 8) */
    uint8_t ttl;
    uint8_t protocol;
    uint16_t checksum;      /* as received; ip4_hdr_emit computes its own */
    uint32_t src, dst;
    const uint8_t *options; /* points into the parsed bytes; NULL if none */
    uint8_t options_len;    /* hdr_len - 20 */
};

/* What was wrong with a received header, in the order the checks run. */
enum ip4_hdr_error {
    IP4_HDR_OK = 0,
    IP4_HDR_TOO_SHORT = -1,      /* fewer than 20 bytes */
    IP4_HDR_BAD_VERSION = -2,    /* version field is not 4 */
    IP4_HDR_BAD_IHL = -3,        /* IHL < 5, or the header is longer than the bytes */
    IP4_HDR_BAD_TOTAL_LEN = -4,  /* total length < header, or > bytes received */
    IP4_HDR_BAD_CHECKSUM = -5,   /* header checksum does not verify */
};

/* Parse and validate the header at the start of `len` received bytes.
 * Bytes beyond h->total_len are link padding the caller trims. */
enum ip4_hdr_error ip4_hdr_parse(const uint8_t *bytes, size_t len, struct ip4_hdr *h);

/* Write h as h->hdr_len bytes at out (copying h->options_len bytes of
 * options, zero-padding the rest), with a freshly computed checksum. */
void ip4_hdr_emit(const struct ip4_hdr *h, uint8_t *out);

/* Walk the options with their lengths checked (RFC 791 §3.1, "Options").
 * No option is acted on (RFC 1122 §3.2.1.8 lets a host ignore those it does
 * not implement); the walk only proves each one lies inside the header.
 * Returns -1 if all is well, else the offset within the options of the
 * first malformed one (for a Parameter Problem pointer). */
int ip4_options_check(const uint8_t *options, size_t len);

/* Option types the walk knows by name (RFC 791 §3.1). */
#define IP4_OPT_END 0
#define IP4_OPT_NOP 1
#define IP4_OPT_RECORD_ROUTE 7

const char *ip4_hdr_error_name(enum ip4_hdr_error err);

#ifdef __cplusplus
}
#endif

#endif
