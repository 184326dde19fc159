// tcp_rtt_test — RFC 6298: RTT samples, SRTT/RTTVAR, the RTO computed from
// them, doubling on repeated loss, Karn's rule (no sample from a
// retransmitted segment), and SRTT recovering afterwards.
#include <gtest/gtest.h>

#include "tests/tcp/tcp_harness.h"

namespace {

using namespace tcptest;

constexpr uint64_t kSeed = 6009;

tcp_info Info(tcb *t)
{
    tcp_info i;
    tcp_get_info(t, &i);
    return i;
}

TEST(TcpRtt, HandshakeGivesTheFirstSample)
{
    OneStack s(kSeed);
    tcb *c = tcp_open(s.tcp());
    ASSERT_EQ(tcp_connect(c, kPeer, 80, s.now()), 0);
    EXPECT_EQ(Info(c).rto, usec_from_sec(1)) << "RFC 6298 §2.1: 1 s before any sample";
    Sent syn;
    ASSERT_TRUE(s.Pop(&syn));
    s.RunFor(usec_from_msec(100));   // the SYN+ACK comes back after 100 ms
    s.Inject({.sport = 80, .dport = syn.h.src_port, .seq = 5000, .ack = syn.h.seq + 1,
              .flags = TCP_FLAG_SYN | TCP_FLAG_ACK, .mss = 1460});
    tcp_info i = Info(c);
    ASSERT_TRUE(i.has_rtt);
    EXPECT_EQ(i.srtt, usec_from_msec(100));    // SRTT = R
    EXPECT_EQ(i.rttvar, usec_from_msec(50));   // RTTVAR = R/2
    EXPECT_EQ(i.rto, usec_from_msec(300));     // SRTT + 4 RTTVAR
    tcp_abort(c, s.now());
}

TEST(TcpRtt, SmoothedEstimateFollowsTheSamples)
{
    OneStack s(kSeed);
    Conn c = s.Passive();   // handshake sample: 0
    // Each segment acknowledged after 80 ms.
    usec_t srtt = 0, rttvar = 0;
    for (int k = 0; k < 6; k++) {
        ASSERT_EQ(tcp_send(c.t, "abcd", 4, s.now()), 4);
        Sent d;
        ASSERT_TRUE(s.Pop(&d));
        s.RunFor(usec_from_msec(80));
        c.stack_nxt += 4;
        s.Inject(c.From(TCP_FLAG_ACK));
        usec_t r = usec_from_msec(80);
        usec_t diff = srtt > r ? srtt - r : r - srtt;
        rttvar = (3 * rttvar + diff) / 4;
        srtt = (7 * srtt + r) / 8;
        tcp_info i = Info(c.t);
        EXPECT_EQ(i.srtt, srtt) << "sample " << k;
        EXPECT_EQ(i.rttvar, rttvar) << "sample " << k;
        usec_t rto = srtt + 4 * rttvar;
        if (rto < usec_from_msec(200))
            rto = usec_from_msec(200);
        EXPECT_EQ(i.rto, rto) << "sample " << k;
    }
    tcp_abort(c.t, s.now());
    tcp_close(c.listener, s.now());
}

TEST(TcpRtt, KarnsRuleAndRecoveryAfterLoss)
{
    OneStack s(kSeed);
    Conn c = s.Passive();
    // Establish an estimate: RTT 100 ms, a few times.
    for (int k = 0; k < 8; k++) {
        ASSERT_EQ(tcp_send(c.t, "x", 1, s.now()), 1);
        Sent d;
        ASSERT_TRUE(s.Pop(&d));
        s.RunFor(usec_from_msec(100));
        c.stack_nxt += 1;
        s.Inject(c.From(TCP_FLAG_ACK));
    }
    tcp_info before = Info(c.t);
    usec_t rto0 = before.rto;
    EXPECT_GT(rto0, usec_from_msec(200));

    // The next segment is lost twice: the RTO doubles each time.
    usec_t t0 = s.now();
    ASSERT_EQ(tcp_send(c.t, "y", 1, t0), 1);
    Sent d;
    ASSERT_TRUE(s.Pop(&d));
    s.RunUntil(t0 + rto0);
    ASSERT_TRUE(s.Pop(&d)) << "first retransmission at t0 + RTO";
    EXPECT_EQ(d.time, t0 + rto0);
    EXPECT_EQ(Info(c.t).rto, 2 * rto0);
    s.RunUntil(t0 + rto0 + 2 * rto0);
    ASSERT_TRUE(s.Pop(&d)) << "second at + 2 RTO";
    EXPECT_EQ(d.time, t0 + 3 * rto0);
    EXPECT_EQ(Info(c.t).rto, 4 * rto0);

    // Its ACK comes 5 ms after the second retransmission. Karn: the ACK may
    // be for any of the copies, so no sample — SRTT is unchanged.
    s.RunFor(usec_from_msec(5));
    c.stack_nxt += 1;
    s.Inject(c.From(TCP_FLAG_ACK));
    tcp_info after = Info(c.t);
    EXPECT_EQ(after.srtt, before.srtt);
    EXPECT_EQ(after.rttvar, before.rttvar);
    EXPECT_EQ(after.rto, rto0) << "new data acknowledged: the backoff ends";

    // The next clean exchange is a sample again.
    ASSERT_EQ(tcp_send(c.t, "z", 1, s.now()), 1);
    ASSERT_TRUE(s.Pop(&d));
    s.RunFor(usec_from_msec(20));
    c.stack_nxt += 1;
    s.Inject(c.From(TCP_FLAG_ACK));
    EXPECT_LT(Info(c.t).srtt, before.srtt) << "a 20 ms sample pulls SRTT down";
    tcp_abort(c.t, s.now());
    tcp_close(c.listener, s.now());
}

TEST(TcpRtt, TwoStacksMeasureTheirLink)
{
    Pair p(kSeed);
    sim_impairments imp = {};
    imp.delay = usec_from_msec(25);
    sim_link_set_both(p.link(), &imp);
    tcb *l = tcp_open(p.server());
    ASSERT_EQ(tcp_bind(l, 0, 7), 0);
    ASSERT_EQ(tcp_listen(l, 4, p.now()), 0);
    tcb *c = tcp_open(p.client());
    ASSERT_EQ(tcp_connect(c, kStack, 7, p.now()), 0);
    p.RunFor(usec_from_msec(100));
    tcp_info i = Info(c);
    ASSERT_TRUE(i.has_rtt) << p.Dump();
    EXPECT_EQ(i.srtt, usec_from_msec(50)) << "RTT = 2 x 25 ms";
    int err;
    tcb *sv = tcp_accept(l, &err, p.now());
    ASSERT_NE(sv, nullptr);
    EXPECT_EQ(Info(sv).srtt, usec_from_msec(50)) << "SYN+ACK -> ACK takes one RTT too";
    tcp_abort(sv, p.now());
    tcp_abort(c, p.now());
    tcp_close(l, p.now());
}

}  // namespace
