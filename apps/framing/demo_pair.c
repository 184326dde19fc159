/*
 * demo_pair.c — two stacks on a simulated link (see demo_pair.h).
 */
#include "apps/framing/demo_pair.h"

#include <stdlib.h>

static void node_run_timers(void *ctx, usec_t now)
{
    stack_run_timers(ctx, now);
}

static usec_t node_next_deadline(void *ctx)
{
    return stack_next_deadline(ctx);
}

static const struct sim_node_ops node_ops = {
    .run_timers = node_run_timers,
    .next_deadline = node_next_deadline,
};

static struct stack *add_stack(struct demo_pair *p, const char *name, uint64_t seed,
                               struct netdev *dev, uint32_t addr)
{
    struct stack_config cfg = {.name = name, .seed = seed, .trace = sim_world_trace(p->world)};
    struct stack *st = stack_new(&cfg);

    if (st == NULL)
        return NULL;
    netdev_set_trace(dev, cfg.trace, name);
    if (stack_add_iface(st, dev, addr, 24, sim_world_now(p->world)) < 0 ||
        sim_world_add_node(p->world, &node_ops, st) < 0) {
        stack_free(st);
        return NULL;
    }
    return st;
}

struct demo_pair *demo_pair_new(uint64_t seed, enum netdev_link link)
{
    struct demo_pair *p = calloc(1, sizeof(*p));
    struct sim_impairments wire = {.delay = usec_from_msec(1)};

    if (p == NULL)
        return NULL;
    p->world = sim_world_new(seed);
    if (p->world == NULL)
        goto fail;
    p->link = sim_link_new(p->world, link, 1500, "client-eth", "server-eth");
    if (p->link == NULL)
        goto fail;
    sim_link_set_both(p->link, &wire);
    p->client = add_stack(p, "client", seed * 2 + 1, sim_link_dev_a(p->link), DEMO_CLIENT_ADDR);
    p->server = add_stack(p, "server", seed * 2 + 2, sim_link_dev_b(p->link), DEMO_SERVER_ADDR);
    if (p->client == NULL || p->server == NULL)
        goto fail;
    return p;

fail:
    demo_pair_free(p);
    return NULL;
}

void demo_pair_free(struct demo_pair *p)
{
    if (p == NULL)
        return;
    stack_free(p->client);
    stack_free(p->server);
    sim_world_free(p->world);
    free(p);
}

usec_t demo_now(const struct demo_pair *p)
{
    return sim_world_now(p->world);
}

void demo_run_for(struct demo_pair *p, usec_t delta)
{
    sim_world_run_until(p->world, sim_world_now(p->world) + delta);
}

struct trace *demo_trace(struct demo_pair *p)
{
    return sim_world_trace(p->world);
}
