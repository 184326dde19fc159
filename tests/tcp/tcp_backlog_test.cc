// tcp_backlog_test — the listen backlog: handshakes in progress (SYN_RECV,
// entries of the listener's SYN cache) and completed connections waiting
// for accept() are both bounded; when either is full, a further SYN is
// dropped silently (no RST) and counted, so the client's SYN retransmission
// can try again later. The seed's SYN flood (三次握手的隐患) is the SYN
// cache filling with SYNs whose SYN+ACKs are never answered.
#include <gtest/gtest.h>

#include "tests/tcp/tcp_harness.h"

namespace {

using namespace tcptest;

constexpr uint64_t kSeed = 6006;

Seg SynFrom(uint16_t sport, uint32_t seq = 1000) { return SynTo(7, sport, seq); }

TEST(TcpBacklog, FullAcceptQueueDropsFurtherSynsSilently)
{
    OneStack s(kSeed);
    tcb *l = tcp_open(s.tcp());
    ASSERT_EQ(tcp_bind(l, 0, 7), 0);
    ASSERT_EQ(tcp_listen(l, 1, s.now()), 0);

    // First client: completes the handshake, waits in the accept queue.
    s.Inject(SynFrom(40001));
    Sent synack;
    ASSERT_TRUE(s.Pop(&synack));
    Seg ack = SynFrom(40001, 1001);
    ack.flags = TCP_FLAG_ACK;
    ack.ack = synack.h.seq + 1;
    ack.mss = -1;
    s.Inject(ack);
    EXPECT_EQ(s.StateOf(7, kPeer, 40001), TCP_ESTABLISHED);
    EXPECT_TRUE(tcp_acceptable(l));

    // Second client: the accept queue (backlog 1) is full: no SYN+ACK, no RST.
    s.Inject(SynFrom(40002));
    EXPECT_EQ(s.Pending(), 0u) << s.Dump();
    EXPECT_EQ(s.StateOf(7, kPeer, 40002), TCP_CLOSED);
    EXPECT_EQ(s.stats().accept_queue_full, 1u);
    EXPECT_EQ(s.stats().out_rsts, 0u);

    // The application accepts; the client's retransmitted SYN now gets in.
    int err;
    tcb *first = tcp_accept(l, &err, s.now());
    ASSERT_NE(first, nullptr);
    s.RunFor(usec_from_sec(1));
    s.Inject(SynFrom(40002));
    ASSERT_TRUE(s.Pop(&synack)) << s.Dump();
    EXPECT_EQ(synack.Flags(), "S.");
    EXPECT_EQ(s.StateOf(7, kPeer, 40002), TCP_SYN_RECV);
    tcp_abort(first, s.now());
    tcp_close(l, s.now());
}

TEST(TcpBacklog, FullSynQueueDropsFurtherSynsSilently)
{
    tcp_config cfg = DefaultConfig();
    cfg.max_syn_backlog = 3;
    OneStack s(kSeed, &cfg);
    tcb *l = tcp_open(s.tcp());
    ASSERT_EQ(tcp_bind(l, 0, 7), 0);
    ASSERT_EQ(tcp_listen(l, 16, s.now()), 0);

    // A SYN flood: spoofed SYNs whose SYN+ACKs nobody answers.
    for (uint16_t port = 50000; port < 50010; port++)
        s.Inject(SynFrom(port));
    size_t synacks = 0;
    Sent seg;
    while (s.Pop(&seg)) {
        EXPECT_EQ(seg.Flags(), "S.");
        synacks++;
    }
    EXPECT_EQ(synacks, 3u) << s.Dump();
    EXPECT_EQ(s.stats().syn_queue_full, 7u);
    EXPECT_EQ(s.stats().out_rsts, 0u);
    EXPECT_EQ(s.StateOf(7, kPeer, 50002), TCP_SYN_RECV);
    EXPECT_EQ(s.StateOf(7, kPeer, 50003), TCP_CLOSED);

    // A legitimate client is turned away too — that is the attack.
    s.Inject(SynFrom(40000));
    EXPECT_EQ(s.Pending(), 0u);

    // The half-open entries time out after their SYN+ACK retries (63 s);
    // then there is room again.
    s.RunFor(usec_from_sec(63));
    s.Clear();
    EXPECT_EQ(s.StateOf(7, kPeer, 50000), TCP_CLOSED);
    s.Inject(SynFrom(40000));
    ASSERT_TRUE(s.Pop(&seg));
    EXPECT_EQ(seg.Flags(), "S.");
    tcp_close(l, s.now());
}

TEST(TcpBacklog, FinalAckIsDroppedWhileTheAcceptQueueIsFull)
{
    OneStack s(kSeed);
    tcb *l = tcp_open(s.tcp());
    ASSERT_EQ(tcp_bind(l, 0, 7), 0);
    ASSERT_EQ(tcp_listen(l, 1, s.now()), 0);
    // Two SYNs while the accept queue is empty: both get SYN+ACKs.
    s.Inject(SynFrom(40001));
    s.Inject(SynFrom(40002));
    Sent a, b;
    ASSERT_TRUE(s.Pop(&a));
    ASSERT_TRUE(s.Pop(&b));
    Seg ack1 = SynFrom(40001, 1001);
    ack1.flags = TCP_FLAG_ACK;
    ack1.ack = a.h.seq + 1;
    s.Inject(ack1);
    Seg ack2 = SynFrom(40002, 1001);
    ack2.flags = TCP_FLAG_ACK;
    ack2.ack = b.h.seq + 1;
    s.Inject(ack2);
    // The second finds the accept queue full: like Linux, it stays in
    // SYN_RECV and its SYN+ACK retransmission gives the application time.
    EXPECT_EQ(s.StateOf(7, kPeer, 40001), TCP_ESTABLISHED);
    EXPECT_EQ(s.StateOf(7, kPeer, 40002), TCP_SYN_RECV);
    int err;
    tcb *first = tcp_accept(l, &err, s.now());
    ASSERT_NE(first, nullptr);
    s.Inject(ack2);
    EXPECT_EQ(s.StateOf(7, kPeer, 40002), TCP_ESTABLISHED);
    tcb *second = tcp_accept(l, &err, s.now());
    ASSERT_NE(second, nullptr);
    tcp_abort(first, s.now());
    tcp_abort(second, s.now());
    tcp_close(l, s.now());
}

TEST(TcpBacklog, ClosingTheListenerResetsUnacceptedConnections)
{
    OneStack s(kSeed);
    tcb *l = tcp_open(s.tcp());
    ASSERT_EQ(tcp_bind(l, 0, 7), 0);
    ASSERT_EQ(tcp_listen(l, 4, s.now()), 0);
    s.Inject(SynFrom(40001));
    Sent synack;
    ASSERT_TRUE(s.Pop(&synack));
    Seg ack = SynFrom(40001, 1001);
    ack.flags = TCP_FLAG_ACK;
    ack.ack = synack.h.seq + 1;
    s.Inject(ack);
    s.Inject(SynFrom(40002));   // half-open
    ASSERT_TRUE(s.Pop(&synack));
    tcp_close(l, s.now());
    Sent rst;
    ASSERT_TRUE(s.Pop(&rst));
    EXPECT_EQ(rst.Flags(), "R.");
    EXPECT_EQ(rst.h.dst_port, 40001);
    EXPECT_FALSE(s.Pop(&rst)) << "the half-open one vanishes silently";
    EXPECT_EQ(s.StateOf(7, kPeer, 40001), TCP_CLOSED);
    EXPECT_EQ(s.StateOf(7, kPeer, 40002), TCP_CLOSED);
}

}  // namespace
