// tcp_open_test — the three-way handshake (the seed's 三次握手), every state
// asserted: passive open (LISTEN -> SYN_RECV -> ESTABLISHED), active open
// (CLOSED -> SYN_SENT -> ESTABLISHED), simultaneous open (SYN_SENT ->
// SYN_RECV -> ESTABLISHED on both sides), and the exact segments:
//   SYN seq=j  ->  SYN+ACK seq=k ack=j+1  ->  ACK ack=k+1.
#include <gtest/gtest.h>

#include "tests/tcp/tcp_harness.h"

namespace {

using namespace tcptest;

constexpr uint64_t kSeed = 6001;

TEST(TcpOpen, PassiveOpenAnswersSynWithSynAckAndWaitsForTheAck)
{
    OneStack s(kSeed);
    tcb *listener = tcp_open(s.tcp());
    ASSERT_EQ(tcp_bind(listener, 0, 7), 0);
    ASSERT_EQ(tcp_listen(listener, 8, s.now()), 0);
    EXPECT_EQ(tcp_state_of(s.tcp(), 0, 7, 0, 0), TCP_LISTEN) << s.Dump();

    // First step: SYN seq=j (j = 1000), MSS 1000.
    uint32_t isn_expected = tcp_isn_peek(s.tcp(), kStack, 7, kPeer, 40000, s.now());
    s.Inject({.seq = 1000, .flags = TCP_FLAG_SYN, .mss = 1000});
    EXPECT_EQ(s.StateOf(7, kPeer, 40000), TCP_SYN_RECV) << s.Dump();

    // Second step: SYN+ACK seq=k ack=j+1, our MSS (1500 - 40) and window.
    Sent synack;
    ASSERT_TRUE(s.Pop(&synack)) << s.Dump();
    EXPECT_EQ(synack.Flags(), "S.");
    EXPECT_EQ(synack.h.seq, isn_expected);
    EXPECT_EQ(synack.h.ack, 1001u);
    EXPECT_TRUE(synack.h.opt.has_mss);
    EXPECT_EQ(synack.h.opt.mss, 1460);
    EXPECT_EQ(synack.h.window, 65535);
    EXPECT_TRUE(synack.checksum_ok);
    EXPECT_EQ(synack.src, kStack);
    EXPECT_EQ(synack.dst, kPeer);
    EXPECT_EQ(synack.h.src_port, 7);
    EXPECT_EQ(synack.h.dst_port, 40000);
    EXPECT_FALSE(s.Pop(&synack));

    // Nothing to accept before the handshake completes.
    int err = 0;
    EXPECT_EQ(tcp_accept(listener, &err, s.now()), nullptr);
    EXPECT_EQ(err, -EAGAIN);

    // Third step: ACK ack=k+1.
    s.Inject({.seq = 1001, .ack = isn_expected + 1, .flags = TCP_FLAG_ACK});
    EXPECT_EQ(s.StateOf(7, kPeer, 40000), TCP_ESTABLISHED) << s.Dump();
    EXPECT_EQ(s.Pending(), 0u) << "the final ACK needs no answer";

    tcb *child = tcp_accept(listener, &err, s.now());
    ASSERT_NE(child, nullptr);
    EXPECT_EQ(tcp_get_state(child), TCP_ESTABLISHED);
    uint32_t rip = 0;
    uint16_t rport = 0;
    tcp_remote(child, &rip, &rport);
    EXPECT_EQ(rip, kPeer);
    EXPECT_EQ(rport, 40000);

    std::vector<std::string> want = {"LISTEN -> SYN_RECV", "SYN_RECV -> ESTABLISHED"};
    EXPECT_EQ(StatesOf(s.tr(), Subject(kStack, 7, kPeer, 40000)), want) << s.Dump();
    EXPECT_EQ(s.stats().passive_opens, 1u);
    EXPECT_EQ(s.stats().active_opens, 0u);
    tcp_abort(child, s.now());
    tcp_close(listener, s.now());
}

TEST(TcpOpen, ActiveOpenSendsSynThenAcksTheSynAck)
{
    OneStack s(kSeed);
    tcb *c = tcp_open(s.tcp());
    int notified = 0;
    tcp_set_notify(
        c, [](void *ctx, tcb *, usec_t) { ++*static_cast<int *>(ctx); }, &notified);
    ASSERT_EQ(tcp_connect(c, kPeer, 80, s.now()), 0);
    EXPECT_EQ(tcp_get_state(c), TCP_SYN_SENT);
    EXPECT_TRUE(tcp_connecting(c));
    uint32_t lip = 0;
    uint16_t lport = 0;
    tcp_local(c, &lip, &lport);
    EXPECT_EQ(lip, kStack);
    EXPECT_GE(lport, TCP_EPHEMERAL_FIRST);

    Sent syn;
    ASSERT_TRUE(s.Pop(&syn));
    EXPECT_EQ(syn.Flags(), "S");
    EXPECT_EQ(syn.h.ack, 0u);
    EXPECT_EQ(syn.h.opt.mss, 1460);
    EXPECT_EQ(syn.h.window, 65535);
    EXPECT_EQ(syn.h.dst_port, 80);
    EXPECT_EQ(syn.h.seq, tcp_isn_peek(s.tcp(), kStack, lport, kPeer, 80, s.now()));
    uint32_t iss = syn.h.seq;

    // The peer's SYN+ACK, with MSS 1000.
    s.Inject({.sport = 80, .dport = lport, .seq = 5000, .ack = iss + 1,
              .flags = TCP_FLAG_SYN | TCP_FLAG_ACK, .mss = 1000});
    EXPECT_EQ(tcp_get_state(c), TCP_ESTABLISHED) << s.Dump();
    EXPECT_GT(notified, 0) << "the user hears that the connection is up";
    EXPECT_TRUE(tcp_writable(c));

    Sent ack;
    ASSERT_TRUE(s.Pop(&ack)) << s.Dump();
    EXPECT_EQ(ack.Flags(), ".");
    EXPECT_EQ(ack.h.seq, iss + 1);
    EXPECT_EQ(ack.h.ack, 5001u);
    EXPECT_EQ(ack.h.opt.layout_len, 0) << "no options after the SYN";

    // The peer's MSS bounds our segments: 2500 bytes go as 1000+1000+500.
    std::string data(2500, 'x');
    EXPECT_EQ(tcp_send(c, data.data(), data.size(), s.now()), 2500);
    Sent d;
    std::vector<size_t> sizes;
    while (s.Pop(&d))
        sizes.push_back(d.data.size());
    EXPECT_EQ(sizes, (std::vector<size_t>{1000, 1000, 500}));
    EXPECT_TRUE(d.h.flags & TCP_FLAG_PSH) << "the last segment of a write carries PSH";

    std::vector<std::string> want = {"CLOSED -> SYN_SENT", "SYN_SENT -> ESTABLISHED"};
    EXPECT_EQ(StatesOf(s.tr(), Subject(kStack, lport, kPeer, 80)), want) << s.Dump();
    EXPECT_EQ(s.stats().active_opens, 1u);
    tcp_abort(c, s.now());
}

TEST(TcpOpen, SynAckAckingTheWrongSequenceIsAnsweredWithReset)
{
    OneStack s(kSeed);
    tcb *c = tcp_open(s.tcp());
    ASSERT_EQ(tcp_connect(c, kPeer, 80, s.now()), 0);
    Sent syn;
    ASSERT_TRUE(s.Pop(&syn));
    // RFC 9293 §3.10.7.3: SEG.ACK =< ISS: "send a reset <SEQ=SEG.ACK><CTL=RST>".
    s.Inject({.sport = 80, .dport = syn.h.src_port, .seq = 5000, .ack = syn.h.seq,
              .flags = TCP_FLAG_SYN | TCP_FLAG_ACK});
    Sent rst;
    ASSERT_TRUE(s.Pop(&rst));
    EXPECT_EQ(rst.Flags(), "R");
    EXPECT_EQ(rst.h.seq, syn.h.seq);
    EXPECT_EQ(tcp_get_state(c), TCP_SYN_SENT) << "the connection attempt goes on";
    tcp_abort(c, s.now());
}

TEST(TcpOpen, ResetAnsweringTheSynRefusesTheConnection)
{
    OneStack s(kSeed);
    tcb *c = tcp_open(s.tcp());
    ASSERT_EQ(tcp_connect(c, kPeer, 80, s.now()), 0);
    Sent syn;
    ASSERT_TRUE(s.Pop(&syn));
    // An RST without ACK is not acceptable in SYN-SENT: ignored.
    s.Inject({.sport = 80, .dport = syn.h.src_port, .seq = 0, .flags = TCP_FLAG_RST});
    EXPECT_EQ(tcp_get_state(c), TCP_SYN_SENT);
    // RST,ACK acknowledging our SYN: "connection refused".
    s.Inject({.sport = 80, .dport = syn.h.src_port, .seq = 0, .ack = syn.h.seq + 1,
              .flags = TCP_FLAG_RST | TCP_FLAG_ACK});
    EXPECT_EQ(tcp_get_state(c), TCP_CLOSED);
    EXPECT_EQ(tcp_error(c), -ECONNREFUSED);
    EXPECT_EQ(s.stats().attempt_fails, 1u);
    tcp_close(c, s.now());
}

TEST(TcpOpen, SimultaneousOpenAgainstAScriptedPeer)
{
    OneStack s(kSeed);
    tcb *c = tcp_open(s.tcp());
    ASSERT_EQ(tcp_bind(c, 0, 5000), 0);
    ASSERT_EQ(tcp_connect(c, kPeer, 6000, s.now()), 0);
    Sent syn;
    ASSERT_TRUE(s.Pop(&syn));
    uint32_t iss = syn.h.seq;

    // RFC 9293 Figure 8: the peer's SYN crosses ours.
    s.Inject({.sport = 6000, .dport = 5000, .seq = 300, .flags = TCP_FLAG_SYN, .mss = 1460});
    EXPECT_EQ(tcp_get_state(c), TCP_SYN_RECV) << s.Dump();
    Sent synack;
    ASSERT_TRUE(s.Pop(&synack));
    EXPECT_EQ(synack.Flags(), "S.");
    EXPECT_EQ(synack.h.seq, iss) << "the same ISS again, now with the ACK";
    EXPECT_EQ(synack.h.ack, 301u);

    // The peer's SYN,ACK: <SEQ=300><ACK=ISS+1>.
    s.Inject({.sport = 6000, .dport = 5000, .seq = 300, .ack = iss + 1,
              .flags = TCP_FLAG_SYN | TCP_FLAG_ACK, .mss = 1460});
    EXPECT_EQ(tcp_get_state(c), TCP_ESTABLISHED) << s.Dump();
    std::vector<std::string> want = {"CLOSED -> SYN_SENT", "SYN_SENT -> SYN_RECV",
                                     "SYN_RECV -> ESTABLISHED"};
    EXPECT_EQ(StatesOf(s.tr(), Subject(kStack, 5000, kPeer, 6000)), want) << s.Dump();
    tcp_abort(c, s.now());
}

TEST(TcpOpen, SimultaneousOpenBetweenTwoStacks)
{
    Pair p(kSeed);
    tcb *a = tcp_open(p.client());
    tcb *b = tcp_open(p.server());
    ASSERT_EQ(tcp_bind(a, 0, 5000), 0);
    ASSERT_EQ(tcp_bind(b, 0, 6000), 0);
    // Both SYNs leave at the same instant and cross on the 1 ms wire.
    ASSERT_EQ(tcp_connect(a, kStack, 6000, p.now()), 0);
    ASSERT_EQ(tcp_connect(b, kPeer, 5000, p.now()), 0);
    p.RunFor(usec_from_msec(10));
    EXPECT_EQ(tcp_get_state(a), TCP_ESTABLISHED) << p.Dump();
    EXPECT_EQ(tcp_get_state(b), TCP_ESTABLISHED) << p.Dump();
    std::vector<std::string> want = {"CLOSED -> SYN_SENT", "SYN_SENT -> SYN_RECV",
                                     "SYN_RECV -> ESTABLISHED"};
    EXPECT_EQ(StatesOf(p.tr(), Subject(kPeer, 5000, kStack, 6000)), want) << p.Dump();
    EXPECT_EQ(StatesOf(p.tr(), Subject(kStack, 6000, kPeer, 5000)), want) << p.Dump();

    // And data flows both ways afterwards.
    ASSERT_EQ(tcp_send(a, "ping", 4, p.now()), 4);
    ASSERT_EQ(tcp_send(b, "pong", 4, p.now()), 4);
    p.RunFor(usec_from_msec(10));
    char buf[8];
    EXPECT_EQ(tcp_receive(b, buf, sizeof buf, p.now()), 4);
    EXPECT_EQ(std::string(buf, 4), "ping");
    EXPECT_EQ(tcp_receive(a, buf, sizeof buf, p.now()), 4);
    EXPECT_EQ(std::string(buf, 4), "pong");
    tcp_abort(a, p.now());
    tcp_abort(b, p.now());
}

TEST(TcpOpen, HandshakeBetweenTwoStacksTakesOneRoundTrip)
{
    Pair p(kSeed);
    tcb *l = tcp_open(p.server());
    ASSERT_EQ(tcp_bind(l, 0, 7), 0);
    ASSERT_EQ(tcp_listen(l, 4, p.now()), 0);
    tcb *c = tcp_open(p.client());
    usec_t t0 = p.now();
    ASSERT_EQ(tcp_connect(c, kStack, 7, t0), 0);
    // 1 ms each way: the client is ESTABLISHED after one RTT (2 ms), the
    // server after one and a half (3 ms).
    p.RunUntil(t0 + usec_from_msec(2));
    EXPECT_EQ(tcp_get_state(c), TCP_ESTABLISHED) << p.Dump();
    uint16_t cport = 0;
    tcp_local(c, nullptr, &cport);
    EXPECT_EQ(tcp_state_of(p.server(), kStack, 7, kPeer, cport), TCP_SYN_RECV) << p.Dump();
    p.RunUntil(t0 + usec_from_msec(3));
    EXPECT_EQ(tcp_state_of(p.server(), kStack, 7, kPeer, cport), TCP_ESTABLISHED) << p.Dump();
    int err;
    tcb *child = tcp_accept(l, &err, p.now());
    ASSERT_NE(child, nullptr);
    tcp_abort(child, p.now());
    tcp_abort(c, p.now());
    tcp_close(l, p.now());
}

}  // namespace
