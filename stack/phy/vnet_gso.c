/*
 * vnet_gso.c — checksum completion and TCP segment joining for the offload
 * TUN device (see vnet_gso.h).
 *
 * A network card that does TCP segmentation offload must look into the IP
 * and TCP headers it splits; so must this code, which plays the card's part
 * in reverse. phy sits below net and transport, so the few header offsets it
 * needs are named here (RFC 791 §3.1, RFC 9293 §3.1) rather than included.
 */
#include "stack/phy/vnet_gso.h"

#include <errno.h>
#include <linux/virtio_net.h>
#include <stddef.h>
#include <string.h>

#include "stack/core/byteorder.h"
#include "stack/core/checksum.h"

/* struct vnet_hdr is the kernel's struct virtio_net_hdr, field for field. */
_Static_assert(sizeof(struct vnet_hdr) == sizeof(struct virtio_net_hdr), "vnet_hdr size");
_Static_assert(offsetof(struct vnet_hdr, csum_offset) ==
                   offsetof(struct virtio_net_hdr, csum_offset), "vnet_hdr layout");
_Static_assert(VNET_HDR_F_NEEDS_CSUM == VIRTIO_NET_HDR_F_NEEDS_CSUM &&
                   VNET_HDR_GSO_TCPV4 == VIRTIO_NET_HDR_GSO_TCPV4, "vnet_hdr constants");

/* IPv4 (RFC 791 §3.1). */
#define IP_OFF_VER_IHL 0
#define IP_OFF_TOTAL_LEN 2
#define IP_OFF_FLAGS_FRAG 6
#define IP_OFF_PROTOCOL 9
#define IP_OFF_CHECKSUM 10
#define IP_OFF_SRC 12
#define IP_OFF_DST 16
#define IP_MF_AND_OFFSET 0x3fff   /* more-fragments flag and fragment offset */
#define IP_PROTO_TCP 6

/* TCP (RFC 9293 §3.1). */
#define TCP_OFF_SEQ 4
#define TCP_OFF_ACK 8
#define TCP_OFF_DATA_OFFSET 12
#define TCP_OFF_FLAGS 13
#define TCP_OFF_CHECKSUM 16
#define TCP_FLAG_PSH 0x08
#define TCP_FLAG_ACK 0x10
#define TCP_MIN_HDR 20

int vnet_finish_checksum(const struct vnet_hdr *h, uint8_t *pkt, size_t len)
{
    size_t start = h->csum_start, field;

    if (!(h->flags & VNET_HDR_F_NEEDS_CSUM))
        return 0;
    field = start + h->csum_offset;
    if (start >= len || field + 2 > len)
        return -EINVAL;
    /* The field holds the pseudo-header sum, so summing everything from
     * csum_start with it in place gives the whole sum at once. */
    be16_write(pkt + field, checksum_finish(checksum_add(0, pkt + start, len - start)));
    return 0;
}

static size_t ip_header_len(const uint8_t *ip)
{
    return (size_t)(ip[IP_OFF_VER_IHL] & 0x0f) * 4;
}

static size_t tcp_header_len(const uint8_t *tcp)
{
    return (size_t)(tcp[TCP_OFF_DATA_OFFSET] >> 4) * 4;
}

bool vnet_gso_candidate(const struct pkb *p)
{
    const uint8_t *ip = p->data;
    size_t ihl, thl;

    if (p->len < 20 + TCP_MIN_HDR || (ip[IP_OFF_VER_IHL] >> 4) != 4 ||
        ip[IP_OFF_PROTOCOL] != IP_PROTO_TCP ||
        (be16_read(ip + IP_OFF_FLAGS_FRAG) & IP_MF_AND_OFFSET) != 0)
        return false;
    ihl = ip_header_len(ip);
    if (ihl < 20 || be16_read(ip + IP_OFF_TOTAL_LEN) != p->len || ihl + TCP_MIN_HDR > p->len)
        return false;
    thl = tcp_header_len(ip + ihl);
    if (thl < TCP_MIN_HDR || ihl + thl >= p->len)   /* no payload: nothing to join */
        return false;
    return (ip[ihl + TCP_OFF_FLAGS] & ~(TCP_FLAG_ACK | TCP_FLAG_PSH)) == 0 &&
           (ip[ihl + TCP_OFF_FLAGS] & TCP_FLAG_ACK);
}

size_t vnet_gso_headers_len(const struct pkb *p)
{
    size_t ihl = ip_header_len(p->data);
    return ihl + tcp_header_len(p->data + ihl);
}

/* Same bytes in a and b over [from, to), except [skip_from, skip_to). */
static bool same_bytes(const uint8_t *a, const uint8_t *b, size_t from, size_t to,
                       size_t skip_from, size_t skip_to)
{
    if (skip_from > from && memcmp(a + from, b + from, skip_from - from) != 0)
        return false;
    return to <= skip_to || memcmp(a + skip_to, b + skip_to, to - skip_to) == 0;
}

/* May q follow prev in the run that `first` began? */
static bool joins(const struct pkb *first, const struct pkb *prev, const struct pkb *q,
                  size_t hdr_len, size_t seg_size)
{
    const uint8_t *f = first->data, *n = q->data;
    size_t ihl = ip_header_len(f);

    if (!vnet_gso_candidate(q) || vnet_gso_headers_len(q) != hdr_len ||
        prev->len - hdr_len != seg_size || q->len - hdr_len > seg_size)
        return false;
    /* IP: everything but total length, id and checksum (bytes 2..5, 10..11). */
    if (f[0] != n[0] || f[1] != n[1] ||
        !same_bytes(f, n, IP_OFF_FLAGS_FRAG, ihl, IP_OFF_CHECKSUM, IP_OFF_CHECKSUM + 2))
        return false;
    /* TCP: ports, ack, data offset, window, urgent and options; not the
     * sequence number, the flags (PSH may differ) or the checksum. */
    const uint8_t *ft = f + ihl, *nt = n + ihl;
    if (memcmp(ft, nt, TCP_OFF_SEQ) != 0 ||
        memcmp(ft + TCP_OFF_ACK, nt + TCP_OFF_ACK, 5) != 0 ||   /* ack, data offset */
        !same_bytes(ft, nt, TCP_OFF_FLAGS + 1, hdr_len - ihl, TCP_OFF_CHECKSUM,
                    TCP_OFF_CHECKSUM + 2))
        return false;
    /* Contiguous: q starts where prev ended. */
    uint32_t prev_end = be32_read(prev->data + ihl + TCP_OFF_SEQ) + (uint32_t)(prev->len - hdr_len);
    return be32_read(nt + TCP_OFF_SEQ) == prev_end;
}

size_t vnet_gso_run_length(struct pkb *const *ps, size_t count)
{
    size_t n = 1, hdr_len, seg_size, total;

    if (count == 0)
        return 0;
    if (!vnet_gso_candidate(ps[0]))
        return 1;
    hdr_len = vnet_gso_headers_len(ps[0]);
    seg_size = ps[0]->len - hdr_len;
    total = ps[0]->len;
    if (hdr_len > VNET_GSO_MAX_HDR)
        return 1;
    while (n < count && n < VNET_GSO_MAX_SEGS && joins(ps[0], ps[n - 1], ps[n], hdr_len, seg_size) &&
           total + (ps[n]->len - hdr_len) <= VNET_GSO_MAX_LEN) {
        total += ps[n]->len - hdr_len;
        n++;
    }
    return n;
}

size_t vnet_gso_build(struct pkb *const *ps, size_t count, uint8_t *hdr_out,
                      struct vnet_hdr *vh)
{
    const struct pkb *first = ps[0];
    size_t ihl = ip_header_len(first->data);
    size_t hdr_len = vnet_gso_headers_len(first);
    size_t total = hdr_len;
    uint8_t psh = 0;

    for (size_t i = 0; i < count; i++) {
        total += ps[i]->len - hdr_len;
        psh |= ps[i]->data[ihl + TCP_OFF_FLAGS] & TCP_FLAG_PSH;
    }
    memcpy(hdr_out, first->data, hdr_len);   /* its IP id stands for the whole run */

    /* IPv4: the whole datagram's length, and its header checksum anew. */
    be16_write(hdr_out + IP_OFF_TOTAL_LEN, (uint16_t)total);
    be16_write(hdr_out + IP_OFF_CHECKSUM, 0);
    be16_write(hdr_out + IP_OFF_CHECKSUM, checksum_inet(hdr_out, ihl));

    /* TCP: PSH if any part had it; the checksum field gets the pseudo-header
     * sum (not complemented), which NEEDS_CSUM asks the kernel to finish. */
    uint8_t *tcp = hdr_out + ihl;
    tcp[TCP_OFF_FLAGS] |= psh;
    uint32_t pseudo = checksum_pseudo_ipv4(be32_read(hdr_out + IP_OFF_SRC),
                                           be32_read(hdr_out + IP_OFF_DST), IP_PROTO_TCP,
                                           (uint16_t)(total - ihl));
    be16_write(tcp + TCP_OFF_CHECKSUM, (uint16_t)~checksum_finish(pseudo));

    memset(vh, 0, sizeof *vh);
    vh->flags = VNET_HDR_F_NEEDS_CSUM;
    vh->gso_type = VNET_HDR_GSO_TCPV4;
    vh->hdr_len = (uint16_t)hdr_len;
    vh->gso_size = (uint16_t)(first->len - hdr_len);
    vh->csum_start = (uint16_t)ihl;
    vh->csum_offset = TCP_OFF_CHECKSUM;
    return hdr_len;
}
