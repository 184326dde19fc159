/*
 * pkt_info.c — decode the headers of a traced packet (see pkt_info.h).
 *
 * Offsets are those of RFC 791 §3.1 (IPv4), RFC 9293 §3.1 (TCP),
 * RFC 768 (UDP), RFC 792 (ICMP) and RFC 826 (ARP); every read is preceded
 * by a check that the kept bytes reach that far.
 */
#include "tools/draw/pkt_info.h"

#include <stdio.h>
#include <string.h>

#include "stack/core/byteorder.h"

#define ETH_HDR_LEN 14
#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_ARP 0x0806
#define IP_MIN_HDR 20
#define TCP_MIN_HDR 20
#define UDP_HDR 8
#define ICMP_MIN_HDR 8
#define ARP_ETH_IPV4_LEN 28

/* RFC 9293 §3.2: MSS (kind 2, length 4) and RFC 7323 §2: window scale
 * (kind 3, length 3). Stops at anything malformed. */
static void decode_tcp_options(const uint8_t *opt, size_t len, struct pkt_info *info)
{
    size_t i = 0;
    while (i < len) {
        uint8_t kind = opt[i];
        if (kind == 0)
            return;
        if (kind == 1) {
            i++;
            continue;
        }
        if (i + 1 >= len || opt[i + 1] < 2 || i + opt[i + 1] > len)
            return;
        if (kind == 2 && opt[i + 1] == 4)
            info->mss = be16_read(opt + i + 2);
        else if (kind == 3 && opt[i + 1] == 3)
            info->wscale = opt[i + 2];
        i += opt[i + 1];
    }
}

static void decode_tcp(const uint8_t *h, size_t cap, size_t seg_len, struct pkt_info *info)
{
    if (cap < TCP_MIN_HDR)
        return;   /* stays PKT_IP: too little kept to say more */
    size_t hdr_len = (size_t)(h[12] >> 4) * 4;
    info->proto = PKT_TCP;
    info->sport = be16_read(h);
    info->dport = be16_read(h + 2);
    info->seq = be32_read(h + 4);
    info->ack = be32_read(h + 8);
    info->flags = h[13];
    info->window = be16_read(h + 14);
    info->payload = seg_len > hdr_len ? (uint32_t)(seg_len - hdr_len) : 0;
    if (hdr_len > TCP_MIN_HDR && cap >= hdr_len)
        decode_tcp_options(h + TCP_MIN_HDR, hdr_len - TCP_MIN_HDR, info);
}

static void decode_ip4(const uint8_t *p, size_t cap, size_t wire, struct pkt_info *info)
{
    if (cap < IP_MIN_HDR || (p[0] >> 4) != 4)
        return;
    size_t ihl = (size_t)(p[0] & 0x0f) * 4;
    size_t total = be16_read(p + 2);
    if (ihl < IP_MIN_HDR || total < ihl)
        return;
    if (total > wire)
        total = wire;   /* a lying Total Length: trust what arrived */
    uint16_t frag = be16_read(p + 6);
    info->proto = PKT_IP;
    info->has_ip = true;
    info->ip_id = be16_read(p + 4);
    info->frag_offset = (uint16_t)((frag & 0x1fff) * 8);
    info->more_frags = (frag & 0x2000) != 0;
    info->ip_proto = p[9];
    info->src = be32_read(p + 12);
    info->dst = be32_read(p + 16);
    info->ip_payload = (uint32_t)(total - ihl);
    if (info->frag_offset != 0)
        return;   /* a later fragment carries no transport header */

    const uint8_t *l4 = p + ihl;
    size_t l4_cap = cap > ihl ? cap - ihl : 0;
    if (info->ip_proto == 6) {
        decode_tcp(l4, l4_cap, info->ip_payload, info);
    } else if (info->ip_proto == 17 && l4_cap >= UDP_HDR) {
        info->proto = PKT_UDP;
        info->sport = be16_read(l4);
        info->dport = be16_read(l4 + 2);
        info->payload = info->ip_payload > UDP_HDR ? info->ip_payload - UDP_HDR : 0;
    } else if (info->ip_proto == 1 && l4_cap >= ICMP_MIN_HDR) {
        info->proto = PKT_ICMP;
        info->icmp_type = l4[0];
        info->icmp_code = l4[1];
        info->icmp_id = be16_read(l4 + 4);
        info->icmp_seq = be16_read(l4 + 6);
        info->payload = info->ip_payload;
    }
}

static void decode_arp(const uint8_t *a, size_t cap, struct pkt_info *info)
{
    if (cap < ARP_ETH_IPV4_LEN || be16_read(a) != 1 || be16_read(a + 2) != ETHERTYPE_IPV4 ||
        a[4] != 6 || a[5] != 4)
        return;
    info->proto = PKT_ARP;
    info->has_ip = true;
    info->arp_op = be16_read(a + 6);
    memcpy(info->arp_sha, a + 8, 6);
    info->src = be32_read(a + 14);
    info->dst = be32_read(a + 24);
}

void pkt_info_decode_bytes(enum trace_link link, const uint8_t *bytes, size_t cap_len,
                           size_t wire_len, struct pkt_info *info)
{
    memset(info, 0, sizeof *info);
    info->wscale = -1;
    if (cap_len > wire_len)
        cap_len = wire_len;
    if (link == TRACE_LINK_ETHERNET) {
        if (cap_len < ETH_HDR_LEN)
            return;
        uint16_t type = be16_read(bytes + 12);
        if (type == ETHERTYPE_IPV4)
            decode_ip4(bytes + ETH_HDR_LEN, cap_len - ETH_HDR_LEN, wire_len - ETH_HDR_LEN, info);
        else if (type == ETHERTYPE_ARP)
            decode_arp(bytes + ETH_HDR_LEN, cap_len - ETH_HDR_LEN, info);
    } else if (link == TRACE_LINK_IP) {
        decode_ip4(bytes, cap_len, wire_len, info);
    }
}

void pkt_info_decode(const struct trace_event *ev, struct pkt_info *info)
{
    size_t cap = ev->cap_len < TRACE_PKT_BYTES ? ev->cap_len : TRACE_PKT_BYTES;
    pkt_info_decode_bytes(ev->link, ev->bytes, cap, ev->wire_len, info);
}

void pkt_format_ip(uint32_t ip, char *out, size_t outlen)
{
    snprintf(out, outlen, "%u.%u.%u.%u", (unsigned)(ip >> 24), (unsigned)(ip >> 16) & 0xff,
             (unsigned)(ip >> 8) & 0xff, (unsigned)ip & 0xff);
}

bool pkt_same_bytes(const struct trace_event *a, const struct trace_event *b)
{
    size_t cap = a->cap_len < TRACE_PKT_BYTES ? a->cap_len : TRACE_PKT_BYTES;
    return a->link == b->link && a->wire_len == b->wire_len && a->cap_len == b->cap_len &&
           memcmp(a->bytes, b->bytes, cap) == 0;
}
