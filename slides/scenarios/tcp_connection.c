/*
 * tcp_connection.c — connection management on the slides: the three-way
 * handshake, the four-way close with data after the first FIN, the lost
 * final ACK in TIME-WAIT, keep-alive after the client vanished, and a
 * server that never closes (CLOSE-WAIT forever).
 */
#include <errno.h>
#include <string.h>

#include "slides/scenarios/scenario.h"
#include "stack/socket/socket.h"
#include "stack/transport/tcp_state.h"

#define PORT 80

/* SYN seq=j -> SYN+ACK seq=k ack=j+1 -> ACK ack=k+1 (the seed's 三次握手). */
static int handshake(const char *out)
{
    struct shim_pair *p = shim_pair_new(1, NETDEV_LINK_IP);
    int lfd, cfd, afd, rc = -1;
    if (p == NULL)
        return scenario_fail("shim_pair_new");
    if (scenario_connect(p, PORT, 0, &lfd, &cfd, &afd) < 0)
        goto done;
    scenario_note(p, "server", "accept() returns");
    shim_run_for(p, MSEC(2));
    rc = scenario_save(p, out);
done:
    shim_pair_free(p);
    return rc;
}

/* Start a connection and clear the trace, so the figure shows the close
 * alone; the notes say (from the sockets) which state both sides are in. */
static int established(struct shim_pair *p, int *lfd, int *cfd, int *afd)
{
    if (scenario_connect(p, PORT, 0, lfd, cfd, afd) < 0)
        return -1;
    shim_run_for(p, MSEC(100));   /* past every delayed ACK */
    trace_clear(sim_world_trace(p->world));
    scenario_note_state(p, p->client, "client", *cfd);
    scenario_note_state(p, p->server, "server", *afd);
    shim_run_for(p, MSEC(1));
    return 0;
}

/* The four-way close (四次挥手): the client's FIN (shutdown(SHUT_WR): it
 * sends no more but still receives), the server's ACK, the server's last
 * data in the half-closed connection, its FIN, the final ACK, then
 * TIME-WAIT (2 MSL = 60 s) on the client. With `full_close` the client
 * calls close() instead: data that arrives after it is answered by RST. */
static int close_run(const char *out, int full_close)
{
    struct shim_pair *p = shim_pair_new(1, NETDEV_LINK_IP);
    int lfd, cfd, afd, rc = -1;
    char buf[512];
    ssize_t n;
    if (p == NULL)
        return scenario_fail("shim_pair_new");
    if (established(p, &lfd, &cfd, &afd) < 0)
        goto done;
    if (full_close) {
        scenario_note(p, "client", "close()");
        socket_close(p->client, cfd, shim_now(p));
    } else {
        scenario_note(p, "client", "shutdown(SHUT_WR)");
        socket_shutdown(p->client, cfd, SOCK_SHUT_WR, shim_now(p));
    }
    /* The server's application reacts as the server's ACK leaves: 1 ms
     * (the FIN's way), then 1 ms for its ACK — no idle time, so that the
     * figure stays compact. */
    shim_run_for(p, MSEC(2));
    n = socket_recv(p->server, afd, buf, sizeof buf, shim_now(p));
    if (n != 0) {
        scenario_fail("the server did not see the end of the stream (%zd)", n);
        goto done;
    }
    scenario_note(p, "server", "recv() = 0: the client is done");
    memset(buf, 'z', sizeof buf);
    scenario_note(p, "server", "send(100): its last data");
    if (socket_send(p->server, afd, buf, 100, shim_now(p)) != 100) {
        scenario_fail("the server's last send failed");
        goto done;
    }
    shim_run_for(p, MSEC(2));
    if (!full_close) {
        n = socket_recv(p->client, cfd, buf, sizeof buf, shim_now(p));
        scenario_note(p, "client", "recv() = %zd", n);
    }
    scenario_note(p, "server", "close()");
    socket_close(p->server, afd, shim_now(p));
    shim_run_for(p, MSEC(2));
    if (!full_close) {
        n = socket_recv(p->client, cfd, buf, sizeof buf, shim_now(p));
        scenario_note(p, "client", "recv() = %zd, close()", n);
        socket_close(p->client, cfd, shim_now(p));
    }
    shim_run_for(p, SEC(70));   /* through TIME-WAIT */
    rc = scenario_save(p, out);
done:
    shim_pair_free(p);
    return rc;
}

static int close_four_way(const char *out) { return close_run(out, 0); }
static int close_then_data(const char *out) { return close_run(out, 1); }

/* TIME-WAIT's first reason: the final ACK is lost, the server retransmits
 * its FIN, the client answers again and restarts its 2MSL timer. */
static int lost_final_ack(const char *out)
{
    struct shim_pair *p = shim_pair_new(1, NETDEV_LINK_IP);
    int lfd, cfd, afd, rc = -1;
    char buf[64];
    struct sim_impairments wire = {.delay = MSEC(1)};
    if (p == NULL)
        return scenario_fail("shim_pair_new");
    if (established(p, &lfd, &cfd, &afd) < 0)
        goto done;
    scenario_note(p, "client", "close()");
    socket_close(p->client, cfd, shim_now(p));
    shim_run_for(p, MSEC(5));
    if (socket_recv(p->server, afd, buf, sizeof buf, shim_now(p)) != 0) {
        scenario_fail("the server did not see the end of the stream");
        goto done;
    }
    scenario_note(p, "server", "close()");
    socket_close(p->server, afd, shim_now(p));
    /* The server's FIN takes 1 ms; the client's ACK leaves as it arrives:
     * drop what the client sends in that moment. */
    wire.loss = 1.0;
    sim_link_set_impairments(p->link, 0, &wire);
    shim_run_for(p, MSEC(1) + MSEC(1) / 2);
    wire.loss = 0;
    sim_link_set_impairments(p->link, 0, &wire);
    shim_run_for(p, SEC(70));
    rc = scenario_save(p, out);
done:
    shim_pair_free(p);
    return rc;
}

/* Keep-alive (保活计时器): the server turns it on; the client's machine
 * dies (the link drops everything from then on). After 2 h of silence the
 * server probes every 75 s; after 9 unanswered probes it drops the
 * connection. */
static int keepalive(const char *out)
{
    struct shim_pair *p = shim_pair_new(1, NETDEV_LINK_IP);
    int lfd, cfd, afd, rc = -1;
    struct sim_impairments dead = {.delay = MSEC(1), .loss = 1.0};
    char buf[16];
    if (p == NULL)
        return scenario_fail("shim_pair_new");
    if (scenario_connect(p, PORT, 0, &lfd, &cfd, &afd) < 0)
        goto done;
    if (socket_setsockopt(p->server, afd, SOCK_OPT_KEEPALIVE, 1, shim_now(p)) < 0) {
        scenario_fail("SO_KEEPALIVE refused");
        goto done;
    }
    scenario_note(p, "server", "SO_KEEPALIVE on");
    shim_run_for(p, MSEC(100));
    scenario_note(p, "client", "the client's machine fails");
    sim_link_set_both(p->link, &dead);
    shim_run_for(p, SEC(2 * 3600 + 700));
    ssize_t n = socket_recv(p->server, afd, buf, sizeof buf, shim_now(p));
    scenario_note(p, "server", "recv() = %zd (%s)", n, n < 0 ? socket_strerror((int)n) : "data");
    rc = scenario_save(p, out);
done:
    shim_pair_free(p);
    return rc;
}

/* CLOSE-WAIT (close_wait 作用): the client closes, the server's application
 * never calls close(); ten minutes later the server's side is still in
 * CLOSE-WAIT, holding its port and buffers. */
static int close_wait_leak(const char *out)
{
    struct shim_pair *p = shim_pair_new(1, NETDEV_LINK_IP);
    int lfd, cfd, afd, rc = -1;
    if (p == NULL)
        return scenario_fail("shim_pair_new");
    if (established(p, &lfd, &cfd, &afd) < 0)
        goto done;
    scenario_note(p, "client", "close()");
    socket_close(p->client, cfd, shim_now(p));
    shim_run_for(p, MSEC(5));
    scenario_note(p, "server", "the application forgets to close()");
    for (int minute = 1; minute <= 10; minute++) {
        shim_run_for(p, SEC(60));
        if (minute == 2 || minute == 10) {
            int state = -1;
            socket_getsockopt(p->server, afd, SOCK_OPT_TCP_STATE, &state);
            scenario_note(p, "server", "%d min later: %s", minute,
                          state >= 0 ? tcp_state_name(state) : "no connection");
        }
    }
    rc = scenario_save(p, out);
done:
    shim_pair_free(p);
    return rc;
}

const struct scenario tcp_connection_scenarios[] = {
    {"tcp_handshake", "three-way handshake, two real stacks", handshake},
    {"tcp_close", "four-way close with the server's last data, TIME-WAIT", close_four_way},
    {"tcp_close_rst", "close() (not shutdown): data that arrives after it gets a RST",
     close_then_data},
    {"tcp_lost_final_ack", "TIME-WAIT: the final ACK is lost, the FIN comes again", lost_final_ack},
    {"tcp_keepalive", "keep-alive probes after the client died", keepalive},
    {"tcp_close_wait", "a server that never closes stays in CLOSE-WAIT", close_wait_leak},
    {NULL, NULL, NULL},
};
