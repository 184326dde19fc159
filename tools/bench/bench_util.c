#define _GNU_SOURCE
/*
 * bench_util.c — clocks, CPU time, RSS, namespaces (see bench_util.h).
 */
#include "tools/bench/bench_util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

uint64_t bench_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t timeval_ns(struct timeval tv)
{
    return (uint64_t)tv.tv_sec * 1000000000u + (uint64_t)tv.tv_usec * 1000u;
}

uint64_t bench_cpu_ns(uint64_t *user_ns, uint64_t *sys_ns)
{
    struct rusage ru;

    if (getrusage(RUSAGE_SELF, &ru) < 0)
        return 0;
    if (user_ns)
        *user_ns = timeval_ns(ru.ru_utime);
    if (sys_ns)
        *sys_ns = timeval_ns(ru.ru_stime);
    return timeval_ns(ru.ru_utime) + timeval_ns(ru.ru_stime);
}

uint64_t bench_rss_bytes(int pid)
{
    char path[64], line[256];
    unsigned long long kib = 0;
    FILE *f;

    if (pid > 0)
        snprintf(path, sizeof path, "/proc/%d/status", pid);
    else
        snprintf(path, sizeof path, "/proc/self/status");
    f = fopen(path, "r");
    if (!f)
        return 0;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "VmRSS: %llu kB", &kib) == 1)
            break;
    fclose(f);
    return (uint64_t)kib * 1024u;
}

int bench_enter_netns(const char *name)
{
    char path[256];
    int fd, rc = 0;

    snprintf(path, sizeof path, "/run/netns/%s", name);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    if (setns(fd, CLONE_NEWNET) < 0)
        rc = -errno;
    close(fd);
    return rc;
}

int bench_set_txqueuelen(const char *name, int packets)
{
    struct ifreq ifr;
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc = 0;

    if (s < 0)
        return -errno;
    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
    ifr.ifr_qlen = packets;
    if (ioctl(s, SIOCSIFTXQLEN, &ifr) < 0)
        rc = -errno;
    close(s);
    return rc;
}

int bench_pin_cpu(int cpu)
{
    cpu_set_t set;

    if (cpu < 0)
        return 0;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return sched_setaffinity(0, sizeof set, &set) < 0 ? -errno : 0;
}

int bench_parse_ip(const char *text, uint32_t *addr)
{
    struct in_addr a;

    if (inet_pton(AF_INET, text, &a) != 1)
        return -1;
    *addr = ntohl(a.s_addr);
    return 0;
}

int bench_parse_size(const char *text, uint64_t *out)
{
    char *end;
    unsigned long long v;

    errno = 0;
    v = strtoull(text, &end, 10);
    if (errno || end == text)
        return -1;
    switch (*end) {
    case 'K': case 'k': v <<= 10; end++; break;
    case 'M': case 'm': v <<= 20; end++; break;
    case 'G': case 'g': v <<= 30; end++; break;
    default: break;
    }
    if (*end != '\0')
        return -1;
    *out = v;
    return 0;
}
