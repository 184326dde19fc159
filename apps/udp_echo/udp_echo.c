/*
 * udp_echo.c — the UDP echo service (RFC 862).
 */
#include "apps/udp_echo/udp_echo.h"

#include <errno.h>
#include <stdlib.h>

#include "apps/service/service_socket.h"
#include "stack/socket/sock_watch.h"
#include "stack/socket/socket.h"
#include "stack/transport/udp_hdr.h"

/* Datagrams echoed per wake-up before yielding to the rest of the stack. */
#define UDP_ECHO_BUDGET 64

struct udp_echo {
    struct stack *st;
    int fd;
    struct sock_watch watch;
    struct udp_echo_stats stats;
    uint8_t buf[UDP_MAX_PAYLOAD];
};

/* RFC 862: "When a datagram is received, the data from it is sent back in
 * an answering datagram." */
static void udp_echo_serve(void *ctx, int fd, usec_t now)
{
    struct udp_echo *echo = ctx;
    struct sock_addr from;
    ssize_t n;

    for (int i = 0; i < UDP_ECHO_BUDGET; i++) {
        n = socket_recvfrom(echo->st, fd, echo->buf, sizeof echo->buf, &from, now);
        if (n == -EAGAIN)
            return;
        if (n < 0)
            continue;   /* a pending error: reported and cleared, go on */
        if (socket_sendto(echo->st, fd, echo->buf, (size_t)n, &from, now) < 0) {
            echo->stats.send_errors++;
            continue;
        }
        echo->stats.echoed++;
        echo->stats.bytes += (uint64_t)n;
    }
    sock_watch_kick(&echo->watch, now);   /* more may wait: come back */
}

int udp_echo_service_start(struct stack *st, uint16_t port, struct udp_echo **out)
{
    struct udp_echo *echo;

    echo = calloc(1, sizeof *echo);
    if (echo == NULL)
        return -ENOMEM;
    echo->st = st;
    echo->fd = service_socket_open(st, SOCK_TYPE_DGRAM, port, 0, &echo->watch,
                                   udp_echo_serve, echo);
    if (echo->fd < 0) {
        int rc = echo->fd;
        free(echo);
        return rc;
    }
    *out = echo;
    return 0;
}

void udp_echo_service_stop(struct udp_echo *echo, usec_t now)
{
    if (echo == NULL)
        return;
    service_socket_close(echo->st, echo->fd, &echo->watch, now);
    free(echo);
}

const struct udp_echo_stats *udp_echo_stats(const struct udp_echo *echo) { return &echo->stats; }
