#define _GNU_SOURCE
/*
 * tcp_bulk — the kernel's side of a bulk TCP transfer: a sender and a sink
 * on ordinary kernel sockets.
 *
 *   tcp_bulk send ADDR PORT SECONDS     write as fast as possible for SECONDS,
 *                                       then shut down writing and wait for the
 *                                       peer to close (the discard service does
 *                                       after our FIN, and so does `sink`).
 *   tcp_bulk sink PORT [--timeout S]    accept one connection, read to the end,
 *                                       close.
 *
 * Each prints one line: `tcp_bulk send bytes=N seconds=S gbps=G ...`.
 * The sender times from before connect() until the peer's FIN: by then the
 * peer has every byte, so nothing still sitting in a socket buffer is
 * counted. The sink times from accept() to end of stream.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tools/bench/bench_util.h"

#define BULK_CHUNK (256 * 1024)

static uint8_t chunk[BULK_CHUNK];

static int usage(void)
{
    fprintf(stderr, "usage: tcp_bulk send ADDR PORT SECONDS\n"
                    "       tcp_bulk sink PORT [--timeout SECONDS]\n");
    return 2;
}

static unsigned retransmits(int fd)
{
    struct tcp_info ti;
    socklen_t len = sizeof ti;

    if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) < 0)
        return 0;
    return ti.tcpi_total_retrans;
}

static int do_send(const char *addr_text, int port, double seconds)
{
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    uint64_t bytes = 0;

    if (inet_pton(AF_INET, addr_text, &sin.sin_addr) != 1)
        return usage();
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    /* A stalled peer must not hang the benchmark: every send and the final
     * read give up after 10 s without progress. */
    struct timeval tv = {.tv_sec = 10};
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    uint64_t start = bench_now_ns();
    if (connect(fd, (struct sockaddr *)&sin, sizeof sin) < 0) {
        fprintf(stderr, "tcp_bulk: connect %s:%d: %s\n", addr_text, port, strerror(errno));
        return 1;
    }
    uint64_t end = start + (uint64_t)(seconds * 1e9);
    while (bench_now_ns() < end) {
        ssize_t n = send(fd, chunk, sizeof chunk, MSG_NOSIGNAL);
        if (n < 0) {
            fprintf(stderr, "tcp_bulk: send: %s\n", strerror(errno));
            return 1;
        }
        bytes += (uint64_t)n;
    }
    shutdown(fd, SHUT_WR);
    char c;
    ssize_t n = read(fd, &c, 1);   /* 0: the peer closed, so it has everything */
    uint64_t ns = bench_now_ns() - start;
    if (n != 0) {
        fprintf(stderr, "tcp_bulk: waiting for the peer to close: %s\n",
                n < 0 ? strerror(errno) : "it sent data");
        return 1;
    }
    printf("tcp_bulk send bytes=%llu seconds=%.3f gbps=%.3f retrans=%u\n",
           (unsigned long long)bytes, (double)ns / 1e9, bench_gbps(bytes, ns), retransmits(fd));
    close(fd);
    return 0;
}

static int do_sink(int port, int timeout)
{
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    int one = 1;
    uint64_t bytes = 0;
    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(lfd, (struct sockaddr *)&sin, sizeof sin) < 0 || listen(lfd, 4) < 0) {
        fprintf(stderr, "tcp_bulk: listen on %d: %s\n", port, strerror(errno));
        return 1;
    }
    printf("tcp_bulk sink ready port=%d\n", port);
    fflush(stdout);
    alarm((unsigned)timeout);   /* bounded: SIGALRM ends a run that never comes */
    int fd = accept(lfd, NULL, NULL);
    if (fd < 0) {
        fprintf(stderr, "tcp_bulk: accept: %s\n", strerror(errno));
        return 1;
    }
    uint64_t start = bench_now_ns();
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n == 0)
            break;
        if (n < 0) {
            fprintf(stderr, "tcp_bulk: read: %s\n", strerror(errno));
            return 1;
        }
        bytes += (uint64_t)n;
    }
    uint64_t ns = bench_now_ns() - start;
    close(fd);
    printf("tcp_bulk sink bytes=%llu seconds=%.3f gbps=%.3f\n", (unsigned long long)bytes,
           (double)ns / 1e9, bench_gbps(bytes, ns));
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 5 && strcmp(argv[1], "send") == 0)
        return do_send(argv[2], atoi(argv[3]), atof(argv[4]));
    if ((argc == 3 || argc == 5) && strcmp(argv[1], "sink") == 0) {
        int timeout = 60;
        if (argc == 5) {
            if (strcmp(argv[3], "--timeout") != 0)
                return usage();
            timeout = atoi(argv[4]);
        }
        return do_sink(atoi(argv[2]), timeout > 0 ? timeout : 60);
    }
    return usage();
}
