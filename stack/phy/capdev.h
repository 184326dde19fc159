/*
 * capdev.h — the capture device: a netdev for tests that keeps "the segments
 * the stack sent" in a queue the test pops, and lets the test inject "the
 * segment the peer sends now" as if it had arrived from the wire.
 *
 *     test ── capdev_inject() ──► netdev_receive() ──► layer above
 *     test ◄── capdev_pop() ◄── sent queue ◄── netdev_transmit() ◄── layer above
 *
 * Nothing is ever lost or delayed: the test decides what the peer does. Use
 * the simulated link (simlink.h) when two real stacks should talk instead.
 */
#ifndef TUNLAB_PHY_CAPDEV_H
#define TUNLAB_PHY_CAPDEV_H

#include <stddef.h>
#include <stdint.h>

#include "stack/core/clock.h"
#include "stack/core/netdev.h"
#include "stack/core/pkb.h"

#ifdef __cplusplus
extern "C" {
#endif

struct capdev {
    struct netdev dev;      /* hand &cap->dev to the layer above */
    struct pkb_queue sent;  /* what the stack transmitted, oldest first */
    /* When non-zero, transmit refuses packets with this negative errno
     * (say -EAGAIN, "device full"), so tests can exercise the drop path. */
    int fail_with;
};

/* Set up a capture device. `link` picks IP packets (TUN-like) or Ethernet
 * frames (TAP-like); Ethernet devices get the MAC 02:00:00:00:00:01, which
 * the test may overwrite in cap->dev.mac. */
void capdev_init(struct capdev *cap, const char *name, enum netdev_link link, uint32_t mtu);

/* Free every packet still queued. The capdev itself belongs to the caller. */
void capdev_destroy(struct capdev *cap);

/* The oldest packet the stack sent, or NULL if none is waiting. The caller
 * owns it. Its rx_time field holds the time it was transmitted (that field
 * is otherwise unused on the way down). */
struct pkb *capdev_pop(struct capdev *cap);

/* How many sent packets are waiting to be popped. */
size_t capdev_pending(const struct capdev *cap);

/* Discard every sent packet that is waiting. */
void capdev_clear(struct capdev *cap);

/* Deliver a copy of `len` bytes as a received packet (with the default
 * headroom), through netdev_receive(). Returns 0, or -ENOMEM. */
int capdev_inject(struct capdev *cap, const void *bytes, size_t len, usec_t now);

/* Deliver p as a received packet; takes ownership. */
void capdev_inject_pkb(struct capdev *cap, struct pkb *p, usec_t now);

#ifdef __cplusplus
}
#endif

#endif
