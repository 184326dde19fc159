// socket_api_test — the socket API over UDP, in virtual time: descriptors,
// the errno-style errors every call can return, readiness (poll and the
// callback), a datagram exchange between two stacks, ECONNREFUSED on a
// connected socket after a port unreachable, options and shutdown.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "stack/socket/sock_table.h"
#include "stack/socket/socket.h"
#include "stack/stack.h"
#include "tests/socket/sock_fixture.h"

namespace {

const struct sock_addr kServer7 = {SHIM_SERVER_ADDR, 7};

class SocketApi : public ::testing::Test {
protected:
    void TearDown() override
    {
        if (HasFailure())
            std::fprintf(stderr, "seed %llu\n%s", (unsigned long long)seed, env.dump().c_str());
    }
    struct stack *client() { return env.get()->client; }
    struct stack *server() { return env.get()->server; }
    usec_t now() { return shim_now(env.get()); }
    void run_ms(uint64_t ms) { shim_run_for(env.get(), usec_from_msec(ms)); }
    int udp(struct stack *st)
    {
        int fd = socket_open(st, SOCK_TYPE_DGRAM);
        EXPECT_GE(fd, 0);
        return fd;
    }

    uint64_t seed = 5101;
    socktest::PairWithSockets env{seed};
};

TEST_F(SocketApi, DescriptorsStartAtThreeAndTheLowestFreeIsReused)
{
    int a = udp(client()), b = udp(client()), c = udp(client());
    EXPECT_EQ(a, 3);
    EXPECT_EQ(b, 4);
    EXPECT_EQ(c, 5);
    EXPECT_EQ(socket_close(client(), b, now()), 0);
    EXPECT_EQ(udp(client()), 4);
    EXPECT_EQ(sock_table_count(client()->socks), 3u);
}

TEST_F(SocketApi, BadDescriptorIsEBADF)
{
    char buf[8];
    struct sock_addr a = {0, 0};
    int v = 0;
    for (int fd : {-1, 0, 2, 3, 999, 100000}) {
        SCOPED_TRACE("fd " + std::to_string(fd));
        EXPECT_EQ(socket_bind(client(), fd, &a), -EBADF);
        EXPECT_EQ(socket_connect(client(), fd, &kServer7, now()), -EBADF);
        EXPECT_EQ(socket_send(client(), fd, "x", 1, now()), -EBADF);
        EXPECT_EQ(socket_recv(client(), fd, buf, sizeof buf, now()), -EBADF);
        EXPECT_EQ(socket_close(client(), fd, now()), -EBADF);
        EXPECT_EQ(socket_getsockopt(client(), fd, SOCK_OPT_ERROR, &v), -EBADF);
        EXPECT_EQ(socket_events(client(), fd), -EBADF);
    }
    int fd = udp(client());
    EXPECT_EQ(socket_close(client(), fd, now()), 0);
    EXPECT_EQ(socket_close(client(), fd, now()), -EBADF) << "closed twice";
}

TEST_F(SocketApi, UnsupportedThingsSaySo)
{
    EXPECT_EQ(socket_open(client(), 99), -EPROTONOSUPPORT);
    int fd = udp(client());
    struct sock_addr peer;
    EXPECT_EQ(socket_listen(client(), fd, 5, now()), -EOPNOTSUPP);
    EXPECT_EQ(socket_accept(client(), fd, &peer, now()), -EOPNOTSUPP);
    EXPECT_EQ(socket_setsockopt(client(), fd, SOCK_OPT_NODELAY, 1, now()), -ENOPROTOOPT);
    EXPECT_EQ(socket_shutdown(client(), fd, 7, now()), -EINVAL);
    EXPECT_EQ(socket_shutdown(client(), fd, SOCK_SHUT_WR, now()), -ENOTCONN);
}

TEST_F(SocketApi, BindInUseRecvEmptyAndSendUnconnected)
{
    int a = udp(server()), b = udp(server());
    struct sock_addr any53 = {0, 53};
    EXPECT_EQ(socket_bind(server(), a, &any53), 0);
    EXPECT_EQ(socket_bind(server(), b, &any53), -EADDRINUSE);
    char buf[16];
    EXPECT_EQ(socket_recv(server(), a, buf, sizeof buf, now()), -EAGAIN);
    EXPECT_EQ(socket_send(server(), a, "x", 1, now()), -EDESTADDRREQ);
    struct sock_addr name;
    EXPECT_EQ(socket_getpeername(server(), a, &name), -ENOTCONN);
    ASSERT_EQ(socket_getsockname(server(), a, &name), 0);
    EXPECT_EQ(name.ip, 0u);
    EXPECT_EQ(name.port, 53);
}

TEST_F(SocketApi, DatagramExchangeWithPollAndCallback)
{
    struct Seen {
        int calls = 0;
        int fd = -1;
        unsigned events = 0;
    } seen;
    int srv = udp(server());
    struct sock_addr any7 = {0, 7};
    ASSERT_EQ(socket_bind(server(), srv, &any7), 0);
    ASSERT_EQ(socket_set_callback(
                  server(), srv,
                  [](void *ctx, int fd, unsigned events, usec_t) {
                      auto *s = static_cast<Seen *>(ctx);
                      s->calls++;
                      s->fd = fd;
                      s->events = events;
                  },
                  &seen),
              0);

    int cli = udp(client());
    struct sock_pollfd pfd = {srv, SOCK_POLLIN, 0};
    EXPECT_EQ(socket_poll(server(), &pfd, 1), 0);
    EXPECT_EQ(socket_events(server(), srv), SOCK_POLLOUT);
    ASSERT_EQ(socket_sendto(client(), cli, "ping", 4, &kServer7, now()), 4);
    run_ms(10);

    EXPECT_EQ(seen.calls, 1);
    EXPECT_EQ(seen.fd, srv);
    EXPECT_EQ(seen.events, (unsigned)(SOCK_POLLIN | SOCK_POLLOUT));
    EXPECT_EQ(socket_poll(server(), &pfd, 1), 1);
    EXPECT_EQ(pfd.revents, SOCK_POLLIN);

    char buf[16];
    struct sock_addr from = {0, 0};
    ASSERT_EQ(socket_recvfrom(server(), srv, buf, sizeof buf, &from, now()), 4);
    EXPECT_EQ(std::string(buf, 4), "ping");
    EXPECT_EQ(from.ip, SHIM_CLIENT_ADDR);
    struct sock_addr cli_name;
    ASSERT_EQ(socket_getsockname(client(), cli, &cli_name), 0);
    EXPECT_EQ(from.port, cli_name.port) << "sendto bound an ephemeral port";

    ASSERT_EQ(socket_sendto(server(), srv, "pong", 4, &from, now()), 4);
    run_ms(10);
    struct sock_addr reply_from;
    ASSERT_EQ(socket_recvfrom(client(), cli, buf, sizeof buf, &reply_from, now()), 4);
    EXPECT_EQ(std::string(buf, 4), "pong");
    EXPECT_EQ(reply_from.ip, SHIM_SERVER_ADDR);
    EXPECT_EQ(reply_from.port, 7);
}

TEST_F(SocketApi, ConnectedSocketGetsConnectionRefused)
{
    int fd = udp(client());
    struct sock_addr closed = {SHIM_SERVER_ADDR, 9};
    ASSERT_EQ(socket_connect(client(), fd, &closed, now()), 0);
    struct sock_addr peer;
    ASSERT_EQ(socket_getpeername(client(), fd, &peer), 0);
    EXPECT_EQ(peer.port, 9);
    ASSERT_EQ(socket_send(client(), fd, "x", 1, now()), 1);
    run_ms(10);
    EXPECT_EQ(socket_events(client(), fd), SOCK_POLLOUT | SOCK_POLLERR);
    char buf[4];
    EXPECT_EQ(socket_recv(client(), fd, buf, sizeof buf, now()), -ECONNREFUSED);
    EXPECT_STREQ(socket_strerror(-ECONNREFUSED), "Connection refused");
    EXPECT_EQ(socket_recv(client(), fd, buf, sizeof buf, now()), -EAGAIN) << "reported once";

    // Again, this time read through SO_ERROR, which clears it too.
    ASSERT_EQ(socket_send(client(), fd, "x", 1, now()), 1);
    run_ms(1500);   // past the ICMP rate limiter's refill
    int err = 0;
    ASSERT_EQ(socket_getsockopt(client(), fd, SOCK_OPT_ERROR, &err), 0);
    EXPECT_EQ(err, ECONNREFUSED);
    ASSERT_EQ(socket_getsockopt(client(), fd, SOCK_OPT_ERROR, &err), 0);
    EXPECT_EQ(err, 0);
}

TEST_F(SocketApi, OptionsAndShutdown)
{
    int fd = udp(server());
    int v = 0;
    ASSERT_EQ(socket_getsockopt(server(), fd, SOCK_OPT_RCVBUF, &v), 0);
    EXPECT_EQ(v, 64 * 1024);
    EXPECT_EQ(socket_setsockopt(server(), fd, SOCK_OPT_RCVBUF, 1000, now()), 0);
    ASSERT_EQ(socket_getsockopt(server(), fd, SOCK_OPT_RCVBUF, &v), 0);
    EXPECT_EQ(v, 1000);
    EXPECT_EQ(socket_setsockopt(server(), fd, SOCK_OPT_RCVBUF, 0, now()), -EINVAL);
    EXPECT_EQ(socket_setsockopt(server(), fd, SOCK_OPT_REUSEADDR, 1, now()), 0);
    ASSERT_EQ(socket_getsockopt(server(), fd, SOCK_OPT_REUSEADDR, &v), 0);
    EXPECT_EQ(v, 1);
    EXPECT_EQ(socket_getsockopt(server(), fd, SOCK_OPT_TCP_STATE, &v), -ENOPROTOOPT);

    struct sock_addr peer = {SHIM_CLIENT_ADDR, 5000};
    ASSERT_EQ(socket_connect(server(), fd, &peer, now()), 0);
    ASSERT_EQ(socket_shutdown(server(), fd, SOCK_SHUT_RD, now()), 0);
    char buf[4];
    EXPECT_EQ(socket_recv(server(), fd, buf, sizeof buf, now()), 0) << "end of file";
    EXPECT_EQ(socket_events(server(), fd), SOCK_POLLIN | SOCK_POLLOUT);
    ASSERT_EQ(socket_shutdown(server(), fd, SOCK_SHUT_WR, now()), 0);
    EXPECT_EQ(socket_send(server(), fd, "x", 1, now()), -EPIPE);
    EXPECT_EQ(socket_events(server(), fd), SOCK_POLLIN | SOCK_POLLHUP);
}

TEST_F(SocketApi, TableFullIsEMFILE)
{
    std::vector<int> fds;
    for (int i = SOCK_FIRST_FD; i < SOCK_TABLE_SIZE; i++) {
        int fd = socket_open(client(), SOCK_TYPE_DGRAM);
        ASSERT_EQ(fd, i);
        fds.push_back(fd);
    }
    EXPECT_EQ(socket_open(client(), SOCK_TYPE_DGRAM), -EMFILE);
    EXPECT_EQ(socket_close(client(), fds[10], now()), 0);
    EXPECT_EQ(socket_open(client(), SOCK_TYPE_DGRAM), fds[10]);
}

TEST(SocketStrerror, NamesTheErrors)
{
    EXPECT_STREQ(socket_strerror(ECONNREFUSED), "Connection refused");
    EXPECT_STREQ(socket_strerror(-EAGAIN), "Resource temporarily unavailable");
    EXPECT_STREQ(socket_strerror(-EBADF), "Bad file descriptor");
    EXPECT_STREQ(socket_strerror(-EADDRINUSE), "Address already in use");
    EXPECT_STREQ(socket_strerror(0), "Success");
    EXPECT_STREQ(socket_strerror(-4242), "Unknown error");
    // The same words as the C library's, so students see familiar messages.
    for (int e : {EPIPE, ETIMEDOUT, ECONNRESET, EHOSTUNREACH, EMSGSIZE, EINPROGRESS})
        EXPECT_STREQ(socket_strerror(-e), strerror(e));
}

}  // namespace
