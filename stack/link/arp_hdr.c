/*
 * arp_hdr.c — parse and emit the 28-byte ARP packet for IPv4 over Ethernet
 * (RFC 826; the diagram is in arp_hdr.h).
 */
#include "stack/link/arp_hdr.h"

#include <string.h>

#include "stack/core/byteorder.h"

/* Byte offsets for hlen 6, plen 4. */
enum {
    ARP_OFF_HTYPE = 0,
    ARP_OFF_PTYPE = 2,
    ARP_OFF_HLEN = 4,
    ARP_OFF_PLEN = 5,
    ARP_OFF_OP = 6,
    ARP_OFF_SHA = 8,
    ARP_OFF_SPA = 14,
    ARP_OFF_THA = 18,
    ARP_OFF_TPA = 24,
    ARP_FIXED_LEN = 8,   /* htype .. op: enough to learn the lengths */
};

enum arp_hdr_error arp_hdr_parse(const uint8_t *bytes, size_t len, struct arp_hdr *h)
{
    if (len < ARP_FIXED_LEN)
        return ARP_HDR_TRUNCATED;
    h->htype = be16_read(bytes + ARP_OFF_HTYPE);
    h->ptype = be16_read(bytes + ARP_OFF_PTYPE);
    h->hlen = bytes[ARP_OFF_HLEN];
    h->plen = bytes[ARP_OFF_PLEN];
    h->op = be16_read(bytes + ARP_OFF_OP);
    /* RFC 826, packet reception: "?Do I have the hardware type in ar$hrd?
     * ... ?Do I speak the protocol in ar$pro? [if not] discard". */
    if (h->htype != ARP_HTYPE_ETHERNET)
        return ARP_HDR_BAD_HTYPE;
    if (h->ptype != ARP_PTYPE_IPV4)
        return ARP_HDR_BAD_PTYPE;
    /* The lengths are implied by the two types; a packet that disagrees
     * with them would make us read addresses at the wrong offsets. */
    if (h->hlen != ETH_ADDR_LEN || h->plen != 4)
        return ARP_HDR_BAD_LENGTHS;
    if (len < ARP_HDR_LEN)
        return ARP_HDR_TRUNCATED;
    /* RFC 826 looks at the opcode only after the merge step; tunlab refuses
     * an unknown opcode up front, so a packet that is neither question nor
     * answer changes nothing in the cache. */
    if (h->op != ARP_OP_REQUEST && h->op != ARP_OP_REPLY)
        return ARP_HDR_BAD_OPCODE;
    memcpy(h->sha, bytes + ARP_OFF_SHA, ETH_ADDR_LEN);
    h->spa = be32_read(bytes + ARP_OFF_SPA);
    memcpy(h->tha, bytes + ARP_OFF_THA, ETH_ADDR_LEN);
    h->tpa = be32_read(bytes + ARP_OFF_TPA);
    return ARP_HDR_OK;
}

void arp_hdr_emit(const struct arp_hdr *h, uint8_t *out)
{
    be16_write(out + ARP_OFF_HTYPE, h->htype);
    be16_write(out + ARP_OFF_PTYPE, h->ptype);
    out[ARP_OFF_HLEN] = h->hlen;
    out[ARP_OFF_PLEN] = h->plen;
    be16_write(out + ARP_OFF_OP, h->op);
    memcpy(out + ARP_OFF_SHA, h->sha, ETH_ADDR_LEN);
    be32_write(out + ARP_OFF_SPA, h->spa);
    memcpy(out + ARP_OFF_THA, h->tha, ETH_ADDR_LEN);
    be32_write(out + ARP_OFF_TPA, h->tpa);
}

const char *arp_hdr_error_name(enum arp_hdr_error err)
{
    switch (err) {
    case ARP_HDR_OK:
        return "ok";
    case ARP_HDR_TRUNCATED:
        return "truncated";
    case ARP_HDR_BAD_HTYPE:
        return "bad hardware type";
    case ARP_HDR_BAD_PTYPE:
        return "bad protocol type";
    case ARP_HDR_BAD_LENGTHS:
        return "bad address lengths";
    case ARP_HDR_BAD_OPCODE:
        return "bad opcode";
    }
    return "?";
}
