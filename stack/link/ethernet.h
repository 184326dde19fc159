/*
 * ethernet.h — Ethernet II framing (RFC 894) and EtherType demultiplexing.
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                 Destination MAC address (6 bytes)             |
 *   +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                               |                               |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 *   |                   Source MAC address (6 bytes)                |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |           EtherType           |  Payload (46..1500 bytes) ...
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * An `eth_port` sits on one Ethernet netdev: it drops frames that are not for
 * our MAC (or broadcast), strips the header and hands the payload to the
 * handler registered for its EtherType (IPv4 and ARP register themselves; the
 * link layer never includes their headers). On output it prepends the header
 * and pads short frames to the 60-byte minimum.
 */
#ifndef TUNLAB_LINK_ETHERNET_H
#define TUNLAB_LINK_ETHERNET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "stack/core/clock.h"
#include "stack/core/netdev.h"
#include "stack/core/pkb.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ETH_HDR_LEN 14
#define ETH_MIN_FRAME 60      /* without the 4-byte FCS, which the device adds */
#define ETH_TYPE_IPV4 0x0800
#define ETH_TYPE_ARP 0x0806
#define ETH_TYPE_IPV6 0x86DD
#define ETH_MAX_HANDLERS 4

extern const uint8_t ETH_BROADCAST[ETH_ADDR_LEN];

/* Handler for one EtherType: p's data starts at the payload. Takes ownership. */
typedef void (*eth_input_fn)(void *ctx, struct pkb *p, const uint8_t src_mac[ETH_ADDR_LEN],
                             usec_t now);

struct eth_stats {
    uint64_t rx_frames, tx_frames;
    uint64_t rx_too_short;    /* shorter than the header */
    uint64_t rx_not_for_us;   /* destination is another unicast MAC */
    uint64_t rx_unknown_type; /* no handler for the EtherType */
    uint64_t tx_no_headroom;
    /* Added by the link layer (compatible with the contract above): */
    uint64_t rx_multicast;    /* a group address other than broadcast: we join no groups */
    uint64_t rx_bad_source;   /* source MAC is a group address (IEEE 802.3 forbids it) */
    uint64_t tx_padded;       /* short frames padded to ETH_MIN_FRAME */
    uint64_t tx_no_memory;    /* padding needed a new buffer and none was left */
};

struct eth_port {
    struct netdev *dev;
    struct {
        uint16_t type;
        eth_input_fn fn;
        void *ctx;
    } handlers[ETH_MAX_HANDLERS];
    int handler_count;
    struct eth_stats stats;
};

/* The header as a plain struct (no packed struct overlays the wire). */
struct eth_hdr {
    uint8_t dst[ETH_ADDR_LEN];
    uint8_t src[ETH_ADDR_LEN];
    uint16_t type;   /* host order */
};

/* Read the header at the start of `len` bytes. Returns 0, or -EINVAL if
 * len < ETH_HDR_LEN. */
int eth_hdr_parse(const uint8_t *bytes, size_t len, struct eth_hdr *h);
/* Write the header into ETH_HDR_LEN bytes at out. */
void eth_hdr_emit(const struct eth_hdr *h, uint8_t *out);

static inline bool eth_addr_is_group(const uint8_t mac[ETH_ADDR_LEN])
{
    return (mac[0] & 0x01) != 0;   /* the I/G bit: multicast or broadcast */
}
bool eth_addr_is_broadcast(const uint8_t mac[ETH_ADDR_LEN]);

/* Attach to an Ethernet device: clears the port (handlers, counters) and
 * installs it as the device's input. Call before eth_register. */
void eth_attach(struct eth_port *port, struct netdev *dev);
/* Returns 0, or -1 if the table is full or the type is taken. */
int eth_register(struct eth_port *port, uint16_t ethertype, eth_input_fn fn, void *ctx);
/* Remove the handler for ethertype (arp_free calls it). Returns 0 or -1 if
 * none was registered. */
int eth_unregister(struct eth_port *port, uint16_t ethertype);
/* Prepend the Ethernet header (pads to the minimum) and transmit. Takes
 * ownership of p. Returns 0 or a negative errno. */
int eth_output(struct eth_port *port, struct pkb *p, const uint8_t dst[ETH_ADDR_LEN],
               uint16_t ethertype, usec_t now);

/* "02:00:00:00:00:01" */
void eth_format_addr(const uint8_t mac[ETH_ADDR_LEN], char *out, size_t outlen);

/* Print the counters like `netstat -s`. */
void eth_print_stats(const struct eth_port *port, FILE *out);

#ifdef __cplusplus
}
#endif

#endif
