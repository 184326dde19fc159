/*
 * rudp_demo.c — the reliable-UDP sender and receiver on two stacks joined
 * by a simulated link, in virtual time: break the link and watch the
 * protocol recover.
 *
 *   bazel run //apps/rudp:rudp_demo -- --loss 0.2 --dup 0.1 --reorder 0.1
 *   bazel run //apps/rudp:rudp_demo -- --window 8 --size 1048576
 *   bazel run //apps/rudp:rudp_demo -- --loss 1 --max-retries 4     (give-up)
 *
 * Prints every reliable-UDP event of the trace (send, retransmit, timeout
 * with the doubled RTO, RTT samples, duplicates discarded, out-of-order
 * packets buffered) — with --trace also every packet — then a summary.
 * The same seed gives the same run.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apps/rudp/rudp.h"
#include "stack/core/rng.h"
#include "stack/dump/dump.h"
#include "stack/phy/simlink.h"
#include "stack/socket/socket.h"
#include "stack/stack.h"

#define SENDER_ADDR 0x0A000001u     /* 10.0.0.1 */
#define RECEIVER_ADDR 0x0A000002u   /* 10.0.0.2 */
#define PORT 9000

struct options {
    struct rudp_config cfg;
    struct sim_impairments imp;
    size_t size;
    uint64_t seed;
    bool trace;
};

struct outcome {
    bool done;
    int error;
    usec_t at;
    size_t received;
    uint64_t hash_in;
    bool finished;
};

static uint64_t fnv1a(uint64_t h, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 1099511628211ull;
    return h;
}

static void on_deliver(void *ctx, uint32_t seq, const uint8_t *data, size_t len, usec_t now)
{
    struct outcome *o = ctx;
    (void)seq;
    (void)now;
    o->received += len;
    o->hash_in = fnv1a(o->hash_in, data, len);
}

static void on_finished(void *ctx, usec_t now)
{
    (void)now;
    ((struct outcome *)ctx)->finished = true;
}

static void on_done(void *ctx, int error, usec_t now)
{
    struct outcome *o = ctx;
    o->done = true;
    o->error = error;
    o->at = now;
}

/* Print the reliable-UDP events (and with --trace every event) live. */
static void print_event(void *ctx, const struct trace_event *ev)
{
    const struct options *opt = ctx;
    char line[512];

    if (!opt->trace && strncmp(ev->subject, "rudp", 4) != 0)
        return;
    dump_event(ev, line, sizeof line);
    printf("%s\n", line);
}

static void node_run_timers(void *ctx, usec_t now) { stack_run_timers(ctx, now); }
static usec_t node_next_deadline(void *ctx) { return stack_next_deadline(ctx); }
static const struct sim_node_ops node_ops = {node_run_timers, node_next_deadline};

static struct stack *add_stack(struct sim_world *w, const char *name, uint64_t seed,
                               struct netdev *dev, uint32_t addr)
{
    struct stack_config cfg = {.name = name, .seed = seed, .trace = sim_world_trace(w)};
    struct stack *st = stack_new(&cfg);

    if (st == NULL)
        return NULL;
    netdev_set_trace(dev, cfg.trace, name);
    if (stack_add_iface(st, dev, addr, 24, sim_world_now(w)) < 0 ||
        sim_world_add_node(w, &node_ops, st) < 0) {
        stack_free(st);
        return NULL;
    }
    return st;
}

static void usage(const char *prog)
{
    fprintf(stderr,
            "usage: %s [--window N] [--size BYTES] [--mss BYTES] [--loss P] [--dup P]\n"
            "          [--reorder P] [--delay-ms MS] [--max-retries N] [--seed N] [--trace]\n",
            prog);
    exit(2);
}

static void parse_args(int argc, char **argv, struct options *o)
{
    memset(o, 0, sizeof *o);
    o->size = 20000;
    o->seed = 1;
    o->imp.delay = 10 * USEC_PER_MSEC;
    o->imp.reorder_delay = 25 * USEC_PER_MSEC;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--trace") == 0) {
            o->trace = true;
            continue;
        }
        if (v == NULL)
            usage(argv[0]);
        i++;
        if (strcmp(a, "--window") == 0)
            o->cfg.window = (uint32_t)strtoul(v, NULL, 10);
        else if (strcmp(a, "--size") == 0)
            o->size = strtoul(v, NULL, 10);
        else if (strcmp(a, "--mss") == 0)
            o->cfg.mss = strtoul(v, NULL, 10);
        else if (strcmp(a, "--loss") == 0)
            o->imp.loss = strtod(v, NULL);
        else if (strcmp(a, "--dup") == 0)
            o->imp.duplicate = strtod(v, NULL);
        else if (strcmp(a, "--reorder") == 0)
            o->imp.reorder = strtod(v, NULL);
        else if (strcmp(a, "--delay-ms") == 0)
            o->imp.delay = strtoull(v, NULL, 10) * USEC_PER_MSEC;
        else if (strcmp(a, "--max-retries") == 0)
            o->cfg.max_retries = atoi(v);
        else if (strcmp(a, "--seed") == 0)
            o->seed = strtoull(v, NULL, 10);
        else
            usage(argv[0]);
    }
}

int main(int argc, char **argv)
{
    struct options opt;
    struct outcome out = {.hash_in = 1469598103934665603ull};
    struct sim_world *w;
    struct sim_link *link;
    struct stack *tx, *rx;
    struct rudp_sender *sender = NULL;
    struct rudp_receiver *receiver = NULL;
    uint8_t *data;
    uint64_t hash_out;
    struct rng r;
    int rc = 1;

    parse_args(argc, argv, &opt);
    data = malloc(opt.size > 0 ? opt.size : 1);
    rng_seed(&r, opt.seed);
    for (size_t i = 0; i < opt.size; i++)
        data[i] = (uint8_t)rng_u32(&r);
    hash_out = fnv1a(1469598103934665603ull, data, opt.size);

    w = sim_world_new(opt.seed);
    link = sim_link_new(w, NETDEV_LINK_IP, 1500, "sender-eth", "receiver-eth");
    sim_link_set_both(link, &opt.imp);
    trace_set_listener(sim_world_trace(w), print_event, &opt);
    tx = add_stack(w, "sender", opt.seed * 2 + 1, sim_link_dev_a(link), SENDER_ADDR);
    rx = add_stack(w, "receiver", opt.seed * 2 + 2, sim_link_dev_b(link), RECEIVER_ADDR);
    if (tx == NULL || rx == NULL) {
        fprintf(stderr, "cannot build the stacks\n");
        goto out;
    }
    if (rudp_receiver_service_start(rx, PORT, &opt.cfg, on_deliver, on_finished, &out,
                                    &receiver) < 0 ||
        rudp_sender_service_start(tx, RECEIVER_ADDR, PORT, data, opt.size, &opt.cfg, on_done,
                                  &out, sim_world_now(w), &sender) < 0) {
        fprintf(stderr, "cannot start the transfer (bad options?)\n");
        goto out;
    }
    /* At most a day of virtual time. */
    while (!out.done && sim_world_now(w) < 86400 * USEC_PER_SEC)
        sim_world_run_until(w, sim_world_now(w) + USEC_PER_SEC);
    sim_world_run_until(w, sim_world_now(w) + USEC_PER_SEC);

    {
        const struct rudp_sender_stats *s = rudp_sender_get_stats(sender);
        const struct rudp_receiver_stats *q = rudp_receiver_get_stats(receiver);
        printf("\n%s after %.3f s of virtual time (seed %llu)\n",
               out.error == 0 ? "transfer complete" : socket_strerror(out.error),
               (double)out.at / 1e6, (unsigned long long)opt.seed);
        printf("sender:   %llu packets, %llu sent, %llu retransmitted, %llu timeouts, "
               "%llu fast retransmits, %llu RTT samples, srtt %.1f ms, rto %.1f ms\n",
               (unsigned long long)s->packets, (unsigned long long)s->sent,
               (unsigned long long)s->retransmits, (unsigned long long)s->timeouts,
               (unsigned long long)s->fast_retransmits, (unsigned long long)s->rtt_samples,
               (double)rudp_sender_srtt(sender) / 1000, (double)rudp_sender_rto(sender) / 1000);
        printf("receiver: %llu delivered, %llu duplicates discarded, %llu out of order, "
               "%llu ACKs\n",
               (unsigned long long)q->delivered, (unsigned long long)q->duplicates,
               (unsigned long long)q->out_of_order, (unsigned long long)q->acks_sent);
        printf("bytes:    %zu of %zu, %s\n", out.received, opt.size,
               out.received == opt.size && out.hash_in == hash_out ? "identical" : "DIFFERENT");
    }
    rc = out.error == 0 && out.hash_in == hash_out ? 0 : 1;
out:
    rudp_sender_service_stop(sender, sim_world_now(w));
    rudp_receiver_service_stop(receiver, sim_world_now(w));
    stack_free(tx);
    stack_free(rx);
    sim_world_free(w);
    free(data);
    return rc;
}
