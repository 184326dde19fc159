// tcp_flow_test — flow control with the advertised window (the seed's
// 滑动窗口与流量控制): the sender stops at the window's right edge and
// resumes as ACKs move it; a zero window is probed at growing intervals
// until it opens; the receiver avoids the silly window syndrome.
#include <gtest/gtest.h>

#include "tests/tcp/tcp_harness.h"

namespace {

using namespace tcptest;

constexpr uint64_t kSeed = 6011;

// An active connection whose peer announced MSS `mss` and window `win`.
Conn OpenTo(OneStack &s, uint16_t mss, uint16_t win)
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
    synack.mss = mss;
    synack.win = win;
    s.Inject(synack);
    c.peer_nxt = 1;
    Sent ack;
    EXPECT_TRUE(s.Pop(&ack));
    return c;
}

// The data segments the stack sends now, as [first, last] byte numbers
// relative to its ISS (the first data byte is 1, as in the seed).
std::vector<std::pair<uint32_t, uint32_t>> Ranges(OneStack &s, const Conn &c)
{
    std::vector<std::pair<uint32_t, uint32_t>> out;
    Sent d;
    while (s.Pop(&d)) {
        if (d.data.empty())
            continue;
        uint32_t first = d.h.seq - c.iss;
        out.push_back({first, first + (uint32_t)d.data.size() - 1});
    }
    return out;
}

using R = std::vector<std::pair<uint32_t, uint32_t>>;

TEST(TcpFlow, TheSeedsWindow400Example)
{
    OneStack s(kSeed);
    // B tells A its receive window is 400 bytes; segments carry 100 bytes.
    Conn c = OpenTo(s, 100, 400);
    std::string data(900, 'd');
    ASSERT_EQ(tcp_send(c.t, data.data(), data.size(), s.now()), 900);
    EXPECT_EQ(Ranges(s, c), (R{{1, 100}, {101, 200}, {201, 300}, {301, 400}}))
        << "A stops at the window's right edge, 400";

    // B: ack=201, rwnd=300 -> the edge moves to 500.
    Seg ack = c.From(TCP_FLAG_ACK);
    ack.ack = c.iss + 201;
    ack.win = 300;
    s.Inject(ack);
    EXPECT_EQ(Ranges(s, c), (R{{401, 500}}));

    // B: ack=501, rwnd=100 -> the edge is 600.
    ack.ack = c.iss + 501;
    ack.win = 100;
    s.Inject(ack);
    EXPECT_EQ(Ranges(s, c), (R{{501, 600}}));

    // B: ack=601, rwnd=0 -> A may send nothing, and waits.
    ack.ack = c.iss + 601;
    ack.win = 0;
    s.Inject(ack);
    EXPECT_TRUE(Ranges(s, c).empty());
    tcp_info i;
    tcp_get_info(c.t, &i);
    EXPECT_EQ(i.snd_wnd, 0u);
    EXPECT_EQ(tcp_send_queued(c.t), 300u) << "P2 = P1: nothing in flight, 300 bytes wait";

    // The window opens: the rest goes.
    ack.win = 400;
    s.Inject(ack);
    EXPECT_EQ(Ranges(s, c), (R{{601, 700}, {701, 800}, {801, 900}}));
    tcp_abort(c.t, s.now());
}

TEST(TcpFlow, ZeroWindowIsProbedWithGrowingIntervals)
{
    OneStack s(kSeed);
    Conn c = OpenTo(s, 1000, 0);   // a zero window from the start
    usec_t t0 = s.now();
    ASSERT_EQ(tcp_send(c.t, "0123456789", 10, t0), 10);
    Sent d;
    EXPECT_FALSE(s.Pop(&d)) << "nothing may be sent into a zero window";

    // RTO 200 ms (the handshake's sample is 0); probes at 0.2, 0.6, 1.4, 3.0 s,
    // each one byte, each answered "window 0".
    std::vector<usec_t> times;
    Seg zero = c.From(TCP_FLAG_ACK);
    zero.win = 0;
    for (int k = 0; k < 4; k++) {
        s.RunUntil(stack_next_deadline(s.st()));
        ASSERT_TRUE(s.Pop(&d)) << s.Dump();
        EXPECT_EQ(d.data, "0");
        EXPECT_EQ(d.h.seq, c.iss + 1) << "the same first byte each time";
        times.push_back((d.time - t0) / USEC_PER_MSEC);
        s.Inject(zero);
    }
    EXPECT_EQ(times, (std::vector<usec_t>{200, 600, 1400, 3000}));
    EXPECT_EQ(tcp_get_state(c.t), TCP_ESTABLISHED) << "a zero window never times out";
    EXPECT_EQ(s.stats().persist_probes, 4u);

    // The window opens: the data resumes from the first byte.
    Seg open = c.From(TCP_FLAG_ACK);
    open.win = 1000;
    s.Inject(open);
    ASSERT_TRUE(s.Pop(&d));
    EXPECT_EQ(d.h.seq, c.iss + 1);
    EXPECT_EQ(d.data, "0123456789");
    usec_t next = stack_next_deadline(s.st());
    EXPECT_NE(next, USEC_NEVER);
    s.RunFor(usec_from_msec(100));
    EXPECT_FALSE(s.Pop(&d)) << "no probes once the window is open";
    tcp_abort(c.t, s.now());
}

TEST(TcpFlow, ReceiverAdvertisesFreeSpaceAndAvoidsSillyWindows)
{
    // Every segment ACKed at once, so that each ACK shows the window
    // (delayed ACKs are tcp_delack_test's subject).
    tcp_config cfg = DefaultConfig();
    cfg.delack_timeout = 0;
    OneStack s(kSeed, &cfg);
    tcb *l = tcp_open(s.tcp());
    ASSERT_EQ(tcp_set_rcvbuf(l, 4000), 0);
    ASSERT_EQ(tcp_bind(l, 0, 7), 0);
    ASSERT_EQ(tcp_listen(l, 4, s.now()), 0);
    s.Inject({.seq = 0, .flags = TCP_FLAG_SYN, .mss = 1000});
    Sent synack;
    ASSERT_TRUE(s.Pop(&synack));
    EXPECT_EQ(synack.h.window, 4000);
    Conn c;
    c.lport = 7;
    c.pport = 40000;
    c.peer_nxt = 1;
    c.stack_nxt = synack.h.seq + 1;
    s.Inject(c.From(TCP_FLAG_ACK));
    int err;
    c.t = tcp_accept(l, &err, s.now());
    ASSERT_NE(c.t, nullptr);

    // The peer fills the 4000 bytes; each ACK shows the shrinking space.
    std::vector<uint16_t> wins;
    for (int i = 0; i < 4; i++) {
        s.Inject(c.From(TCP_FLAG_ACK, std::string(1000, 'x')));
        c.peer_nxt += 1000;
        Sent a;
        ASSERT_TRUE(s.Pop(&a));
        wins.push_back(a.h.window);
    }
    EXPECT_EQ(wins, (std::vector<uint16_t>{3000, 2000, 1000, 0}));
    // Data beyond a zero window is not accepted (ACKed, not stored).
    s.Inject(c.From(TCP_FLAG_ACK, "more"));
    Sent a;
    ASSERT_TRUE(s.Pop(&a));
    EXPECT_EQ(a.h.ack, c.peer_nxt);
    EXPECT_EQ(a.h.window, 0);

    // The application reads 100 bytes: a 100-byte window would be silly —
    // no window update yet (threshold min(4000/2, our MSS 1460) = 1460).
    char buf[4000];
    ASSERT_EQ(tcp_receive(c.t, buf, 100, s.now()), 100);
    EXPECT_FALSE(s.Pop(&a)) << "no update for 100 bytes";
    ASSERT_EQ(tcp_receive(c.t, buf, 1359, s.now()), 1359);
    EXPECT_FALSE(s.Pop(&a)) << "nor for 1459";
    ASSERT_EQ(tcp_receive(c.t, buf, 1, s.now()), 1);
    ASSERT_TRUE(s.Pop(&a)) << "1460 bytes free: worth announcing";
    EXPECT_EQ(a.h.window, 1460);
    EXPECT_EQ(a.h.ack, c.peer_nxt);
    tcp_abort(c.t, s.now());
    tcp_close(l, s.now());
}

TEST(TcpFlow, SlowReaderThrottlesAFastSender)
{
    Pair p(kSeed);
    Connected k = Connect(p, 9, usec_from_msec(5), 8192);
    ASSERT_NE(k.server, nullptr);
    tcb *l = k.listener, *c = k.client, *sv = k.server;

    std::string data(200 * 1000, '\0');
    for (size_t i = 0; i < data.size(); i++)
        data[i] = (char)(i % 251);
    std::string got;
    size_t off = 0;
    char buf[512];
    // The reader takes 512 bytes every 10 ms: about 50 KB/s.
    for (int round = 0; round < 100000 && got.size() < data.size(); round++) {
        if (off < data.size()) {
            ssize_t n = tcp_send(c, data.data() + off, data.size() - off, p.now());
            if (n > 0)
                off += (size_t)n;
        }
        p.RunFor(usec_from_msec(10));
        tcp_info i;
        tcp_get_info(c, &i);
        ASSERT_LE(i.snd_max - i.snd_una, 8192u) << "never more in flight than the window";
        ssize_t n = tcp_receive(sv, buf, sizeof buf, p.now());
        if (n > 0)
            got.append(buf, (size_t)n);
        ASSERT_LE(tcp_recv_queued(sv), 8192u) << "never more than the buffer";
    }
    EXPECT_TRUE(got == data) << got.size() << " bytes";
    // ~200 KB at ~51 KB/s: the transfer took the reader's time, not the link's.
    EXPECT_GT(p.now(), usec_from_sec(3));
    tcp_abort(sv, p.now());
    tcp_abort(c, p.now());
    tcp_close(l, p.now());
}

}  // namespace
