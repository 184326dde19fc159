/*
 * pair.c — two stacks on a simulated link (see pair.h).
 */
#include "tests/shim/pair.h"

#include <stdlib.h>

#include "stack/dump/dump.h"

/* The world steps each stack's timers through these two. */
static void pair_run_timers(void *ctx, usec_t now)
{
    stack_run_timers(ctx, now);
}

static usec_t pair_next_deadline(void *ctx)
{
    return stack_next_deadline(ctx);
}

static const struct sim_node_ops stack_node_ops = {
    .run_timers = pair_run_timers,
    .next_deadline = pair_next_deadline,
};

static struct stack *add_stack(struct shim_pair *pair, const char *name, uint64_t seed,
                               struct netdev *dev, uint32_t addr)
{
    struct stack_config cfg = {
        .name = name,
        .seed = seed,
        .trace = sim_world_trace(pair->world),
    };
    struct stack *st = stack_new(&cfg);
    if (st == NULL)
        return NULL;
    netdev_set_trace(dev, cfg.trace, name);
    if (stack_add_iface(st, dev, addr, 24, sim_world_now(pair->world)) < 0 ||
        sim_world_add_node(pair->world, &stack_node_ops, st) < 0) {
        stack_free(st);
        return NULL;
    }
    return st;
}

struct shim_pair *shim_pair_new(uint64_t seed, enum netdev_link link)
{
    struct shim_pair *pair = calloc(1, sizeof(*pair));
    if (pair == NULL)
        return NULL;
    pair->seed = seed;
    pair->world = sim_world_new(seed);
    if (pair->world == NULL)
        goto fail;
    pair->link = sim_link_new(pair->world, link, 1500, "client-eth", "server-eth");
    if (pair->link == NULL)
        goto fail;
    /* 1 ms each way, so a trace shows time passing on the wire (the
     * arrows of a ladder diagram slant) and an RTT is 2 ms. */
    struct sim_impairments wire = {.delay = usec_from_msec(1)};
    sim_link_set_both(pair->link, &wire);
    /* Distinct seeds per stack, derived from the one printed seed. */
    pair->client = add_stack(pair, "client", seed * 2 + 1, sim_link_dev_a(pair->link),
                             SHIM_CLIENT_ADDR);
    pair->server = add_stack(pair, "server", seed * 2 + 2, sim_link_dev_b(pair->link),
                             SHIM_SERVER_ADDR);
    if (pair->client == NULL || pair->server == NULL)
        goto fail;
    return pair;

fail:
    shim_pair_free(pair);
    return NULL;
}

void shim_pair_free(struct shim_pair *pair)
{
    if (pair == NULL)
        return;
    stack_free(pair->client);
    stack_free(pair->server);
    sim_world_free(pair->world);
    free(pair);
}

usec_t shim_now(const struct shim_pair *pair)
{
    return sim_world_now(pair->world);
}

void shim_run_for(struct shim_pair *pair, usec_t delta)
{
    sim_world_run_until(pair->world, sim_world_now(pair->world) + delta);
}

void shim_run_idle(struct shim_pair *pair, usec_t horizon)
{
    sim_world_run_idle(pair->world, horizon, 10 * 1000 * 1000);
}

void shim_pair_dump(const struct shim_pair *pair, FILE *out)
{
    fprintf(out, "seed %llu\n", (unsigned long long)pair->seed);
    dump_trace(sim_world_trace(pair->world), out);
}
