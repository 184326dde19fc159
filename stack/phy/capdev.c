/*
 * capdev.c — the capture device (see capdev.h): transmit queues the packet
 * for the test, inject hands bytes to netdev_receive().
 */
#include "stack/phy/capdev.h"

#include <errno.h>
#include <stddef.h>

/* The netdev ops see only the embedded netdev; step back to the capdev. */
static struct capdev *capdev_from_dev(struct netdev *dev)
{
    return (struct capdev *)((char *)dev - offsetof(struct capdev, dev));
}

static int capdev_transmit(struct netdev *dev, struct pkb *p, usec_t now)
{
    struct capdev *cap = capdev_from_dev(dev);

    if (cap->fail_with != 0) {
        pkb_free(p);
        return cap->fail_with;
    }
    p->rx_time = now;   /* when it was sent: the test may want to check */
    pkb_queue_push(&cap->sent, p);
    return 0;
}

static const struct netdev_ops capdev_ops = {
    .transmit = capdev_transmit,
    .receive = NULL,   /* the test pushes packets in with capdev_inject */
    .close = NULL,
};

void capdev_init(struct capdev *cap, const char *name, enum netdev_link link, uint32_t mtu)
{
    static const uint8_t default_mac[ETH_ADDR_LEN] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};

    netdev_init(&cap->dev, name, link, mtu, &capdev_ops, NULL);
    if (link == NETDEV_LINK_ETHERNET) {
        for (int i = 0; i < ETH_ADDR_LEN; i++)
            cap->dev.mac[i] = default_mac[i];
    }
    pkb_queue_init(&cap->sent);
    cap->fail_with = 0;
}

void capdev_destroy(struct capdev *cap)
{
    pkb_queue_purge(&cap->sent);
}

struct pkb *capdev_pop(struct capdev *cap)
{
    return pkb_queue_pop(&cap->sent);
}

size_t capdev_pending(const struct capdev *cap)
{
    return cap->sent.count;
}

void capdev_clear(struct capdev *cap)
{
    pkb_queue_purge(&cap->sent);
}

int capdev_inject(struct capdev *cap, const void *bytes, size_t len, usec_t now)
{
    struct pkb *p = pkb_from_bytes(bytes, len, PKB_DEFAULT_HEADROOM);

    if (p == NULL)
        return -ENOMEM;
    netdev_receive(&cap->dev, p, now);
    return 0;
}

void capdev_inject_pkb(struct capdev *cap, struct pkb *p, usec_t now)
{
    netdev_receive(&cap->dev, p, now);
}
