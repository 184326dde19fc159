/*
 * vnet_gso.h — the packet surgery behind the offload TUN device (tun_vnet.h):
 * the virtio-net header, finishing a checksum the kernel left undone, and
 * joining a run of TCP segments into one large "GSO" packet that the kernel
 * splits again (or, delivering locally, never needs to split).
 *
 * With IFF_VNET_HDR every packet on the TUN fd is preceded by
 *
 *     struct virtio_net_hdr {       (Virtio 1.2 §5.1.6, legacy layout)
 *         u8  flags;                NEEDS_CSUM: the checksum at csum_start +
 *                                     csum_offset holds only the pseudo-header
 *                                     sum; whoever takes the packet finishes it
 *         u8  gso_type;             NONE, TCPV4, ...: a packet to be split ...
 *         u16 hdr_len;              ... after hdr_len bytes of headers ...
 *         u16 gso_size;             ... into segments of gso_size payload bytes
 *         u16 csum_start;
 *         u16 csum_offset;
 *     };
 *
 * in the host's byte order (the TUN driver's legacy mode on a little-endian
 * host). This is the kernel's own ABI, not a wire format, so it is a plain
 * struct copied whole: struct vnet_hdr below has the layout of the kernel's
 * struct virtio_net_hdr (checked in vnet_gso.c; <linux/virtio_net.h> itself
 * cannot be included from C++, where the tests are).
 *
 * Nothing here does I/O: the functions take bytes and pkbs, so the tests
 * check them without a device.
 */
#ifndef TUNLAB_PHY_VNET_GSO_H
#define TUNLAB_PHY_VNET_GSO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stack/core/pkb.h"

#ifdef __cplusplus
extern "C" {
#endif

struct vnet_hdr {
    uint8_t flags;          /* VNET_HDR_F_* */
    uint8_t gso_type;       /* VNET_HDR_GSO_* */
    uint16_t hdr_len;       /* IP + TCP headers of a GSO packet */
    uint16_t gso_size;      /* payload bytes per segment */
    uint16_t csum_start;    /* where the checksummed bytes start ... */
    uint16_t csum_offset;   /* ... and where in them the checksum goes */
};
#define VNET_HDR_F_NEEDS_CSUM 1
#define VNET_HDR_GSO_NONE 0
#define VNET_HDR_GSO_TCPV4 1

#define VNET_HDR_LEN ((size_t)sizeof(struct vnet_hdr))   /* 10 */
/* IPv4 header (with options) + TCP header (with options), at most. */
#define VNET_GSO_MAX_HDR 120
/* A GSO packet is one IPv4 datagram: at most 65535 bytes. */
#define VNET_GSO_MAX_LEN 65535
/* Segments joined into one packet at most (one iovec each). */
#define VNET_GSO_MAX_SEGS 64

/* A received packet whose header says NEEDS_CSUM: compute the checksum over
 * bytes [csum_start, len) (the field already holds the pseudo-header sum)
 * and store it at csum_start + csum_offset, as the kernel's
 * skb_checksum_help does. Returns 0, or -EINVAL if the offsets point
 * outside the packet (the packet should be dropped). A header without
 * NEEDS_CSUM leaves the packet alone and returns 0. */
int vnet_finish_checksum(const struct vnet_hdr *h, uint8_t *pkt, size_t len);

/* Could p start or continue a GSO run: an IPv4 TCP segment, not a
 * fragment, with payload, and with no flag but ACK and PSH? */
bool vnet_gso_candidate(const struct pkb *p);

/* How many packets of ps[0..count) starting at ps[0] can be joined into one
 * GSO packet: same addresses, ports, IP and TCP header bytes (but length,
 * id, checksum, sequence number and PSH), contiguous sequence numbers, every
 * segment but the last exactly as long as the first, at most
 * VNET_GSO_MAX_SEGS segments and VNET_GSO_MAX_LEN bytes. At least 1. */
size_t vnet_gso_run_length(struct pkb *const *ps, size_t count);

/* The headers of the joined packet: ps[0]'s IPv4 and TCP headers with the
 * total length and IP checksum of the whole run, PSH if any segment had it,
 * and in the TCP checksum field the pseudo-header sum (RFC 9293 §3.1) over
 * the whole TCP length, for the kernel to finish (NEEDS_CSUM). Writes the
 * headers to hdr_out (VNET_GSO_MAX_HDR bytes) and the virtio header to *vh.
 * Returns the headers' length. Call only on a run from
 * vnet_gso_run_length() of at least two segments. */
size_t vnet_gso_build(struct pkb *const *ps, size_t count, uint8_t *hdr_out,
                      struct vnet_hdr *vh);

/* Where a candidate's TCP payload starts (IP header + TCP header length). */
size_t vnet_gso_headers_len(const struct pkb *p);

#ifdef __cplusplus
}
#endif

#endif
