// tcp_keepalive_test — the seed's 客户端突然故障: keep-alive probes after
// 2 h idle, every 75 s, and after 9 unanswered probes the connection is
// dropped (the seed says 10; Linux uses 9). Also the user timeout
// (RFC 5482).
#include <gtest/gtest.h>

#include "stack/socket/socket.h"
#include "tests/tcp/tcp_harness.h"

namespace {

using namespace tcptest;

constexpr uint64_t kSeed = 6015;

TEST(TcpKeepalive, OffByDefault)
{
    OneStack s(kSeed);
    Conn c = s.Passive();
    s.RunFor(usec_from_sec(10 * 3600));
    EXPECT_EQ(s.Pending(), 0u);
    EXPECT_EQ(tcp_get_state(c.t), TCP_ESTABLISHED) << "an idle connection lives for ever";
    tcp_abort(c.t, s.now());
    tcp_close(c.listener, s.now());
}

TEST(TcpKeepalive, ProbesAfterTwoHoursEverySeventyFiveSecondsThenDrops)
{
    OneStack s(kSeed);
    Conn c = s.Passive();
    usec_t t0 = s.now();
    ASSERT_EQ(tcp_set_keepalive(c.t, true, t0), 0);
    int notified = 0;
    tcp_set_notify(
        c.t, [](void *ctx, tcb *, usec_t) { ++*static_cast<int *>(ctx); }, &notified);

    std::vector<usec_t> probes;   // seconds after t0
    Sent d;
    for (int k = 0; k < 20 && tcp_get_state(c.t) == TCP_ESTABLISHED; k++) {
        s.RunUntil(stack_next_deadline(s.st()));
        while (s.Pop(&d)) {
            if (d.Flags() == ".") {
                EXPECT_EQ(d.h.seq, c.stack_nxt - 1) << "an old sequence number: SND.UNA - 1";
                EXPECT_TRUE(d.data.empty());
                probes.push_back((d.time - t0) / USEC_PER_SEC);
            } else {
                EXPECT_EQ(d.Flags(), "R.") << "then the reset";
            }
        }
    }
    std::vector<usec_t> want;
    for (int k = 0; k < 9; k++)
        want.push_back(7200 + 75 * k);
    EXPECT_EQ(probes, want) << s.Dump();
    EXPECT_EQ(tcp_get_state(c.t), TCP_CLOSED);
    EXPECT_EQ(tcp_error(c.t), -ETIMEDOUT);
    EXPECT_EQ(s.now() - t0, usec_from_sec(7200 + 75 * 9)) << "dropped 75 s after the 9th probe";
    EXPECT_GT(notified, 0);
    EXPECT_EQ(s.stats().keepalive_probes, 9u);
    tcp_close(c.t, s.now());
    tcp_close(c.listener, s.now());
}

TEST(TcpKeepalive, AnAnswerKeepsTheConnection)
{
    OneStack s(kSeed);
    Conn c = s.Passive();
    usec_t t0 = s.now();
    ASSERT_EQ(tcp_set_keepalive(c.t, true, t0), 0);
    s.RunUntil(t0 + usec_from_sec(7200));
    Sent probe;
    ASSERT_TRUE(s.Pop(&probe));
    // The peer is alive: it answers the old sequence number with an ACK.
    s.Inject(c.From(TCP_FLAG_ACK));
    s.RunUntil(t0 + usec_from_sec(7200 + 75 * 20));
    EXPECT_EQ(s.Pending(), 0u) << "idle starts over: next probe only 2 h after the answer";
    EXPECT_EQ(tcp_get_state(c.t), TCP_ESTABLISHED);
    s.RunUntil(t0 + usec_from_sec(2 * 7200));
    EXPECT_EQ(s.Pending(), 1u);
    tcp_abort(c.t, s.now());
    tcp_close(c.listener, s.now());
}

TEST(TcpKeepalive, ConfigurableThroughSocketOptions)
{
    OneStack s(kSeed);
    int fd = socket_open(s.st(), SOCK_TYPE_STREAM);
    ASSERT_EQ(socket_setsockopt(s.st(), fd, SOCK_OPT_KEEPALIVE, 1, s.now()), 0);
    ASSERT_EQ(socket_setsockopt(s.st(), fd, SOCK_OPT_KEEPIDLE, 10, s.now()), 0);
    ASSERT_EQ(socket_setsockopt(s.st(), fd, SOCK_OPT_KEEPINTVL, 2, s.now()), 0);
    ASSERT_EQ(socket_setsockopt(s.st(), fd, SOCK_OPT_KEEPCNT, 3, s.now()), 0);
    EXPECT_EQ(socket_setsockopt(s.st(), fd, SOCK_OPT_KEEPIDLE, 0, s.now()), -EINVAL);
    sock_addr to = {kPeer, 80};
    ASSERT_EQ(socket_connect(s.st(), fd, &to, s.now()), -EINPROGRESS);
    Sent syn;
    ASSERT_TRUE(s.Pop(&syn));
    usec_t t0 = s.now();
    s.Inject({.sport = 80, .dport = syn.h.src_port, .seq = 0, .ack = syn.h.seq + 1,
              .flags = TCP_FLAG_SYN | TCP_FLAG_ACK, .mss = 1460});
    s.Clear();
    s.RunUntil(t0 + usec_from_sec(10 + 2 * 3));
    int err = 0;
    ASSERT_EQ(socket_getsockopt(s.st(), fd, SOCK_OPT_ERROR, &err), 0);
    EXPECT_EQ(err, ETIMEDOUT) << "idle 10 s, 3 probes 2 s apart, then dropped at 16 s";
    EXPECT_EQ(s.stats().keepalive_probes, 3u);
    socket_close(s.st(), fd, s.now());
}

TEST(TcpUserTimeout, UnacknowledgedDataFailsAfterTheUserTimeout)
{
    OneStack s(kSeed);
    Conn c = s.Passive();
    tcp_set_user_timeout(c.t, usec_from_sec(5));
    usec_t t0 = s.now();
    ASSERT_EQ(tcp_send(c.t, "lost", 4, t0), 4);
    // Retransmissions at 0.2, 0.6, 1.4, 3.0, 6.2 s: at 6.2 s the data has
    // been unacknowledged for more than 5 s.
    s.RunUntil(t0 + usec_from_msec(6199));
    EXPECT_EQ(tcp_get_state(c.t), TCP_ESTABLISHED);
    s.RunUntil(t0 + usec_from_msec(6200));
    EXPECT_EQ(tcp_get_state(c.t), TCP_CLOSED) << s.Dump();
    EXPECT_EQ(tcp_error(c.t), -ETIMEDOUT);
    EXPECT_EQ(s.stats().user_timeouts, 1u);
    tcp_close(c.t, s.now());
    tcp_close(c.listener, s.now());
}

}  // namespace
