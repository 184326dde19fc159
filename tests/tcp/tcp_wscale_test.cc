// tcp_wscale_test — window scaling (RFC 7323): offered on the SYN, used
// only if both SYNs carry it, never applied to a SYN's own window; it lets
// a long fat link carry more than 64 KiB in flight.
#include <gtest/gtest.h>

#include "tests/tcp/tcp_harness.h"

namespace {

using namespace tcptest;

constexpr uint64_t kSeed = 6016;

tcp_config Scaling(size_t rcvbuf)
{
    tcp_config cfg = DefaultConfig();
    cfg.window_scaling = true;
    cfg.rcvbuf = rcvbuf;
    cfg.sndbuf = rcvbuf;
    return cfg;
}

tcp_info Info(tcb *t)
{
    tcp_info i;
    tcp_get_info(t, &i);
    return i;
}

TEST(TcpWscale, OnByDefaultSynOffersTheShiftOfTheOneMiBBuffer)
{
    // Default: window scaling on, receive buffer 1 MiB -> the smallest shift
    // that fits it into 16 bits is 5. Options in Linux's order.
    OneStack s(kSeed);
    tcb *c = tcp_open(s.tcp());
    ASSERT_EQ(tcp_connect(c, kPeer, 80, s.now()), 0);
    Sent syn;
    ASSERT_TRUE(s.Pop(&syn));
    char opts[64];
    tcp_options_format(&syn.h.opt, opts, sizeof opts);
    EXPECT_STREQ(opts, "<mss 1460,nop,wscale 5>");
    EXPECT_EQ(syn.h.window, 65535u) << "a SYN's window is never scaled";
    tcp_abort(c, s.now());
}

TEST(TcpWscale, SwitchedOffSynCarriesOnlyTheMss)
{
    tcp_config cfg = DefaultConfig();
    cfg.window_scaling = false;
    OneStack s(kSeed, &cfg);
    tcb *c = tcp_open(s.tcp());
    ASSERT_EQ(tcp_connect(c, kPeer, 80, s.now()), 0);
    Sent syn;
    ASSERT_TRUE(s.Pop(&syn));
    char opts[64];
    tcp_options_format(&syn.h.opt, opts, sizeof opts);
    EXPECT_STREQ(opts, "<mss 1460>");
    tcp_abort(c, s.now());
}

TEST(TcpWscale, ActiveOpenOffersAndUsesTheShifts)
{
    tcp_config cfg = Scaling(1 << 20);
    OneStack s(kSeed, &cfg);
    tcb *c = tcp_open(s.tcp());
    ASSERT_EQ(tcp_connect(c, kPeer, 80, s.now()), 0);
    Sent syn;
    ASSERT_TRUE(s.Pop(&syn));
    char opts[64];
    tcp_options_format(&syn.h.opt, opts, sizeof opts);
    EXPECT_STREQ(opts, "<mss 1460,nop,wscale 5>") << "1 MiB >> 5 fits in 16 bits";
    EXPECT_EQ(syn.h.window, 65535) << "a SYN's window is never scaled";

    Seg synack;
    synack.sport = 80;
    synack.dport = syn.h.src_port;
    synack.seq = 0;
    synack.ack = syn.h.seq + 1;
    synack.flags = TCP_FLAG_SYN | TCP_FLAG_ACK;
    synack.win = 1000;   // unscaled in the SYN+ACK
    synack.mss = 1460;
    synack.options = {1, 3, 3, 7};   // nop, wscale 7
    s.Inject(synack);
    tcp_info i = Info(c);
    EXPECT_EQ(i.snd_wscale, 7);
    EXPECT_EQ(i.rcv_wscale, 5);
    EXPECT_EQ(i.snd_wnd, 1000u) << "the SYN+ACK's window is taken as is";
    Sent ack;
    ASSERT_TRUE(s.Pop(&ack));
    EXPECT_EQ(ack.h.window, (1 << 20) >> 5 > 65535 ? 65535 : (1 << 20) >> 5)
        << "our window from now on is in units of 32 bytes";

    // The peer's later windows are scaled by 7.
    Seg upd;
    upd.sport = 80;
    upd.dport = syn.h.src_port;
    upd.seq = 1;
    upd.ack = syn.h.seq + 1;
    upd.flags = TCP_FLAG_ACK;
    upd.win = 100;
    s.Inject(upd);
    EXPECT_EQ(Info(c).snd_wnd, 12800u);
    tcp_abort(c, s.now());
}

TEST(TcpWscale, NoScalingUnlessBothSynsCarryIt)
{
    tcp_config cfg = Scaling(1 << 20);
    OneStack s(kSeed, &cfg);
    tcb *l = tcp_open(s.tcp());
    ASSERT_EQ(tcp_bind(l, 0, 7), 0);
    ASSERT_EQ(tcp_listen(l, 4, s.now()), 0);
    // A SYN without the option: the SYN+ACK must not carry it either.
    s.Inject({.seq = 0, .flags = TCP_FLAG_SYN, .mss = 1460});
    Sent synack;
    ASSERT_TRUE(s.Pop(&synack));
    char opts[64];
    tcp_options_format(&synack.h.opt, opts, sizeof opts);
    EXPECT_STREQ(opts, "<mss 1460>");
    // A SYN with it: the SYN+ACK answers with ours.
    s.Inject({.sport = 40001, .seq = 0, .flags = TCP_FLAG_SYN, .mss = 1460,
              .options = {1, 3, 3, 2}});
    ASSERT_TRUE(s.Pop(&synack));
    tcp_options_format(&synack.h.opt, opts, sizeof opts);
    EXPECT_STREQ(opts, "<mss 1460,nop,wscale 5>");
    tcp_close(l, s.now());
}

// Bulk transfer over a 100 ms round trip: without scaling at most 64 KiB
// can be in flight, about 0.65 MB/s.
double Throughput(bool scaling, bool *over_64k)
{
    tcp_config cfg = Scaling(4 << 20);
    cfg.window_scaling = scaling;
    Pair p(kSeed, &cfg);
    sim_impairments imp = {};
    imp.delay = usec_from_msec(50);
    sim_link_set_both(p.link(), &imp);
    Connected k = Connect(p, 9, usec_from_msec(200));
    EXPECT_NE(k.server, nullptr);
    tcb *l = k.listener, *c = k.client, *sv = k.server;
    const size_t total = 16u << 20;
    static char chunk[65536];
    size_t sent = 0, got = 0;
    usec_t t0 = p.now();
    *over_64k = false;
    while (got < total && p.now() - t0 < usec_from_sec(600)) {
        while (sent < total) {
            size_t n = total - sent < sizeof chunk ? total - sent : sizeof chunk;
            ssize_t k = tcp_send(c, chunk, n, p.now());
            if (k <= 0)
                break;
            sent += (size_t)k;
        }
        p.RunFor(usec_from_msec(5));
        ssize_t k;
        while ((k = tcp_receive(sv, chunk, sizeof chunk, p.now())) > 0)
            got += (size_t)k;
        tcp_info i = Info(c);
        if (i.snd_max - i.snd_una > 65535)
            *over_64k = true;
        trace_clear(sim_world_trace(p.p()->world));
    }
    EXPECT_EQ(got, total);
    double secs = (double)(p.now() - t0) / USEC_PER_SEC;
    tcp_abort(sv, p.now());
    tcp_abort(c, p.now());
    tcp_close(l, p.now());
    return (double)total / 1e6 / secs;
}

TEST(TcpWscale, ScalingFillsALongFatPipe)
{
    bool over_without = false, over_with = false;
    double without = Throughput(false, &over_without);
    double with = Throughput(true, &over_with);
    printf("100 ms RTT, 16 MiB: %.2f MB/s without window scaling, %.2f MB/s with\n", without,
           with);
    EXPECT_FALSE(over_without) << "never more than 64 KiB in flight without scaling";
    EXPECT_TRUE(over_with);
    EXPECT_LT(without, 0.7);
    EXPECT_GT(with, 4 * without);
}

}  // namespace
