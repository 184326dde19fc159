/*
 * ethernet.c — Ethernet II framing (RFC 894) and EtherType demultiplexing.
 *
 * RFC 894 ("A Standard for the Transmission of IP Datagrams over Ethernet
 * Networks") puts the datagram right after a 14-byte header whose last field
 * is the EtherType (0x0800 for IPv4, 0x0806 for ARP). The FCS is computed and
 * stripped by the device (the TAP driver and the simulated link never show
 * it), so a frame here is header + payload, at least 60 bytes on the wire.
 *
 * Input: check the length, keep frames for our MAC or broadcast, strip the
 * header, hand the payload to the handler registered for its EtherType.
 * Output: pad the payload to the 46-byte minimum, prepend the header, send.
 * The padding is NOT removed on input: the payload's own length field (IPv4
 * total length, ARP's fixed size) says where the real data ends.
 */
#include "stack/link/ethernet.h"

#include <errno.h>
#include <string.h>

#include "stack/core/byteorder.h"

const uint8_t ETH_BROADCAST[ETH_ADDR_LEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

/* Byte offsets in the header (the diagram in ethernet.h). */
enum {
    ETH_OFF_DST = 0,
    ETH_OFF_SRC = 6,
    ETH_OFF_TYPE = 12,
};

int eth_hdr_parse(const uint8_t *bytes, size_t len, struct eth_hdr *h)
{
    if (len < ETH_HDR_LEN)
        return -EINVAL;
    memcpy(h->dst, bytes + ETH_OFF_DST, ETH_ADDR_LEN);
    memcpy(h->src, bytes + ETH_OFF_SRC, ETH_ADDR_LEN);
    h->type = be16_read(bytes + ETH_OFF_TYPE);
    return 0;
}

void eth_hdr_emit(const struct eth_hdr *h, uint8_t *out)
{
    memcpy(out + ETH_OFF_DST, h->dst, ETH_ADDR_LEN);
    memcpy(out + ETH_OFF_SRC, h->src, ETH_ADDR_LEN);
    be16_write(out + ETH_OFF_TYPE, h->type);
}

bool eth_addr_is_broadcast(const uint8_t mac[ETH_ADDR_LEN])
{
    return memcmp(mac, ETH_BROADCAST, ETH_ADDR_LEN) == 0;
}

void eth_format_addr(const uint8_t mac[ETH_ADDR_LEN], char *out, size_t outlen)
{
    snprintf(out, outlen, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3],
             mac[4], mac[5]);
}

/* The netdev input handler: one received frame. Takes ownership of p. */
static void eth_input(void *ctx, struct netdev *dev, struct pkb *p, usec_t now)
{
#ifdef LAB2_SOLUTION
    struct eth_port *port = ctx;
    struct eth_hdr h;

    port->stats.rx_frames++;
    if (eth_hdr_parse(p->data, p->len, &h) < 0) {
        port->stats.rx_too_short++;
        goto drop;
    }
    /* A NIC in normal (non-promiscuous) mode keeps frames addressed to its
     * own MAC, to broadcast, and to the multicast groups it joined (none). */
    if (eth_addr_is_group(h.dst)) {
        if (!eth_addr_is_broadcast(h.dst)) {
            port->stats.rx_multicast++;
            goto drop;
        }
    } else if (memcmp(h.dst, dev->mac, ETH_ADDR_LEN) != 0) {
        port->stats.rx_not_for_us++;
        goto drop;
    }
    /* The source of a frame is always one station (IEEE 802.3 §3.2.3);
     * a group address there is forged or broken, and ARP must not learn it. */
    if (eth_addr_is_group(h.src)) {
        port->stats.rx_bad_source++;
        goto drop;
    }
    for (int i = 0; i < port->handler_count; i++) {
        if (port->handlers[i].type != h.type)
            continue;
        pkb_pull(p, ETH_HDR_LEN);   /* cannot fail: parse checked the length */
        /* h.src is a copy: the handler may free p before it looks at it. */
        port->handlers[i].fn(port->handlers[i].ctx, p, h.src, now);
        return;
    }
    /* No handler: IPv6, LLDP, or an IEEE 802.3 length field (< 0x0600)
     * instead of an EtherType. */
    port->stats.rx_unknown_type++;
drop:
    pkb_free(p);
#else
    /* TODO(lab 2): eth_input() — labs/lab2-datalink/README.md, "Part A".
     * Parse the header (a frame too short for it is a counted drop); keep
     * frames for our MAC and for broadcast, drop and count other unicast,
     * multicast, and group source addresses; strip the header and hand the
     * payload to the handler registered for its EtherType (none: count
     * rx_unknown_type). Every drop frees p. */
    struct eth_port *port = ctx;

    (void)dev;
    (void)now;
    port->stats.rx_frames++;
    pkb_free(p);   /* drops every frame */
#endif
}

void eth_attach(struct eth_port *port, struct netdev *dev)
{
    memset(port, 0, sizeof(*port));
    port->dev = dev;
    netdev_set_input(dev, eth_input, port);
}

int eth_register(struct eth_port *port, uint16_t ethertype, eth_input_fn fn, void *ctx)
{
    if (port->handler_count >= ETH_MAX_HANDLERS)
        return -1;
    for (int i = 0; i < port->handler_count; i++)
        if (port->handlers[i].type == ethertype)
            return -1;
    port->handlers[port->handler_count].type = ethertype;
    port->handlers[port->handler_count].fn = fn;
    port->handlers[port->handler_count].ctx = ctx;
    port->handler_count++;
    return 0;
}

int eth_unregister(struct eth_port *port, uint16_t ethertype)
{
    for (int i = 0; i < port->handler_count; i++) {
        if (port->handlers[i].type != ethertype)
            continue;
        /* Keep the table dense: move the last handler into the hole. */
        port->handlers[i] = port->handlers[port->handler_count - 1];
        port->handler_count--;
        return 0;
    }
    return -1;
}

/* Pad the payload with zeros to the 46 bytes a minimum frame carries
 * (IEEE 802.3 minimum frame 64 bytes = 60 + 4-byte FCS). Zeros, because
 * padding that reuses old buffer contents leaks memory onto the wire.
 * Returns p, a padded copy of p (p freed), or NULL (p freed). */
static struct pkb *eth_pad(struct eth_port *port, struct pkb *p)
{
#ifdef LAB2_SOLUTION
    size_t need = ETH_MIN_FRAME - ETH_HDR_LEN - p->len;

    port->stats.tx_padded++;
    if (pkb_tailroom(p) < need) {
        /* The upper layer sized its buffer for its own data: copy into
         * one that has room for the padding and the header. */
        size_t headroom = pkb_headroom(p) > ETH_HDR_LEN ? pkb_headroom(p) : ETH_HDR_LEN;
        struct pkb *bigger = pkb_alloc(headroom, ETH_MIN_FRAME - ETH_HDR_LEN);
        if (!bigger) {
            port->stats.tx_no_memory++;
            pkb_free(p);
            return NULL;
        }
        memcpy(pkb_put(bigger, p->len), p->data, p->len);
        pkb_free(p);
        p = bigger;
    }
    memset(pkb_put(p, need), 0, need);
    return p;
#else
    /* TODO(lab 2): eth_pad() — labs/lab2-datalink/README.md, "Part A".
     * Append zero bytes so that the payload is 46 bytes long (the 60-byte
     * minimum frame without its header). If p has too little tailroom, copy
     * it into a new pkb with room for the header and the padding. Count
     * tx_padded. */
    (void)port;
    return p;   /* unpadded: a short frame leaves short */
#endif
}

int eth_output(struct eth_port *port, struct pkb *p, const uint8_t dst[ETH_ADDR_LEN],
               uint16_t ethertype, usec_t now)
{
    struct eth_hdr h;
    uint8_t *hdr;

    if (p->len < ETH_MIN_FRAME - ETH_HDR_LEN) {
        p = eth_pad(port, p);
        if (!p)
            return -ENOBUFS;
    }
    hdr = pkb_push(p, ETH_HDR_LEN);
    if (!hdr) {
        /* Every sender reserves PKB_DEFAULT_HEADROOM; this is a bug above. */
        port->stats.tx_no_headroom++;
        pkb_free(p);
        return -ENOBUFS;
    }
    memcpy(h.dst, dst, ETH_ADDR_LEN);
    memcpy(h.src, port->dev->mac, ETH_ADDR_LEN);
    h.type = ethertype;
    eth_hdr_emit(&h, hdr);
    port->stats.tx_frames++;
    return netdev_transmit(port->dev, p, now);
}

void eth_print_stats(const struct eth_port *port, FILE *out)
{
    const struct eth_stats *s = &port->stats;

    fprintf(out, "Ethernet (%s):\n", port->dev ? port->dev->name : "-");
    fprintf(out, "    %llu frames received\n", (unsigned long long)s->rx_frames);
    fprintf(out, "    %llu too short for a header\n", (unsigned long long)s->rx_too_short);
    fprintf(out, "    %llu for another station\n", (unsigned long long)s->rx_not_for_us);
    fprintf(out, "    %llu for a multicast group we did not join\n",
            (unsigned long long)s->rx_multicast);
    fprintf(out, "    %llu with a group source address\n", (unsigned long long)s->rx_bad_source);
    fprintf(out, "    %llu with an unknown EtherType\n", (unsigned long long)s->rx_unknown_type);
    fprintf(out, "    %llu frames sent\n", (unsigned long long)s->tx_frames);
    fprintf(out, "    %llu padded to the minimum size\n", (unsigned long long)s->tx_padded);
    fprintf(out, "    %llu dropped: no headroom\n", (unsigned long long)s->tx_no_headroom);
    fprintf(out, "    %llu dropped: out of memory\n", (unsigned long long)s->tx_no_memory);
}
