/*
 * netdev.h — the one device interface every "wire" implements: a TUN device
 * (bare IP packets), a TAP device (Ethernet frames), or one end of the
 * simulated link used by the tests.
 *
 * Sending: the layer above calls netdev_transmit(), which counts, records the
 * packet in the trace and the capture, and hands it to the driver.
 * Receiving: the driver (or the event loop reading the driver's fd) calls
 * netdev_receive(), which counts, records, and hands the packet to the
 * handler the layer above installed with netdev_set_input(). The device
 * never includes a header of the layers above it.
 */
#ifndef TUNLAB_CORE_NETDEV_H
#define TUNLAB_CORE_NETDEV_H

#include <stdbool.h>
#include <stdint.h>

#include "stack/core/clock.h"
#include "stack/core/pkb.h"
#include "stack/core/trace.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NETDEV_NAME_LEN 16
#define ETH_ADDR_LEN 6

/* What the bytes a device carries begin with. */
enum netdev_link {
    NETDEV_LINK_IP,        /* TUN: each packet is an IP datagram */
    NETDEV_LINK_ETHERNET,  /* TAP: each packet is an Ethernet II frame */
};

struct netdev;

struct netdev_ops {
    /* Take ownership of p and send it. Returns 0, or a negative errno
     * (-EAGAIN when the device is full: the packet is freed and counted as a
     * drop by netdev_transmit). */
    int (*transmit)(struct netdev *dev, struct pkb *p, usec_t now);
    /* For devices with a file descriptor: read one packet without blocking.
     * Returns 0 and *out, -EAGAIN when nothing is waiting, or another
     * negative errno. NULL for devices that push packets themselves. */
    int (*receive)(struct netdev *dev, struct pkb **out);
    /* Release the driver's resources (close the fd). May be NULL. */
    void (*close)(struct netdev *dev);
};

/* The handler of the layer above: takes ownership of p. */
typedef void (*netdev_input_fn)(void *ctx, struct netdev *dev, struct pkb *p, usec_t now);

/* Called for every packet in and out, before anything else sees it (the
 * pcap writer hooks in here). `outgoing` is true for transmit. Must not keep p. */
typedef void (*netdev_capture_fn)(void *ctx, const struct netdev *dev, bool outgoing,
                                  const struct pkb *p, usec_t now);

struct netdev_stats {
    uint64_t rx_packets, rx_bytes;
    uint64_t tx_packets, tx_bytes;
    uint64_t rx_dropped;   /* no handler installed, or too long */
    uint64_t tx_dropped;   /* driver full or failed */
};

struct netdev {
    char name[NETDEV_NAME_LEN];   /* "tun0", "tap0", "sim-a" */
    enum netdev_link link;
    uint32_t mtu;                 /* largest IP packet the link carries (1500) */
    uint8_t mac[ETH_ADDR_LEN];    /* Ethernet devices only */
    int fd;                       /* the driver's file descriptor, -1 if none */
    const struct netdev_ops *ops;
    void *priv;                   /* the driver's own state */

    netdev_input_fn input;
    void *input_ctx;
    netdev_capture_fn capture;
    void *capture_ctx;

    struct trace *trace;          /* may be NULL */
    const char *trace_node;       /* node name used in trace events */

    struct netdev_stats stats;
};

/* Fill in the common fields; drivers call this and then set fd/priv/mac. */
void netdev_init(struct netdev *dev, const char *name, enum netdev_link link, uint32_t mtu,
                 const struct netdev_ops *ops, void *priv);

void netdev_set_input(struct netdev *dev, netdev_input_fn fn, void *ctx);
void netdev_set_capture(struct netdev *dev, netdev_capture_fn fn, void *ctx);
void netdev_set_trace(struct netdev *dev, struct trace *trace, const char *node);

/* Send p (ownership passes). Returns 0 or a negative errno. */
int netdev_transmit(struct netdev *dev, struct pkb *p, usec_t now);

/* Deliver a received packet to the layer above (ownership passes). */
void netdev_receive(struct netdev *dev, struct pkb *p, usec_t now);

/* Read and deliver every packet waiting on a fd-backed device, at most
 * `budget` of them. Returns how many were delivered, or a negative errno. */
int netdev_poll(struct netdev *dev, int budget, usec_t now);

void netdev_close(struct netdev *dev);

#ifdef __cplusplus
}
#endif

#endif
