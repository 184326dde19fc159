// tcp_reass_test — out-of-order segments held and reassembled (issue 7):
// the map of sequence ranges, the ring that keeps their bytes in place, and
// the seed's second flow-control example — window 20, ACK 31; segments 32
// and 33 arrive before 31, so the ACK stays 31; then 31 arrives and the
// ACK jumps to 34.
#include <gtest/gtest.h>

#include <cstring>

#include "stack/transport/tcp_buf.h"
#include "stack/transport/tcp_reass.h"
#include "tests/tcp/tcp_harness.h"

namespace {

using namespace tcptest;

constexpr uint64_t kSeed = 6010;

TEST(TcpReassMap, MergesAndAdvances)
{
    tcp_reass q;
    tcp_reass_init(&q);
    EXPECT_TRUE(tcp_reass_add(&q, 40, 50));
    EXPECT_TRUE(tcp_reass_add(&q, 20, 30));
    EXPECT_TRUE(tcp_reass_add(&q, 60, 70));
    ASSERT_EQ(q.count, 3u);
    EXPECT_EQ(q.r[0].start, 20u);
    EXPECT_TRUE(tcp_reass_add(&q, 30, 40));   // touches both neighbours
    ASSERT_EQ(q.count, 2u);
    EXPECT_EQ(q.r[0].start, 20u);
    EXPECT_EQ(q.r[0].end, 50u);
    EXPECT_TRUE(tcp_reass_add(&q, 45, 65));   // overlaps into the next
    ASSERT_EQ(q.count, 1u);
    EXPECT_EQ(q.r[0].end, 70u);
    EXPECT_EQ(tcp_reass_bytes(&q), 50u);
    EXPECT_EQ(tcp_reass_advance(&q, 10), 10u) << "a gap remains before 20";
    EXPECT_EQ(tcp_reass_advance(&q, 20), 70u);
    EXPECT_TRUE(tcp_reass_empty(&q));
}

TEST(TcpReassMap, WorksAcrossTheWrap)
{
    tcp_reass q;
    tcp_reass_init(&q);
    EXPECT_TRUE(tcp_reass_add(&q, 0xfffffff0u, 0x10));
    EXPECT_TRUE(tcp_reass_add(&q, 0x10, 0x20));
    ASSERT_EQ(q.count, 1u);
    EXPECT_EQ(tcp_reass_advance(&q, 0xffffffe0u), 0xffffffe0u);
    EXPECT_EQ(tcp_reass_advance(&q, 0xfffffff0u), 0x20u);
}

TEST(TcpReassMap, RefusesARangeWhenFull)
{
    tcp_reass q;
    tcp_reass_init(&q);
    for (uint32_t i = 0; i < TCP_REASS_MAX_RANGES; i++)
        ASSERT_TRUE(tcp_reass_add(&q, 100 * i, 100 * i + 10));
    EXPECT_FALSE(tcp_reass_add(&q, 5000, 5010));
    EXPECT_TRUE(tcp_reass_add(&q, 105, 120)) << "merging needs no new slot";
}

TEST(TcpBufRing, OutOfOrderBytesStayInPlaceWhileTheUserReads)
{
    tcp_buf b;
    tcp_buf_init(&b, 8);
    ASSERT_EQ(tcp_buf_write(&b, "abc", 3), 3u);
    ASSERT_EQ(tcp_buf_write_at(&b, 2, "fgh", 3), 3u);   // "abc..fgh"
    char out[8];
    ASSERT_EQ(tcp_buf_read(&b, out, 3), 3u);              // the user reads "abc"
    EXPECT_EQ(tcp_buf_len(&b), 0u);
    ASSERT_EQ(tcp_buf_write(&b, "de", 2), 2u);            // the gap fills
    tcp_buf_extend(&b, 3);
    ASSERT_EQ(tcp_buf_len(&b), 5u);
    ASSERT_EQ(tcp_buf_read(&b, out, 5), 5u);
    EXPECT_EQ(std::string(out, 5), "defgh") << "wrapped around the 8-byte ring";
    EXPECT_EQ(tcp_buf_write_at(&b, 8, "x", 1), 0u) << "beyond the free space";
    tcp_buf_free(&b);
}

TEST(TcpReass, TheSeedsExample)
{
    OneStack s(kSeed);
    tcb *l = tcp_open(s.tcp());
    ASSERT_EQ(tcp_set_rcvbuf(l, 20), 0);   // the receiver's window: 20 bytes
    ASSERT_EQ(tcp_bind(l, 0, 7), 0);
    ASSERT_EQ(tcp_listen(l, 4, s.now()), 0);
    s.Inject({.seq = 0, .flags = TCP_FLAG_SYN, .mss = 1460});   // first data byte is 1
    Sent synack;
    ASSERT_TRUE(s.Pop(&synack));
    EXPECT_EQ(synack.h.window, 20);
    Conn c;
    c.lport = 7;
    c.pport = 40000;
    c.peer_nxt = 1;
    c.stack_nxt = synack.h.seq + 1;
    s.Inject(c.From(TCP_FLAG_ACK));
    int err;
    c.t = tcp_accept(l, &err, s.now());
    ASSERT_NE(c.t, nullptr);

    // Bytes 1..30 arrive in order (10 at a time) and are read: ACK 31.
    char buf[64];
    for (int i = 0; i < 3; i++) {
        s.Inject(c.From(TCP_FLAG_ACK, std::string(10, (char)('A' + i))));
        c.peer_nxt += 10;
        ASSERT_EQ(tcp_receive(c.t, buf, sizeof buf, s.now()), 10);
    }
    Sent a, last;
    while (s.Pop(&a))
        last = a;
    EXPECT_EQ(last.h.ack, 31u);
    ASSERT_EQ(c.peer_nxt, 31u);

    // Bytes 32 and 33 arrive before 31: held, and the ACK stays 31.
    Seg b32 = c.From(TCP_FLAG_ACK, "2");
    b32.seq = 32;
    s.Inject(b32);
    ASSERT_TRUE(s.Pop(&a));
    EXPECT_EQ(a.h.ack, 31u);
    Seg b33 = c.From(TCP_FLAG_ACK, "3");
    b33.seq = 33;
    s.Inject(b33);
    ASSERT_TRUE(s.Pop(&a));
    EXPECT_EQ(a.h.ack, 31u);
    EXPECT_EQ(tcp_receive(c.t, buf, sizeof buf, s.now()), -EAGAIN) << "nothing in order yet";
    EXPECT_EQ(s.stats().ooo_queued, 2u);

    // Byte 31 arrives: the ACK jumps to 34 and the user reads 31..33 in order.
    Seg b31 = c.From(TCP_FLAG_ACK, "1");
    s.Inject(b31);
    ASSERT_TRUE(s.Pop(&a)) << s.Dump();
    EXPECT_EQ(a.h.ack, 34u);
    EXPECT_EQ(a.h.window, 17) << "20 bytes of buffer, 3 unread";
    ASSERT_EQ(tcp_receive(c.t, buf, sizeof buf, s.now()), 3);
    EXPECT_EQ(std::string(buf, 3), "123");
    tcp_abort(c.t, s.now());
    tcp_close(l, s.now());
}

TEST(TcpReass, OutOfOrderFinWaitsForTheGap)
{
    OneStack s(kSeed);
    Conn c = s.Passive();
    Seg late = c.From(TCP_FLAG_ACK | TCP_FLAG_FIN, "world");
    late.seq = c.peer_nxt + 6;
    s.Inject(late);
    Sent a;
    ASSERT_TRUE(s.Pop(&a));
    EXPECT_EQ(a.h.ack, c.peer_nxt);
    EXPECT_EQ(s.StateOf(c), TCP_ESTABLISHED) << "the FIN is not next in sequence";
    s.Inject(c.From(TCP_FLAG_ACK, "hello "));
    ASSERT_TRUE(s.Pop(&a));
    EXPECT_EQ(a.h.ack, c.peer_nxt + 12) << "11 bytes and the FIN";
    EXPECT_EQ(s.StateOf(c), TCP_CLOSE_WAIT);
    char buf[32];
    ASSERT_EQ(tcp_receive(c.t, buf, sizeof buf, s.now()), 11);
    EXPECT_EQ(std::string(buf, 11), "hello world");
    EXPECT_EQ(tcp_receive(c.t, buf, sizeof buf, s.now()), 0);
    tcp_close(c.t, s.now());
    tcp_close(c.listener, s.now());
}

TEST(TcpReass, ReorderingLinkDeliversTheStreamIntact)
{
    Pair p(kSeed);
    sim_impairments imp = {};
    imp.delay = usec_from_msec(5);
    imp.reorder = 0.2;
    imp.reorder_delay = usec_from_msec(3);
    imp.loss = 0.02;
    sim_link_set_both(p.link(), &imp);
    Connected k = Connect(p, 9, usec_from_sec(5));
    ASSERT_NE(k.server, nullptr);
    tcb *l = k.listener, *c = k.client, *sv = k.server;
    std::string data(512 * 1024, '\0');
    for (size_t i = 0; i < data.size(); i++)
        data[i] = (char)((i * 7919) >> 3);
    std::string got;
    size_t off = 0;
    char buf[16384];
    for (int round = 0; round < 200000 && got.size() < data.size(); round++) {
        if (off < data.size()) {
            ssize_t n = tcp_send(c, data.data() + off, data.size() - off, p.now());
            if (n > 0)
                off += (size_t)n;
        }
        p.RunFor(usec_from_msec(1));
        ssize_t n;
        while ((n = tcp_receive(sv, buf, sizeof buf, p.now())) > 0)
            got.append(buf, (size_t)n);
    }
    EXPECT_TRUE(got == data) << got.size() << " of " << data.size() << " bytes, seed " << kSeed;
    EXPECT_GT(tcp_get_stats(p.server())->ooo_queued, 0u);
    tcp_abort(sv, p.now());
    tcp_abort(c, p.now());
    tcp_close(l, p.now());
}

}  // namespace
