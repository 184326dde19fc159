#define _GNU_SOURCE
/*
 * inmem_bench — the stack's own cost, without a system call: two stacks on
 * the simulated link (stack/phy/simlink.h), no delay, no loss, no rate
 * limit, driven by the virtual clock as fast as the CPU allows.
 *
 *   inmem_bench [--bytes SIZE] [--mtu M] [--seed N]        bulk transfer
 *   inmem_bench --idle-conns N [--seed N]                   memory per connection
 *
 * Bulk: the client's stack sends SIZE bytes (default 1G) to the server's
 * through the socket API, event-driven as the services are; the server reads
 * them and closes. Prints
 *
 *   inmem bulk bytes=... cpu_s=... gbps=... data_segs=... acks=... ns_per_seg=... ns_per_pkt=...
 *
 * gbps is payload bits per second of CPU time (getrusage, user + system);
 * ns_per_seg is CPU nanoseconds per data segment, with the receiver's ACKs
 * and both stacks' work included; ns_per_pkt divides by every packet on
 * the link instead.
 *
 * Idle connections: the client opens N connections to the server's hold
 * service (tools/bench/hold_service.h) with TCP's user calls, and the heap
 * growth (mallinfo2) is split per connection: one connection costs an
 * endpoint in each stack, so per_endpoint = growth / 2N.
 */
#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stack/phy/simlink.h"
#include "stack/socket/sock_watch.h"
#include "stack/socket/socket.h"
#include "stack/stack.h"
#include "stack/transport/tcp.h"
#include "tools/bench/bench_util.h"
#include "tools/bench/hold_service.h"

#define CLIENT_ADDR 0x0a000001u
#define SERVER_ADDR 0x0a000002u
#define BENCH_PORT 5001
#define CHUNK (64 * 1024)
#define WALL_LIMIT_NS (120ull * 1000000000ull)   /* give up: something is stuck */

static uint8_t send_chunk[CHUNK], recv_chunk[CHUNK];

/* ---- two stacks on one link ---------------------------------------- */

static void node_run_timers(void *ctx, usec_t now) { stack_run_timers(ctx, now); }
static usec_t node_next_deadline(void *ctx) { return stack_next_deadline(ctx); }
static const struct sim_node_ops node_ops = {node_run_timers, node_next_deadline};

struct pair {
    struct sim_world *world;
    struct sim_link *link;
    struct stack *client, *server;
};

static struct stack *add_stack(struct pair *p, const char *name, uint64_t seed,
                               struct netdev *dev, uint32_t addr)
{
    struct stack_config cfg = {.name = name, .seed = seed};   /* no trace: not timed */
    struct stack *st = stack_new(&cfg);

    if (!st || stack_add_iface(st, dev, addr, 24, 0) < 0 ||
        sim_world_add_node(p->world, &node_ops, st) < 0) {
        fprintf(stderr, "inmem_bench: cannot build stack %s\n", name);
        exit(1);
    }
    return st;
}

static void pair_init(struct pair *p, uint64_t seed, uint32_t mtu)
{
    p->world = sim_world_new(seed);
    p->link = p->world ? sim_link_new(p->world, NETDEV_LINK_IP, mtu, "a", "b") : NULL;
    if (!p->link) {
        fprintf(stderr, "inmem_bench: cannot build the link\n");
        exit(1);
    }
    struct sim_impairments none = {0};   /* no delay, loss, rate or MTU limit of its own */
    none.mtu = mtu;
    sim_link_set_both(p->link, &none);
    /* The link records every packet in the world's trace for the tests;
     * a benchmark of 700,000 packets wants no trace at all, like a TUN device. */
    netdev_set_trace(sim_link_dev_a(p->link), NULL, NULL);
    netdev_set_trace(sim_link_dev_b(p->link), NULL, NULL);
    p->client = add_stack(p, "client", seed * 2 + 1, sim_link_dev_a(p->link), CLIENT_ADDR);
    p->server = add_stack(p, "server", seed * 2 + 2, sim_link_dev_b(p->link), SERVER_ADDR);
}

static void pair_free(struct pair *p)
{
    stack_free(p->client);
    stack_free(p->server);
    sim_world_free(p->world);
}

/* ---- bulk ------------------------------------------------------------ */

struct bulk {
    struct stack *client, *server;
    int sfd, listen_fd, rfd;
    struct sock_watch send_watch, listen_watch, recv_watch;
    uint64_t to_send, sent, received;
    bool shut, eof;
};

static void bulk_send(void *ctx, int fd, usec_t now)
{
    struct bulk *b = ctx;

    while (!b->shut) {
        size_t want = b->to_send - b->sent < CHUNK ? (size_t)(b->to_send - b->sent) : CHUNK;
        if (want == 0) {
            socket_shutdown(b->client, fd, SOCK_SHUT_WR, now);
            b->shut = true;
            break;
        }
        ssize_t n = socket_send(b->client, fd, send_chunk, want, now);
        if (n < 0)
            return;   /* -EAGAIN (called back when there is room), or an error */
        b->sent += (uint64_t)n;
    }
}

static void bulk_recv(void *ctx, int fd, usec_t now)
{
    struct bulk *b = ctx;

    for (;;) {
        ssize_t n = socket_recv(b->server, fd, recv_chunk, sizeof recv_chunk, now);
        if (n == 0) {
            b->eof = true;
            sock_watch_stop(&b->recv_watch);
            socket_close(b->server, fd, now);
            return;
        }
        if (n < 0)
            return;
        b->received += (uint64_t)n;
    }
}

static void bulk_accept(void *ctx, int fd, usec_t now)
{
    struct bulk *b = ctx;
    int cfd = socket_accept(b->server, fd, NULL, now);

    if (cfd < 0)
        return;
    b->rfd = cfd;
    sock_watch_start(&b->recv_watch, b->server, cfd, bulk_recv, b);
    sock_watch_kick(&b->recv_watch, now);
}

static int run_bulk(uint64_t bytes, uint32_t mtu, uint64_t seed)
{
    struct pair p;
    struct bulk b = {.to_send = bytes, .rfd = -1};
    struct sock_addr server = {SERVER_ADDR, BENCH_PORT}, any = {0, BENCH_PORT};

    pair_init(&p, seed, mtu);
    b.client = p.client;
    b.server = p.server;
    b.listen_fd = socket_open(p.server, SOCK_TYPE_STREAM);
    if (socket_bind(p.server, b.listen_fd, &any) < 0 || socket_listen(p.server, b.listen_fd, 4, 0) < 0)
        return 1;
    sock_watch_start(&b.listen_watch, p.server, b.listen_fd, bulk_accept, &b);
    b.sfd = socket_open(p.client, SOCK_TYPE_STREAM);
    sock_watch_start(&b.send_watch, p.client, b.sfd, bulk_send, &b);
    socket_connect(p.client, b.sfd, &server, 0);

    uint64_t cpu0 = bench_cpu_ns(NULL, NULL), wall0 = bench_now_ns();
    while (!b.eof && bench_now_ns() - wall0 < WALL_LIMIT_NS) {
        if (sim_world_run_until(p.world, sim_world_now(p.world) + usec_from_msec(10)) == 0 &&
            sim_world_in_flight(p.world) == 0 && stack_next_deadline(p.client) == USEC_NEVER &&
            stack_next_deadline(p.server) == USEC_NEVER)
            break;   /* nothing will ever happen again */
    }
    uint64_t cpu = bench_cpu_ns(NULL, NULL) - cpu0, wall = bench_now_ns() - wall0;

    const struct tcp_stats *cs = tcp_get_stats(p.client->tcp), *ss = tcp_get_stats(p.server->tcp);
    struct sim_link_stats l0 = sim_link_stats(p.link, 0), l1 = sim_link_stats(p.link, 1);
    uint64_t data_segs = cs->segs_out, acks = ss->segs_out, pkts = l0.delivered + l1.delivered;
    printf("inmem bulk bytes=%llu cpu_s=%.3f wall_s=%.3f gbps=%.3f data_segs=%llu acks=%llu "
           "retrans=%llu fast_retrans=%llu dup_acks=%llu ns_per_seg=%.0f ns_per_pkt=%.0f "
           "virtual_s=%.3f complete=%d\n",
           (unsigned long long)b.received, (double)cpu / 1e9, (double)wall / 1e9,
           bench_gbps(b.received, cpu), (unsigned long long)data_segs, (unsigned long long)acks,
           (unsigned long long)cs->retrans_segs, (unsigned long long)cs->fast_retransmits,
           (unsigned long long)cs->dup_acks, data_segs ? (double)cpu / (double)data_segs : 0.0,
           pkts ? (double)cpu / (double)pkts : 0.0, (double)sim_world_now(p.world) / 1e6,
           b.eof && b.received == bytes);
    socket_close(p.client, b.sfd, sim_world_now(p.world));
    pair_free(&p);
    return b.eof && b.received == bytes ? 0 : 1;
}

/* ---- idle connections --------------------------------------------------- */

static size_t heap_in_use(void)
{
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd;
}

static int run_idle(unsigned conns, uint64_t seed)
{
    struct pair p;
    struct hold_service *hold;

    pair_init(&p, seed, 1500);
    if (hold_service_start(p.server, BENCH_PORT, 0, &hold) < 0)
        return 1;
    struct tcb **tcbs = calloc(conns, sizeof *tcbs);
    if (!tcbs)
        return 1;
    sim_world_run_until(p.world, usec_from_msec(1));
    size_t heap0 = heap_in_use();
    uint64_t rss0 = bench_rss_bytes(0);
    unsigned opened = 0;
    for (unsigned i = 0; i < conns; i++) {
        tcbs[i] = tcp_open(p.client->tcp);
        if (!tcbs[i] || tcp_connect(tcbs[i], SERVER_ADDR, BENCH_PORT, sim_world_now(p.world)) < 0)
            break;
        opened++;
        if (opened % 64 == 0)   /* the listener's queues hold 128 handshakes */
            sim_world_run_until(p.world, sim_world_now(p.world) + usec_from_msec(1));
    }
    sim_world_run_until(p.world, sim_world_now(p.world) + usec_from_sec(1));
    unsigned established = 0;
    for (unsigned i = 0; i < opened; i++)
        established += tcp_get_state(tcbs[i]) == TCP_ESTABLISHED;
    size_t grown = heap_in_use() - heap0;
    uint64_t rss = bench_rss_bytes(0);
    printf("inmem idle conns=%u established=%u held=%zu heap_bytes=%zu per_endpoint=%.0f "
           "rss=%llu rss_growth=%llu\n",
           conns, established, hold_service_count(hold), grown,
           established ? (double)grown / (2.0 * established) : 0.0, (unsigned long long)rss,
           (unsigned long long)(rss > rss0 ? rss - rss0 : 0));
    hold_service_stop(hold, sim_world_now(p.world));
    free(tcbs);   /* the tcbs themselves go with the stacks */
    pair_free(&p);
    return established == conns ? 0 : 1;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"bytes", required_argument, 0, 'b'}, {"mtu", required_argument, 0, 'm'},
        {"seed", required_argument, 0, 's'},  {"idle-conns", required_argument, 0, 'i'},
        {0, 0, 0, 0},
    };
    uint64_t bytes = 1ull << 30, seed = 1, idle = 0, mtu = 1500;
    int opt;

    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        int bad = 0;
        switch (opt) {
        case 'b': bad = bench_parse_size(optarg, &bytes); break;
        case 'm': bad = bench_parse_size(optarg, &mtu); break;
        case 's': bad = bench_parse_size(optarg, &seed); break;
        case 'i': bad = bench_parse_size(optarg, &idle); break;
        default: bad = -1; break;
        }
        if (bad < 0 || mtu < 576 || mtu > 65535) {
            fprintf(stderr, "usage: inmem_bench [--bytes SIZE] [--mtu M] [--seed N] | "
                            "--idle-conns N [--seed N]\n");
            return 2;
        }
    }
    if (idle > 0)
        return run_idle((unsigned)idle, seed);
    return run_bulk(bytes, (uint32_t)mtu, seed);
}
