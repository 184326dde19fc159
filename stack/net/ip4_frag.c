/*
 * ip4_frag.c — fragmentation of an outgoing datagram larger than the
 * interface MTU (RFC 791 §3.2, "Fragmentation"; RFC 1122 §3.3.3).
 *
 * Each fragment carries a copy of the header with the same identification,
 * its own total length, its data's offset in units of 8 bytes, and MF set
 * on every fragment but the last. So every fragment but the last carries a
 * multiple of 8 data bytes: (MTU - header) rounded down to 8. With a
 * 1500-byte MTU that is 1480, and a 60,008-byte ICMP message travels in 41
 * fragments.
 *
 * The headers we build carry no options, so RFC 791's rule about which
 * options are copied into every fragment does not arise.
 */
#include <errno.h>
#include <string.h>

#include "stack/net/ip4_priv.h"

/* RFC 791 §3.2: every internet module must be able to forward a 68-byte
 * datagram without further fragmentation; smaller MTUs are not IPv4. */
#define IP4_MIN_MTU 68

int ip4_fragment(struct ip4 *ip, struct ip4_iface *iface, struct pkb *p,
                 const struct ip4_hdr *h, uint32_t nexthop, usec_t now)
{
    size_t mtu = iface->dev->mtu;
    if (mtu < IP4_MIN_MTU) {
        ip->stats.frag_fails++;
        pkb_free(p);
        return -EMSGSIZE;
    }
    size_t per_fragment = (mtu - h->hdr_len) & ~(size_t)7;

    int err = 0;
    size_t offset = 0;
    while (offset < p->len) {
        size_t chunk = p->len - offset;
        if (chunk > per_fragment)
            chunk = per_fragment;
        bool last = offset + chunk == p->len;

        struct pkb *f = pkb_alloc(PKB_DEFAULT_HEADROOM, h->hdr_len + chunk);
        if (f == NULL) {
            err = -ENOBUFS;
            ip->stats.out_discards++;
            break;
        }
        uint8_t *b = pkb_put(f, h->hdr_len + chunk);
        struct ip4_hdr fh = *h;
        fh.total_len = (uint16_t)(h->hdr_len + chunk);
        fh.frag_offset = (uint16_t)(h->frag_offset + offset);
        fh.mf = !last || h->mf;
        ip4_hdr_emit(&fh, b);
        memcpy(b + h->hdr_len, p->data + offset, chunk);
        f->network_header = b;
        ip->stats.frag_creates++;

        /* A lost fragment loses the datagram: stop at the first failure. */
        err = ip4_transmit(ip, iface, f, nexthop, now);
        if (err != 0)
            break;
        offset += chunk;
    }
    pkb_free(p);
    if (err == 0)
        ip->stats.frag_oks++;
    return err;
}
