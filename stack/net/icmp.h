/*
 * icmp.h — the Internet Control Message Protocol (RFC 792) of one stack:
 * echo (ping) in both directions, and the error messages the IP layer and
 * the transports send and receive.
 *
 * Every ICMP message starts with the same 8 bytes:
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |     Type      |     Code      |          Checksum             |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |        "rest of header": depends on the type                  |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Echo and Echo Reply (types 8 and 0):
 *   |           Identifier          |        Sequence Number        |
 *   |     Data ...
 *
 * Errors (Destination Unreachable 3, Time Exceeded 11, Parameter Problem
 * 12): the rest of the header is unused (zero), except the next-hop MTU in
 * its low 16 bits for "fragmentation needed" (RFC 1191 §4) and the pointer
 * in its first byte for Parameter Problem; then the offending datagram's IP
 * header and first 8 data bytes:
 *   |                 unused / next-hop MTU / pointer               |
 *   |      Internet Header + 64 bits of Original Data Datagram      |
 *
 * The checksum covers the whole ICMP message (header and data).
 *
 * ip4_new() creates the module (ip4_icmp() returns it); it registers itself
 * as IP protocol 1.
 */
#ifndef TUNLAB_NET_ICMP_H
#define TUNLAB_NET_ICMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "stack/core/clock.h"
#include "stack/core/pkb.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ICMP_HDR_LEN 8

/* Types (RFC 792). */
#define ICMP_ECHO_REPLY 0
#define ICMP_DEST_UNREACH 3
#define ICMP_SOURCE_QUENCH 4      /* deprecated by RFC 6633: ignored */
#define ICMP_REDIRECT 5
#define ICMP_ECHO_REQUEST 8
#define ICMP_TIME_EXCEEDED 11
#define ICMP_PARAM_PROBLEM 12
#define ICMP_TIMESTAMP 13
#define ICMP_TIMESTAMP_REPLY 14

/* Destination Unreachable codes. */
#define ICMP_UNREACH_NET 0
#define ICMP_UNREACH_HOST 1
#define ICMP_UNREACH_PROTOCOL 2
#define ICMP_UNREACH_PORT 3
#define ICMP_UNREACH_FRAG_NEEDED 4   /* with the next-hop MTU (RFC 1191) */

/* Time Exceeded codes. */
#define ICMP_EXCEEDED_TTL 0
#define ICMP_EXCEEDED_REASSEMBLY 1

/* How much of the offending datagram an error quotes beyond its IP header:
 * RFC 792's "64 bits of Original Data Datagram", the minimum RFC 1122
 * §3.2.2 requires. (RFC 1812 §4.3.2.3 lets routers quote up to 576 bytes;
 * 8 bytes carry the ports of UDP and TCP, which is all a transport needs
 * to find the socket, and keep every error small.) */
#define ICMP_ERROR_QUOTE_DATA 8

struct icmp;

/* Counters, like the "Icmp:" section of `netstat -s`. */
struct icmp_stats {
    uint64_t in_msgs;                 /* InMsgs: every ICMP message received */
    uint64_t in_too_short;            /* shorter than the 8-byte header */
    uint64_t in_bad_checksum;
    uint64_t in_unknown_type;         /* RFC 1122 §3.2.2: silently discarded */
    uint64_t in_echo_ignored;         /* echo requests to a broadcast address
                                         (RFC 1122 §3.2.2.6 MAY ignore them) or
                                         from a source we cannot answer */
    uint64_t in_error_bad_quote;      /* error whose quoted header is unusable */
    uint64_t in_error_no_handler;     /* no transport for the quoted protocol */
    uint64_t in_errors_delivered;     /* handed to a transport / the ping client */
    uint64_t in_echo_replies_unhandled; /* echo replies with no ping client */
    uint64_t out_msgs;                /* OutMsgs: handed to ip4_output */
    uint64_t out_failed;              /* ip4_output refused them */
    uint64_t err_suppressed_icmp_error; /* not about an ICMP error (RFC 1122 §3.2.2) */
    uint64_t err_suppressed_broadcast;  /* ... nor about broadcast/multicast */
    uint64_t err_suppressed_fragment;   /* ... nor a non-initial fragment */
    uint64_t err_suppressed_source;     /* ... nor a source that is not one host */
    uint64_t err_suppressed_rate;       /* rate limit: token bucket empty */
    uint64_t in_type[256];            /* input histogram by type */
    uint64_t out_type[256];           /* output histogram by type */
};

const struct icmp_stats *icmp_stats(const struct icmp *icmp);
/* Print like `netstat -s`'s "Icmp:" section with its histograms. */
void icmp_print_stats(const struct icmp *icmp, FILE *out);
const char *icmp_type_name(uint8_t type);

/* Send an ICMP error about `offending`, a datagram the stack received:
 * p->network_header points at its IP header and the datagram ends at
 * p->data + p->len (so a transport may call it after pulling its own
 * header). Quotes the IP header and ICMP_ERROR_QUOTE_DATA bytes.
 *
 * Never sends (RFC 1122 §3.2.2, counted) about an ICMP error message, a
 * datagram to a broadcast or multicast address, a non-initial fragment, or
 * a datagram whose source is not a single host; and sends at most `burst`
 * errors back to back, then `rate` per second (a token bucket in the time
 * passed in; RFC 1812 §4.3.2.8). Echo replies are not rate-limited.
 *
 * Returns 0 when sent, -EPERM when the rules above forbid it, -EAGAIN when
 * rate-limited, -EINVAL for an offending packet without a usable header,
 * or ip4_output's error. */
int icmp_send_error(struct icmp *icmp, const struct pkb *offending, uint8_t type, uint8_t code,
                    usec_t now);

/* The same with the 32-bit "rest of header" word given: the next-hop MTU
 * (low 16 bits) for type 3 code 4 (RFC 1191 §4), or pointer << 24 for
 * Parameter Problem (RFC 792). */
int icmp_send_error_rest(struct icmp *icmp, const struct pkb *offending, uint8_t type,
                         uint8_t code, uint32_t rest, usec_t now);

/* ---- the stack's own ping client --------------------------------------
 * icmp_ping_send() sends an Echo Request with `payload_len` data bytes:
 * the first 8 are the send time (big-endian microseconds, as Linux ping
 * stores its timeval) when payload_len >= 8, the rest the pattern
 * byte[i] = i & 0xFF. The reply handler gets every Echo Reply, whatever its
 * identifier (a ping app keeps those with its own id). */
struct icmp_echo_reply_info {
    uint32_t from;        /* who answered */
    uint16_t id, seq;
    uint8_t ttl;          /* of the reply's IP header */
    size_t len;           /* ICMP data bytes (without the 8-byte header) */
    bool has_time;        /* the first 8 data bytes carried our send time */
    usec_t rtt;           /* now - send time, when has_time */
    bool data_ok;         /* the pattern after the timestamp came back intact */
};

typedef void (*icmp_echo_reply_fn)(void *ctx, const struct icmp_echo_reply_info *reply,
                                   usec_t now);
/* An ICMP error arrived about one of our echo requests (or ARP could not
 * reach its next hop): `from` sent it, the quoted request had id/seq. */
typedef void (*icmp_ping_error_fn)(void *ctx, uint32_t from, uint8_t type, uint8_t code,
                                   uint16_t id, uint16_t seq, usec_t now);

void icmp_ping_set_handler(struct icmp *icmp, icmp_echo_reply_fn on_reply,
                           icmp_ping_error_fn on_error, void *ctx);

/* Returns 0, or ip4_output's negative errno (-ENETUNREACH, ...), or
 * -EINVAL if the payload would not fit in one IP datagram (65,507 bytes). */
int icmp_ping_send(struct icmp *icmp, uint32_t dst, uint16_t id, uint16_t seq,
                   size_t payload_len, usec_t now);

#define ICMP_PING_MAX_PAYLOAD (65535 - 20 - ICMP_HDR_LEN)

#ifdef __cplusplus
}
#endif

#endif
