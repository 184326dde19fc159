/*
 * pkb.c — packet buffers: allocation, the headroom verbs, and a FIFO.
 *
 * A packet is one allocation: the struct pkb followed by its bytes, so that a
 * packet costs one malloc and one free.
 *
 * Full-sized packets (a TUN read, a TCP segment: 1 KiB < cap <= PKB_BLOCK_CAP)
 * come from a small per-thread cache of freed blocks instead. glibc's own
 * per-thread cache (tcache) stops at 1032-byte blocks, so every full-sized
 * packet used to take malloc's slow path: callgrind counted about 560
 * instructions of malloc and free per data segment in inmem_bench, against
 * about 20 for popping and pushing a list. Every block in the cache has the
 * same size, PKB_BLOCK_CAP bytes after the header, whatever cap the packet
 * asked for (cap itself stays exact: the verbs and the accounting see no
 * difference). Smaller packets (ACKs) are fast in tcache already; larger
 * ones (reassembled datagrams, offload segments) are rare and go to malloc.
 * The cache is per thread, so it needs no lock; a thread's cache is emptied
 * when the thread exits (tss destructor), so nothing leaks. It is off under
 * AddressSanitizer, which must see every free.
 *
 * Accounting is process-wide and uses C11 atomics: tests run two stacks in
 * one process, and a device thread may free packets another thread made.
 * The memory limit (pkb_set_limit) is checked against the same count: an
 * allocation first reserves its bytes (charge), and is refused if that
 * would pass the limit.
 */
#include "stack/core/pkb.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>

static _Atomic uint64_t live_buffers;
static _Atomic uint64_t live_bytes;
static _Atomic uint64_t allocations;
static _Atomic uint64_t failures;
static _Atomic uint64_t over_limit;
static _Atomic uint64_t limit_bytes = PKB_DEFAULT_LIMIT;

/* The cached block size: 2 KiB with the header, room for a 1500-byte packet
 * with PKB_DEFAULT_HEADROOM in front (and a TAP frame's 14 bytes more). */
#define PKB_BLOCK_SIZE 2048
#define PKB_BLOCK_CAP (PKB_BLOCK_SIZE - sizeof(struct pkb))
#define PKB_BLOCK_MIN_CAP 1024     /* below this, tcache is as fast */
#define PKB_CACHE_MAX 256          /* blocks kept per thread: 512 KiB at most */

struct pkb_cache {
    struct pkb *head;   /* freed blocks, linked through ->next */
    unsigned count;
    bool registered;    /* cache_key holds &cache in this thread */
};

static _Thread_local struct pkb_cache cache;
static tss_t cache_key;            /* only for the destructor at thread exit */
static once_flag cache_key_once = ONCE_FLAG_INIT;
static bool cache_key_ok;

/* Under AddressSanitizer every packet is malloc'd and freed, so that a use
 * after free is still caught (a cached block would hide it). */
#if defined(__SANITIZE_ADDRESS__)
#define PKB_CACHE_ENABLED false
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PKB_CACHE_ENABLED false
#endif
#endif
#ifndef PKB_CACHE_ENABLED
#define PKB_CACHE_ENABLED true
#endif

static bool cached_size(size_t cap)
{
    return PKB_CACHE_ENABLED && cap > PKB_BLOCK_MIN_CAP && cap <= PKB_BLOCK_CAP;
}

static void cache_drain(void *unused)
{
    (void)unused;
    while (cache.head) {
        struct pkb *p = cache.head;
        cache.head = p->next;
        free(p);
    }
    cache.count = 0;
    cache.registered = false;   /* the runtime has cleared the key */
}

static void cache_key_create(void)
{
    cache_key_ok = tss_create(&cache_key, cache_drain) == thrd_success;
}

static struct pkb *block_get(size_t cap)
{
    struct pkb *p;

    if (!cached_size(cap))
        return malloc(sizeof(struct pkb) + cap);
    if (cache.head) {
        p = cache.head;
        cache.head = p->next;
        cache.count--;
        return p;
    }
    return malloc(PKB_BLOCK_SIZE);
}

static void block_put(struct pkb *p)
{
    if (!cached_size(p->cap) || cache.count >= PKB_CACHE_MAX) {
        free(p);
        return;
    }
    if (!cache.registered) {
        /* The destructor runs at thread exit only if the key holds a
         * non-NULL value in that thread: set it once per thread (not each
         * time the cache empties: a ping reply emptied it every echo). */
        call_once(&cache_key_once, cache_key_create);
        if (!cache_key_ok || tss_set(cache_key, &cache) != thrd_success) {
            free(p);
            return;
        }
        cache.registered = true;
    }
    p->next = cache.head;
    cache.head = p;
    cache.count++;
}

void pkb_set_limit(size_t bytes)
{
    atomic_store_explicit(&limit_bytes, bytes, memory_order_relaxed);
}

size_t pkb_limit(void)
{
    return (size_t)atomic_load_explicit(&limit_bytes, memory_order_relaxed);
}

/* Reserve cap bytes of the limit for a new packet; false if they do not
 * fit. A compare-and-swap loop, so two threads cannot both take the last
 * bytes. */
static bool charge(size_t cap)
{
    uint64_t limit = atomic_load_explicit(&limit_bytes, memory_order_relaxed);
    uint64_t used = atomic_load_explicit(&live_bytes, memory_order_relaxed);

    do {
        if (cap > limit || used > limit - cap)
            return false;
    } while (!atomic_compare_exchange_weak_explicit(&live_bytes, &used, used + cap,
                                                    memory_order_relaxed,
                                                    memory_order_relaxed));
    return true;
}

struct pkb *pkb_alloc(size_t headroom, size_t size)
{
    struct pkb *p;
    size_t cap = headroom + size;

    /* headroom + size wrapped around, or the block size would */
    if (cap < headroom || cap > SIZE_MAX - sizeof(struct pkb))
        goto refuse;
    if (!charge(cap)) {
        atomic_fetch_add_explicit(&over_limit, 1, memory_order_relaxed);
        goto refuse;
    }

    p = block_get(cap);
    if (!p) {
        atomic_fetch_sub_explicit(&live_bytes, cap, memory_order_relaxed);
        goto refuse;
    }

    p->buf = (uint8_t *)(p + 1);
    p->cap = cap;
    p->data = p->buf + headroom;
    p->len = 0;
    p->rx_time = 0;
    p->ifindex = -1;
    p->network_header = NULL;
    p->transport_header = NULL;
    p->next = NULL;

    atomic_fetch_add_explicit(&live_buffers, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed);
    return p;

refuse:
    atomic_fetch_add_explicit(&failures, 1, memory_order_relaxed);
    return NULL;
}

struct pkb *pkb_from_bytes(const void *bytes, size_t len, size_t headroom)
{
    struct pkb *p = pkb_alloc(headroom, len);

    if (!p)
        return NULL;
    if (len > 0)
        memcpy(p->data, bytes, len);
    p->len = len;
    return p;
}

/* Move a header pointer from p's buffer to the same offset in q's. */
static uint8_t *rebase(const struct pkb *p, const struct pkb *q, const uint8_t *ptr)
{
    return ptr ? q->buf + (ptr - p->buf) : NULL;
}

struct pkb *pkb_copy(const struct pkb *p)
{
    size_t headroom = pkb_headroom(p);
    struct pkb *q = pkb_alloc(headroom, p->cap - headroom);

    if (!q)
        return NULL;
    /* The whole buffer, headroom included: after a layer has pulled its
     * header, network_header still points at bytes in front of data. */
    memcpy(q->buf, p->buf, p->cap);
    q->len = p->len;
    q->rx_time = p->rx_time;
    q->ifindex = p->ifindex;
    q->network_header = rebase(p, q, p->network_header);
    q->transport_header = rebase(p, q, p->transport_header);
    return q;
}

void pkb_free(struct pkb *p)
{
    if (!p)
        return;
    atomic_fetch_sub_explicit(&live_buffers, 1, memory_order_relaxed);
    atomic_fetch_sub_explicit(&live_bytes, p->cap, memory_order_relaxed);
    block_put(p);
}

int pkb_reserve(struct pkb *p, size_t n)
{
    if (p->len != 0 || n > pkb_tailroom(p))
        return -1;
    p->data += n;
    return 0;
}

uint8_t *pkb_push(struct pkb *p, size_t n)
{
    if (n > pkb_headroom(p))
        return NULL;
    p->data -= n;
    p->len += n;
    return p->data;
}

uint8_t *pkb_pull(struct pkb *p, size_t n)
{
    uint8_t *stripped = p->data;

    if (n > p->len)
        return NULL;
    p->data += n;
    p->len -= n;
    return stripped;
}

uint8_t *pkb_put(struct pkb *p, size_t n)
{
    uint8_t *tail = p->data + p->len;

    if (n > pkb_tailroom(p))
        return NULL;
    p->len += n;
    return tail;
}

int pkb_trim(struct pkb *p, size_t len)
{
    if (len > p->len)
        return -1;
    p->len = len;
    return 0;
}

/* Each counter is read on its own, so a snapshot taken while other threads
 * allocate may be slightly inconsistent; single-threaded it is exact. */
struct pkb_stats pkb_stats(void)
{
    struct pkb_stats s;

    s.live_buffers = atomic_load_explicit(&live_buffers, memory_order_relaxed);
    s.live_bytes = atomic_load_explicit(&live_bytes, memory_order_relaxed);
    s.allocations = atomic_load_explicit(&allocations, memory_order_relaxed);
    s.failures = atomic_load_explicit(&failures, memory_order_relaxed);
    s.over_limit = atomic_load_explicit(&over_limit, memory_order_relaxed);
    return s;
}

void pkb_queue_init(struct pkb_queue *q)
{
    q->head = NULL;
    q->tail = NULL;
    q->count = 0;
    q->bytes = 0;
}

void pkb_queue_push(struct pkb_queue *q, struct pkb *p)
{
    p->next = NULL;
    if (q->tail)
        q->tail->next = p;
    else
        q->head = p;
    q->tail = p;
    q->count++;
    q->bytes += p->len;
}

struct pkb *pkb_queue_pop(struct pkb_queue *q)
{
    struct pkb *p = q->head;

    if (!p)
        return NULL;
    q->head = p->next;
    if (!q->head)
        q->tail = NULL;
    p->next = NULL;
    q->count--;
    q->bytes -= p->len;
    return p;
}

void pkb_queue_purge(struct pkb_queue *q)
{
    struct pkb *p;

    while ((p = pkb_queue_pop(q)) != NULL)
        pkb_free(p);
}
