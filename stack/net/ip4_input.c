/*
 * ip4_input.c — a received IPv4 datagram, from the device to the transport.
 *
 * The checks follow RFC 1122 §3.2.1 in order; each drop increments its own
 * counter (struct ip4_stats) and is silent, as the RFC asks:
 *   1. header: length, version, IHL, total length, checksum (ip4_hdr_parse)
 *   2. link padding beyond the total length is trimmed
 *   3. source: must name one host (RFC 1122 §3.2.1.3)
 *   4. destination: one of our addresses or a broadcast we accept
 *   5. options: walked with their lengths checked, none acted on
 *   6. TTL: NOT checked. RFC 1122 §3.2.1.7: "A host MUST NOT discard a
 *      datagram just because it was received with TTL less than 2."
 *      (TTL expiry is a router's business, RFC 1812 §4.2.2.9.)
 *   7. fragments go to reassembly (ip4_reass.c)
 *   8. demultiplex by protocol; no transport -> ICMP protocol unreachable
 */
#include <string.h>

#include "stack/core/log.h"
#include "stack/net/icmp.h"
#include "stack/net/ip4_addr.h"
#include "stack/net/ip4_hdr.h"
#include "stack/net/ip4_priv.h"

static void count_header_error(struct ip4_stats *s, enum ip4_hdr_error err)
{
    switch (err) {
    case IP4_HDR_TOO_SHORT: s->in_too_short++; break;
    case IP4_HDR_BAD_VERSION: s->in_bad_version++; break;
    case IP4_HDR_BAD_IHL: s->in_bad_ihl++; break;
    case IP4_HDR_BAD_TOTAL_LEN: s->in_bad_total_len++; break;
    case IP4_HDR_BAD_CHECKSUM: s->in_bad_checksum++; break;
    case IP4_HDR_OK: break;
    }
}

/* RFC 1122 §3.2.1.3: a source must identify one host. Broadcast,
 * multicast, class E and loopback sources are discarded. 0.0.0.0 is
 * allowed: a host that does not yet know its address (DHCP) sends it. */
static bool source_is_valid(const struct ip4_iface *iface, uint32_t src)
{
    if (src == IP4_ADDR_ANY)
        return true;
    if (!ip4_addr_is_unicast_source(src))
        return false;
    return !ip4_is_broadcast_for(src, iface->addr, iface->prefix_len);
}

/* RFC 1122 §3.2.1.3: a datagram is for this host if its destination is
 * one of our addresses or a broadcast address of the connected networks.
 * Any of our addresses is accepted on any interface (the "weak end
 * system" model, RFC 1122 §3.3.4.2). We join no multicast groups. */
static bool destined_for_us(const struct ip4 *ip, uint32_t dst)
{
    return ip4_is_local(ip, dst);
}

static void note_drop(struct ip4 *ip, const char *why, const struct ip4_hdr *h, usec_t now)
{
    char src[16] = "?", dst[16] = "?";
    if (h != NULL) {
        ip4_format_addr(h->src, src, sizeof(src));
        ip4_format_addr(h->dst, dst, sizeof(dst));
    }
    /* Debug level only: a flood must not flood the log. */
    log_debug("ip4", "drop %s > %s: %s", src, dst, why);
    trace_note(ip->trace, now, ip->trace_node, "ip4", "drop %s > %s: %s", src, dst, why);
}

/* Hand a complete datagram (data at its IP header) to its transport. */
static void deliver(struct ip4 *ip, struct ip4_iface *iface, struct pkb *p,
                    const struct ip4_hdr *h, usec_t now)
{
    p->network_header = p->data;
    pkb_pull(p, h->hdr_len);   /* cannot fail: the header was checked */
    p->transport_header = p->data;
    p->ifindex = iface->index;

    const struct ip4_protocol *pr = ip4_find_protocol(ip, h->protocol);
    if (pr == NULL) {
        /* RFC 1122 §3.2.2.1: a host SHOULD send "protocol unreachable"
         * (icmp_send_error applies the rules about when not to). */
        ip->stats.in_unknown_protocol++;
        note_drop(ip, "unknown protocol", h, now);
        icmp_send_error(ip->icmp, p, ICMP_DEST_UNREACH, ICMP_UNREACH_PROTOCOL, now);
        pkb_free(p);
        return;
    }

    struct ip4_rx_info info = {
        .src = h->src,
        .dst = h->dst,
        .protocol = h->protocol,
        .ttl = h->ttl,
        .tos = h->tos,
        .dst_is_broadcast = ip4_is_broadcast(ip, h->dst),
        .iface = iface,
    };
    ip->stats.in_delivers++;
    pr->input(pr->ctx, p, &info, now);
}

void ip4_input(struct ip4 *ip, struct ip4_iface *iface, struct pkb *p, usec_t now)
{
    struct ip4_hdr h;
    ip->stats.in_receives++;
    p->network_header = p->data;

    enum ip4_hdr_error err = ip4_hdr_parse(p->data, p->len, &h);
    if (err != IP4_HDR_OK) {
        count_header_error(&ip->stats, err);
        note_drop(ip, ip4_hdr_error_name(err), NULL, now);
        goto drop;
    }
    /* Ethernet pads short frames: the datagram ends at its total length. */
    pkb_trim(p, h.total_len);

    if (!source_is_valid(iface, h.src)) {
        ip->stats.in_bad_source++;
        note_drop(ip, "bad source", &h, now);
        goto drop;
    }
    if (!destined_for_us(ip, h.dst)) {
        /* RFC 1122 §3.2.1.3: a host MUST silently discard a datagram not
         * destined for it (this stack is a host; it never forwards). */
        ip->stats.in_not_for_us++;
        note_drop(ip, "not for us", &h, now);
        goto drop;
    }
    if (h.options_len > 0) {
        int bad = ip4_options_check(h.options, h.options_len);
        if (bad >= 0) {
            /* RFC 1122 §3.2.2.5: a host SHOULD send Parameter Problem,
             * pointing at the offending byte of the header. */
            ip->stats.in_bad_options++;
            note_drop(ip, "bad options", &h, now);
            icmp_send_error_rest(ip->icmp, p, ICMP_PARAM_PROBLEM, 0,
                                 (uint32_t)(IP4_HDR_MIN_LEN + bad) << 24, now);
            goto drop;
        }
    }

    if (h.mf || h.frag_offset != 0) {
        p = ip4_reass_input(&ip->reass, p, &h, now);
        if (p == NULL)
            return;   /* kept for later, or dropped and counted */
        p->rx_time = now;
        /* The reassembled header was written by ip4_reass: parsing it
         * again cannot fail, but costs little and keeps h honest. */
        if (ip4_hdr_parse(p->data, p->len, &h) != IP4_HDR_OK) {
            ip->stats.in_discards++;
            goto drop;
        }
    }

    deliver(ip, iface, p, &h, now);
    return;

drop:
    pkb_free(p);
}
