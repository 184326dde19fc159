#define _GNU_SOURCE
/*
 * tun_reflect — the ping limit: a TUN device whose far end answers every
 * ICMP echo request with the least work possible.
 *
 *   ping (kernel) ── tunref0 10.0.0.1/24 ── this program "is" every other 10.0.0.x
 *
 * For each echo request read it swaps the IP source and destination (the
 * IP header checksum is a sum, so a swap leaves it right), changes the ICMP
 * type from 8 to 0 and patches the ICMP checksum for that one change
 * (RFC 1624: the type byte sits in the high half of the first 16-bit word,
 * so the sum drops by 0x0800 and the checksum rises by 0x0800), and writes
 * the packet back. No allocation, no copy, no verification: the stack has
 * to do all of those, so this is an upper bound for it.
 *
 *   tun_reflect [--seconds N] [--cpu C]
 *
 * Run it inside a network namespace (ip netns exec NS tun_reflect).
 * Prints "tun_reflect ready" once the device is up and a summary when stopped.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "stack/core/byteorder.h"
#include "tools/bench/bench_tun.h"
#include "tools/bench/bench_util.h"

#define REFLECT_BATCH 64

static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
    (void)sig;
    stopping = 1;
}

/* Turn an IPv4 ICMP echo request into its reply in place. Returns false for
 * anything else, which is ignored. */
static bool reflect(uint8_t *p, size_t len)
{
    size_t ihl;
    uint8_t addr[4];
    uint32_t sum;

    if (len < 20 || (p[0] >> 4) != 4)
        return false;
    ihl = (size_t)(p[0] & 0x0f) * 4;
    if (ihl < 20 || len < ihl + 8 || p[9] != 1 /* ICMP */ || p[ihl] != 8 /* echo request */)
        return false;
    for (int i = 0; i < 4; i++) {
        addr[i] = p[12 + i];
        p[12 + i] = p[16 + i];
        p[16 + i] = addr[i];
    }
    p[ihl] = 0;   /* echo reply */
    sum = (uint32_t)be16_read(p + ihl + 2) + 0x0800;
    sum = (sum & 0xffff) + (sum >> 16);
    be16_write(p + ihl + 2, (uint16_t)sum);
    return true;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"seconds", required_argument, 0, 's'}, {"cpu", required_argument, 0, 'c'}, {0, 0, 0, 0},
    };
    int seconds = 60, cpu = -1, opt;
    static uint8_t buf[BENCH_TUN_MAX_READ];
    uint64_t requests = 0, ignored = 0;

    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case 's': seconds = atoi(optarg); break;
        case 'c': cpu = atoi(optarg); break;
        default:
            fprintf(stderr, "usage: tun_reflect [--seconds N] [--cpu C]\n");
            return 2;
        }
    }
    bench_pin_cpu(cpu);
    int fd = bench_tun_open("tunref0", false, 0x0a000001, 24);   /* 10.0.0.1/24 */
    if (fd < 0)
        return 1;
    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGALRM, &sa, NULL);
    alarm(seconds > 0 ? (unsigned)seconds : 60);
    printf("tun_reflect ready\n");
    fflush(stdout);

    while (!stopping) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};

        if (poll(&pfd, 1, 1000) <= 0)
            continue;
        for (int i = 0; i < REFLECT_BATCH; i++) {
            ssize_t n = read(fd, buf, sizeof buf);
            if (n < 0)
                break;
            if (!reflect(buf, (size_t)n)) {
                ignored++;
                continue;
            }
            if (write(fd, buf, (size_t)n) == n)
                requests++;
        }
    }
    printf("tun_reflect done replies=%llu ignored=%llu\n", (unsigned long long)requests,
           (unsigned long long)ignored);
    return 0;
}
