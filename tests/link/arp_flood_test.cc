// An ARP flood: 10,000 requests for our address from distinct spoofed
// senders. The cache stays within max_entries (only STALE entries are
// evicted, oldest first), neighbours we resolved ourselves survive, and the
// memory in use stays bounded.
#include <gtest/gtest.h>

#include <algorithm>

#include "stack/core/rng.h"
#include "tests/link/arp_capdev.h"

namespace arptest {
namespace {

constexpr int kFlood = 10000;
constexpr uint64_t kSeed = 7;

// Sender i: 10.128.x.y with a locally administered unicast MAC, both drawn
// from i so every sender is distinct.
ArpFrame SpoofedRequest(uint32_t i, struct rng* r)
{
    uint8_t mac[ETH_ADDR_LEN] = {0x02, (uint8_t)rng_below(r, 256), (uint8_t)(i >> 16),
                                 (uint8_t)(i >> 8), (uint8_t)i, 0x42};
    return RequestForUs(mac, 0x0a800000 | i);
}

TEST_F(ArpCapdev, FloodOfSpoofedRequestsKeepsTheCacheBounded)
{
    SCOPED_TRACE("seed " + std::to_string(kSeed));
    struct arp_config cfg;
    arp_config_default(&cfg);
    cfg.max_entries = 64;
    Start(&cfg);
    struct rng r;
    rng_seed(&r, kSeed);

    // First resolve the real peer ourselves: REACHABLE.
    struct pkb* p = pkb_alloc(PKB_DEFAULT_HEADROOM, 8);
    memcpy(pkb_put(p, 4), "mine", 4);
    ASSERT_EQ(arp_output(arp_, p, kPeerIp, now_), 0);
    Inject(ArpFrame(ARP_OP_REPLY, kPeerMac, kPeerIp, kOurMac, kOurIp));
    capdev_clear(&cap_);

    size_t peak_entries = 0;
    uint64_t peak_buffers = 0;
    for (uint32_t i = 1; i <= (uint32_t)kFlood; i++) {
        now_ += 100;   // 10,000 packets per second
        timerq_run(&timers_, now_);
        Inject(SpoofedRequest(i, &r));
        peak_entries = std::max(peak_entries, arp_entry_count(arp_));
        peak_buffers = std::max(peak_buffers, pkb_stats().live_buffers);
        capdev_clear(&cap_);   // the reply we sent
        ASSERT_LE(arp_entry_count(arp_), (size_t)cfg.max_entries) << "after request " << i;
    }
    EXPECT_EQ(peak_entries, (size_t)cfg.max_entries);
    EXPECT_LE(timers_.count, (size_t)cfg.max_entries) << "one timer per entry at most";
    EXPECT_LE(peak_buffers, baseline_ + 2) << "no packet is kept";

    const struct arp_stats* s = arp_get_stats(arp_);
    EXPECT_EQ(s->tx_replies, (uint64_t)kFlood) << "every request for us is answered";
    EXPECT_EQ(s->evictions, (uint64_t)(kFlood - (cfg.max_entries - 1)));
    EXPECT_EQ(s->cache_full, 0u);

    // The peer we resolved is untouched; the newest spoofed senders remain,
    // the oldest were evicted.
    enum arp_state state;
    uint8_t mac[ETH_ADDR_LEN];
    ASSERT_EQ(arp_lookup(arp_, kPeerIp, mac, &state), 0);
    EXPECT_EQ(state, ARP_STATE_REACHABLE);
    EXPECT_EQ(memcmp(mac, kPeerMac, ETH_ADDR_LEN), 0);
    EXPECT_EQ(arp_lookup(arp_, 0x0a800000 | kFlood, nullptr, &state), 0);
    EXPECT_EQ(state, ARP_STATE_STALE);
    EXPECT_EQ(arp_lookup(arp_, 0x0a800000 | 1, nullptr, nullptr), -ENOENT);

    // A new destination still gets an entry: the oldest STALE one goes.
    p = pkb_alloc(PKB_DEFAULT_HEADROOM, 8);
    memcpy(pkb_put(p, 4), "next", 4);
    EXPECT_EQ(arp_output(arp_, p, 0x0a000109, now_), 0);
    EXPECT_EQ(arp_entry_count(arp_), (size_t)cfg.max_entries);
    EXPECT_EQ(arp_lookup(arp_, 0x0a800000 | (kFlood - cfg.max_entries + 2), nullptr, nullptr),
              -ENOENT);
    capdev_clear(&cap_);
}

TEST_F(ArpCapdev, FullCacheWithNothingStaleRefusesNewEntriesAndCountsThem)
{
    struct arp_config cfg;
    arp_config_default(&cfg);
    cfg.max_entries = 4;
    Start(&cfg);
    // Four destinations we are resolving: INCOMPLETE entries are never evicted.
    for (uint32_t i = 0; i < 4; i++) {
        struct pkb* p = pkb_alloc(PKB_DEFAULT_HEADROOM, 8);
        memcpy(pkb_put(p, 1), "q", 1);
        ASSERT_EQ(arp_output(arp_, p, 0x0a000110 + i, now_), 0);
    }
    struct pkb* p = pkb_alloc(PKB_DEFAULT_HEADROOM, 8);
    memcpy(pkb_put(p, 1), "q", 1);
    EXPECT_EQ(arp_output(arp_, p, 0x0a000120, now_), -ENOBUFS);
    struct rng r;
    rng_seed(&r, kSeed);
    for (uint32_t i = 1; i <= 100; i++)
        Inject(SpoofedRequest(i, &r));
    EXPECT_EQ(arp_entry_count(arp_), 4u);
    EXPECT_EQ(arp_get_stats(arp_)->cache_full, 101u);
    EXPECT_EQ(arp_get_stats(arp_)->tx_replies, 100u) << "still answered, just not remembered";
    capdev_clear(&cap_);
}

}  // namespace
}  // namespace arptest
