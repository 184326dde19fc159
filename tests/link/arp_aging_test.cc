// ARP cache aging in virtual time (REACHABLE -> STALE -> gone, then the next
// packet resolves again), refresh of STALE entries, and gratuitous ARP.
#include <gtest/gtest.h>

#include "tests/link/arp_sim.h"

namespace arptest {
namespace {

using Lines = std::vector<std::string>;

TEST_F(ArpSim, EntryAgesReachableStaleGoneAndTheNextPacketResolvesAgain)
{
    struct arp_config cfg;
    arp_config_default(&cfg);
    cfg.reachable_time = usec_from_sec(30);
    cfg.stale_time = usec_from_sec(60);
    Start(&cfg, &cfg);
    ASSERT_EQ(Send(a_, kIpB, "early"), 0);
    RunUntil(usec_from_sec(1));
    enum arp_state state;
    ASSERT_EQ(arp_lookup(a_.arp, kIpB, nullptr, &state), 0);
    EXPECT_EQ(state, ARP_STATE_REACHABLE);

    // Resolved at 0.002 s: STALE 30 s later, gone 60 s after that.
    RunUntil(usec_from_sec(31));
    ASSERT_EQ(arp_lookup(a_.arp, kIpB, nullptr, &state), 0);
    EXPECT_EQ(state, ARP_STATE_STALE);
    EXPECT_EQ(CacheText(a_),
              "10.0.1.2 dev sim-a lladdr 02:00:00:00:00:02 STALE age 0.998000s\n");
    RunUntil(usec_from_sec(95));
    EXPECT_EQ(arp_lookup(a_.arp, kIpB, nullptr, &state), -ENOENT);
    Lines expected = {
        "0.000000 sim-a state arp 10.0.1.2 NONE -> INCOMPLETE",
        "0.002000 sim-a state arp 10.0.1.2 INCOMPLETE -> REACHABLE",
        "30.002000 sim-a state arp 10.0.1.2 REACHABLE -> STALE",
        "90.002000 sim-a state arp 10.0.1.2 STALE -> NONE",
    };
    EXPECT_EQ(StoryWith("sim-a state"), expected);
    // B learned A (STALE) from the request at 0.001 s and forgot it 60 s later.
    Lines expected_b = {
        "0.001000 sim-b state arp 10.0.1.1 NONE -> STALE",
        "60.001000 sim-b state arp 10.0.1.1 STALE -> NONE",
    };
    EXPECT_EQ(StoryWith("sim-b state"), expected_b);

    // The next packet starts over: a request, a reply, then the packet.
    ClearStory();
    ASSERT_EQ(Send(a_, kIpB, "later"), 0);
    RunFor(usec_from_sec(1));
    Lines again = StoryWith("sim-a");
    Lines expected_again = {
        "95.000000 sim-a state arp 10.0.1.2 NONE -> INCOMPLETE",
        "95.000000 sim-a out arp who-has 10.0.1.2 tell 10.0.1.1",
        "95.002000 sim-a in  arp reply 10.0.1.2 is-at 02:00:00:00:00:02",
        "95.002000 sim-a state arp 10.0.1.2 INCOMPLETE -> REACHABLE",
        "95.002000 sim-a out ipv4 'later' to 02:00:00:00:00:02",
    };
    EXPECT_EQ(again, expected_again);
    ASSERT_EQ(b_.received.size(), 2u);
    EXPECT_EQ(b_.received[1].text, "later");
}

TEST_F(ArpSim, RequestFromTheHostRefreshesAStaleEntry)
{
    Start();
    ASSERT_EQ(Send(a_, kIpB, "one"), 0);
    RunUntil(usec_from_sec(40));   // A's entry for B is STALE since 30.002 s
    enum arp_state state;
    ASSERT_EQ(arp_lookup(a_.arp, kIpB, nullptr, &state), 0);
    ASSERT_EQ(state, ARP_STATE_STALE);
    // B learned A at 0.001 s (STALE) and forgets it at 60.001 s; after that,
    // a packet from B to A makes B ask for A.
    RunUntil(usec_from_sec(61));
    ASSERT_EQ(arp_lookup(b_.arp, kIpA, nullptr, nullptr), -ENOENT);
    ASSERT_EQ(Send(b_, kIpA, "two"), 0);
    RunFor(usec_from_sec(1));
    // B's request for A refreshed A's STALE entry for B (merge rule); it
    // stays STALE because a request proves only what the sender claims.
    ASSERT_EQ(arp_lookup(a_.arp, kIpB, nullptr, &state), 0);
    EXPECT_EQ(state, ARP_STATE_STALE);
    EXPECT_EQ(CacheText(a_), "10.0.1.2 dev sim-a lladdr 02:00:00:00:00:02 STALE age 0.999000s\n");
    // Without the refresh the entry would be gone at 90.002 s; now it lives
    // until 61.001 + 60 s.
    RunUntil(usec_from_sec(100));
    EXPECT_EQ(arp_lookup(a_.arp, kIpB, nullptr, nullptr), 0);
    RunUntil(usec_from_sec(122));
    EXPECT_EQ(arp_lookup(a_.arp, kIpB, nullptr, nullptr), -ENOENT);
    Lines expected = {
        "0.000000 sim-a state arp 10.0.1.2 NONE -> INCOMPLETE",
        "0.002000 sim-a state arp 10.0.1.2 INCOMPLETE -> REACHABLE",
        "30.002000 sim-a state arp 10.0.1.2 REACHABLE -> STALE",
        "121.001000 sim-a state arp 10.0.1.2 STALE -> NONE",
    };
    EXPECT_EQ(StoryWith("sim-a state"), expected);
    ASSERT_EQ(a_.received.size(), 1u);
    EXPECT_EQ(a_.received[0].text, "two");
}

TEST_F(ArpSim, GratuitousArpUpdatesAnExistingEntryOnThePeer)
{
    Start();
    ASSERT_EQ(Send(a_, kIpB, "before"), 0);
    RunFor(usec_from_sec(1));
    ASSERT_EQ(b_.received.size(), 1u);

    // B's interface gets a new MAC (a replaced card, a failover) and comes
    // up again: it announces itself.
    static const uint8_t new_mac[ETH_ADDR_LEN] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x99};
    memcpy(b_.dev->mac, new_mac, ETH_ADDR_LEN);
    ClearStory();
    arp_announce(b_.arp, Now());
    RunFor(usec_from_sec(1));

    uint8_t mac[ETH_ADDR_LEN];
    enum arp_state state;
    ASSERT_EQ(arp_lookup(a_.arp, kIpB, mac, &state), 0);
    EXPECT_EQ(Mac(mac), "02:00:00:00:00:99");
    EXPECT_EQ(state, ARP_STATE_STALE) << "a new MAC from a request is unconfirmed";
    Lines expected = {
        "1.000000 sim-b note arp: gratuitous ARP for 10.0.1.2",
        "1.000000 sim-b out arp who-has 10.0.1.2 tell 10.0.1.2",
        "1.001000 sim-a in  arp who-has 10.0.1.2 tell 10.0.1.2",
        "1.001000 sim-a note arp 10.0.1.2: lladdr 02:00:00:00:00:02 -> 02:00:00:00:00:99",
        "1.001000 sim-a state arp 10.0.1.2 REACHABLE -> STALE",
    };
    EXPECT_EQ(Story(), expected) << "nobody answers a gratuitous ARP";

    // The next packet goes to the new MAC without a request.
    ASSERT_EQ(Send(a_, kIpB, "after"), 0);
    RunFor(usec_from_sec(1));
    ASSERT_EQ(b_.received.size(), 2u);
    EXPECT_EQ(b_.received[1].text, "after");
    EXPECT_EQ(StoryWith("sim-a out ipv4").back(), "2.000000 sim-a out ipv4 'after' to 02:00:00:00:00:99");
    EXPECT_EQ(arp_get_stats(a_.arp)->tx_requests, 1u);
}

TEST_F(ArpSim, GratuitousArpCreatesNoEntryOnAPeerThatDidNotKnowUs)
{
    // RFC 826 adds a new entry only when we are the target; a gratuitous ARP
    // targets its sender's own address.
    Start();
    arp_announce(b_.arp, Now());
    RunFor(usec_from_sec(1));
    EXPECT_EQ(arp_entry_count(a_.arp), 0u);
    EXPECT_EQ(arp_get_stats(a_.arp)->rx_not_for_us, 1u);
    EXPECT_EQ(arp_get_stats(a_.arp)->tx_replies, 0u);
    EXPECT_EQ(arp_get_stats(b_.arp)->tx_announcements, 1u);
}

}  // namespace
}  // namespace arptest
