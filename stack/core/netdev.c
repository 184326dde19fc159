/*
 * netdev.c — the device-independent half of every device: counting,
 * capture, trace, and handing packets up or down.
 *
 * Order on both paths: the capture hook and the trace see the packet first,
 * exactly as it crosses the wire, then the packet goes on (to the driver, or
 * to the layer above) or is dropped and counted. A drop is therefore still
 * visible in a capture, as it would be in tcpdump.
 */
#include "stack/core/netdev.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* Bytes a link adds in front of the IP packet: an Ethernet II header. */
#define NETDEV_ETH_HEADER_LEN 14

void netdev_init(struct netdev *dev, const char *name, enum netdev_link link, uint32_t mtu,
                 const struct netdev_ops *ops, void *priv)
{
    memset(dev, 0, sizeof *dev);
    snprintf(dev->name, sizeof dev->name, "%s", name ? name : "");
    dev->link = link;
    dev->mtu = mtu;
    dev->fd = -1;
    dev->ops = ops;
    dev->priv = priv;
}

void netdev_set_input(struct netdev *dev, netdev_input_fn fn, void *ctx)
{
    dev->input = fn;
    dev->input_ctx = ctx;
}

void netdev_set_capture(struct netdev *dev, netdev_capture_fn fn, void *ctx)
{
    dev->capture = fn;
    dev->capture_ctx = ctx;
}

void netdev_set_trace(struct netdev *dev, struct trace *trace, const char *node)
{
    dev->trace = trace;
    dev->trace_node = node;
}

static enum trace_link trace_link_of(const struct netdev *dev)
{
    return dev->link == NETDEV_LINK_ETHERNET ? TRACE_LINK_ETHERNET : TRACE_LINK_IP;
}

/* Show the packet to the capture hook and the trace. */
static void observe(struct netdev *dev, bool outgoing, const struct pkb *p, usec_t now)
{
    if (!dev->capture && !dev->trace)
        return;   /* the usual case outside tests: nobody watches */
    if (dev->capture)
        dev->capture(dev->capture_ctx, dev, outgoing, p, now);
    trace_packet(dev->trace, now, dev->trace_node ? dev->trace_node : dev->name,
                 outgoing ? TRACE_PKT_OUT : TRACE_PKT_IN, dev->name, trace_link_of(dev),
                 p->data, p->len);
}

/* The longest packet the device accepts: the MTU counts the IP packet only,
 * so an Ethernet device also carries its 14-byte header. 0 = no limit. */
static size_t max_frame_len(const struct netdev *dev)
{
    if (dev->mtu == 0)
        return SIZE_MAX;
    return (size_t)dev->mtu + (dev->link == NETDEV_LINK_ETHERNET ? NETDEV_ETH_HEADER_LEN : 0);
}

/* The driver's transmit owns p on every path, success or error, so this
 * function must not touch p after the call; len is saved before it. */
int netdev_transmit(struct netdev *dev, struct pkb *p, usec_t now)
{
    size_t len;
    int rc;

    if (!p)
        return -EINVAL;
    observe(dev, true, p, now);
    if (!dev->ops || !dev->ops->transmit) {
        rc = -ENODEV;
        goto drop;
    }
    len = p->len;
    rc = dev->ops->transmit(dev, p, now);
    if (rc < 0) {
        dev->stats.tx_dropped++;
        return rc;
    }
    dev->stats.tx_packets++;
    dev->stats.tx_bytes += len;
    return 0;

drop:
    dev->stats.tx_dropped++;
    pkb_free(p);
    return rc;
}

/* rx_packets and rx_bytes count every packet the device received;
 * rx_dropped counts those among them that no one above could take. */
void netdev_receive(struct netdev *dev, struct pkb *p, usec_t now)
{
    if (!p)
        return;
    p->rx_time = now;
    observe(dev, false, p, now);
    dev->stats.rx_packets++;
    dev->stats.rx_bytes += p->len;
    if (!dev->input || p->len > max_frame_len(dev))
        goto drop;
    dev->input(dev->input_ctx, dev, p, now);
    return;

drop:
    dev->stats.rx_dropped++;
    pkb_free(p);
}

int netdev_poll(struct netdev *dev, int budget, usec_t now)
{
    int delivered = 0;

    if (!dev->ops || !dev->ops->receive)
        return 0;   /* a device that pushes its packets has nothing to poll */
    while (delivered < budget) {
        struct pkb *p = NULL;
        int rc = dev->ops->receive(dev, &p);
        if (rc == -EAGAIN)
            break;
        if (rc < 0)   /* report the error only if it stopped all progress */
            return delivered > 0 ? delivered : rc;
        netdev_receive(dev, p, now);
        delivered++;
    }
    return delivered;
}

/* After close the device has no driver: transmit drops with -ENODEV and
 * poll finds nothing, so a stale reference cannot reach a closed fd. */
void netdev_close(struct netdev *dev)
{
    if (dev->ops && dev->ops->close)
        dev->ops->close(dev);
    dev->ops = NULL;
    dev->fd = -1;
}
