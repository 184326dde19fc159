/*
 * pkt_info.h — what the drawing tools need to know about one traced packet:
 * addresses, and for TCP the flags, sequence numbers, window and length.
 *
 * The decoder reads only the bytes the trace kept (at most 128, enough for
 * every header) and checks each length before reading, like stack/dump; a
 * packet it cannot decode is PKT_OTHER, never an error.
 */
#ifndef TUNLAB_TOOLS_DRAW_PKT_INFO_H
#define TUNLAB_TOOLS_DRAW_PKT_INFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stack/core/trace.h"

#ifdef __cplusplus
extern "C" {
#endif

enum pkt_proto {
    PKT_OTHER,   /* not decoded: the label falls back to the tcpdump line */
    PKT_TCP,
    PKT_UDP,
    PKT_ICMP,
    PKT_IP,      /* another IP protocol, or a later fragment */
    PKT_ARP,
};

/* TCP control bits (RFC 9293 §3.1, byte 13). */
#define PKT_TCP_FIN 0x01
#define PKT_TCP_SYN 0x02
#define PKT_TCP_RST 0x04
#define PKT_TCP_PSH 0x08
#define PKT_TCP_ACK 0x10

struct pkt_info {
    enum pkt_proto proto;
    bool has_ip;           /* src/dst below are IPv4 addresses (ARP: sender/target) */
    uint32_t src, dst;     /* host order */
    uint16_t sport, dport; /* TCP and UDP */

    /* IPv4 */
    uint8_t ip_proto;
    uint16_t ip_id;
    uint16_t frag_offset;  /* bytes */
    bool more_frags;
    uint32_t ip_payload;   /* bytes after the IP header, from Total Length */

    /* TCP: payload is the segment's data length (from IP Total Length) */
    uint8_t flags;
    uint32_t seq, ack;
    uint16_t window;       /* as on the wire, not scaled */
    uint32_t payload;
    uint16_t mss;          /* 0 if the segment carries no MSS option */
    int wscale;            /* -1 if no window scale option */

    /* UDP: payload length; ICMP: type, code, echo id and sequence */
    uint8_t icmp_type, icmp_code;
    uint16_t icmp_id, icmp_seq;

    /* ARP: 1 request, 2 reply; sender MAC for replies */
    uint16_t arp_op;
    uint8_t arp_sha[6];
};

/* Decode the packet of a TRACE_PKT_* event. */
void pkt_info_decode(const struct trace_event *ev, struct pkt_info *info);

/* Decode raw bytes (link says whether an Ethernet header comes first). */
void pkt_info_decode_bytes(enum trace_link link, const uint8_t *bytes, size_t cap_len,
                           size_t wire_len, struct pkt_info *info);

/* "10.0.0.1" into out (at least 16 bytes). */
void pkt_format_ip(uint32_t ip, char *out, size_t outlen);

/* Do two packet events carry the same packet (same link, length, bytes)? */
bool pkt_same_bytes(const struct trace_event *a, const struct trace_event *b);

#ifdef __cplusplus
}
#endif

#endif
