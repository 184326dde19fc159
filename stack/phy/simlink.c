/*
 * simlink.c — the simulated wire (see simlink.h).
 *
 * What happens to a packet handed to a sim device, in this order:
 *
 *   1. MTU check: a packet larger than the link's MTU is dropped (too_big).
 *   2. Transmit queue: with a rate, the packet waits until the packets ahead
 *      of it are serialized; if queue_limit packets already wait, it is
 *      tail-dropped (queue_drops).
 *   3. Serialization: it occupies the wire for len * 8 / rate seconds.
 *   4. Loss: with probability `loss` it vanishes on the wire (lost).
 *   5. Corruption: with probability `corrupt` one random bit flips.
 *   6. Arrival = end of serialization + delay + jitter. Jitter alone never
 *      reorders: a packet never arrives before the one sent ahead of it.
 *   7. Reordering: with probability `reorder` the packet is held back by an
 *      extra reorder_delay, so later packets overtake it.
 *   8. Duplication: with probability `duplicate` a copy arrives too, at the
 *      same instant, right after the original.
 *
 * Drops of steps 1, 2 and 4 are recorded as TRACE_PKT_LOST in the world's
 * trace. Arrivals wait in the world's queue of packets in flight
 * (sim_events.h), ordered by arrival time and then by insertion: two packets
 * due at the same instant are delivered in the order they were scheduled,
 * so runs are reproducible.
 */
#include "stack/phy/simlink.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "stack/core/log.h"
#include "stack/phy/sim_events.h"

/* Ethernet II header, which the MTU (an IP packet size) does not count. */
#define SIM_ETH_HEADER_LEN 14
/* A safety net for run_until: a node whose timer never stops firing at the
 * same instant would otherwise spin forever. */
#define SIM_RUN_MAX_EVENTS 100000000u

/* Start times of packets waiting to be serialized (a FIFO ring): how the
 * transmit queue is measured against queue_limit. */
struct sim_txq {
    usec_t *start;
    size_t head, count, capacity;
};

/* One direction of a link. */
struct sim_dir {
    struct sim_impairments imp;
    struct sim_link_stats stats;
    usec_t busy_until;    /* when the wire finishes the last accepted packet */
    usec_t last_arrival;  /* latest arrival so far: jitter may not go before it */
    struct sim_txq waiting;
};

struct sim_link {
    struct sim_world *world;
    struct netdev dev[2];     /* dev[0] = a, dev[1] = b */
    struct sim_dir dir[2];    /* dir[0]: a -> b, dir[1]: b -> a */
    struct sim_link *next;    /* the world's list of links */
};

struct sim_node {
    const struct sim_node_ops *ops;
    void *ctx;
};

struct sim_world {
    uint64_t seed;
    usec_t now;
    struct rng rng;
    struct trace trace;

    struct sim_events in_flight;

    struct sim_node *nodes;
    size_t node_count, node_capacity;

    struct sim_link *links;
    uint8_t next_mac;          /* last byte of the next Ethernet device's MAC */
};

/* ---- the transmit queue of one direction ------------------------------- */

/* Forget packets whose serialization has started by `now`. */
static void txq_expire(struct sim_txq *q, usec_t now)
{
    while (q->count > 0 && q->start[q->head] <= now) {
        q->head = (q->head + 1) % q->capacity;
        q->count--;
    }
}

static int txq_push(struct sim_txq *q, usec_t start)
{
    if (q->count == q->capacity) {
        size_t capacity = q->capacity ? q->capacity * 2 : 16;
        usec_t *ring = malloc(capacity * sizeof *ring);
        if (!ring)
            return -ENOMEM;
        for (size_t i = 0; i < q->count; i++)   /* unroll the ring into the new one */
            ring[i] = q->start[(q->head + i) % q->capacity];
        free(q->start);
        q->start = ring;
        q->head = 0;
        q->capacity = capacity;
    }
    q->start[(q->head + q->count) % q->capacity] = start;
    q->count++;
    return 0;
}

/* ---- the world ---------------------------------------------------------- */

struct sim_world *sim_world_new(uint64_t seed)
{
    struct sim_world *w = calloc(1, sizeof *w);

    if (!w)
        return NULL;
    w->seed = seed;
    rng_seed(&w->rng, seed);
    trace_init(&w->trace, 0);
    sim_events_init(&w->in_flight);
    w->next_mac = 1;
    return w;
}

void sim_world_free(struct sim_world *w)
{
    struct sim_link *l, *next;

    if (!w)
        return;
    sim_events_destroy(&w->in_flight);
    for (l = w->links; l; l = next) {
        next = l->next;
        netdev_close(&l->dev[0]);
        netdev_close(&l->dev[1]);
        free(l->dir[0].waiting.start);
        free(l->dir[1].waiting.start);
        free(l);
    }
    free(w->nodes);
    trace_destroy(&w->trace);
    free(w);
}

uint64_t sim_world_seed(const struct sim_world *w) { return w->seed; }
usec_t sim_world_now(const struct sim_world *w) { return w->now; }
struct rng *sim_world_rng(struct sim_world *w) { return &w->rng; }
struct trace *sim_world_trace(struct sim_world *w) { return &w->trace; }
size_t sim_world_in_flight(const struct sim_world *w) { return w->in_flight.count; }

int sim_world_add_node(struct sim_world *w, const struct sim_node_ops *ops, void *ctx)
{
    if (!ops || !ops->run_timers || !ops->next_deadline)
        return -EINVAL;
    if (w->node_count == w->node_capacity) {
        size_t capacity = w->node_capacity ? w->node_capacity * 2 : 4;
        struct sim_node *nodes = realloc(w->nodes, capacity * sizeof *nodes);
        if (!nodes)
            return -ENOMEM;
        w->nodes = nodes;
        w->node_capacity = capacity;
    }
    w->nodes[w->node_count].ops = ops;
    w->nodes[w->node_count].ctx = ctx;
    w->node_count++;
    return 0;
}

/* ---- one packet onto the wire ------------------------------------------ */

static enum trace_link trace_link_of(const struct netdev *dev)
{
    return dev->link == NETDEV_LINK_ETHERNET ? TRACE_LINK_ETHERNET : TRACE_LINK_IP;
}

/* The wire dropped p: count it in the trace, free it. */
static void drop_on_wire(struct sim_link *l, int direction, struct pkb *p, usec_t now)
{
    const struct netdev *from = &l->dev[direction];

    trace_packet(&l->world->trace, now, from->trace_node ? from->trace_node : from->name,
                 TRACE_PKT_LOST, from->name, trace_link_of(from), p->data, p->len);
    pkb_free(p);
}

/* How long `len` bytes occupy a wire of `rate_bps`, rounded up to a whole
 * microsecond so a busy wire never looks idle. */
static usec_t serialization_time(size_t len, uint64_t rate_bps)
{
    if (rate_bps == 0)
        return 0;
    return ((uint64_t)len * 8 * USEC_PER_SEC + rate_bps - 1) / rate_bps;
}

static void flip_random_bit(struct rng *rng, struct pkb *p)
{
    uint32_t bit = rng_below(rng, (uint32_t)(p->len * 8));

    p->data[bit / 8] ^= (uint8_t)(1u << (bit % 8));
}

/* The driver's transmit: the netdev's priv is the link; which end sent it
 * tells the direction. Takes ownership of p on every path. */
static int sim_transmit(struct netdev *dev, struct pkb *p, usec_t now)
{
    struct sim_link *l = dev->priv;
    int direction = dev == &l->dev[0] ? 0 : 1;
    struct sim_dir *d = &l->dir[direction];
    struct rng *rng = &l->world->rng;
    size_t ip_len = p->len;
    usec_t start, arrival;

    d->stats.sent++;
    if (dev->link == NETDEV_LINK_ETHERNET)
        ip_len = p->len > SIM_ETH_HEADER_LEN ? p->len - SIM_ETH_HEADER_LEN : 0;
    if (d->imp.mtu != 0 && ip_len > d->imp.mtu) {
        d->stats.too_big++;
        goto drop;
    }

    start = now > d->busy_until ? now : d->busy_until;
    if (d->imp.rate_bps != 0) {
        txq_expire(&d->waiting, now);
        if (start > now) {   /* the wire is busy: the packet must wait */
            if (d->imp.queue_limit != 0 && d->waiting.count >= d->imp.queue_limit) {
                d->stats.queue_drops++;
                goto drop;
            }
            if (txq_push(&d->waiting, start) < 0) {
                d->stats.queue_drops++;
                goto drop;
            }
        }
    }
    d->busy_until = start + serialization_time(p->len, d->imp.rate_bps);

    if (rng_chance(rng, d->imp.loss)) {
        d->stats.lost++;
        goto drop;
    }
    if (p->len > 0 && rng_chance(rng, d->imp.corrupt)) {
        flip_random_bit(rng, p);
        d->stats.corrupted++;
    }

    arrival = d->busy_until + d->imp.delay;
    if (d->imp.jitter > 0)
        arrival += rng_below(rng, (uint32_t)(d->imp.jitter > UINT32_MAX ? UINT32_MAX
                                                                         : d->imp.jitter));
    if (arrival < d->last_arrival)   /* jitter alone must not reorder */
        arrival = d->last_arrival;
    d->last_arrival = arrival;
    if (rng_chance(rng, d->imp.reorder)) {
        arrival += d->imp.reorder_delay;   /* last_arrival stays: others may pass */
        d->stats.reordered++;
    }

    if (sim_events_push(&l->world->in_flight, (struct sim_event){arrival, 0, l, direction, p}) < 0) {
        pkb_free(p);
        return -ENOMEM;
    }
    /* The copy is queued after the original: same instant, right behind it. */
    if (rng_chance(rng, d->imp.duplicate)) {
        struct pkb *copy = pkb_copy(p);
        if (copy && sim_events_push(&l->world->in_flight, (struct sim_event){arrival, 0, l, direction, copy}) == 0)
            d->stats.duplicated++;
        else
            pkb_free(copy);
    }
    return 0;

drop:
    /* The wire, not the device, lost it: the sender sees success, as with a
     * real cable. */
    drop_on_wire(l, direction, p, now);
    return 0;
}

static const struct netdev_ops sim_ops = {
    .transmit = sim_transmit,
    .receive = NULL,   /* the world pushes packets in at their arrival time */
    .close = NULL,
};

struct sim_link *sim_link_new(struct sim_world *w, enum netdev_link link, uint32_t mtu,
                              const char *name_a, const char *name_b)
{
    struct sim_link *l = calloc(1, sizeof *l);
    const char *names[2] = {name_a, name_b};

    if (!l)
        return NULL;
    l->world = w;
    for (int i = 0; i < 2; i++) {
        struct netdev *dev = &l->dev[i];
        netdev_init(dev, names[i], link, mtu, &sim_ops, l);
        netdev_set_trace(dev, &w->trace, dev->name);
        if (link == NETDEV_LINK_ETHERNET) {
            static const uint8_t prefix[5] = {0x02, 0x00, 0x00, 0x00, 0x00};
            memcpy(dev->mac, prefix, sizeof prefix);
            dev->mac[5] = w->next_mac++;
        }
    }
    l->next = w->links;
    w->links = l;
    return l;
}

struct netdev *sim_link_dev_a(struct sim_link *l) { return &l->dev[0]; }
struct netdev *sim_link_dev_b(struct sim_link *l) { return &l->dev[1]; }

void sim_link_set_impairments(struct sim_link *l, int direction, const struct sim_impairments *imp)
{
    if (direction == 0 || direction == 1)
        l->dir[direction].imp = *imp;
}

void sim_link_set_both(struct sim_link *l, const struct sim_impairments *imp)
{
    l->dir[0].imp = *imp;
    l->dir[1].imp = *imp;
}

struct sim_link_stats sim_link_stats(const struct sim_link *l, int direction)
{
    struct sim_link_stats none = {0};

    return direction == 0 || direction == 1 ? l->dir[direction].stats : none;
}

/* ---- stepping ----------------------------------------------------------- */

/* The node whose timer is due first (the first registered wins a tie), or
 * -1 if no node has a timer. */
static long earliest_node(const struct sim_world *w, usec_t *deadline)
{
    long best = -1;

    *deadline = USEC_NEVER;
    for (size_t i = 0; i < w->node_count; i++) {
        usec_t d = w->nodes[i].ops->next_deadline(w->nodes[i].ctx);
        if (d < *deadline) {
            *deadline = d;
            best = (long)i;
        }
    }
    return best;
}

/* When the next event happens: a delivery or a timer. USEC_NEVER if none. */
static usec_t next_event_time(const struct sim_world *w)
{
    usec_t timer_at;
    usec_t at;

    earliest_node(w, &timer_at);
    at = w->in_flight.count > 0 ? sim_events_peek(&w->in_flight)->time : USEC_NEVER;
    at = timer_at < at ? timer_at : at;
    /* A timer already overdue (armed for the past) runs now: the clock
     * never goes backwards. */
    return at != USEC_NEVER && at < w->now ? w->now : at;
}

static void deliver(struct sim_world *w)
{
    struct sim_event ev = sim_events_pop(&w->in_flight);
    struct sim_link *l = ev.link;

    if (ev.time > w->now)
        w->now = ev.time;
    l->dir[ev.direction].stats.delivered++;
    netdev_receive(&l->dev[1 - ev.direction], ev.p, w->now);
}

/* A delivery and a timer due at the same instant: the delivery goes first,
 * so a packet that arrives "just in time" is seen before the timeout. */
bool sim_world_step(struct sim_world *w)
{
    usec_t timer_at;
    long node = earliest_node(w, &timer_at);

    if (w->in_flight.count > 0 &&
        (node < 0 || sim_events_peek(&w->in_flight)->time <= timer_at)) {
        deliver(w);
        return true;
    }
    if (node < 0)
        return false;
    if (timer_at > w->now)
        w->now = timer_at;
    w->nodes[node].ops->run_timers(w->nodes[node].ctx, w->now);
    return true;
}

size_t sim_world_run_until(struct sim_world *w, usec_t deadline)
{
    size_t events = 0;

    while (next_event_time(w) <= deadline) {
        if (events >= SIM_RUN_MAX_EVENTS) {
            log_error("simlink", "run_until: %zu events without reaching %llu us; "
                      "a timer that never stops firing?", events,
                      (unsigned long long)deadline);
            return events;
        }
        if (!sim_world_step(w))
            break;
        events++;
    }
    if (deadline > w->now && deadline != USEC_NEVER)
        w->now = deadline;
    return events;
}

/* "now + horizon" is measured from the call, so a periodic timer (ARP aging,
 * keepalive) cannot keep the world running forever. */
size_t sim_world_run_idle(struct sim_world *w, usec_t horizon, size_t max_events)
{
    usec_t limit = horizon > USEC_NEVER - w->now ? USEC_NEVER : w->now + horizon;
    size_t events = 0;

    while (events < max_events) {
        if (w->in_flight.count == 0 && next_event_time(w) >= limit)
            break;
        if (!sim_world_step(w))
            break;
        events++;
    }
    return events;
}
