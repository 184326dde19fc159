// tcp_reuseaddr_test — the seed's "time_wait 如何避免": a server that
// closed its connections actively leaves them in TIME-WAIT, holding its
// port; restarting the server (bind to the same port) fails with
// EADDRINUSE — unless it sets SO_REUSEADDR. Through the socket API, as an
// application would.
#include <gtest/gtest.h>

#include "stack/socket/socket.h"
#include "tests/tcp/tcp_harness.h"

namespace {

using namespace tcptest;

constexpr uint64_t kSeed = 6007;

// A server on port 7 accepts one connection from the test peer, closes it
// first, and exits: its end of the connection is left in TIME-WAIT.
void ServerRunsAndExits(OneStack &s)
{
    stack *st = s.st();
    int lfd = socket_open(st, SOCK_TYPE_STREAM);
    ASSERT_GE(lfd, 0);
    sock_addr addr = {0, 7};
    ASSERT_EQ(socket_bind(st, lfd, &addr), 0);
    ASSERT_EQ(socket_listen(st, lfd, 4, s.now()), 0);
    s.Inject({.seq = 1000, .flags = TCP_FLAG_SYN, .mss = 1460});
    Sent synack;
    ASSERT_TRUE(s.Pop(&synack));
    s.Inject({.seq = 1001, .ack = synack.h.seq + 1, .flags = TCP_FLAG_ACK});
    sock_addr peer;
    int cfd = socket_accept(st, lfd, &peer, s.now());
    ASSERT_GE(cfd, 0);
    EXPECT_EQ(peer.port, 40000);
    ASSERT_EQ(socket_close(st, cfd, s.now()), 0);   // the server closes first
    Sent fin;
    ASSERT_TRUE(s.Pop(&fin));
    s.Inject({.seq = 1001, .ack = fin.h.seq + 1, .flags = TCP_FLAG_FIN | TCP_FLAG_ACK});
    ASSERT_EQ(s.StateOf(7, kPeer, 40000), TCP_TIME_WAIT) << s.Dump();
    ASSERT_EQ(socket_close(st, lfd, s.now()), 0);   // the server exits
}

TEST(TcpReuseAddr, RebindingAPortInTimeWaitFailsWithoutTheOption)
{
    OneStack s(kSeed);
    ServerRunsAndExits(s);
    int fd = socket_open(s.st(), SOCK_TYPE_STREAM);
    sock_addr addr = {0, 7};
    EXPECT_EQ(socket_bind(s.st(), fd, &addr), -EADDRINUSE) << s.Dump();
    // It works again once TIME-WAIT is over (2MSL = 60 s).
    s.RunFor(usec_from_sec(60));
    EXPECT_EQ(socket_bind(s.st(), fd, &addr), 0) << s.Dump();
    socket_close(s.st(), fd, s.now());
}

TEST(TcpReuseAddr, RebindingAPortInTimeWaitWorksWithTheOption)
{
    OneStack s(kSeed);
    ServerRunsAndExits(s);
    int fd = socket_open(s.st(), SOCK_TYPE_STREAM);
    ASSERT_EQ(socket_setsockopt(s.st(), fd, SOCK_OPT_REUSEADDR, 1, s.now()), 0);
    int on = 0;
    ASSERT_EQ(socket_getsockopt(s.st(), fd, SOCK_OPT_REUSEADDR, &on), 0);
    EXPECT_EQ(on, 1);
    sock_addr addr = {0, 7};
    EXPECT_EQ(socket_bind(s.st(), fd, &addr), 0) << s.Dump();
    EXPECT_EQ(socket_listen(s.st(), fd, 4, s.now()), 0);
    EXPECT_EQ(s.StateOf(7, kPeer, 40000), TCP_TIME_WAIT) << "the old connection is untouched";
    socket_close(s.st(), fd, s.now());
}

TEST(TcpReuseAddr, TheOptionDoesNotStealAListeningPort)
{
    OneStack s(kSeed);
    tcb *l = tcp_open(s.tcp());
    tcp_set_reuseaddr(l, true);
    ASSERT_EQ(tcp_bind(l, 0, 7), 0);
    ASSERT_EQ(tcp_listen(l, 4, s.now()), 0);
    tcb *other = tcp_open(s.tcp());
    tcp_set_reuseaddr(other, true);
    EXPECT_EQ(tcp_bind(other, 0, 7), -EADDRINUSE);
    EXPECT_EQ(tcp_bind(other, 0, 8), 0);
    tcp_close(other, s.now());
    tcp_close(l, s.now());
}

TEST(TcpReuseAddr, SocketStateIsVisibleThroughGetsockopt)
{
    OneStack s(kSeed);
    int fd = socket_open(s.st(), SOCK_TYPE_STREAM);
    sock_addr to = {kPeer, 80};
    EXPECT_EQ(socket_connect(s.st(), fd, &to, s.now()), -EINPROGRESS);
    int state = 0;
    ASSERT_EQ(socket_getsockopt(s.st(), fd, SOCK_OPT_TCP_STATE, &state), 0);
    EXPECT_EQ(state, TCP_SYN_SENT);
    EXPECT_EQ(socket_connect(s.st(), fd, &to, s.now()), -EALREADY);
    Sent syn;
    ASSERT_TRUE(s.Pop(&syn));
    s.Inject({.sport = 80, .dport = syn.h.src_port, .seq = 0, .ack = syn.h.seq + 1,
              .flags = TCP_FLAG_RST | TCP_FLAG_ACK});
    int err = 0;
    ASSERT_EQ(socket_getsockopt(s.st(), fd, SOCK_OPT_ERROR, &err), 0);
    EXPECT_EQ(err, ECONNREFUSED);
    socket_close(s.st(), fd, s.now());
}

}  // namespace
