/*
 * arp_cache.c — the ARP cache: entries, their states and timers, and the
 * packets that wait for a reply. The policy (when an entry is created, what
 * refreshes it, what is evicted) is written out in arp_cache.h.
 *
 *   from        event                                    to
 *   ----------  ---------------------------------------  ---------------------------
 *   (none)      arp_output for a host not in the cache   INCOMPLETE, request sent
 *   (none)      a request for our address                STALE
 *   INCOMPLETE  retry timer, fewer than max_requests     INCOMPLETE, request sent
 *   INCOMPLETE  retry timer, max_requests sent           (removed; unreachable handler)
 *   INCOMPLETE  reply / request from the host            REACHABLE / STALE, queue sent
 *   REACHABLE   reachable_time passed                    STALE
 *   REACHABLE   request from the host, same / new MAC    REACHABLE / STALE
 *   STALE       reply / request from the host            REACHABLE / STALE (age restarts)
 *   STALE       stale_time passed                        (removed)
 *   STALE       cache full, this is the oldest STALE     (evicted)
 */
#include "stack/link/arp_cache.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "stack/core/log.h"

const char *arp_state_name(enum arp_state state)
{
    switch (state) {
    case ARP_STATE_INCOMPLETE:
        return "INCOMPLETE";
    case ARP_STATE_REACHABLE:
        return "REACHABLE";
    case ARP_STATE_STALE:
        return "STALE";
    }
    return "?";
}

/* The trace subject of an entry: "arp 10.0.1.1". */
static void arp_entry_subject(const struct arp_entry *e, char *out, size_t outlen)
{
    char ip[16];

    arp_format_ip(e->ip, ip, sizeof(ip));
    snprintf(out, outlen, "arp %s", ip);
}

static void arp_trace_state(struct arp *arp, const struct arp_entry *e, const char *from,
                            const char *to, usec_t now)
{
    char subject[TRACE_SUBJECT_LEN];

    arp_entry_subject(e, subject, sizeof(subject));
    trace_state(arp->trace, now, arp->trace_node, subject, from, to);
}

struct arp_entry *arp_cache_find(const struct arp *arp, uint32_t ip)
{
    for (struct arp_entry *e = arp->entries; e; e = e->next)
        if (e->ip == ip)
            return e;
    return NULL;
}

/* Unlink e, cancel its timer, free its waiting packets and e itself. The
 * trace records "STATE -> NONE". */
static void arp_entry_remove(struct arp *arp, struct arp_entry *e, usec_t now)
{
    struct arp_entry **link = &arp->entries;

    while (*link != e)
        link = &(*link)->next;
    *link = e->next;
    arp->entry_count--;
    arp_trace_state(arp, e, arp_state_name(e->state), "NONE", now);
    timer_cancel(arp->timers, &e->timer);
    pkb_queue_purge(&e->waiting);
    free(e);
}

/* Arm the entry's one timer for what its state waits for next. */
static void arp_entry_arm(struct arp *arp, struct arp_entry *e, usec_t now)
{
    usec_t wait = 0;

    switch (e->state) {
    case ARP_STATE_INCOMPLETE:
        wait = arp->cfg.retry_interval;
        break;
    case ARP_STATE_REACHABLE:
        wait = arp->cfg.reachable_time;
        break;
    case ARP_STATE_STALE:
        wait = arp->cfg.stale_time;
        break;
    }
    if (timer_arm(arp->timers, &e->timer, now + wait) < 0)
        log_warn("arp", "cannot arm timer: out of memory");
}

/* Move e to `to` (or refresh it in its state): the age restarts and the
 * timer is re-armed. Only real changes go into the trace. */
static void arp_entry_set_state(struct arp *arp, struct arp_entry *e, enum arp_state to,
                                usec_t now)
{
    if (e->state != to)
        arp_trace_state(arp, e, arp_state_name(e->state), arp_state_name(to), now);
    e->state = to;
    e->updated = now;
    arp_entry_arm(arp, e, now);
}

/* Resolution failed (RFC 1122 §2.3.2.2: "the link layer SHOULD ... report
 * an error to the IP layer" is what the unreachable handler is for). The
 * entry goes first, so the handler may call arp_output freely. */
static void arp_entry_give_up(struct arp *arp, struct arp_entry *e, usec_t now)
{
    struct pkb_queue failed = e->waiting;
    uint32_t ip = e->ip;
    char subject[TRACE_SUBJECT_LEN];
    struct pkb *p;

    arp_entry_subject(e, subject, sizeof(subject));
    trace_note(arp->trace, now, arp->trace_node, subject,
               "no reply after %d requests: %zu packets unreachable", e->requests_sent,
               failed.count);
    pkb_queue_init(&e->waiting);
    arp_entry_remove(arp, e, now);
    arp->stats.resolve_failed++;
    while ((p = pkb_queue_pop(&failed)) != NULL) {
        arp->stats.unreachable_packets++;
        if (arp->unreachable)
            arp->unreachable(arp->unreachable_ctx, p, ip, now);
        pkb_free(p);
    }
}

static void arp_entry_timer(struct timer *t, void *arg, usec_t now)
{
#ifdef LAB2_SOLUTION
    struct arp_entry *e = arg;
    struct arp *arp = e->arp;

    (void)t;
    switch (e->state) {
    case ARP_STATE_INCOMPLETE:
        if (e->requests_sent >= arp->cfg.max_requests) {
            arp_entry_give_up(arp, e, now);
            return;
        }
        e->requests_sent++;
        arp_send_request(arp, e->ip, now);
        arp_entry_arm(arp, e, now);   /* the age stays: time since creation */
        return;
    case ARP_STATE_REACHABLE:
        arp_entry_set_state(arp, e, ARP_STATE_STALE, now);
        return;
    case ARP_STATE_STALE:
        arp_entry_remove(arp, e, now);
        return;
    }
#else
    /* TODO(lab 2): arp_entry_timer() — labs/lab2-datalink/README.md,
     * "Part C". The entry's one timer fired; what it means depends on the
     * state: INCOMPLETE, send another request (arp_send_request,
     * arp_entry_arm) or, after max_requests, give up (arp_entry_give_up);
     * REACHABLE, become STALE (arp_entry_set_state); STALE, go away
     * (arp_entry_remove). */
    (void)t;
    (void)arg;
    (void)now;
    (void)arp_entry_give_up;
    (void)arp_entry_set_state;
#endif
}

/* The oldest STALE entry, or NULL. */
static struct arp_entry *arp_cache_oldest_stale(const struct arp *arp)
{
    struct arp_entry *oldest = NULL;

    for (struct arp_entry *e = arp->entries; e; e = e->next)
        if (e->state == ARP_STATE_STALE && (!oldest || e->updated < oldest->updated))
            oldest = e;
    return oldest;
}

/* A new entry in `state` (the caller fills in the rest), appended to the
 * list. Evicts the oldest STALE entry when the cache is full; NULL if there
 * is none to evict or memory is exhausted. */
static struct arp_entry *arp_entry_new(struct arp *arp, uint32_t ip, enum arp_state state,
                                       usec_t now)
{
    struct arp_entry *e, **tail;

    if (arp->entry_count >= (size_t)arp->cfg.max_entries) {
        struct arp_entry *victim = arp_cache_oldest_stale(arp);
        if (!victim) {
            arp->stats.cache_full++;
            return NULL;
        }
        arp->stats.evictions++;
        arp_entry_remove(arp, victim, now);
    }
    e = calloc(1, sizeof(*e));
    if (!e)
        return NULL;
    e->arp = arp;
    e->ip = ip;
    e->state = state;
    e->updated = now;
    pkb_queue_init(&e->waiting);
    timer_init(&e->timer, arp_entry_timer, e, "arp");
    for (tail = &arp->entries; *tail; tail = &(*tail)->next)
        ;
    *tail = e;
    arp->entry_count++;
    arp_trace_state(arp, e, "NONE", arp_state_name(state), now);
    return e;
}

int arp_cache_resolve(struct arp *arp, uint32_t ip, struct pkb *p, usec_t now)
{
    struct arp_entry *e = arp_entry_new(arp, ip, ARP_STATE_INCOMPLETE, now);

    if (!e) {
        pkb_free(p);
        return -ENOBUFS;
    }
    /* Queue first, then ask: the entry is complete before any packet can
     * come back, even from a device that delivers synchronously. */
    arp_cache_enqueue(arp, e, p, now);
    arp_entry_arm(arp, e, now);
    e->requests_sent = 1;
    arp_send_request(arp, ip, now);
    return 0;
}

void arp_cache_learn(struct arp *arp, uint32_t ip, const uint8_t mac[ETH_ADDR_LEN], usec_t now)
{
    struct arp_entry *e = arp_entry_new(arp, ip, ARP_STATE_STALE, now);

    if (!e)
        return;
    memcpy(e->mac, mac, ETH_ADDR_LEN);
    arp_entry_arm(arp, e, now);
}

void arp_cache_update(struct arp *arp, struct arp_entry *e, const uint8_t mac[ETH_ADDR_LEN],
                      bool is_reply, usec_t now)
{
#ifdef LAB2_SOLUTION
    bool was_incomplete = e->state == ARP_STATE_INCOMPLETE;
    bool mac_changed = !was_incomplete && memcmp(e->mac, mac, ETH_ADDR_LEN) != 0;
    enum arp_state to;

    if (mac_changed) {
        char subject[TRACE_SUBJECT_LEN], from[18], into[18];
        arp_entry_subject(e, subject, sizeof(subject));
        eth_format_addr(e->mac, from, sizeof(from));
        eth_format_addr(mac, into, sizeof(into));
        trace_note(arp->trace, now, arp->trace_node, subject, "lladdr %s -> %s", from, into);
    }
    memcpy(e->mac, mac, ETH_ADDR_LEN);   /* RFC 826: the merge */

    if (is_reply)
        to = ARP_STATE_REACHABLE;
    else if (e->state == ARP_STATE_REACHABLE && !mac_changed)
        to = ARP_STATE_REACHABLE;
    else
        to = ARP_STATE_STALE;
    arp_entry_set_state(arp, e, to, now);

    if (was_incomplete) {
        /* Take the queue off the entry before sending: a synchronous device
         * could bring a packet back into ARP while we send. */
        struct pkb_queue ready = e->waiting;
        uint8_t dst[ETH_ADDR_LEN];
        struct pkb *p;

        memcpy(dst, e->mac, ETH_ADDR_LEN);
        pkb_queue_init(&e->waiting);
        e->requests_sent = 0;
        arp->stats.resolved++;
        while ((p = pkb_queue_pop(&ready)) != NULL) {
            arp->stats.tx_ip_packets++;
            if (eth_output(arp->port, p, dst, ETH_TYPE_IPV4, now) < 0)
                arp->stats.tx_errors++;
        }
    }
#else
    /* TODO(lab 2): arp_cache_update() — labs/lab2-datalink/README.md,
     * "Part C". The merge: take the new MAC; a reply makes the entry
     * REACHABLE, a request makes it STALE unless it was REACHABLE with the
     * same MAC (arp_entry_set_state). If the entry was INCOMPLETE, send the
     * packets that waited for it (eth_output) and count `resolved`. */
    (void)arp;
    (void)e;
    (void)mac;
    (void)is_reply;
    (void)now;
    (void)arp_entry_set_state;
#endif
}

void arp_cache_enqueue(struct arp *arp, struct arp_entry *e, struct pkb *p, usec_t now)
{
    if (e->waiting.count >= (size_t)arp->cfg.max_queued) {
        char subject[TRACE_SUBJECT_LEN];
        arp_entry_subject(e, subject, sizeof(subject));
        trace_note(arp->trace, now, arp->trace_node, subject,
                   "queue full (%d): dropped the oldest packet", arp->cfg.max_queued);
        pkb_free(pkb_queue_pop(&e->waiting));
        arp->stats.queue_drops++;
    }
    pkb_queue_push(&e->waiting, p);
    arp->stats.queued++;
}

void arp_cache_clear(struct arp *arp)
{
    while (arp->entries) {
        struct arp_entry *e = arp->entries;
        arp->entries = e->next;
        timer_cancel(arp->timers, &e->timer);
        pkb_queue_purge(&e->waiting);
        free(e);
    }
    arp->entry_count = 0;
}

int arp_lookup(const struct arp *arp, uint32_t ip, uint8_t mac[ETH_ADDR_LEN],
               enum arp_state *state)
{
    const struct arp_entry *e = arp_cache_find(arp, ip);

    if (!e)
        return -ENOENT;
    if (mac && e->state != ARP_STATE_INCOMPLETE)
        memcpy(mac, e->mac, ETH_ADDR_LEN);
    if (state)
        *state = e->state;
    return 0;
}

size_t arp_entry_count(const struct arp *arp) { return arp->entry_count; }

/* Like `ip neigh`, plus the age:
 *   10.0.1.1 dev tap0 lladdr 52:54:00:12:34:56 REACHABLE age 1.250s
 *   10.0.1.9 dev tap0 INCOMPLETE age 0.500s requests 1 queued 2 */
void arp_print_cache(const struct arp *arp, FILE *out, usec_t now)
{
    for (const struct arp_entry *e = arp->entries; e; e = e->next) {
        char ip[16], mac[18], age[32];
        arp_format_ip(e->ip, ip, sizeof(ip));
        trace_format_time(now - e->updated, age, sizeof(age));
        fprintf(out, "%s dev %s ", ip, arp->port->dev->name);
        if (e->state == ARP_STATE_INCOMPLETE) {
            fprintf(out, "INCOMPLETE age %ss requests %d queued %zu\n", age, e->requests_sent,
                    e->waiting.count);
            continue;
        }
        eth_format_addr(e->mac, mac, sizeof(mac));
        fprintf(out, "lladdr %s %s age %ss\n", mac, arp_state_name(e->state), age);
    }
}
