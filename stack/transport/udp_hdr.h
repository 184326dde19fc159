/*
 * udp_hdr.h — the UDP header (RFC 768) on the wire.
 *
 *     0      7 8     15 16    23 24    31
 *    +--------+--------+--------+--------+
 *    |     Source      |   Destination   |
 *    |      Port       |      Port       |
 *    +--------+--------+--------+--------+
 *    |                 |                 |
 *    |     Length      |    Checksum     |
 *    +--------+--------+--------+--------+
 *    |
 *    |          data octets ...
 *    +---------------- ...
 *
 *              User Datagram Header Format (RFC 768)
 *
 * Length counts the header and the data, so it is at least 8. The checksum
 * covers a pseudo-header (source and destination address, zero, protocol 17,
 * UDP length), the UDP header and the data padded to an even length:
 *
 *     0      7 8     15 16    23 24    31
 *    +--------+--------+--------+--------+
 *    |          source address           |
 *    +--------+--------+--------+--------+
 *    |        destination address        |
 *    +--------+--------+--------+--------+
 *    |  zero  |protocol|   UDP length    |
 *    +--------+--------+--------+--------+
 *
 * "An all zero transmitted checksum value means that the transmitter
 * generated no checksum" (RFC 768); so a computed checksum of 0 is sent as
 * its one's complement twin 0xFFFF, which verifies the same way.
 */
#ifndef TUNLAB_TRANSPORT_UDP_HDR_H
#define TUNLAB_TRANSPORT_UDP_HDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define UDP_HDR_LEN 8

/* Byte offsets of the fields. */
#define UDP_OFF_SRC_PORT 0
#define UDP_OFF_DST_PORT 2
#define UDP_OFF_LENGTH 4
#define UDP_OFF_CHECKSUM 6

/* The largest payload an IPv4 UDP datagram can carry:
 * 65535 - 20 (IPv4 header) - 8 (UDP header). */
#define UDP_MAX_PAYLOAD 65507

/* A parsed header: plain host-order values. */
struct udp_hdr {
    uint16_t src_port;
    uint16_t dst_port;
    uint16_t length;     /* header + data, as the header says */
    uint16_t checksum;   /* as on the wire; 0 = "no checksum" */
};

/* Why a datagram failed to parse. */
enum udp_parse_error {
    UDP_PARSE_OK = 0,
    UDP_PARSE_TRUNCATED = -1,    /* fewer than 8 bytes */
    UDP_PARSE_BAD_LENGTH = -2,   /* Length < 8, or larger than the IP payload */
};

/* Check the length field against `len`, the bytes the IP layer delivered,
 * and fill *h. Returns UDP_PARSE_OK or a negative enum udp_parse_error.
 * The IP payload may be longer than Length (link padding): the caller trims
 * it to h->length. */
int udp_hdr_parse(const uint8_t *p, size_t len, struct udp_hdr *h);

/* Write h at p (8 bytes), checksum field as given in h. */
void udp_hdr_emit(const struct udp_hdr *h, uint8_t *p);

/* The value to store in the checksum field of the datagram `dgram`
 * (header + data, `len` bytes, checksum field zero) sent from src to dst
 * (host order). Never 0: a computed 0 is returned as 0xFFFF (RFC 768). */
uint16_t udp_checksum_compute(uint32_t src, uint32_t dst, const uint8_t *dgram, size_t len);

/* True when a received datagram's checksum is absent (field 0, RFC 768) or
 * verifies: the one's complement sum over pseudo-header, header (checksum
 * field included) and data is all ones. */
bool udp_checksum_verify(uint32_t src, uint32_t dst, const uint8_t *dgram, size_t len);

#ifdef __cplusplus
}
#endif

#endif
