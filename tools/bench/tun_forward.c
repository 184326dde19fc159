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
 *   tun_forward --ns-a NS --ns-b NS [--vnet] [--threads 1|2] [--seconds N] [--cpu C]
 *
 * One thread and poll(2), like the stack's own event loop; --threads 2 gives
 * each direction a thread of its own instead (a higher limit on two vCPUs,
 * for comparison; the stack has one thread). --vnet turns on
 * IFF_VNET_HDR with TSO: packets of up to 64 KiB pass through unsplit.
 * Prints "tun_forward ready" once both devices are up, and a summary line
 * when stopped (SIGTERM, SIGINT or after --seconds).
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tools/bench/bench_tun.h"
#include "tools/bench/bench_util.h"

#define FORWARD_BATCH 64   /* packets read from one device before looking at the other */

/* Atomic, not volatile sig_atomic_t: with --threads 2 the flag is set by a
 * signal handler in one thread and read by the other. */
static atomic_bool stopping;

static void on_signal(int sig)
{
    (void)sig;
    atomic_store(&stopping, true);
}

struct direction {
    int from, to;
    uint64_t packets, bytes, write_errors;
    bool failed;   /* --threads 2: this direction's thread stopped on a read error */
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

/* --threads 2: one direction, in a thread of its own. The poll timeout
 * bounds how long a thread waits to notice `stopping` when the signal went
 * to the other thread. On a read error it stops both threads. */
static void *forward_one_way(void *arg)
{
    struct direction *d = arg;
    static _Thread_local uint8_t buf[BENCH_TUN_MAX_READ];

    while (!atomic_load(&stopping)) {
        struct pollfd pfd = {.fd = d->from, .events = POLLIN};

        if (poll(&pfd, 1, 200) > 0 && (pfd.revents & POLLIN) && forward_batch(d, buf) < 0) {
            perror("tun_forward: read");
            d->failed = true;
            atomic_store(&stopping, true);
        }
    }
    return NULL;
}

/* The default: both directions in one thread, like the stack's event loop.
 * Returns 0, or -1 after printing why. */
static int forward_both_ways(struct direction *ab, struct direction *ba)
{
    static uint8_t buf[BENCH_TUN_MAX_READ];

    while (!atomic_load(&stopping)) {
        struct pollfd fds[2] = {{.fd = ab->from, .events = POLLIN},
                                {.fd = ba->from, .events = POLLIN}};

        if (poll(fds, 2, 1000) < 0) {
            if (errno == EINTR)
                continue;
            perror("tun_forward: poll");
            return -1;
        }
        if (((fds[0].revents & POLLIN) && forward_batch(ab, buf) < 0) ||
            ((fds[1].revents & POLLIN) && forward_batch(ba, buf) < 0)) {
            perror("tun_forward: read");
            return -1;
        }
    }
    return 0;
}

/* --threads 2: a second thread for b -> a, this one does a -> b. */
static int forward_two_threads(struct direction *ab, struct direction *ba)
{
    pthread_t other;
    int err = pthread_create(&other, NULL, forward_one_way, ba);

    if (err != 0) {
        fprintf(stderr, "tun_forward: pthread_create: %s\n", strerror(err));
        return -1;
    }
    forward_one_way(ab);
    pthread_join(other, NULL);
    return ab->failed || ba->failed ? -1 : 0;
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
        {"cpu", required_argument, 0, 'c'},  {"threads", required_argument, 0, 't'},
        {0, 0, 0, 0},
    };
    const char *ns_a = NULL, *ns_b = NULL;
    bool vnet = false;
    int seconds = 60, cpu = -1, threads = 1, opt;

    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case 'a': ns_a = optarg; break;
        case 'b': ns_b = optarg; break;
        case 'v': vnet = true; break;
        case 's': seconds = atoi(optarg); break;
        case 'c': cpu = atoi(optarg); break;
        case 't': threads = atoi(optarg); break;
        default:
            fprintf(stderr, "usage: tun_forward --ns-a NS --ns-b NS [--vnet] [--threads 1|2] "
                            "[--seconds N] [--cpu C]\n");
            return 2;
        }
    }
    if (!ns_a || !ns_b || seconds <= 0 || threads < 1 || threads > 2) {
        fprintf(stderr, "tun_forward: --ns-a and --ns-b are required, --threads is 1 or 2\n");
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
    printf("tun_forward ready vnet=%d threads=%d\n", vnet, threads);
    fflush(stdout);

    struct direction ab = {.from = fd_a, .to = fd_b}, ba = {.from = fd_b, .to = fd_a};
    uint64_t start = bench_now_ns();
    int rc = threads == 2 ? forward_two_threads(&ab, &ba) : forward_both_ways(&ab, &ba);
    if (rc < 0)
        return 1;
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
