/*
 * bench_util.h — what the benchmark programs in tools/bench share: clocks,
 * CPU time, resident memory, entering a named network namespace, and the
 * one-line result format the harness (bench.sh, summarize.py) parses.
 *
 * Every program prints its result as one line of `key=value` words that
 * starts with the program's name, for example
 *
 *     tcp_bulk send bytes=2147483648 seconds=5.012 gbps=3.428 retrans=0
 *
 * so a shell script can grep it and a person can read it.
 */
#ifndef TUNLAB_TOOLS_BENCH_UTIL_H
#define TUNLAB_TOOLS_BENCH_UTIL_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t bench_now_ns(void);

/* CPU time this process has used (user + system), in nanoseconds, and the
 * two parts separately (either pointer may be NULL). */
uint64_t bench_cpu_ns(uint64_t *user_ns, uint64_t *sys_ns);

/* Resident set size of process `pid` (0 = this one) in bytes, from
 * /proc/PID/status (VmRSS); 0 if it cannot be read. */
uint64_t bench_rss_bytes(int pid);

/* Move this thread into the network namespace `name` (/run/netns/NAME, as
 * made by `ip netns add NAME`). Returns 0 or a negative errno. */
int bench_enter_netns(const char *name);

/* The kernel-side transmit queue of interface `name` (current namespace), in
 * packets: what the kernel may hold for a TUN program that has not read yet.
 * Linux's default for TUN is 500, which a fast kernel TCP sender with a
 * large window overflows (tail drops, retransmissions); the benchmarks give
 * every TUN device the same BENCH_TXQUEUELEN. Returns 0 or a negative errno. */
#define BENCH_TXQUEUELEN 5000
int bench_set_txqueuelen(const char *name, int packets);

/* Pin this process to CPU `cpu` (-1: leave it). Returns 0 or a negative errno. */
int bench_pin_cpu(int cpu);

/* Parse "A.B.C.D" into a host-order address. Returns 0 or -1. */
int bench_parse_ip(const char *text, uint32_t *addr);

/* Parse a number with an optional K/M/G suffix (powers of 1024): "64M".
 * Returns 0 or -1. */
int bench_parse_size(const char *text, uint64_t *out);

/* Bits per second as Gbit/s. */
static inline double bench_gbps(uint64_t bytes, uint64_t ns)
{
    return ns ? (double)bytes * 8.0 / (double)ns : 0.0;
}

#ifdef __cplusplus
}
#endif

#endif
