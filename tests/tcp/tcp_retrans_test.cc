// tcp_retrans_test — retransmission with exponential backoff (RFC 6298
// §5.5), exact in virtual time: SYN at 0, 1, 3, 7, 15, 31, 63 s and
// ETIMEDOUT at 127 s (Linux's tcp_syn_retries = 6); an optional connect
// timeout; SYN+ACK, FIN and data retransmission.
#include <gtest/gtest.h>

#include "tests/tcp/tcp_harness.h"

namespace {

using namespace tcptest;

constexpr uint64_t kSeed = 6005;

// Send times (relative to t0, in ms) of every segment the stack sends
// until `until`, with the flags it carried.
std::vector<std::pair<usec_t, std::string>> Collect(OneStack &s, usec_t t0, usec_t until)
{
    std::vector<std::pair<usec_t, std::string>> out;
    Sent seg;
    while (s.Pop(&seg))
        out.push_back({(seg.time - t0) / USEC_PER_MSEC, seg.Flags()});
    while (s.now() < until) {
        usec_t next = stack_next_deadline(s.st());
        if (next == USEC_NEVER || next > until)
            break;
        s.RunUntil(next);
        while (s.Pop(&seg))
            out.push_back({(seg.time - t0) / USEC_PER_MSEC, seg.Flags()});
    }
    s.RunUntil(until);
    return out;
}

TEST(TcpRetrans, SynBacksOffThenConnectTimesOut)
{
    OneStack s(kSeed);
    tcb *c = tcp_open(s.tcp());
    int notified = 0;
    tcp_set_notify(
        c, [](void *ctx, tcb *, usec_t) { ++*static_cast<int *>(ctx); }, &notified);
    usec_t t0 = s.now();
    ASSERT_EQ(tcp_connect(c, kPeer, 80, t0), 0);

    auto sent = Collect(s, t0, t0 + usec_from_sec(126));
    std::vector<std::pair<usec_t, std::string>> want = {
        {0, "S"}, {1000, "S"}, {3000, "S"}, {7000, "S"}, {15000, "S"}, {31000, "S"}, {63000, "S"}};
    EXPECT_EQ(sent, want) << s.Dump();
    EXPECT_EQ(tcp_get_state(c), TCP_SYN_SENT) << "still trying at 126 s";
    EXPECT_EQ(notified, 0);

    s.RunUntil(t0 + usec_from_sec(127) - 1);
    EXPECT_EQ(tcp_get_state(c), TCP_SYN_SENT);
    s.RunUntil(t0 + usec_from_sec(127));
    EXPECT_EQ(tcp_get_state(c), TCP_CLOSED) << s.Dump();
    EXPECT_EQ(tcp_error(c), -ETIMEDOUT);
    EXPECT_GT(notified, 0);
    EXPECT_EQ(s.Pending(), 0u) << "giving up sends nothing";
    EXPECT_EQ(s.stats().retrans_segs, 6u);
    EXPECT_EQ(s.stats().timeouts, 1u);
    EXPECT_EQ(s.stats().attempt_fails, 1u);
    tcp_close(c, s.now());
}

TEST(TcpRetrans, ConnectTimeoutCutsItShort)
{
    tcp_config cfg = DefaultConfig();
    cfg.connect_timeout = usec_from_sec(10);
    OneStack s(kSeed, &cfg);
    tcb *c = tcp_open(s.tcp());
    usec_t t0 = s.now();
    ASSERT_EQ(tcp_connect(c, kPeer, 80, t0), 0);
    auto sent = Collect(s, t0, t0 + usec_from_sec(10) - 1);
    EXPECT_EQ(sent.size(), 4u) << "0, 1, 3, 7 s";
    EXPECT_EQ(tcp_get_state(c), TCP_SYN_SENT);
    s.RunUntil(t0 + usec_from_sec(10));
    EXPECT_EQ(tcp_get_state(c), TCP_CLOSED);
    EXPECT_EQ(tcp_error(c), -ETIMEDOUT);
    tcp_close(c, s.now());
}

TEST(TcpRetrans, FewerSynRetriesGiveUpSooner)
{
    tcp_config cfg = DefaultConfig();
    cfg.syn_retries = 2;
    OneStack s(kSeed, &cfg);
    tcb *c = tcp_open(s.tcp());
    usec_t t0 = s.now();
    ASSERT_EQ(tcp_connect(c, kPeer, 80, t0), 0);
    auto sent = Collect(s, t0, t0 + usec_from_sec(7));
    EXPECT_EQ(sent.size(), 3u);
    EXPECT_EQ(tcp_error(c), -ETIMEDOUT) << "0, 1, 3 s, then gave up at 7 s";
    tcp_close(c, s.now());
}

TEST(TcpRetrans, SynAckIsRetransmittedThenTheHalfOpenConnectionDies)
{
    OneStack s(kSeed);
    tcb *l = tcp_open(s.tcp());
    ASSERT_EQ(tcp_bind(l, 0, 7), 0);
    ASSERT_EQ(tcp_listen(l, 4, s.now()), 0);
    usec_t t0 = s.now();
    s.Inject({.seq = 1000, .flags = TCP_FLAG_SYN, .mss = 1460});
    auto sent = Collect(s, t0, t0 + usec_from_sec(62));
    std::vector<std::pair<usec_t, std::string>> want = {
        {0, "S."}, {1000, "S."}, {3000, "S."}, {7000, "S."}, {15000, "S."}, {31000, "S."}};
    EXPECT_EQ(sent, want) << s.Dump();
    EXPECT_EQ(s.StateOf(7, kPeer, 40000), TCP_SYN_RECV);
    s.RunUntil(t0 + usec_from_sec(63));
    EXPECT_EQ(s.StateOf(7, kPeer, 40000), TCP_CLOSED) << "synack_retries = 5";
    EXPECT_EQ(s.Pending(), 0u);
    EXPECT_EQ(tcp_get_state(l), TCP_LISTEN);
    tcp_close(l, s.now());
}

TEST(TcpRetrans, RetransmittedSynGetsTheSynAckAgainAtOnce)
{
    OneStack s(kSeed);
    tcb *l = tcp_open(s.tcp());
    ASSERT_EQ(tcp_bind(l, 0, 7), 0);
    ASSERT_EQ(tcp_listen(l, 4, s.now()), 0);
    s.Inject({.seq = 1000, .flags = TCP_FLAG_SYN, .mss = 1460});
    Sent a, b;
    ASSERT_TRUE(s.Pop(&a));
    s.RunFor(usec_from_msec(300));
    s.Inject({.seq = 1000, .flags = TCP_FLAG_SYN, .mss = 1460});
    ASSERT_TRUE(s.Pop(&b)) << s.Dump();
    EXPECT_EQ(b.Flags(), "S.");
    EXPECT_EQ(b.h.seq, a.h.seq);
    EXPECT_EQ(b.h.ack, 1001u);
    tcp_close(l, s.now());
}

// In OneStack the peer answers instantly, so the handshake's RTT sample is
// 0 and RFC 6298 gives RTO = SRTT + max(G, 4 RTTVAR) = 1 ms, raised to
// rto_min = 200 ms; each timeout doubles it: 200, 400, 800, 1600 ms ...

TEST(TcpRetrans, FinIsRetransmittedUntilAcked)
{
    OneStack s(kSeed);
    Conn c = s.Passive();
    usec_t t0 = s.now();
    tcp_close(c.t, t0);
    auto sent = Collect(s, t0, t0 + usec_from_msec(1400));
    std::vector<std::pair<usec_t, std::string>> want = {
        {0, "F."}, {200, "F."}, {600, "F."}, {1400, "F."}};
    EXPECT_EQ(sent, want) << s.Dump();
    EXPECT_EQ(s.StateOf(c), TCP_FIN_WAIT_1);
    c.stack_nxt += 1;
    s.Inject(c.From(TCP_FLAG_ACK));
    EXPECT_EQ(s.StateOf(c), TCP_FIN_WAIT_2);
    s.RunFor(usec_from_sec(30));
    EXPECT_EQ(s.Pending(), 0u) << "acknowledged: no more retransmissions";
    // Orphaned in FIN-WAIT-2, it gives up after fin_wait_2_timeout (60 s).
    s.RunFor(usec_from_sec(30));
    EXPECT_EQ(s.StateOf(c), TCP_CLOSED) << s.Dump();
    tcp_close(c.listener, s.now());
}

TEST(TcpRetrans, DataIsRetransmittedWithBackoffAndDeliveredOnce)
{
    OneStack s(kSeed);
    Conn c = s.Passive();
    usec_t t0 = s.now();
    ASSERT_EQ(tcp_send(c.t, "hello", 5, t0), 5);
    auto sent = Collect(s, t0, t0 + usec_from_msec(3000));
    std::vector<std::pair<usec_t, std::string>> want = {
        {0, "P."}, {200, "P."}, {600, "P."}, {1400, "P."}, {3000, "P."}};
    EXPECT_EQ(sent, want) << s.Dump();
    EXPECT_EQ(s.stats().retrans_segs, 4u);
    c.stack_nxt += 5;
    s.Inject(c.From(TCP_FLAG_ACK));
    EXPECT_EQ(tcp_send_queued(c.t), 0u);
    s.RunFor(usec_from_sec(60));
    EXPECT_EQ(s.Pending(), 0u);
    // New data acknowledged ends the backoff: the next segment is timed
    // with the RTT-based RTO again.
    usec_t t1 = s.now();
    ASSERT_EQ(tcp_send(c.t, "again", 5, t1), 5);
    auto more = Collect(s, t1, t1 + usec_from_msec(200));
    EXPECT_EQ(more.size(), 2u) << "sent, then retransmitted after 200 ms";
    tcp_abort(c.t, s.now());
    tcp_close(c.listener, s.now());
}

TEST(TcpRetrans, DataGivesUpAfterRetries)
{
    tcp_config cfg = DefaultConfig();
    cfg.retries = 3;
    OneStack s(kSeed, &cfg);
    Conn c = s.Passive();
    ASSERT_EQ(tcp_send(c.t, "x", 1, s.now()), 1);
    s.RunFor(usec_from_msec(2999));
    EXPECT_EQ(tcp_get_state(c.t), TCP_ESTABLISHED) << "retries at 0.2, 0.6, 1.4 s; then 1.6 s";
    s.RunFor(usec_from_msec(1));
    EXPECT_EQ(tcp_get_state(c.t), TCP_CLOSED) << s.Dump();
    EXPECT_EQ(tcp_error(c.t), -ETIMEDOUT);
    tcp_close(c.t, s.now());
    tcp_close(c.listener, s.now());
}

}  // namespace
