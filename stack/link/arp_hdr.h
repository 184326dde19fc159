/*
 * arp_hdr.h — the ARP packet (RFC 826) for IPv4 over Ethernet, as a plain
 * struct with parse and emit.
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |   Hardware type (ar$hrd) = 1  |  Protocol type (ar$pro) 0x0800|
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   | HW len (ar$hln)| Proto len    |    Opcode (ar$op) 1=req 2=rep |
 *   |      = 6       | (ar$pln) = 4 |                               |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |            Sender hardware address (ar$sha, 6 bytes)          |
 *   +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                               | Sender protocol address       |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ (ar$spa, 4 bytes)             +
 *   |                               |                               |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 *   |            Target hardware address (ar$tha, 6 bytes)          |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |              Target protocol address (ar$tpa, 4 bytes)        |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * RFC 826 describes ARP for any hardware and any protocol, so the lengths
 * are in the packet. tunlab speaks only Ethernet (htype 1, hlen 6) and IPv4
 * (ptype 0x0800, plen 4): 28 bytes. Anything else is refused by name, so the
 * counters tell a student exactly why a packet was dropped.
 */
#ifndef TUNLAB_LINK_ARP_HDR_H
#define TUNLAB_LINK_ARP_HDR_H

#include <stddef.h>
#include <stdint.h>

#include "stack/core/netdev.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ARP_HDR_LEN 28
#define ARP_HTYPE_ETHERNET 1
#define ARP_PTYPE_IPV4 0x0800
#define ARP_OP_REQUEST 1
#define ARP_OP_REPLY 2

struct arp_hdr {
    uint16_t htype, ptype;
    uint8_t hlen, plen;
    uint16_t op;
    uint8_t sha[ETH_ADDR_LEN];
    uint32_t spa;   /* host order */
    uint8_t tha[ETH_ADDR_LEN];
    uint32_t tpa;   /* host order */
};

/* Why parse refused a packet; each has its own counter. */
enum arp_hdr_error {
    ARP_HDR_OK = 0,
    ARP_HDR_TRUNCATED,        /* shorter than the fixed part or than its lengths say */
    ARP_HDR_BAD_HTYPE,        /* not Ethernet */
    ARP_HDR_BAD_PTYPE,        /* not IPv4 */
    ARP_HDR_BAD_LENGTHS,      /* hlen != 6 or plen != 4 */
    ARP_HDR_BAD_OPCODE,       /* neither request nor reply */
};

/* Parse `len` bytes (trailing Ethernet padding is ignored). Returns
 * ARP_HDR_OK and fills h, or the reason the packet is refused. */
enum arp_hdr_error arp_hdr_parse(const uint8_t *bytes, size_t len, struct arp_hdr *h);

/* Write h as ARP_HDR_LEN bytes at out (htype/ptype/hlen/plen as given). */
void arp_hdr_emit(const struct arp_hdr *h, uint8_t *out);

const char *arp_hdr_error_name(enum arp_hdr_error err);

#ifdef __cplusplus
}
#endif

#endif
