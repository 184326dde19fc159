// soak_test.cc — 20,000 TCP connections between two stacks on the
// simulated link, each opened, used (a few bytes echoed) and closed, up to
// 64 at a time, in virtual time. Afterwards, once TIME-WAIT has passed,
// nothing may be left: no connection, no socket, and the packet-buffer
// accounting back at its starting level (ASan's leak check covers the rest
// of the heap under --config=asan). Prints connections per second in
// virtual and in real time and the peak of live buffers.
//
// The server closes first (it sends the echo and closes, as an HTTP/1.0
// server does), so TIME-WAIT (60 s) is held on the server's side, keyed by
// the whole 4-tuple, and the client's 16,384 ephemeral ports are free again
// as soon as each connection ends. A client port comes back while the
// server still holds the old 4-tuple in TIME-WAIT, so SYNs that reopen a
// TIME-WAIT connection (RFC 6191) are part of the soak. (Had the client
// closed first, its ports would all sit in TIME-WAIT after ~16,000
// connections; see README.md for what that costs today.)
#include <sys/resource.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "stack/core/pkb.h"
#include "stack/core/trace.h"
#include "stack/socket/sock_table.h"
#include "stack/socket/socket.h"
#include "stack/stack.h"
#include "stack/transport/tcp.h"
#include "tests/shim/pair.h"

namespace {

constexpr uint64_t kSeed = 2011;
// TUNLAB_SOAK_CONNECTIONS overrides the count, for a quick look.
const int kConnections = getenv("TUNLAB_SOAK_CONNECTIONS") ? atoi(getenv("TUNLAB_SOAK_CONNECTIONS")) : 20000;
constexpr size_t kConcurrent = 64;
constexpr uint16_t kPort = 7;

struct Client {
    int fd = -1;
    bool sent = false;
    std::string want, got;
};

int CountConns(struct tcp *tcp, usec_t now)
{
    int n = 0;
    tcp_foreach_conn(
        tcp, [](void *ctx, const tcp_conn_info *) { ++*static_cast<int *>(ctx); }, &n, now);
    return n;
}

TEST(Soak, TwentyThousandConnectionsLeaveNothingBehind)
{
    const struct pkb_stats start = pkb_stats();
    uint64_t peak_buffers = 0, peak_bytes = 0;
    int done = 0, port_waits = 0, failures = 0;
    usec_t virtual_start = 0, virtual_end = 0;
    auto real_start = std::chrono::steady_clock::now();
    {
        shim_pair *p = shim_pair_new(kSeed, NETDEV_LINK_IP);
        ASSERT_NE(nullptr, p);
        // Keep the first events for a failure message; a soak must not
        // record 200,000 packets.
        sim_world_trace(p->world)->max_events = 2000;
        stack *c = p->client, *s = p->server;
        virtual_start = shim_now(p);

        int listener = socket_open(s, SOCK_TYPE_STREAM);
        sock_addr any = {0, kPort};
        ASSERT_EQ(0, socket_bind(s, listener, &any));
        ASSERT_EQ(0, socket_listen(s, listener, 128, shim_now(p)));

        std::vector<Client> clients;
        std::vector<int> served;
        int started = 0;
        for (long step = 0; done + failures < kConnections; step++) {
            ASSERT_LT(step, 10000000L) << "no progress: " << done << " done";
            usec_t now = shim_now(p);
            // Open new connections up to the concurrency.
            while (clients.size() < kConcurrent && started < kConnections) {
                Client cl;
                cl.fd = socket_open(c, SOCK_TYPE_STREAM);
                ASSERT_GE(cl.fd, 0);
                sock_addr to = {SHIM_SERVER_ADDR, kPort};
                int rc = socket_connect(c, cl.fd, &to, now);
                if (rc != -EINPROGRESS) {
                    // Every ephemeral port is in TIME-WAIT: wait and retry.
                    ASSERT_TRUE(rc == -EADDRNOTAVAIL || rc == -EADDRINUSE || rc == -EAGAIN)
                        << "connect: " << rc;
                    socket_close(c, cl.fd, now);
                    port_waits++;
                    break;
                }
                cl.want = "hello " + std::to_string(started++);
                clients.push_back(cl);
            }
            shim_run_for(p, 500);   // 0.5 ms of virtual time
            now = shim_now(p);

            // The server: accept, echo, close.
            sock_addr from;
            int fd;
            while ((fd = socket_accept(s, listener, &from, now)) >= 0)
                served.push_back(fd);
            for (size_t i = 0; i < served.size();) {
                char buf[64];
                ssize_t n = socket_recv(s, served[i], buf, sizeof buf, now);
                if (n > 0) {
                    ASSERT_EQ(n, socket_send(s, served[i], buf, (size_t)n, now));
                }
                if (n != -EAGAIN) {   // echoed (or EOF, or an error): close first
                    socket_close(s, served[i], now);
                    served[i] = served.back();
                    served.pop_back();
                    continue;
                }
                i++;
            }
            // The clients: send once connected, close once echoed.
            for (size_t i = 0; i < clients.size();) {
                Client &cl = clients[i];
                int ev = socket_events(c, cl.fd);
                if (ev & SOCK_POLLERR) {
                    ADD_FAILURE() << "connection " << cl.want << " failed: "
                                  << socket_strerror(socket_getsockopt(c, cl.fd, SOCK_OPT_ERROR, &ev) == 0 ? ev : 0);
                    failures++;
                } else if (!cl.sent && (ev & SOCK_POLLOUT)) {
                    ASSERT_EQ((ssize_t)cl.want.size(),
                              socket_send(c, cl.fd, cl.want.data(), cl.want.size(), now));
                    cl.sent = true;
                    i++;
                    continue;
                } else if (cl.sent && (ev & SOCK_POLLIN)) {
                    char buf[64];
                    ssize_t n = socket_recv(c, cl.fd, buf, sizeof buf, now);
                    if (n > 0)
                        cl.got.append(buf, (size_t)n);
                    if (cl.got.size() < cl.want.size()) {
                        i++;
                        continue;
                    }
                    ASSERT_EQ(cl.want, cl.got);
                    done++;
                } else {
                    i++;
                    continue;
                }
                socket_close(c, cl.fd, now);
                clients[i] = clients.back();
                clients.pop_back();
            }
            struct pkb_stats ps = pkb_stats();
            peak_buffers = std::max(peak_buffers, ps.live_buffers - start.live_buffers);
            peak_bytes = std::max(peak_bytes, ps.live_bytes - start.live_bytes);
        }
        virtual_end = shim_now(p);
        // Below every limit (issue 11): no TIME-WAIT was cut short, no
        // packet buffer refused.
        EXPECT_EQ(0u, tcp_get_stats(s->tcp)->timewait_overflow);
        EXPECT_EQ(0u, tcp_get_stats(c->tcp)->timewait_overflow);
        EXPECT_EQ(start.over_limit, pkb_stats().over_limit);

        // Let every TIME-WAIT and FIN retransmission run out.
        shim_run_for(p, usec_from_sec(130));
        for (int fd : served)
            socket_close(s, fd, shim_now(p));
        socket_close(s, listener, shim_now(p));
        shim_run_for(p, usec_from_sec(1));
        EXPECT_EQ(0, CountConns(c->tcp, shim_now(p))) << "client connections left";
        EXPECT_EQ(0, CountConns(s->tcp, shim_now(p))) << "server connections left";
        EXPECT_EQ(0u, sock_table_count(c->socks));
        EXPECT_EQ(0u, sock_table_count(s->socks));
        EXPECT_EQ(start.live_buffers, pkb_stats().live_buffers) << "before the stacks are freed";
        shim_pair_free(p);
    }
    double real_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - real_start).count();
    double virt_s = (double)(virtual_end - virtual_start) / 1e6;
    EXPECT_EQ(kConnections, done);
    EXPECT_EQ(0, failures);
    EXPECT_EQ(start.live_buffers, pkb_stats().live_buffers);
    EXPECT_EQ(start.live_bytes, pkb_stats().live_bytes);
    printf("soak (seed %llu): %d connections opened, echoed and closed\n",
           (unsigned long long)kSeed, done);
    printf("  %.1f s virtual: %.0f connections/s; %.2f s real: %.0f connections/s\n", virt_s,
           done / virt_s, real_s, done / real_s);
    printf("  peak %llu live buffers (%llu bytes); %d waits for a free ephemeral port\n",
           (unsigned long long)peak_buffers, (unsigned long long)peak_bytes, port_waits);
    printf("  buffers at the end: %llu live, as at the start\n",
           (unsigned long long)pkb_stats().live_buffers);
}

}  // namespace
