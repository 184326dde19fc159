#define _GNU_SOURCE
/*
 * tcp_conns — open many idle TCP connections from the kernel's side, for
 * the memory benchmark: how much does the stack hold per connection?
 *
 *   tcp_conns ADDR PORT COUNT [--hold SECONDS] [--window W]
 *
 * Opens COUNT connections to ADDR:PORT (each from its own ephemeral source
 * port), at most W (default 256) handshakes at a time, then prints
 *
 *   tcp_conns established=N failed=F seconds=S
 *
 * and keeps them all open, idle, until SIGTERM/SIGINT or --hold seconds
 * (default 30), and exits (the kernel then closes them all). Connections that
 * fail are counted, not retried. Bounded: the opening phase gives up after
 * 60 s.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tools/bench/bench_util.h"

#define OPEN_DEADLINE_NS (60ull * 1000000000ull)

static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
    (void)sig;
    stopping = 1;
}

/* Room for COUNT descriptors plus a few: raise the soft limit to the hard one. */
static void raise_fd_limit(int count)
{
    struct rlimit rl;

    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)count + 64) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

static int start_connect(const struct sockaddr_in *sin)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

    if (fd < 0)
        return -1;
    if (connect(fd, (const struct sockaddr *)sin, sizeof *sin) < 0 && errno != EINPROGRESS) {
        close(fd);
        return -1;
    }
    return fd;
}

int main(int argc, char **argv)
{
    struct sockaddr_in sin = {.sin_family = AF_INET};
    int count, window = 256, hold = 30;

    if (argc < 4 || inet_pton(AF_INET, argv[1], &sin.sin_addr) != 1) {
        fprintf(stderr, "usage: tcp_conns ADDR PORT COUNT [--hold SECONDS] [--window W]\n");
        return 2;
    }
    sin.sin_port = htons((uint16_t)atoi(argv[2]));
    count = atoi(argv[3]);
    for (int i = 4; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--hold") == 0)
            hold = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--window") == 0)
            window = atoi(argv[i + 1]);
    }
    if (count <= 0 || window <= 0)
        return 2;
    raise_fd_limit(count);

    int *open_fds = calloc((size_t)count, sizeof *open_fds);
    struct pollfd *pending = calloc((size_t)window, sizeof *pending);
    if (!open_fds || !pending)
        return 1;
    int established = 0, failed = 0, started = 0, npending = 0;
    uint64_t start = bench_now_ns();

    while (established + failed < count && bench_now_ns() - start < OPEN_DEADLINE_NS) {
        while (npending < window && started < count) {
            int fd = start_connect(&sin);
            started++;
            if (fd < 0) {
                failed++;
                continue;
            }
            pending[npending++] = (struct pollfd){.fd = fd, .events = POLLOUT};
        }
        if (npending == 0)
            continue;
        if (poll(pending, (nfds_t)npending, 1000) <= 0)
            continue;
        for (int i = 0; i < npending;) {
            if (!pending[i].revents) {
                i++;
                continue;
            }
            int err = 0;
            socklen_t len = sizeof err;
            getsockopt(pending[i].fd, SOL_SOCKET, SO_ERROR, &err, &len);
            if (err == 0) {
                open_fds[established++] = pending[i].fd;
            } else {
                failed++;
                close(pending[i].fd);
            }
            pending[i] = pending[--npending];   /* look at the one moved here next */
        }
    }
    failed += npending;   /* still not connected at the deadline */
    printf("tcp_conns established=%d failed=%d seconds=%.3f\n", established, failed,
           (double)(bench_now_ns() - start) / 1e9);
    fflush(stdout);

    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGALRM, &sa, NULL);
    alarm((unsigned)(hold > 0 ? hold : 30));
    while (!stopping)
        pause();
    for (int i = 0; i < established; i++)
        close(open_fds[i]);
    free(open_fds);
    free(pending);
    return 0;
}
