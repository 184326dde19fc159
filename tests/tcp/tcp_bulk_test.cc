// tcp_bulk_test — 32 MiB between two stacks over a simulated link that
// loses 5% of the packets, duplicates, reorders and corrupts some more,
// arrives byte-identical (checked by hash), in both directions at once.
// Prints the virtual time it took and the counters that show how.
#include <gtest/gtest.h>

#include <cinttypes>

#include "tests/tcp/tcp_harness.h"

namespace {

using namespace tcptest;

constexpr uint64_t kSeed = 6014;

// FNV-1a, 64 bits: enough to tell two streams apart.
struct Hash {
    uint64_t h = 1469598103934665603ull;
    void Add(const uint8_t *p, size_t n)
    {
        for (size_t i = 0; i < n; i++) {
            h ^= p[i];
            h *= 1099511628211ull;
        }
    }
};

// A deterministic stream of bytes, produced piece by piece.
struct Source {
    uint64_t x;
    size_t left;
    void Fill(uint8_t *p, size_t n)
    {
        for (size_t i = 0; i < n; i++) {
            x = x * 6364136223846793005ull + 1442695040888963407ull;
            p[i] = (uint8_t)(x >> 56);
        }
    }
};

struct Direction {
    Direction(tcb *f, tcb *t, uint64_t seed, size_t n) : from(f), to(t), src{seed, n} {}
    tcb *from, *to;
    Source src;
    Hash sent, got;
    size_t received = 0;
    uint8_t pending[16384];
    size_t pending_len = 0, pending_off = 0;

    void Pump(usec_t now)
    {
        for (;;) {
            if (pending_off == pending_len) {
                if (src.left == 0)
                    return;
                pending_len = src.left < sizeof pending ? src.left : sizeof pending;
                src.Fill(pending, pending_len);
                sent.Add(pending, pending_len);
                src.left -= pending_len;
                pending_off = 0;
            }
            ssize_t n = tcp_send(from, pending + pending_off, pending_len - pending_off, now);
            if (n <= 0)
                return;
            pending_off += (size_t)n;
        }
    }
    // Read at most `limit` bytes (a slow reader keeps the window tight).
    void Drain(usec_t now, size_t limit = SIZE_MAX)
    {
        uint8_t buf[16384];
        ssize_t n;
        while (limit > 0 &&
               (n = tcp_receive(to, buf, limit < sizeof buf ? limit : sizeof buf, now)) > 0) {
            got.Add(buf, (size_t)n);
            received += (size_t)n;
            limit -= (size_t)n;
        }
    }
};

TEST(TcpBulk, ThirtyTwoMebibytesThroughALossyLink)
{
    const size_t total = 32u << 20;
    Pair p(kSeed);
    sim_impairments imp = {};
    imp.delay = usec_from_msec(1);
    imp.loss = 0.05;
    imp.duplicate = 0.01;
    imp.reorder = 0.01;
    imp.reorder_delay = 300;
    imp.corrupt = 0.01;
    sim_link_set_both(p.link(), &imp);

    tcb *l = tcp_open(p.server());
    ASSERT_EQ(tcp_bind(l, 0, 9), 0);
    ASSERT_EQ(tcp_listen(l, 4, p.now()), 0);
    tcb *c = tcp_open(p.client());
    ASSERT_EQ(tcp_connect(c, kStack, 9, p.now()), 0);
    tcb *sv = nullptr;
    for (int i = 0; i < 100 && sv == nullptr; i++) {
        p.RunFor(usec_from_msec(100));
        int err;
        sv = tcp_accept(l, &err, p.now());
    }
    ASSERT_NE(sv, nullptr);

    Direction up(c, sv, 1, total);
    Direction down(sv, c, 2, total);
    usec_t start = p.now();
    for (int step = 0; step < 10 * 1000 * 1000; step++) {
        up.Pump(p.now());
        down.Pump(p.now());
        p.RunFor(500);
        up.Drain(p.now());
        down.Drain(p.now());
        if (up.received == total && down.received == total)
            break;
        if (step % 1000 == 0)
            trace_clear(sim_world_trace(p.p()->world));   // keep memory bounded
    }
    double secs = (double)(p.now() - start) / USEC_PER_SEC;
    const tcp_stats *cs = tcp_get_stats(p.client());
    const tcp_stats *ss = tcp_get_stats(p.server());
    printf("32 MiB each way in %.1f virtual s (%.2f MB/s each way); client: %" PRIu64
           " segments out, %" PRIu64 " retransmitted (%" PRIu64 " fast), %" PRIu64
           " bad checksums in; server: %" PRIu64 " out-of-order held\n",
           secs, (double)total / 1e6 / secs, cs->segs_out, cs->retrans_segs,
           cs->fast_retransmits, cs->bad_checksum, ss->ooo_queued);
    if (up.received != total || down.received != total) {
        for (tcb *t : {c, sv}) {
            tcp_info i;
            tcp_get_info(t, &i);
            printf("state %s una %u nxt %u max %u rcv_nxt %u snd_wnd %u cwnd %u ssthresh %u "
                   "retries %u\n",
                   tcp_state_name(i.state), i.snd_una, i.snd_nxt, i.snd_max, i.rcv_nxt,
                   i.snd_wnd, i.cwnd, i.ssthresh, i.retries);
        }
        printf("%s\n", p.Dump().c_str());
    }
    ASSERT_EQ(up.received, total) << "seed " << kSeed;
    ASSERT_EQ(down.received, total) << "seed " << kSeed;
    EXPECT_EQ(up.sent.h, up.got.h) << "client -> server bytes differ, seed " << kSeed;
    EXPECT_EQ(down.sent.h, down.got.h) << "server -> client bytes differ, seed " << kSeed;
    EXPECT_GT(cs->fast_retransmits, 0u);
    EXPECT_GT(cs->bad_checksum + ss->bad_checksum, 0u);
    tcp_close(c, p.now());
    tcp_close(sv, p.now());
    tcp_close(l, p.now());
}

// Without loss nothing is ever sent twice, even when a reader that reads only
// now and then lets the scaled window fill up: the receiver never offers bytes
// its buffer cannot hold (tcp_rcv_window; RFC 7323 §2.4). It used to round
// the open window up to the scale unit each ACK, past the buffer's end; the
// segment that reached there was cut short, and the rest sent again.
TEST(TcpBulk, ASlowReaderOnALosslessLinkCausesNoRetransmission)
{
    const size_t total = 8u << 20;
    Pair p(kSeed);
    sim_impairments imp = {};
    imp.delay = 100;
    sim_link_set_both(p.link(), &imp);

    Connected k = Connect(p, 9, usec_from_msec(10));
    ASSERT_NE(k.server, nullptr);
    tcb *l = k.listener, *c = k.client, *sv = k.server;

    Direction up(c, sv, 5, total);
    for (int step = 0; step < 1000 * 1000 && up.received < total; step++) {
        up.Pump(p.now());
        p.RunFor(50);
        up.Drain(p.now(), step % 40 == 0 ? 300000 + 977 * (step % 7) : 0);   // now and then
        if (step % 1000 == 0)
            trace_clear(sim_world_trace(p.p()->world));
    }
    const tcp_stats *cs = tcp_get_stats(p.client());
    const tcp_stats *ss = tcp_get_stats(p.server());
    printf("8 MiB to a slow reader: %" PRIu64 " segments, %" PRIu64 " retransmitted, %" PRIu64
           " duplicate ACKs, %" PRIu64 " out-of-order held, %" PRIu64 " zero-window probes\n",
           cs->segs_out, cs->retrans_segs, cs->dup_acks, ss->ooo_queued, cs->persist_probes);
    ASSERT_EQ(up.received, total) << "seed " << kSeed;
    EXPECT_EQ(up.sent.h, up.got.h) << "seed " << kSeed;
    EXPECT_EQ(cs->retrans_segs, 0u) << "seed " << kSeed;
    EXPECT_EQ(cs->dup_acks, 0u) << "seed " << kSeed;
    EXPECT_EQ(ss->ooo_queued, 0u) << "seed " << kSeed;
    tcp_abort(c, p.now());
    tcp_abort(sv, p.now());
    tcp_close(l, p.now());
}

}  // namespace
