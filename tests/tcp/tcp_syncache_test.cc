// tcp_syncache_test.cc — the SYN cache (stack/transport/tcp_syncache.h): a
// listener's half-open connections as small table entries, not tcbs. Fill
// it, overflow it (cookies on: cookies; off: counted drops), the SYN+ACK
// schedule on the virtual clock, RST, duplicate SYN, the final ACK that
// builds the connection, the listing. One stack on a capture device; the
// test plays the clients.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "stack/transport/tcp_internal.h"
#include "tests/tcp/tcp_harness.h"

namespace {

using namespace tcptest;

constexpr uint64_t kSeed = 0x5CAC4E;
constexpr unsigned kCache = 4;   // max_syn_backlog in these tests

tcp_config CacheConfig(bool cookies) { return ListenerConfig(kCache, cookies); }
tcb *Listen(OneStack &s, int backlog = 8) { return ListenOn(s, 80, backlog); }
Seg Syn(uint16_t sport, uint32_t isn = 1000) { return SynTo(80, sport, isn); }

Seg AckOf(uint16_t sport, const Sent &synack, uint32_t isn = 1000)
{
    Seg g;
    g.sport = sport;
    g.dport = 80;
    g.seq = isn + 1;
    g.ack = synack.h.seq + 1;
    g.flags = TCP_FLAG_ACK;
    return g;
}

size_t Tcbs(OneStack &s)
{
    size_t n = 0;
    for (const tcb *t = s.tcp()->all; t; t = t->all_next)
        n++;
    return n;
}

std::string Listing(OneStack &s)
{
    char *buf = nullptr;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    tcp_print_conns(s.tcp(), f, s.now());
    fclose(f);
    std::string out(buf, len);
    free(buf);
    return out;
}

size_t Count(const std::string &text, const std::string &what)
{
    size_t n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
        n++;
    return n;
}

TEST(TcpSyncache, AnEntryIsTensOfBytesNotATcb)
{
    std::printf("SYN cache entry: %zu bytes; tcb: %zu bytes (without its buffers)\n",
                sizeof(tcp_syncache_entry), sizeof(tcb));
    EXPECT_LE(sizeof(tcp_syncache_entry), 64u);
    EXPECT_LT(sizeof(tcp_syncache_entry) * 10, sizeof(tcb));
}

TEST(TcpSyncache, SynsFillTheCacheWithoutMakingTcbs)
{
    tcp_config cfg = CacheConfig(false);
    OneStack s(kSeed, &cfg);
    tcb *l = Listen(s);
    size_t before = Tcbs(s);
    for (uint16_t i = 0; i < kCache; i++)
        s.Inject(Syn((uint16_t)(50000 + i)));
    Sent seg;
    size_t synacks = 0;
    while (s.Pop(&seg)) {
        EXPECT_EQ(seg.Flags(), "S.");
        synacks++;
    }
    EXPECT_EQ(synacks, kCache);
    EXPECT_EQ(Tcbs(s), before) << "half-open connections are entries, not tcbs";
    ASSERT_NE(l->syncache, nullptr);
    EXPECT_EQ(l->syncache->count, kCache);
    EXPECT_EQ(s.stats().syncache_added, kCache);
    EXPECT_EQ(s.StateOf(80, kPeer, 50000), TCP_SYN_RECV);
    EXPECT_EQ(s.StateOf(80, kPeer, 50003), TCP_SYN_RECV);
    // ss shows them as SYN-RECV, with the SYN+ACK timer.
    std::string list = Listing(s);
    EXPECT_EQ(Count(list, "SYN-RECV"), (size_t)kCache) << list;
    EXPECT_EQ(Count(list, "timer:(on,1.000s,0)"), (size_t)kCache) << list;
    tcp_close(l, s.now());
    EXPECT_EQ(s.stats().syncache_dropped, kCache) << "the listener's close drops them";
}

TEST(TcpSyncache, OverflowWithCookiesOffIsACountedDrop)
{
    tcp_config cfg = CacheConfig(false);
    OneStack s(kSeed, &cfg);
    tcb *l = Listen(s);
    for (uint16_t i = 0; i < kCache + 3; i++)
        s.Inject(Syn((uint16_t)(50000 + i)));
    size_t synacks = 0;
    Sent seg;
    while (s.Pop(&seg))
        synacks++;
    EXPECT_EQ(synacks, kCache) << "no answer at all to the SYNs that found it full";
    const tcp_stats &st = s.stats();
    EXPECT_EQ(st.syncache_added, kCache);
    EXPECT_EQ(st.syncache_overflowed, 3u);
    EXPECT_EQ(st.syn_queue_full, 3u);
    EXPECT_EQ(st.syncookies_sent, 0u);
    EXPECT_EQ(st.out_rsts, 0u);
    EXPECT_EQ(s.StateOf(80, kPeer, 50000 + kCache), TCP_CLOSED);
    tcp_close(l, s.now());
}

TEST(TcpSyncache, OverflowWithCookiesOnAnswersWithACookieAndBothComplete)
{
    tcp_config cfg = CacheConfig(true);
    OneStack s(kSeed, &cfg);
    tcb *l = Listen(s);
    // Fill the cache; keep the first SYN+ACK to complete later.
    Sent first;
    s.Inject(Syn(50000));
    ASSERT_TRUE(s.Pop(&first));
    for (uint16_t i = 1; i < kCache; i++)
        s.Inject(Syn((uint16_t)(50000 + i)));
    s.Clear();
    // One more: a cookie, nothing kept.
    Seg syn = Syn(40000);
    syn.options = {1, 3, 3, 7};   // nop, wscale 7: a cookie cannot keep it
    s.Inject(syn);
    Sent cookie;
    ASSERT_TRUE(s.Pop(&cookie));
    EXPECT_EQ(cookie.Flags(), "S.");
    EXPECT_FALSE(cookie.h.opt.has_wscale);
    const tcp_stats &st = s.stats();
    EXPECT_EQ(st.syncookies_sent, 1u);
    EXPECT_EQ(st.syncache_overflowed, 1u);
    EXPECT_EQ(st.syncache_added, kCache);
    EXPECT_EQ(s.StateOf(80, kPeer, 40000), TCP_CLOSED) << "a cookie keeps no state";

    // The cookie's final ACK builds a connection; so does the entry's.
    s.Inject(AckOf(40000, cookie));
    EXPECT_EQ(st.syncookies_accepted, 1u);
    EXPECT_EQ(s.StateOf(80, kPeer, 40000), TCP_ESTABLISHED);
    s.Inject(AckOf(50000, first));
    EXPECT_EQ(st.syncache_completed, 1u);
    EXPECT_EQ(s.StateOf(80, kPeer, 50000), TCP_ESTABLISHED);
    EXPECT_EQ(l->syncache->count, kCache - 1);
    int err = 0;
    tcb *a = tcp_accept(l, &err, s.now());
    tcb *b = tcp_accept(l, &err, s.now());
    ASSERT_NE(a, nullptr);
    ASSERT_NE(b, nullptr);
    tcp_abort(a, s.now());
    tcp_abort(b, s.now());
    tcp_close(l, s.now());
}

TEST(TcpSyncache, SynAckScheduleOnTheVirtualClockThenTheEntryGoes)
{
    tcp_config cfg = CacheConfig(false);
    OneStack s(kSeed, &cfg);
    tcb *l = Listen(s);
    usec_t t0 = s.now();
    s.Inject(Syn(40000));
    std::vector<std::pair<usec_t, uint32_t>> sent;   // ms after the SYN, SEQ
    Sent seg;
    while (s.now() < t0 + usec_from_sec(70)) {
        while (s.Pop(&seg)) {
            EXPECT_EQ(seg.Flags(), "S.");
            EXPECT_EQ(seg.h.ack, 1001u);
            sent.push_back({(s.now() - t0) / USEC_PER_MSEC, seg.h.seq});
        }
        usec_t next = timerq_next_deadline(&s.st()->timers);
        if (next == USEC_NEVER || next > t0 + usec_from_sec(70))
            break;
        s.RunUntil(next);
    }
    // RFC 6298 §5.5 backoff from rto_initial (1 s), synack_retries = 5.
    std::vector<usec_t> want = {0, 1000, 3000, 7000, 15000, 31000};
    ASSERT_EQ(sent.size(), want.size());
    for (size_t i = 0; i < want.size(); i++) {
        EXPECT_EQ(sent[i].first, want[i]) << "SYN+ACK " << i;
        EXPECT_EQ(sent[i].second, sent[0].second) << "the same ISS every time";
    }
    EXPECT_EQ(s.StateOf(80, kPeer, 40000), TCP_CLOSED) << "gave up at 63 s";
    const tcp_stats &st = s.stats();
    EXPECT_EQ(st.syncache_timed_out, 1u);
    EXPECT_EQ(st.syncache_dropped, 1u);
    EXPECT_EQ(st.retrans_segs, 5u);
    EXPECT_EQ(l->syncache->count, 0u);
    EXPECT_EQ(s.Pending(), 0u) << "giving up sends nothing";
    tcp_close(l, s.now());
}

TEST(TcpSyncache, ExactRstFreesTheEntryAnotherInTheWindowIsChallenged)
{
    tcp_config cfg = CacheConfig(false);
    OneStack s(kSeed, &cfg);
    tcb *l = Listen(s);
    s.Inject(Syn(40000));
    Sent synack;
    ASSERT_TRUE(s.Pop(&synack));
    const tcp_stats &st = s.stats();

    Seg rst;
    rst.sport = 40000;
    rst.dport = 80;
    rst.flags = TCP_FLAG_RST;
    rst.seq = 1001 + 100;   // in the window, not RCV.NXT: RFC 5961 §3.2
    s.Inject(rst);
    Sent ack;
    ASSERT_TRUE(s.Pop(&ack)) << s.Dump();
    EXPECT_EQ(ack.Flags(), ".");
    EXPECT_EQ(ack.h.seq, synack.h.seq + 1);
    EXPECT_EQ(ack.h.ack, 1001u);
    EXPECT_EQ(st.rst_in_window, 1u);
    EXPECT_EQ(s.StateOf(80, kPeer, 40000), TCP_SYN_RECV);

    rst.seq = 1001;   // exactly RCV.NXT
    s.Inject(rst);
    EXPECT_EQ(s.Pending(), 0u);
    EXPECT_EQ(s.StateOf(80, kPeer, 40000), TCP_CLOSED);
    EXPECT_EQ(st.syncache_reset, 1u);
    EXPECT_EQ(st.syncache_dropped, 1u);
    EXPECT_EQ(l->syncache->count, 0u);
    EXPECT_EQ(tcp_get_state(l), TCP_LISTEN);
    // The final ACK now meets the listener: reset.
    s.Inject(AckOf(40000, synack));
    ASSERT_TRUE(s.Pop(&ack));
    EXPECT_EQ(ack.Flags(), "R");
    tcp_close(l, s.now());
}

TEST(TcpSyncache, DuplicateSynGetsTheSameSynAckAtOnce)
{
    tcp_config cfg = CacheConfig(false);
    OneStack s(kSeed, &cfg);
    tcb *l = Listen(s);
    s.Inject(Syn(40000));
    Sent a, b;
    ASSERT_TRUE(s.Pop(&a));
    s.RunFor(usec_from_msec(300));
    s.Inject(Syn(40000));
    ASSERT_TRUE(s.Pop(&b)) << s.Dump();
    EXPECT_EQ(b.Flags(), "S.");
    EXPECT_EQ(b.h.seq, a.h.seq);
    EXPECT_EQ(s.stats().retrans_segs, 1u);
    EXPECT_EQ(s.stats().syncache_added, 1u) << "no second entry";
    tcp_close(l, s.now());
}

TEST(TcpSyncache, FinalAckBuildsTheConnectionWithTheNegotiatedOptions)
{
    tcp_config cfg = CacheConfig(false);
    OneStack s(kSeed, &cfg);
    tcb *l = Listen(s);
    Seg syn = Syn(40000);
    syn.mss = 1000;
    syn.options = {1, 3, 3, 7};   // nop, wscale 7
    syn.win = 32792;
    s.Inject(syn);
    Sent synack;
    ASSERT_TRUE(s.Pop(&synack));
    EXPECT_TRUE(synack.h.opt.has_wscale) << "the peer offered scaling: so do we";
    size_t before = Tcbs(s);

    // A wrong ACK: <SEQ=SEG.ACK><CTL=RST>, and the entry stays.
    Seg bad = AckOf(40000, synack);
    bad.ack += 5;
    s.Inject(bad);
    Sent rst;
    ASSERT_TRUE(s.Pop(&rst));
    EXPECT_EQ(rst.Flags(), "R");
    EXPECT_EQ(rst.h.seq, bad.ack);
    EXPECT_EQ(s.StateOf(80, kPeer, 40000), TCP_SYN_RECV);
    EXPECT_EQ(Tcbs(s), before);

    // The right one, with data: ESTABLISHED, on the accept queue, data in.
    Seg ack = AckOf(40000, synack);
    ack.flags |= TCP_FLAG_PSH;
    ack.data = "hello";
    ack.win = 100;   // scaled by 7: 12800 bytes
    s.Inject(ack);
    EXPECT_EQ(s.StateOf(80, kPeer, 40000), TCP_ESTABLISHED) << s.Dump();
    EXPECT_EQ(Tcbs(s), before + 1);
    EXPECT_EQ(l->syncache->count, 0u);
    EXPECT_EQ(s.stats().syncache_completed, 1u);
    std::vector<std::string> want = {"LISTEN -> SYN_RECV", "SYN_RECV -> ESTABLISHED"};
    EXPECT_EQ(StatesOf(s.tr(), Subject(kStack, 80, kPeer, 40000)), want);
    int err = 0;
    tcb *c = tcp_accept(l, &err, s.now());
    ASSERT_NE(c, nullptr);
    tcp_info info;
    tcp_get_info(c, &info);
    EXPECT_EQ(info.iss, synack.h.seq);
    EXPECT_EQ(info.irs, 1000u);
    EXPECT_EQ(info.snd_mss, 1000u);
    EXPECT_EQ(info.snd_wscale, 7);
    EXPECT_EQ(info.snd_wnd, 100u << 7);
    EXPECT_TRUE(info.has_rtt) << "SYN+ACK not retransmitted: the handshake is an RTT sample";
    char buf[16] = {};
    ASSERT_EQ(tcp_receive(c, buf, sizeof buf, s.now()), 5);
    EXPECT_EQ(std::string(buf, 5), "hello");
    tcp_abort(c, s.now());
    tcp_close(l, s.now());
}

TEST(TcpSyncache, FinalAckWaitsWhileTheAcceptQueueIsFull)
{
    tcp_config cfg = CacheConfig(false);
    OneStack s(kSeed, &cfg);
    tcb *l = Listen(s, 1);
    Sent a, b;
    s.Inject(Syn(40001));
    ASSERT_TRUE(s.Pop(&a));
    s.Inject(Syn(40002));
    ASSERT_TRUE(s.Pop(&b));
    s.Inject(AckOf(40001, a));
    s.Inject(AckOf(40002, b));
    EXPECT_EQ(s.StateOf(80, kPeer, 40001), TCP_ESTABLISHED);
    EXPECT_EQ(s.StateOf(80, kPeer, 40002), TCP_SYN_RECV) << "still an entry";
    EXPECT_EQ(s.stats().accept_queue_full, 1u);
    EXPECT_EQ(l->syncache->count, 1u);
    int err = 0;
    tcb *first = tcp_accept(l, &err, s.now());
    ASSERT_NE(first, nullptr);
    s.Inject(AckOf(40002, b));
    EXPECT_EQ(s.StateOf(80, kPeer, 40002), TCP_ESTABLISHED);
    tcb *second = tcp_accept(l, &err, s.now());
    ASSERT_NE(second, nullptr);
    tcp_abort(first, s.now());
    tcp_abort(second, s.now());
    tcp_close(l, s.now());
}

}  // namespace
