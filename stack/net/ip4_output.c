/*
 * ip4_output.c — a transport's segment becomes an IPv4 datagram on a wire.
 *
 * RFC 1122 §3.3 (intro): for an outgoing datagram the IP layer sets the
 * header fields the transport did not, chooses the next hop (routing),
 * fragments the datagram if it is larger than the interface MTU, and hands
 * the packet(s) to the link layer.
 */
#include <errno.h>
#include <string.h>

#include "stack/net/ip4_hdr.h"
#include "stack/net/ip4_priv.h"

/* p with at least `need` bytes of headroom: p itself, or a copy with room
 * if the caller left too little (the contract asks for headroom; a copy is
 * cheaper than a lost datagram). NULL if memory is exhausted (p freed). */
static struct pkb *ensure_headroom(struct pkb *p, size_t need)
{
    if (pkb_headroom(p) >= need)
        return p;
    struct pkb *q = pkb_alloc(PKB_DEFAULT_HEADROOM, p->len);
    if (q != NULL)
        memcpy(pkb_put(q, p->len), p->data, p->len);
    pkb_free(p);
    return q;
}

int ip4_transmit(struct ip4 *ip, struct ip4_iface *iface, struct pkb *p, uint32_t nexthop,
                 usec_t now)
{
    int err;
    ip->stats.out_transmits++;
    if (iface->eth == NULL)
        err = netdev_transmit(iface->dev, p, now);   /* TUN: the packet is the frame */
    else
        err = arp_output(iface->arp, p, nexthop, now);
    if (err != 0)
        ip->stats.out_discards++;
    return err;
}

int ip4_output(struct ip4 *ip, struct pkb *p, uint32_t src, uint32_t dst, uint8_t protocol,
               usec_t now)
{
    return ip4_output_ex(ip, p, src, dst, protocol, NULL, now);
}

int ip4_output_ex(struct ip4 *ip, struct pkb *p, uint32_t src, uint32_t dst,
                  uint8_t protocol, const struct ip4_tx_opts *opts, usec_t now)
{
    ip->stats.out_requests++;

    const struct ip4_route *rt = ip4_route_lookup(ip, dst);
    if (rt == NULL) {
        ip->stats.out_no_routes++;
        pkb_free(p);
        return -ENETUNREACH;
    }
    struct ip4_iface *iface = &ip->ifaces[rt->ifindex];
    /* The next hop is the gateway, or the destination itself when it is
     * on a connected network. */
    uint32_t nexthop = rt->gateway != 0 ? rt->gateway : dst;

    size_t total_len = IP4_HDR_MIN_LEN + p->len;
    if (total_len > IP4_MAX_DATAGRAM) {
        ip->stats.out_discards++;
        pkb_free(p);
        return -EMSGSIZE;
    }

    struct ip4_hdr h = {
        .hdr_len = IP4_HDR_MIN_LEN,   /* we send no options */
        .tos = opts != NULL ? opts->tos : 0,
        .total_len = (uint16_t)total_len,
        .id = ip->next_id++,
        .df = opts != NULL && opts->dont_fragment,
        .mf = false,
        .frag_offset = 0,
        /* RFC 1122 §3.2.1.7: never send TTL 0; the default is
         * configurable. */
        .ttl = opts != NULL && opts->ttl != 0 ? opts->ttl : ip->cfg.default_ttl,
        .protocol = protocol,
        .src = src != 0 ? src : iface->addr,
        .dst = dst,
    };

    if (total_len > iface->dev->mtu) {
        if (h.df) {
            /* The sender asked for no fragmentation: tell it the datagram
             * is too big (it learns the MTU from the interface). */
            ip->stats.frag_fails++;
            pkb_free(p);
            return -EMSGSIZE;
        }
        return ip4_fragment(ip, iface, p, &h, nexthop, now);
    }

    size_t link_hdr = iface->eth != NULL ? ETH_HDR_LEN : 0;
    p = ensure_headroom(p, IP4_HDR_MIN_LEN + link_hdr);
    if (p == NULL) {
        ip->stats.out_discards++;
        return -ENOBUFS;
    }
    uint8_t *hdr = pkb_push(p, IP4_HDR_MIN_LEN);
    ip4_hdr_emit(&h, hdr);
    p->network_header = hdr;
    return ip4_transmit(ip, iface, p, nexthop, now);
}
