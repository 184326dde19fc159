#define _GNU_SOURCE
/*
 * bench_stackd — the tunlab stack on a TUN device, set up for measuring:
 * the built-in services (apps/daemon/services.h: TCP discard on port 9,
 * echo, DNS), the HTTP server on port 80, a "hold" service that keeps idle
 * connections (memory), and optionally a bulk sender to the kernel.
 *
 *   bench_stackd [--dev NAME] [--vnet] [--cpu C] [--seconds N]
 *                [--send-to A.B.C.D:PORT --send-seconds S [--sndbuf BYTES]] [--hold-port P]
 *
 * --sndbuf sets the bulk sender's send buffer (default: TCP's default).
 * --vnet opens the device in offload mode (stack/phy/tun_vnet.h): 64 KiB
 * TCP packets in both directions, split and checksummed by the kernel.
 *
 * The kernel's side of the device is 10.0.0.1/24, the stack is 10.0.0.2.
 * It composes the same pieces as apps/daemon (stack, services, the event
 * loop of stack/phy/loop.h) in one thread, without the daemon's control
 * socket and its mutex, so nothing but the stack and the device is timed.
 * Run it inside a network namespace (ip netns exec NS bench_stackd ...).
 *
 * Prints "bench_stackd ready" when the device is up, and on exit (SIGTERM,
 * --seconds, or the bulk sender finished) one summary line with its CPU time,
 * packet counts and resident memory.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apps/daemon/services.h"
#include "apps/http/http_server.h"
#include "stack/phy/loop.h"
#include "stack/phy/tun.h"
#include "stack/phy/tun_vnet.h"
#include "stack/transport/tcp.h"
#include "stack/stack.h"
#include "tools/bench/bench_util.h"
#include "tools/bench/bulk_sender.h"
#include "tools/bench/hold_service.h"

#define STACK_ADDR 0x0a000002u    /* 10.0.0.2 */
#define KERNEL_ADDR 0x0a000001u   /* 10.0.0.1 */

struct options {
    const char *dev;
    bool vnet;
    int cpu;
    int seconds;
    struct sock_addr send_to;
    int send_seconds;
    int sndbuf;
    int hold_port;
};

struct bench_stack {
    struct options opt;
    struct netdev dev;
    struct stack *st;
    struct loop *loop;
    struct services *services;
    struct http_server *http;
    struct hold_service *hold;
    struct bulk_sender *sender;
};

static struct loop *running_loop;

static void on_signal(int sig)
{
    (void)sig;
    if (running_loop)
        loop_stop(running_loop);
}

static void run_timers(void *ctx, usec_t now)
{
    struct bench_stack *b = ctx;

    stack_run_timers(b->st, now);
    if (b->sender && bulk_sender_done(b->sender))
        loop_stop(b->loop);   /* the sink has everything: nothing more to time */
}

static usec_t next_deadline(void *ctx)
{
    return stack_next_deadline(((struct bench_stack *)ctx)->st);
}

static const struct loop_ops bench_loop_ops = {
    .run_timers = run_timers,
    .next_deadline = next_deadline,
};

static int parse_endpoint(const char *text, struct sock_addr *out)
{
    char buf[64];
    char *colon;

    snprintf(buf, sizeof buf, "%s", text);
    colon = strchr(buf, ':');
    if (!colon)
        return -1;
    *colon = '\0';
    out->port = (uint16_t)atoi(colon + 1);
    return bench_parse_ip(buf, &out->ip) < 0 || out->port == 0 ? -1 : 0;
}

static void parse_options(int argc, char **argv, struct options *o)
{
    static const struct option opts[] = {
        {"dev", required_argument, 0, 'd'},          {"cpu", required_argument, 0, 'c'},
        {"vnet", no_argument, 0, 'v'},
        {"seconds", required_argument, 0, 's'},      {"send-to", required_argument, 0, 't'},
        {"send-seconds", required_argument, 0, 'S'}, {"hold-port", required_argument, 0, 'h'},
        {"sndbuf", required_argument, 0, 'b'},
        {0, 0, 0, 0},
    };
    int opt;

    *o = (struct options){.dev = "tun0", .cpu = -1, .seconds = 120, .send_seconds = 5};
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case 'd': o->dev = optarg; break;
        case 'v': o->vnet = true; break;
        case 'c': o->cpu = atoi(optarg); break;
        case 's': o->seconds = atoi(optarg); break;
        case 't':
            if (parse_endpoint(optarg, &o->send_to) < 0) {
                fprintf(stderr, "bench_stackd: --send-to needs A.B.C.D:PORT\n");
                exit(2);
            }
            break;
        case 'S': o->send_seconds = atoi(optarg); break;
        case 'b': o->sndbuf = atoi(optarg); break;
        case 'h': o->hold_port = atoi(optarg); break;
        default:
            fprintf(stderr, "usage: bench_stackd [--dev NAME] [--vnet] [--cpu C] [--seconds N] "
                            "[--send-to A.B.C.D:PORT --send-seconds S [--sndbuf BYTES]] "
                            "[--hold-port P]\n");
            exit(2);
        }
    }
}

/* Device, stack, services. Returns 0 or a negative errno (printed). */
static int build(struct bench_stack *b)
{
    usec_t now = loop_clock_now();
    int rc = b->opt.vnet ? tun_vnet_open(&b->dev, b->opt.dev) : tun_open(&b->dev, b->opt.dev);

    if (rc < 0)
        return rc;
    /* The kernel's side keeps the wire's MTU in both modes. */
    rc = tuntap_configure_kernel(b->dev.name, KERNEL_ADDR, 24, TUNTAP_DEFAULT_MTU);
    if (rc == 0)   /* the same queue as the limit programs' devices */
        rc = bench_set_txqueuelen(b->dev.name, BENCH_TXQUEUELEN);
    if (rc < 0)
        return rc;
    struct stack_config sc = {.name = "stack", .seed = 1};
    b->st = stack_new(&sc);
    if (!b->st)
        return -ENOMEM;
    if (b->opt.vnet) {
        /* The device carries 64 KiB packets, but segments are cut for the
         * wire: announce the MSS of a 1500-byte MTU, not of 65535. */
        struct tcp_config tc = *tcp_get_config(b->st->tcp);
        tc.mss = TUNTAP_DEFAULT_MTU - 40;
        tcp_set_config(b->st->tcp, &tc);
    }
    rc = stack_add_iface(b->st, &b->dev, STACK_ADDR, 24, now);
    if (rc < 0)
        return rc;
    char err[256];
    b->services = services_start(b->st, now, err, sizeof err);
    if (!b->services) {
        fprintf(stderr, "bench_stackd: %s\n", err);
        return -EIO;
    }
    /* The daemon's services may already include HTTP; then port 80 is taken
     * and theirs answers. */
    rc = http_server_service_start(b->st, NULL, &b->http);
    if (rc < 0 && rc != -EADDRINUSE)
        return rc;
    if (b->opt.hold_port > 0) {
        rc = hold_service_start(b->st, (uint16_t)b->opt.hold_port, now, &b->hold);
        if (rc < 0)
            return rc;
    }
    b->loop = loop_new(&bench_loop_ops, b);
    if (!b->loop)
        return -ENOMEM;
    rc = loop_add_device(b->loop, &b->dev);
    if (rc == 0 && b->opt.vnet)
        rc = loop_set_flush(b->loop, &b->dev, tun_vnet_flush);
    return rc;
}

static void teardown(struct bench_stack *b)
{
    usec_t now = loop_clock_now();

    bulk_sender_free(b->sender, now);
    hold_service_stop(b->hold, now);
    http_server_service_stop(b->http, now);
    services_stop(b->services, now);
    loop_free(b->loop);
    stack_free(b->st);
    netdev_close(&b->dev);
}

int main(int argc, char **argv)
{
    static struct bench_stack b;
    int rc;

    parse_options(argc, argv, &b.opt);
    bench_pin_cpu(b.opt.cpu);
    rc = build(&b);
    if (rc < 0) {
        fprintf(stderr, "bench_stackd: setting up: %s\n", strerror(-rc));
        return 1;
    }
    running_loop = b.loop;
    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    printf("bench_stackd ready dev=%s pid=%d rss=%llu\n", b.dev.name, (int)getpid(),
           (unsigned long long)bench_rss_bytes(0));
    fflush(stdout);

    usec_t start = loop_clock_now();
    if (b.opt.send_to.port != 0) {
        rc = bulk_sender_start(b.st, &b.opt.send_to, usec_from_sec((uint64_t)b.opt.send_seconds),
                               b.opt.sndbuf, start, &b.sender);
        if (rc < 0) {
            fprintf(stderr, "bench_stackd: sender: %s\n", strerror(-rc));
            return 1;
        }
    }
    rc = loop_run_until(b.loop, start + usec_from_sec((uint64_t)b.opt.seconds));
    uint64_t user, sys;
    bench_cpu_ns(&user, &sys);
    struct loop_stats ls = loop_stats(b.loop);
    printf("bench_stackd done seconds=%.3f user_s=%.3f sys_s=%.3f rx_packets=%llu "
           "tx_packets=%llu tx_dropped=%llu iterations=%llu rss=%llu held=%zu sent=%llu "
           "sender_error=%d\n",
           (double)(loop_clock_now() - start) / 1e6, (double)user / 1e9, (double)sys / 1e9,
           (unsigned long long)b.dev.stats.rx_packets, (unsigned long long)b.dev.stats.tx_packets,
           (unsigned long long)b.dev.stats.tx_dropped, (unsigned long long)ls.iterations,
           (unsigned long long)bench_rss_bytes(0), hold_service_count(b.hold),
           (unsigned long long)(b.sender ? bulk_sender_bytes(b.sender) : 0),
           b.sender ? bulk_sender_error(b.sender) : 0);
    if (b.opt.vnet) {
        struct tun_vnet_stats vs = tun_vnet_stats(&b.dev);
        printf("bench_stackd vnet rx_large=%llu rx_csum_finished=%llu rx_bad_header=%llu "
               "tx_writes=%llu tx_joined_packets=%llu tx_joined_segments=%llu tx_errors=%llu\n",
               (unsigned long long)vs.rx_large, (unsigned long long)vs.rx_csum_finished,
               (unsigned long long)vs.rx_bad_header, (unsigned long long)vs.tx_writes,
               (unsigned long long)vs.tx_joined_packets, (unsigned long long)vs.tx_joined_segments,
               (unsigned long long)vs.tx_errors);
    }
    fflush(stdout);
    running_loop = NULL;
    teardown(&b);
    return rc < 0 ? 1 : 0;
}
