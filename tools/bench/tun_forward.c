#define _GNU_SOURCE
/*
 * tun_forward — the forwarder limit: the smallest program that passes IP
 * packets between two TUN devices, each in its own network namespace.
 *
 *   ns A: kernel TCP  ── tunA 10.77.0.1 ─┐            ┌─ tunB 10.77.0.2 ── kernel TCP : ns B
 *                                        └─ this ─────┘
 *
 * Kernel A sends to 10.77.0.2: the route of the /24 points out of tunA, so
 * the packet comes to us; we write it into tunB, and kernel B receives it as
 * addressed to itself. Replies go the other way. No routing, no parsing: a
 * packet read is a packet written. Whatever rate the kernels reach through
 * this program is the most a user-space program on TUN devices can hope
 * for on this machine, so the stack's figures are measured against it.
 *
 *   tun_forward --ns-a NS --ns-b NS [--vnet] [--seconds N] [--cpu C]
 *
 * One thread and poll(2), like the stack's own event loop. --vnet turns on
 * IFF_VNET_HDR with TSO: packets of up to 64 KiB pass through unsplit.
 * Prints "tun_forward ready" once both devices are up, and a summary line
 * when stopped (SIGTERM, SIGINT or after --seconds).
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tools/bench/bench_tun.h"
#include "tools/bench/bench_util.h"

#define FORWARD_BATCH 64   /* packets read from one device before looking at the other */

static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
    (void)sig;
    stopping = 1;
}

struct direction {
    int from, to;
    uint64_t packets, bytes, write_errors;
};

/* Move up to FORWARD_BATCH packets. Returns 0, or -1 on a read error other
 * than "nothing waiting". */
static int forward_batch(struct direction *d, uint8_t *buf)
{
    for (int i = 0; i < FORWARD_BATCH; i++) {
        ssize_t n = read(d->from, buf, BENCH_TUN_MAX_READ);

        if (n < 0)
            return errno == EAGAIN || errno == EINTR ? 0 : -1;
        /* A full device queue on the other side drops the packet, as a
         * router would; TCP will notice. */
        if (write(d->to, buf, (size_t)n) != n)
            d->write_errors++;
        d->packets++;
        d->bytes += (uint64_t)n;
    }
    return 0;
}

static int open_in(const char *ns, const char *dev, bool vnet, uint32_t addr)
{
    int rc = bench_enter_netns(ns);

    if (rc < 0) {
        fprintf(stderr, "tun_forward: cannot enter namespace %s: %s\n", ns, strerror(-rc));
        return rc;
    }
    return bench_tun_open(dev, vnet, addr, 24);
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"ns-a", required_argument, 0, 'a'}, {"ns-b", required_argument, 0, 'b'},
        {"vnet", no_argument, 0, 'v'},       {"seconds", required_argument, 0, 's'},
        {"cpu", required_argument, 0, 'c'},  {0, 0, 0, 0},
    };
    const char *ns_a = NULL, *ns_b = NULL;
    bool vnet = false;
    int seconds = 60, cpu = -1, opt;
    static uint8_t buf[BENCH_TUN_MAX_READ];

    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case 'a': ns_a = optarg; break;
        case 'b': ns_b = optarg; break;
        case 'v': vnet = true; break;
        case 's': seconds = atoi(optarg); break;
        case 'c': cpu = atoi(optarg); break;
        default:
            fprintf(stderr, "usage: tun_forward --ns-a NS --ns-b NS [--vnet] [--seconds N] [--cpu C]\n");
            return 2;
        }
    }
    if (!ns_a || !ns_b || seconds <= 0) {
        fprintf(stderr, "tun_forward: --ns-a and --ns-b are required\n");
        return 2;
    }
    bench_pin_cpu(cpu);
    int fd_a = open_in(ns_a, "tunfwd0", vnet, 0x0a4d0001);   /* 10.77.0.1 */
    int fd_b = open_in(ns_b, "tunfwd1", vnet, 0x0a4d0002);   /* 10.77.0.2 */
    if (fd_a < 0 || fd_b < 0)
        return 1;

    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    alarm((unsigned)seconds);
    sigaction(SIGALRM, &sa, NULL);
    printf("tun_forward ready vnet=%d\n", vnet);
    fflush(stdout);

    struct direction ab = {.from = fd_a, .to = fd_b}, ba = {.from = fd_b, .to = fd_a};
    uint64_t start = bench_now_ns();
    while (!stopping) {
        struct pollfd fds[2] = {{.fd = fd_a, .events = POLLIN}, {.fd = fd_b, .events = POLLIN}};

        if (poll(fds, 2, 1000) < 0) {
            if (errno == EINTR)
                continue;
            perror("tun_forward: poll");
            return 1;
        }
        if (((fds[0].revents & POLLIN) && forward_batch(&ab, buf) < 0) ||
            ((fds[1].revents & POLLIN) && forward_batch(&ba, buf) < 0)) {
            perror("tun_forward: read");
            return 1;
        }
    }
    uint64_t user, sys;
    bench_cpu_ns(&user, &sys);
    printf("tun_forward done seconds=%.3f packets_ab=%llu bytes_ab=%llu packets_ba=%llu "
           "bytes_ba=%llu write_errors=%llu user_s=%.3f sys_s=%.3f\n",
           (double)(bench_now_ns() - start) / 1e9, (unsigned long long)ab.packets,
           (unsigned long long)ab.bytes, (unsigned long long)ba.packets,
           (unsigned long long)ba.bytes, (unsigned long long)(ab.write_errors + ba.write_errors),
           (double)user / 1e9, (double)sys / 1e9);
    return 0;
}
