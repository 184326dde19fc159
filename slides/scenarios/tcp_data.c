/*
 * tcp_data.c — data transfer on the slides: flow control into a zero
 * window (persist probes), a loss repaired by fast retransmit, congestion
 * at a bottleneck router (its queue overflows first, the sender halves
 * after), and Nagle's algorithm gluing small writes (TCP 粘包/拆包).
 */
#include <errno.h>
#include <string.h>

#include "slides/scenarios/scenario.h"
#include "stack/socket/socket.h"

#define PORT 80

static char payload[8192];

/* Read whatever is there; a note with the count when there was some. */
static ssize_t read_all(struct shim_pair *p, int fd, size_t chunk, int note)
{
    ssize_t n, total = 0;
    if (chunk > sizeof payload)
        chunk = sizeof payload;
    while ((n = socket_recv(p->server, fd, payload, chunk, shim_now(p))) > 0) {
        total += n;
        if (note)
            scenario_note(p, "server", "recv(%zu) = %zd", chunk, n);
    }
    return total;
}

/* Flow control: the server's 2920-byte receive buffer fills because its
 * application does not read; the window closes (win=0); the client probes
 * it with one byte at growing intervals (persist timer); the application
 * reads, the window opens, the rest flows. */
static int zero_window(const char *out)
{
    struct shim_pair *p = shim_pair_new(1, NETDEV_LINK_IP);
    int lfd, cfd, afd, rc = -1;
    if (p == NULL)
        return scenario_fail("shim_pair_new");
    if (scenario_connect(p, PORT, 2920, &lfd, &cfd, &afd) < 0)
        goto done;
    shim_run_for(p, MSEC(100));
    memset(payload, 'w', sizeof payload);
    scenario_note(p, "client", "send(6000)");
    if (socket_send(p->client, cfd, payload, 6000, shim_now(p)) != 6000) {
        scenario_fail("client send failed");
        goto done;
    }
    scenario_note(p, "server", "the application is busy: no recv()");
    shim_run_for(p, MSEC(1700));
    scenario_note(p, "server", "recv(): %zd bytes", read_all(p, afd, sizeof payload, 0));
    shim_run_for(p, MSEC(10));
    scenario_note(p, "server", "recv(): %zd bytes", read_all(p, afd, sizeof payload, 0));
    shim_run_for(p, MSEC(100));
    read_all(p, afd, sizeof payload, 0);
    shim_run_for(p, MSEC(100));
    rc = scenario_save(p, out);
done:
    shim_pair_free(p);
    return rc;
}

/* One lost segment among ten: the receiver ACKs every later one with the
 * same number (duplicate ACKs); on the third the sender retransmits at once
 * (fast retransmit, RFC 5681 §3.2) and halves its window. */
static int fast_retransmit(const char *out)
{
    struct shim_pair *p = shim_pair_new(1, NETDEV_LINK_IP);
    int lfd, cfd, afd, rc = -1;
    struct sim_impairments wire = {.delay = MSEC(1)};
    if (p == NULL)
        return scenario_fail("shim_pair_new");
    if (scenario_connect(p, PORT, 0, &lfd, &cfd, &afd) < 0)
        goto done;
    socket_setsockopt(p->client, cfd, SOCK_OPT_NODELAY, 1, shim_now(p));
    shim_run_for(p, MSEC(100));
    trace_clear(sim_world_trace(p->world));
    memset(payload, 'd', sizeof payload);
    /* Ten full segments, 0.1 ms apart, all inside the initial window, so
     * each leaves when it is written; the fourth is dropped on the wire. */
    for (int i = 0; i < 10; i++) {
        wire.loss = i == 3 ? 1.0 : 0.0;
        sim_link_set_impairments(p->link, 0, &wire);
        if (socket_send(p->client, cfd, payload, 1460, shim_now(p)) != 1460) {
            scenario_fail("client send %d failed", i);
            goto done;
        }
        wire.loss = 0;
        sim_link_set_impairments(p->link, 0, &wire);
        shim_run_for(p, 100);
    }
    for (int step = 0; step < 20; step++) {
        shim_run_for(p, MSEC(5));
        read_all(p, afd, sizeof payload, 0);
    }
    rc = scenario_save(p, out);
done:
    shim_pair_free(p);
    return rc;
}

/* A bulk transfer through a bottleneck router: 10 Mbit/s, 10 ms each way,
 * a queue of 16 packets. Slow start doubles the window each round trip
 * until the queue overflows; the router drops (first), the sender sees
 * duplicate ACKs and halves (after). Drawn as a cwnd plot and a
 * time-sequence plot. */
static int bottleneck_run(const char *out, size_t bytes)
{
    struct shim_pair *p = shim_pair_new(1, NETDEV_LINK_IP);
    int lfd, cfd, afd, rc = -1;
    struct sim_impairments fwd = {.delay = MSEC(10), .rate_bps = 10000000, .queue_limit = 16};
    struct sim_impairments back = {.delay = MSEC(10)};
    size_t sent = 0, got = 0;
    if (p == NULL)
        return scenario_fail("shim_pair_new");
    sim_link_set_impairments(p->link, 0, &fwd);
    sim_link_set_impairments(p->link, 1, &back);
    if (scenario_connect(p, PORT, 0, &lfd, &cfd, &afd) < 0)
        goto done;
    shim_run_for(p, MSEC(50));
    memset(payload, 'b', sizeof payload);
    /* bounded: 30 s of virtual time in 1 ms steps */
    for (int step = 0; step < 30000 && got < bytes; step++) {
        if (sent < bytes) {
            size_t want = bytes - sent < sizeof payload ? bytes - sent : sizeof payload;
            ssize_t n = socket_send(p->client, cfd, payload, want, shim_now(p));
            if (n > 0)
                sent += (size_t)n;
        }
        got += (size_t)read_all(p, afd, sizeof payload, 0);
        shim_run_for(p, MSEC(1));
    }
    if (got < bytes) {
        scenario_fail("bottleneck: only %zu of %zu bytes arrived", got, bytes);
        goto done;
    }
    rc = scenario_save(p, out);
done:
    shim_pair_free(p);
    return rc;
}

/* 1.5 MB: three rounds of the sawtooth; 250 kB: slow start and the first
 * loss, close up. */
static int bottleneck(const char *out) { return bottleneck_run(out, 1500000); }
static int slow_start(const char *out) { return bottleneck_run(out, 250000); }

/* TCP 粘包、拆包: ten 20-byte writes in 1 ms; Nagle's algorithm sends the
 * first at once and holds the rest until it is acknowledged, so they leave
 * as one segment and one recv() returns all ten messages glued together.
 * Then one 4000-byte write is split by the MSS (1460) into three segments,
 * and recv(1000) cuts the bytes at its own boundaries. */
static int nagle_sticking(const char *out)
{
    struct shim_pair *p = shim_pair_new(1, NETDEV_LINK_IP);
    int lfd, cfd, afd, rc = -1;
    if (p == NULL)
        return scenario_fail("shim_pair_new");
    if (scenario_connect(p, PORT, 0, &lfd, &cfd, &afd) < 0)
        goto done;
    shim_run_for(p, MSEC(100));
    trace_clear(sim_world_trace(p->world));
    scenario_note(p, "client", "10 x send(20), 0.1 ms apart");
    for (int i = 0; i < 10; i++) {
        char msg[21];
        snprintf(msg, sizeof msg, "message %02d ........", i);
        if (socket_send(p->client, cfd, msg, 20, shim_now(p)) != 20) {
            scenario_fail("small send %d failed", i);
            goto done;
        }
        shim_run_for(p, 100);
    }
    shim_run_for(p, MSEC(60));
    read_all(p, afd, 1000, 1);
    shim_run_for(p, MSEC(50));
    memset(payload, 'L', sizeof payload);
    scenario_note(p, "client", "send(4000)");
    if (socket_send(p->client, cfd, payload, 4000, shim_now(p)) != 4000) {
        scenario_fail("large send failed");
        goto done;
    }
    shim_run_for(p, MSEC(5));
    read_all(p, afd, 1000, 1);
    shim_run_for(p, MSEC(60));
    rc = scenario_save(p, out);
done:
    shim_pair_free(p);
    return rc;
}

const struct scenario tcp_data_scenarios[] = {
    {"tcp_zero_window", "receive buffer full: zero window, persist probes, reopening", zero_window},
    {"tcp_fast_retransmit", "one segment lost: duplicate ACKs, fast retransmit", fast_retransmit},
    {"tcp_bottleneck", "bulk transfer through a 10 Mbit/s router with a 16-packet queue", bottleneck},
    {"tcp_slow_start", "the same router, 250 kB: slow start and the first losses", slow_start},
    {"tcp_nagle", "small writes glued by Nagle, a large write split by the MSS", nagle_sticking},
    {NULL, NULL, NULL},
};
