/*
 * tun_vnet.h — a TUN device in offload mode: the kernel hands the stack
 * large TCP segments (up to 64 KiB) and takes large ones back, splitting
 * and checksumming them itself, the way a virtual machine's virtio-net card
 * works. One read or write then moves up to 44 segments' worth of data, and
 * the system calls, not the stack, were the cost (see tools/bench).
 *
 *   kernel TCP ── tun0 (MTU 1500, TSO on) ══ 64 KiB packets ══ fd ── stack
 *
 * What changes for the stack above:
 *  - The device's MTU is TUN_VNET_MTU (65535): it receives packets longer
 *    than the wire's MTU, so IP must not drop them. The wire's MTU (the
 *    kernel side's, 1500) still limits the MSS: give TCP an explicit MSS of
 *    1460 (tcp_config.mss), or it would announce 65495.
 *  - Received TCP packets may be one large segment; their checksum has been
 *    finished by the device (the kernel leaves it to the receiver).
 *  - Transmitted packets wait in the device until tun_vnet_flush(): there,
 *    runs of consecutive segments of one connection are joined into one
 *    packet that the kernel splits (vnet_gso.h). The event loop calls the
 *    flush at the end of every stretch of work (loop_set_flush in loop.h);
 *    packets also go out when TUN_VNET_MAX_PENDING are waiting.
 *  - Other packets (UDP, ICMP) larger than 1500 bytes are written whole:
 *    the kernel accepts them from a TUN device, so no IP fragmentation
 *    happens on this device.
 * The capture and the trace (netdev_transmit/receive) show the packets as
 * the stack made them: joined runs appear as their segments.
 */
#ifndef TUNLAB_PHY_TUN_VNET_H
#define TUNLAB_PHY_TUN_VNET_H

#include <stdint.h>

#include "stack/core/netdev.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TUN_VNET_MTU 65535
/* Packets held before tun_vnet_flush writes them anyway. */
#define TUN_VNET_MAX_PENDING 256

struct tun_vnet_stats {
    uint64_t rx_large;            /* packets longer than 1500 bytes read (the kernel's TSO) */
    uint64_t rx_csum_finished;    /* checksums finished for the kernel (NEEDS_CSUM) */
    uint64_t rx_bad_header;       /* a virtio header pointing outside its packet: dropped */
    uint64_t tx_writes;           /* write system calls */
    uint64_t tx_joined_packets;   /* ... of them carrying a joined run */
    uint64_t tx_joined_segments;  /* segments in those runs */
    uint64_t tx_errors;           /* writes the kernel refused (also counted in tx_dropped) */
};

/* Open (create) TUN interface `name` with IFF_VNET_HDR and checksum + TCPv4
 * segmentation offload, as a NETDEV_LINK_IP netdev with MTU TUN_VNET_MTU.
 * Configure the kernel's side with tuntap_configure_kernel(..., 1500).
 * Returns 0 or a negative errno (logged). netdev_close() writes what is
 * pending and frees the device's state. */
int tun_vnet_open(struct netdev *dev, const char *name);

/* Write every packet transmitted since the last flush, joining runs of TCP
 * segments. `now` is unused (the loop's flush signature). */
void tun_vnet_flush(struct netdev *dev, usec_t now);

struct tun_vnet_stats tun_vnet_stats(const struct netdev *dev);

#ifdef __cplusplus
}
#endif

#endif
