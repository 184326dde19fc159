/*
 * bench_tun.h — a bare TUN device for the limit programs (the forwarder
 * and the reflector): just the fd, with or without the virtio-net header.
 *
 * With `vnet` (IFF_VNET_HDR) every packet read or written is preceded by a
 * struct virtio_net_hdr (10 bytes) that says whether it is a large "GSO"
 * packet the receiver may split into MTU-sized segments, and whether its
 * TCP/UDP checksum still has to be completed. TUNSETOFFLOAD then tells the
 * kernel we accept such packets, so it stops segmenting and checksumming in
 * software before handing packets to us: one read carries up to 64 KiB of
 * TCP payload instead of 1460 bytes (Documentation/networking/tuntap.rst).
 */
#ifndef TUNLAB_TOOLS_BENCH_TUN_H
#define TUNLAB_TOOLS_BENCH_TUN_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bytes of struct virtio_net_hdr (linux/virtio_net.h) in front of each
 * packet in vnet mode. */
#define BENCH_VNET_HDR_LEN 10
/* The largest packet a TUN read returns: an IP datagram, plus the header. */
#define BENCH_TUN_MAX_READ (65535 + BENCH_VNET_HDR_LEN)

/* Create TUN device `name` in the current network namespace: non-blocking,
 * no packet-information header, and in vnet mode with checksum and TSO
 * offloads on. Then give the kernel's side addr/prefix, the transmit queue
 * BENCH_TXQUEUELEN (bench_util.h), and bring it up.
 * Returns the fd or a negative errno (after printing why to stderr). */
int bench_tun_open(const char *name, bool vnet, uint32_t addr, unsigned prefix_len);

#ifdef __cplusplus
}
#endif

#endif
