// tcp_cong_test — congestion control (RFC 5681, RFC 6582 NewReno): slow
// start doubles the window every round trip until ssthresh, then it grows
// by one segment per round trip; exactly three duplicate ACKs trigger a
// fast retransmit; a partial ACK retransmits the next hole at once; a
// timeout sets cwnd to one segment.
#include <gtest/gtest.h>

#include "tests/tcp/tcp_harness.h"

namespace {

using namespace tcptest;

constexpr uint64_t kSeed = 6013;
constexpr uint16_t kMss = 1000;

// An active connection to a peer with MSS 1000 and the largest window.
Conn Open(OneStack &s)
{
    Conn c;
    c.pport = 80;
    c.t = tcp_open(s.tcp());
    EXPECT_EQ(tcp_connect(c.t, kPeer, 80, s.now()), 0);
    tcp_local(c.t, nullptr, &c.lport);
    Sent syn;
    EXPECT_TRUE(s.Pop(&syn));
    c.iss = syn.h.seq;
    c.stack_nxt = c.iss + 1;
    c.peer_nxt = 0;
    Seg synack = c.From(TCP_FLAG_SYN | TCP_FLAG_ACK);
    synack.mss = kMss;
    s.Inject(synack);
    c.peer_nxt = 1;
    Sent ack;
    EXPECT_TRUE(s.Pop(&ack));
    return c;
}

std::vector<Sent> Drain(OneStack &s)
{
    std::vector<Sent> out;
    Sent d;
    while (s.Pop(&d))
        if (!d.data.empty())
            out.push_back(d);
    return out;
}

tcp_info Info(tcb *t)
{
    tcp_info i;
    tcp_get_info(t, &i);
    return i;
}

// The peer ACKs every segment of `round` one by one, 10 ms later.
void AckEach(OneStack &s, Conn &c, const std::vector<Sent> &round)
{
    s.RunFor(usec_from_msec(10));
    for (const Sent &d : round) {
        Seg a = c.From(TCP_FLAG_ACK);
        a.ack = d.h.seq + (uint32_t)d.data.size();
        s.Inject(a);
    }
}

TEST(TcpCong, SlowStartDoublesEveryRoundTrip)
{
    OneStack s(kSeed);
    Conn c = Open(s);
    EXPECT_EQ(Info(c.t).cwnd, 10u * kMss) << "initial window: 10 segments (RFC 6928)";
    std::string data(150 * kMss, 'd');
    ASSERT_EQ(tcp_send(c.t, data.data(), 60000, s.now()), 60000);
    std::vector<size_t> per_round;
    for (int r = 0; r < 3; r++) {
        std::vector<Sent> round = Drain(s);
        per_round.push_back(round.size());
        AckEach(s, c, round);
    }
    EXPECT_EQ(per_round, (std::vector<size_t>{10, 20, 30})) << "10, 20, then the 60000 bytes ran out";
    EXPECT_EQ(Info(c.t).cwnd, 70u * kMss) << "+1 MSS per ACK: 10 + 10 + 20 + 30";
    tcp_abort(c.t, s.now());
}

TEST(TcpCong, TimeoutThenSlowStartToSsthreshThenLinear)
{
    OneStack s(kSeed);
    Conn c = Open(s);
    std::string data(400 * kMss, 'd');
    size_t off = 0;
    off += (size_t)tcp_send(c.t, data.data(), 20 * kMss, s.now());
    std::vector<Sent> first = Drain(s);
    ASSERT_EQ(first.size(), 10u);
    // Nothing is ACKed: the RTO fires; ssthresh = flight / 2 = 5 segments.
    s.RunUntil(stack_next_deadline(s.st()));
    tcp_info i = Info(c.t);
    EXPECT_EQ(i.cwnd, (uint32_t)kMss) << "the loss window: one segment";
    EXPECT_EQ(i.ssthresh, 5u * kMss);
    std::vector<Sent> rtx = Drain(s);
    ASSERT_EQ(rtx.size(), 1u);
    EXPECT_EQ(rtx[0].h.seq, c.iss + 1);

    // Now every round is ACKed segment by segment. Slow start: 1, 2, 4, then
    // at ssthresh (5) congestion avoidance adds one segment per round.
    std::vector<uint32_t> cwnds;
    std::vector<Sent> round = rtx;
    for (int r = 0; r < 7; r++) {
        AckEach(s, c, round);
        if (off < data.size())
            off += (size_t)tcp_send(c.t, data.data() + off, data.size() - off, s.now());
        cwnds.push_back(Info(c.t).cwnd / kMss);
        round = Drain(s);
    }
    EXPECT_EQ(cwnds, (std::vector<uint32_t>{2, 4, 5, 6, 7, 8, 9}))
        << "exponential to ssthresh = 5, then linear";
    tcp_abort(c.t, s.now());
}

TEST(TcpCong, FastRetransmitAfterExactlyThreeDuplicateAcks)
{
    OneStack s(kSeed);
    Conn c = Open(s);
    std::string data(10 * kMss, 'd');
    ASSERT_EQ(tcp_send(c.t, data.data(), data.size(), s.now()), (ssize_t)data.size());
    std::vector<Sent> sent = Drain(s);
    ASSERT_EQ(sent.size(), 10u);
    // Segment 1 is lost; segments 2, 3, 4 ... each produce a duplicate ACK.
    Seg dup = c.From(TCP_FLAG_ACK);
    dup.ack = c.iss + 1;
    s.Inject(dup);
    s.Inject(dup);
    EXPECT_TRUE(Drain(s).empty()) << "two duplicates: could be reordering";
    s.Inject(dup);
    std::vector<Sent> rtx = Drain(s);
    ASSERT_EQ(rtx.size(), 1u) << "the third: fast retransmit, long before the RTO";
    EXPECT_EQ(rtx[0].h.seq, c.iss + 1);
    EXPECT_EQ(rtx[0].data.size(), (size_t)kMss);
    tcp_info i = Info(c.t);
    EXPECT_EQ(i.ssthresh, 5u * kMss) << "half the flight";
    EXPECT_EQ(i.cwnd, 8u * kMss) << "ssthresh + 3 segments that left the network";
    EXPECT_EQ(s.stats().fast_retransmits, 1u);

    // The retransmission fills the hole: a full ACK ends the recovery.
    Seg full = c.From(TCP_FLAG_ACK);
    full.ack = c.iss + 1 + 10 * kMss;
    s.Inject(full);
    EXPECT_EQ(Info(c.t).cwnd, 5u * kMss) << "deflated to ssthresh";
    tcp_abort(c.t, s.now());
}

TEST(TcpCong, NewRenoPartialAckRetransmitsTheNextHole)
{
    OneStack s(kSeed);
    Conn c = Open(s);
    std::string data(10 * kMss, 'd');
    ASSERT_EQ(tcp_send(c.t, data.data(), data.size(), s.now()), (ssize_t)data.size());
    ASSERT_EQ(Drain(s).size(), 10u);
    // Segments 1 and 5 are lost.
    Seg dup = c.From(TCP_FLAG_ACK);
    dup.ack = c.iss + 1;
    for (int k = 0; k < 3; k++)
        s.Inject(dup);
    std::vector<Sent> rtx = Drain(s);
    ASSERT_EQ(rtx.size(), 1u);
    // The retransmitted segment 1 arrives: the ACK covers 1..4, not 5 — a
    // partial ACK (below recover).
    Seg partial = c.From(TCP_FLAG_ACK);
    partial.ack = c.iss + 1 + 4 * kMss;
    s.Inject(partial);
    rtx = Drain(s);
    ASSERT_GE(rtx.size(), 1u);
    EXPECT_EQ(rtx[0].h.seq, c.iss + 1 + 4 * kMss) << "segment 5 at once";
    EXPECT_EQ(s.stats().fast_retransmits, 2u);
    tcp_info i = Info(c.t);
    EXPECT_TRUE(i.cwnd >= kMss);
    Seg full = c.From(TCP_FLAG_ACK);
    full.ack = c.iss + 1 + 10 * kMss;
    s.Inject(full);
    EXPECT_EQ(Info(c.t).cwnd, 5u * kMss);
    EXPECT_EQ(s.stats().retrans_segs, 2u) << "no timeout was needed";
    tcp_abort(c.t, s.now());
}

TEST(TcpCong, CwndAndSsthreshAreInTheTrace)
{
    OneStack s(kSeed);
    Conn c = Open(s);
    size_t n = 0;
    for (size_t i = 0; i < s.tr()->count; i++) {
        const trace_event &ev = s.tr()->events[i];
        if (ev.kind == TRACE_VAR && std::string(ev.text) == "cwnd")
            n++;
    }
    EXPECT_GE(n, 1u);
    tcp_abort(c.t, s.now());
}

}  // namespace
