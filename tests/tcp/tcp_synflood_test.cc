// tcp_synflood_test.cc — the SYN flood defence (RFC 4987; the seed's
// 三次握手的隐患): the bounded SYN cache (tcp_syncache.h), and SYN cookies
// when it is full.
// One stack on a capture device, virtual time; the test plays the clients,
// spoofed and real.
#include <gtest/gtest.h>

#include "stack/core/pkb.h"
#include "stack/core/rng.h"
#include "stack/transport/tcb.h"
#include "tests/tcp/tcp_harness.h"

namespace {

using namespace tcptest;

constexpr uint64_t kSeed = 0x5F100D;
constexpr unsigned kQueue = 16;   // max_syn_backlog in these tests

tcp_config FloodConfig(bool cookies) { return ListenerConfig(kQueue, cookies); }
tcb *Listen(OneStack &s, uint16_t port = 80, int backlog = 8) { return ListenOn(s, port, backlog); }

// A SYN from src:sport with ISN isn (and an MSS option unless mss < 0).
Seg Syn(uint32_t src, uint16_t sport, uint32_t isn, int mss = 1460)
{
    Seg g = SynTo(80, sport, isn);
    g.src = src;
    g.mss = mss;
    return g;
}

// `n` spoofed SYNs from random neighbours (10.0.0.3-254) and ports.
void Flood(OneStack &s, rng *r, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        uint32_t src = 0x0A000003 + rng_below(r, 252);
        s.Inject(Syn(src, (uint16_t)(1024 + rng_below(r, 60000)), rng_u32(r)));
        if (s.Pending() > 256)
            s.Clear();   // the SYN+ACKs to nobody
    }
    s.Clear();
}

// Find the stack's SYN+ACK to sport (dropping everything else).
bool PopSynAck(OneStack &s, uint16_t sport, Sent *out)
{
    while (s.Pop(out))
        if (out->h.dst_port == sport && out->h.flags == (TCP_FLAG_SYN | TCP_FLAG_ACK))
            return true;
    return false;
}

TEST(TcpSynflood, CookiesOffTheQueueFillsAndFurtherSynsAreDropped)
{
    SCOPED_TRACE(::testing::Message() << "seed " << kSeed);
    tcp_config cfg = FloodConfig(false);
    OneStack s(kSeed, &cfg);
    tcb *l = Listen(s);
    rng r;
    rng_seed(&r, kSeed);
    Flood(s, &r, 200);
    const tcp_stats &st = s.stats();
    EXPECT_EQ(st.syncache_added, kQueue) << "the SYN cache holds at most max_syn_backlog";
    EXPECT_EQ(st.syncache_overflowed, 200u - kQueue);
    EXPECT_EQ(st.syn_queue_full, 200u - kQueue);
    EXPECT_EQ(st.syncookies_sent, 0u);

    // A legitimate client now: its SYN is dropped silently.
    s.Inject(Syn(kPeer, 40000, 1000));
    Sent seg;
    EXPECT_FALSE(PopSynAck(s, 40000, &seg)) << "no answer while the SYN cache is full\n" << s.Dump();
    EXPECT_EQ(st.syn_queue_full, 200u - kQueue + 1);

    // The half-open entries time out after their SYN+ACK retries and leave
    // the SYN cache: counted as dropped, and it has room again.
    s.RunFor(usec_from_sec(200));
    s.Clear();
    EXPECT_EQ(st.syncache_dropped, kQueue);
    s.Inject(Syn(kPeer, 40000, 1000));
    EXPECT_TRUE(PopSynAck(s, 40000, &seg)) << s.Dump();
    tcp_close(l, s.now());
}

TEST(TcpSynflood, CookiesOnAFloodLeavesMemoryBoundedAndARealClientGetsIn)
{
    SCOPED_TRACE(::testing::Message() << "seed " << kSeed);
    tcp_config cfg = FloodConfig(true);
    OneStack s(kSeed, &cfg);
    tcb *l = Listen(s);
    rng r;
    rng_seed(&r, kSeed);
    struct pkb_stats before = pkb_stats();

    Flood(s, &r, 25000);
    struct pkb_stats mid = pkb_stats();
    // A legitimate handshake in the middle of the flood.
    s.Inject(Syn(kPeer, 40000, 1000));
    Sent synack;
    ASSERT_TRUE(PopSynAck(s, 40000, &synack)) << s.Dump();
    Flood(s, &r, 25000);
    Seg ack;
    ack.sport = 40000;
    ack.dport = 80;
    ack.seq = 1001;
    ack.ack = synack.h.seq + 1;
    ack.flags = TCP_FLAG_ACK | TCP_FLAG_PSH;
    ack.data = "hello through the flood";
    s.Inject(ack);
    int err = 0;
    tcb *c = tcp_accept(l, &err, s.now());
    ASSERT_NE(c, nullptr) << "accept: " << err << "\n" << s.Dump();
    EXPECT_EQ(tcp_get_state(c), TCP_ESTABLISHED);
    char buf[64] = {};
    ssize_t n = tcp_receive(c, buf, sizeof buf, s.now());
    ASSERT_EQ(n, (ssize_t)ack.data.size());
    EXPECT_EQ(std::string(buf, (size_t)n), ack.data);
    ASSERT_EQ(tcp_send(c, buf, (size_t)n, s.now()), n);   // echo
    Sent echo;
    bool echoed = false;
    while (s.Pop(&echo))
        echoed |= echo.h.dst_port == 40000 && echo.data == ack.data;
    EXPECT_TRUE(echoed) << s.Dump();

    const tcp_stats &st = s.stats();
    EXPECT_EQ(st.syncache_added, kQueue);
    EXPECT_GE(st.syncookies_sent, 50000u - kQueue);
    EXPECT_EQ(st.syncookies_accepted, 1u);
    EXPECT_EQ(st.syn_queue_full, 0u) << "no SYN went unanswered";
    // Memory: the same few buffers after 25,000 SYNs as after 50,000.
    struct pkb_stats after = pkb_stats();
    EXPECT_LE(after.live_buffers, before.live_buffers + 8);
    EXPECT_LE(after.live_bytes, mid.live_bytes + 16 * 1024);
    std::printf("flood: %llu cookies sent, live pkbs %llu -> %llu\n",
                (unsigned long long)st.syncookies_sent, (unsigned long long)before.live_buffers,
                (unsigned long long)after.live_buffers);
    tcp_abort(c, s.now());
    tcp_close(l, s.now());
}

// Fill the SYN cache so that the next SYN gets a cookie.
void FillQueue(OneStack &s)
{
    for (unsigned i = 0; i < kQueue; i++)
        s.Inject(Syn(0x0A000010 + i, (uint16_t)(2000 + i), 77 * i));
    s.Clear();
}

TEST(TcpSynflood, TheCookieCarriesThePeersMss)
{
    tcp_config cfg = FloodConfig(true);
    OneStack s(kSeed, &cfg);
    tcb *l = Listen(s);
    FillQueue(s);
    s.Inject(Syn(kPeer, 40000, 1000, 1400));   // table: 536, 1300, 1440, 1460
    Sent synack;
    ASSERT_TRUE(PopSynAck(s, 40000, &synack));
    EXPECT_FALSE(synack.h.opt.has_wscale) << "a cookie cannot remember window scaling";
    s.Inject({.sport = 40000, .dport = 80, .seq = 1001, .ack = synack.h.seq + 1,
              .flags = TCP_FLAG_ACK});
    int err = 0;
    tcb *c = tcp_accept(l, &err, s.now());
    ASSERT_NE(c, nullptr) << s.Dump();
    EXPECT_EQ(c->snd_mss, 1300u);
    std::string big(3000, 'x');
    ASSERT_EQ(tcp_send(c, big.data(), big.size(), s.now()), 3000);
    Sent seg;
    ASSERT_TRUE(s.Pop(&seg));
    EXPECT_EQ(seg.data.size(), 1300u) << "the first segment is one cookie MSS";
    tcp_abort(c, s.now());
    tcp_close(l, s.now());
}

TEST(TcpSynflood, ForgedAndOldCookiesAreRejected)
{
    tcp_config cfg = FloodConfig(true);
    OneStack s(kSeed, &cfg);
    tcb *l = Listen(s);
    FillQueue(s);
    s.Inject(Syn(kPeer, 40000, 1000));
    Sent synack;
    ASSERT_TRUE(PopSynAck(s, 40000, &synack));
    const tcp_stats &st = s.stats();

    // Wrong hash: one bit off in the echoed ISS.
    s.Inject({.sport = 40000, .dport = 80, .seq = 1001, .ack = (synack.h.seq ^ 1) + 1,
              .flags = TCP_FLAG_ACK});
    EXPECT_EQ(st.syncookies_rejected, 1u);
    // Right cookie, wrong peer ISN (the hash covers it).
    s.Inject({.sport = 40000, .dport = 80, .seq = 5001, .ack = synack.h.seq + 1,
              .flags = TCP_FLAG_ACK});
    EXPECT_EQ(st.syncookies_rejected, 2u);
    // The right cookie, too late: more than two 64 s slots later.
    s.RunFor(usec_from_sec(64 * 4));
    s.Inject({.sport = 40000, .dport = 80, .seq = 1001, .ack = synack.h.seq + 1,
              .flags = TCP_FLAG_ACK});
    EXPECT_EQ(st.syncookies_rejected, 3u);
    EXPECT_EQ(st.syncookies_accepted, 0u);
    EXPECT_EQ(s.StateOf(80, kPeer, 40000), TCP_CLOSED) << s.Dump();
    int err = 0;
    EXPECT_EQ(tcp_accept(l, &err, s.now()), nullptr);
    tcp_close(l, s.now());
}

TEST(TcpSynflood, AFreshCookieWithinTwoSlotsIsAccepted)
{
    tcp_config cfg = FloodConfig(true);
    OneStack s(kSeed, &cfg);
    tcb *l = Listen(s);
    FillQueue(s);
    s.Inject(Syn(kPeer, 40000, 1000));
    Sent synack;
    ASSERT_TRUE(PopSynAck(s, 40000, &synack));
    s.RunFor(usec_from_sec(64));   // one slot later (and the cache's entries expire)
    s.Inject({.sport = 40000, .dport = 80, .seq = 1001, .ack = synack.h.seq + 1,
              .flags = TCP_FLAG_ACK});
    EXPECT_EQ(s.stats().syncookies_accepted, 1u) << s.Dump();
    EXPECT_EQ(s.StateOf(80, kPeer, 40000), TCP_ESTABLISHED);
    int err = 0;
    tcb *c = tcp_accept(l, &err, s.now());
    ASSERT_NE(c, nullptr);
    tcp_abort(c, s.now());
    tcp_close(l, s.now());
}

}  // namespace
