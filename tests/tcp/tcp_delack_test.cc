// tcp_delack_test — delayed ACKs and Nagle's algorithm (issue 7): an ACK
// may wait up to 40 ms for data to ride on, but every second full-sized
// segment is ACKed at once; small writes are coalesced while a small
// segment is unacknowledged (the seed's sender-side 粘包), and TCP_NODELAY
// turns that off.
#include <gtest/gtest.h>

#include "tests/tcp/tcp_harness.h"

namespace {

using namespace tcptest;

constexpr uint64_t kSeed = 6012;

// Past the quick-ACK phase: the first data segments are ACKed at once.
void SpendQuickAcks(OneStack &s, Conn &c)
{
    for (int i = 0; i < 16; i++) {
        s.Inject(c.From(TCP_FLAG_ACK, "q"));
        c.peer_nxt += 1;
    }
    s.RunFor(usec_from_msec(100));
    s.Clear();
    char buf[64];
    while (tcp_receive(c.t, buf, sizeof buf, s.now()) > 0) {
    }
    s.Clear();
}

TEST(TcpDelack, FirstSegmentsAreAckedAtOnce)
{
    OneStack s(kSeed);
    Conn c = s.Passive();
    s.Inject(c.From(TCP_FLAG_ACK | TCP_FLAG_PSH, "hello"));
    Sent a;
    ASSERT_TRUE(s.Pop(&a)) << "quick-ACK phase";
    EXPECT_EQ(a.h.ack, c.peer_nxt + 5);
    tcp_abort(c.t, s.now());
    tcp_close(c.listener, s.now());
}

TEST(TcpDelack, AnAckWaitsFortyMilliseconds)
{
    OneStack s(kSeed);
    Conn c = s.Passive();
    SpendQuickAcks(s, c);
    usec_t t0 = s.now();
    s.Inject(c.From(TCP_FLAG_ACK | TCP_FLAG_PSH, "abc"));
    c.peer_nxt += 3;
    Sent a;
    EXPECT_FALSE(s.Pop(&a)) << "the ACK waits";
    s.RunUntil(t0 + usec_from_msec(40) - 1);
    EXPECT_FALSE(s.Pop(&a));
    s.RunUntil(t0 + usec_from_msec(40));
    ASSERT_TRUE(s.Pop(&a)) << s.Dump();
    EXPECT_EQ(a.h.ack, c.peer_nxt);
    tcp_abort(c.t, s.now());
    tcp_close(c.listener, s.now());
}

TEST(TcpDelack, TheAckRidesOnAReply)
{
    OneStack s(kSeed);
    Conn c = s.Passive();
    SpendQuickAcks(s, c);
    s.Inject(c.From(TCP_FLAG_ACK | TCP_FLAG_PSH, "ping"));
    c.peer_nxt += 4;
    char buf[8];
    ASSERT_EQ(tcp_receive(c.t, buf, sizeof buf, s.now()), 4);
    ASSERT_EQ(tcp_send(c.t, "pong", 4, s.now()), 4);   // the application answers at once
    Sent a;
    ASSERT_TRUE(s.Pop(&a));
    EXPECT_EQ(a.data, "pong");
    EXPECT_EQ(a.h.ack, c.peer_nxt) << "the data segment carries the ACK";
    s.RunFor(usec_from_msec(100));
    EXPECT_FALSE(s.Pop(&a)) << "no separate ACK afterwards";
    tcp_abort(c.t, s.now());
    tcp_close(c.listener, s.now());
}

TEST(TcpDelack, EverySecondFullSegmentIsAckedAtOnce)
{
    OneStack s(kSeed);
    Conn c = s.Passive();
    SpendQuickAcks(s, c);
    std::string full(1460, 'f');
    s.Inject(c.From(TCP_FLAG_ACK, full));
    c.peer_nxt += 1460;
    Sent a;
    EXPECT_FALSE(s.Pop(&a)) << "one full segment: the ACK may wait";
    s.Inject(c.From(TCP_FLAG_ACK, full));
    c.peer_nxt += 1460;
    ASSERT_TRUE(s.Pop(&a)) << "the second: ACK at once";
    EXPECT_EQ(a.h.ack, c.peer_nxt);
    tcp_abort(c.t, s.now());
    tcp_close(c.listener, s.now());
}

TEST(TcpNagle, SmallWritesAreCoalescedWhileOneIsUnacked)
{
    OneStack s(kSeed);
    Conn c = s.Passive();
    // Ten one-byte writes in a row.
    for (int i = 0; i < 10; i++)
        ASSERT_EQ(tcp_send(c.t, std::string(1, (char)('0' + i)).data(), 1, s.now()), 1);
    Sent d;
    ASSERT_TRUE(s.Pop(&d));
    EXPECT_EQ(d.data, "0") << "the first goes at once";
    EXPECT_FALSE(s.Pop(&d)) << "the others wait for its ACK";
    c.stack_nxt += 1;
    s.Inject(c.From(TCP_FLAG_ACK));
    ASSERT_TRUE(s.Pop(&d));
    EXPECT_EQ(d.data, "123456789") << "then go together: one segment, nine writes";
    tcp_abort(c.t, s.now());
    tcp_close(c.listener, s.now());
}

TEST(TcpNagle, NoDelaySendsEveryWriteAtOnce)
{
    OneStack s(kSeed);
    Conn c = s.Passive();
    tcp_set_nodelay(c.t, true);
    for (int i = 0; i < 5; i++)
        ASSERT_EQ(tcp_send(c.t, "x", 1, s.now()), 1);
    size_t n = 0;
    Sent d;
    while (s.Pop(&d)) {
        EXPECT_EQ(d.data, "x");
        n++;
    }
    EXPECT_EQ(n, 5u);
    tcp_abort(c.t, s.now());
    tcp_close(c.listener, s.now());
}

TEST(TcpNagle, FullSegmentsAreNeverHeld)
{
    OneStack s(kSeed);
    Conn c = s.Passive();
    ASSERT_EQ(tcp_send(c.t, "x", 1, s.now()), 1);   // a small one in flight
    std::string big(3000, 'b');
    ASSERT_EQ(tcp_send(c.t, big.data(), big.size(), s.now()), 3000);
    std::vector<size_t> sizes;
    Sent d;
    while (s.Pop(&d))
        sizes.push_back(d.data.size());
    EXPECT_EQ(sizes, (std::vector<size_t>{1, 1460, 1460})) << "the 80-byte tail waits";
    c.stack_nxt += 1 + 2920;
    s.Inject(c.From(TCP_FLAG_ACK));
    ASSERT_TRUE(s.Pop(&d));
    EXPECT_EQ(d.data.size(), 80u);
    tcp_abort(c.t, s.now());
    tcp_close(c.listener, s.now());
}

}  // namespace
