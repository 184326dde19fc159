/*
 * pkb.h — the packet buffer: one contiguous buffer per packet, with room in
 * front for headers that lower layers prepend.
 *
 *     buf                data              data+len            buf+cap
 *      |<-- headroom -->|<----- len ------>|<--- tailroom --->|
 *
 * On the way down, each layer pkb_push()es its header in front of the
 * payload; on the way up, each layer pkb_pull()s its header off the front.
 * This is Linux's sk_buff idea (skb_push / skb_pull / skb_put /
 * skb_reserve) and lwIP's pbuf headroom, cut down to one buffer per packet.
 *
 * Every operation checks its bounds and reports failure (NULL or -1) instead
 * of writing outside the buffer, so a malformed packet can at worst be
 * dropped.
 */
#ifndef TUNLAB_CORE_PKB_H
#define TUNLAB_CORE_PKB_H

#include <stddef.h>
#include <stdint.h>

#include "stack/core/clock.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Room every transmit buffer keeps in front: Ethernet (14) + IPv4 with
 * options (60) + TCP with options (60), rounded up. */
#define PKB_DEFAULT_HEADROOM 160

struct pkb {
    uint8_t *buf;      /* start of the allocation */
    size_t cap;        /* bytes allocated at buf */
    uint8_t *data;     /* first byte of the packet as the current layer sees it */
    size_t len;        /* bytes from data */

    /* Metadata filled in on the way up, for the layers above. */
    usec_t rx_time;     /* when the device handed it to us */
    int ifindex;        /* interface it arrived on, -1 if none */
    uint8_t *network_header;   /* where the IP header starts, or NULL */
    uint8_t *transport_header; /* where the TCP/UDP/ICMP header starts, or NULL */

    struct pkb *next;   /* link for queues (struct pkb_queue); NULL when not queued */
};

/* Allocate a packet with `headroom` bytes in front and room for `size` bytes
 * of data. len starts at 0. Returns NULL if memory is exhausted. */
struct pkb *pkb_alloc(size_t headroom, size_t size);

/* Allocate a packet holding a copy of `len` bytes from `bytes`, with
 * `headroom` free in front. */
struct pkb *pkb_from_bytes(const void *bytes, size_t len, size_t headroom);

/* A deep copy: same data, same headroom, same metadata (header pointers
 * rebased), next = NULL. */
struct pkb *pkb_copy(const struct pkb *p);

/* Free a packet. pkb_free(NULL) does nothing. */
void pkb_free(struct pkb *p);

static inline size_t pkb_headroom(const struct pkb *p) { return (size_t)(p->data - p->buf); }
static inline size_t pkb_tailroom(const struct pkb *p)
{
    return p->cap - pkb_headroom(p) - p->len;
}

/* Move data forward by n on an empty packet, leaving n bytes of headroom.
 * Returns 0, or -1 if the packet is not empty or has no room. */
int pkb_reserve(struct pkb *p, size_t n);

/* Prepend n bytes (a header). Returns the new start of data, or NULL if the
 * headroom is smaller than n (the packet is unchanged then). */
uint8_t *pkb_push(struct pkb *p, size_t n);

/* Strip n bytes from the front (a header that has been parsed). Returns a
 * pointer to the stripped bytes, or NULL if the packet is shorter than n
 * (the packet is unchanged then). */
uint8_t *pkb_pull(struct pkb *p, size_t n);

/* Append n bytes at the tail. Returns a pointer to the new bytes, or NULL if
 * the tailroom is smaller than n. */
uint8_t *pkb_put(struct pkb *p, size_t n);

/* Cut the packet to its first len bytes (drops link-layer padding, say).
 * Returns 0, or -1 if len is larger than the packet. */
int pkb_trim(struct pkb *p, size_t len);

/* Process-wide accounting of live packet buffers, for leak checks and the
 * memory limit: how many exist now and how many bytes they hold. */
struct pkb_stats {
    uint64_t live_buffers;
    uint64_t live_bytes;
    uint64_t allocations;   /* ever made */
    uint64_t failures;      /* allocations refused (for any reason) */
    uint64_t over_limit;    /* ... of which refused by the memory limit */
};
struct pkb_stats pkb_stats(void);

/* The memory limit: the bytes all live packet buffers of the process may
 * hold together (the sum of their caps, what live_bytes counts). An
 * allocation that would take live_bytes beyond it fails with NULL and is
 * counted in over_limit, so a flood or a slow reader costs dropped packets
 * (which every caller already counts) instead of the whole machine's
 * memory. Like the accounting it is process-wide, shared by every stack in
 * the process; its callers treat a refusal like a lost packet. Freed
 * full-sized blocks a thread keeps for reuse (at most 512 KiB per thread)
 * are not live and do not count. */
#define PKB_DEFAULT_LIMIT ((size_t)64 * 1024 * 1024)   /* 64 MiB */
/* Set the limit (SIZE_MAX: none). Lowering it below live_bytes frees
 * nothing: allocations fail until enough buffers have been freed. */
void pkb_set_limit(size_t bytes);
size_t pkb_limit(void);

/* A FIFO of packets linked through pkb->next. */
struct pkb_queue {
    struct pkb *head;
    struct pkb *tail;
    size_t count;
    size_t bytes;   /* sum of len */
};

void pkb_queue_init(struct pkb_queue *q);
void pkb_queue_push(struct pkb_queue *q, struct pkb *p);
struct pkb *pkb_queue_pop(struct pkb_queue *q);   /* NULL when empty */
void pkb_queue_purge(struct pkb_queue *q);        /* free every packet */

#ifdef __cplusplus
}
#endif

#endif
