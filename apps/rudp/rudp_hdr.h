/*
 * rudp_hdr.h — the header of tunlab's reliable UDP (the seed's "UDP怎么实现
 * 可靠传输": a header with sequence and acknowledgement numbers and a
 * timestamp, carried as the payload of ordinary UDP datagrams).
 *
 *     0                   1                   2                   3
 *     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |    Version    |     Flags     |            Window             |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                        Sequence Number                        |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                     Acknowledgment Number                     |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                           Timestamp                           |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                        Timestamp Echo                         |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                             Data ...
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 *  Version    1.
 *  Flags      DATA (0x01): Data and Sequence Number are valid.
 *             ACK  (0x02): Acknowledgment Number and Window are valid.
 *             FIN  (0x04): with DATA, this is the last packet of the transfer.
 *  Window     the receiver: how many packets from Acknowledgment Number on
 *             it can buffer (flow control, like TCP's window but counted in
 *             packets).
 *  Sequence   the packet's number: packets, not bytes, are numbered, 0 first.
 *  Ack        cumulative, as in TCP: the next packet the receiver expects;
 *             every packet before it has arrived.
 *  Timestamp  the sender's clock (microseconds, modulo 2^32) when this packet
 *             was sent — the retransmission too gets a fresh one.
 *  Ts Echo    in an ACK: the Timestamp of the data packet that caused it.
 *             The sender's RTT sample is now - Ts Echo, and because the echo
 *             names one transmission, a retransmitted packet gives a true
 *             sample too (the ambiguity Karn's algorithm avoids by not
 *             sampling; RFC 7323 §4 solves it the same way for TCP).
 */
#ifndef TUNLAB_APPS_RUDP_HDR_H
#define TUNLAB_APPS_RUDP_HDR_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RUDP_HDR_LEN 20
#define RUDP_VERSION 1

#define RUDP_FLAG_DATA 0x01
#define RUDP_FLAG_ACK 0x02
#define RUDP_FLAG_FIN 0x04

/* Byte offsets. */
#define RUDP_OFF_VERSION 0
#define RUDP_OFF_FLAGS 1
#define RUDP_OFF_WINDOW 2
#define RUDP_OFF_SEQ 4
#define RUDP_OFF_ACK 8
#define RUDP_OFF_TS 12
#define RUDP_OFF_TS_ECHO 16

/* Payload that fits a 1500-byte MTU without IP fragmentation:
 * 1500 - 20 (IPv4) - 8 (UDP) - 20 (this header). */
#define RUDP_MAX_PAYLOAD 1452

struct rudp_hdr {
    uint8_t version;
    uint8_t flags;
    uint16_t window;
    uint32_t seq;
    uint32_t ack;
    uint32_t ts;
    uint32_t ts_echo;
};

enum rudp_parse_error {
    RUDP_PARSE_OK = 0,
    RUDP_PARSE_TRUNCATED = -1,    /* shorter than the header */
    RUDP_PARSE_BAD_VERSION = -2,
    RUDP_PARSE_BAD_FLAGS = -3,    /* unknown bits, or neither DATA nor ACK */
};

int rudp_hdr_parse(const uint8_t *p, size_t len, struct rudp_hdr *h);
void rudp_hdr_emit(const struct rudp_hdr *h, uint8_t out[RUDP_HDR_LEN]);

#ifdef __cplusplus
}
#endif

#endif
