// ARP retries against a silent far side: requests repeat max_requests times
// at retry_interval spacing (exact virtual times), then the unreachable
// handler is told once per queued packet and the entry is gone.
#include <gtest/gtest.h>

#include "tests/link/arp_sim.h"

namespace arptest {
namespace {

using Lines = std::vector<std::string>;

TEST_F(ArpSim, SilentNeighbourGetsThreeRequestsOneSecondApartThenUnreachable)
{
    Start(nullptr, nullptr, /*b_speaks_arp=*/false);   // defaults: 3 requests, 1 s apart
    ASSERT_EQ(Send(a_, kIpB, "p1"), 0);
    RunFor(usec_from_sec(1) / 4);
    ASSERT_EQ(Send(a_, kIpB, "p2"), 0);
    RunUntil(usec_from_sec(10));

    Lines requests = StoryWith("sim-a out arp");
    Lines expected = {
        "0.000000 sim-a out arp who-has 10.0.1.2 tell 10.0.1.1",
        "1.000000 sim-a out arp who-has 10.0.1.2 tell 10.0.1.1",
        "2.000000 sim-a out arp who-has 10.0.1.2 tell 10.0.1.1",
    };
    EXPECT_EQ(requests, expected);
    Lines states = StoryWith("sim-a state");
    Lines expected_states = {
        "0.000000 sim-a state arp 10.0.1.2 NONE -> INCOMPLETE",
        "3.000000 sim-a state arp 10.0.1.2 INCOMPLETE -> NONE",
    };
    EXPECT_EQ(states, expected_states);

    // Told once per packet, in queue order, at the give-up time.
    ASSERT_EQ(a_.unreachable.size(), 2u);
    EXPECT_EQ(a_.unreachable[0].text, "p1");
    EXPECT_EQ(a_.unreachable[1].text, "p2");
    for (const Delivery& d : a_.unreachable) {
        EXPECT_EQ(d.time, usec_from_sec(3));
        EXPECT_EQ(d.nexthop, kIpB);
    }
    EXPECT_TRUE(b_.received.empty());
    EXPECT_EQ(arp_lookup(a_.arp, kIpB, nullptr, nullptr), -ENOENT);
    EXPECT_EQ(arp_entry_count(a_.arp), 0u);
    const struct arp_stats* s = arp_get_stats(a_.arp);
    EXPECT_EQ(s->tx_requests, 3u);
    EXPECT_EQ(s->resolve_failed, 1u);
    EXPECT_EQ(s->unreachable_packets, 2u);
    // B heard every request but has nobody to give them to.
    EXPECT_EQ(b_.port.stats.rx_unknown_type, 3u);
}

TEST_F(ArpSim, RetryScheduleFollowsTheConfiguration)
{
    struct arp_config cfg;
    arp_config_default(&cfg);
    cfg.retry_interval = usec_from_msec(250);
    cfg.max_requests = 5;
    Start(&cfg, nullptr, false);
    RunUntil(usec_from_sec(7));   // start at a time that is not zero
    ASSERT_EQ(Send(a_, kIpB, "late"), 0);
    RunUntil(usec_from_sec(20));

    Lines expected = {
        "7.000000 sim-a out arp who-has 10.0.1.2 tell 10.0.1.1",
        "7.250000 sim-a out arp who-has 10.0.1.2 tell 10.0.1.1",
        "7.500000 sim-a out arp who-has 10.0.1.2 tell 10.0.1.1",
        "7.750000 sim-a out arp who-has 10.0.1.2 tell 10.0.1.1",
        "8.000000 sim-a out arp who-has 10.0.1.2 tell 10.0.1.1",
    };
    EXPECT_EQ(StoryWith("sim-a out arp"), expected);
    ASSERT_EQ(a_.unreachable.size(), 1u);
    EXPECT_EQ(a_.unreachable[0].time, usec_from_msec(8250));
}

TEST_F(ArpSim, AfterGivingUpTheNextPacketAsksAgainNoSoonerThanOneInterval)
{
    // RFC 1122 §2.3.2.1: at most one request per second per destination,
    // also across a give-up and a fresh attempt.
    Start(nullptr, nullptr, false);
    ASSERT_EQ(Send(a_, kIpB, "first"), 0);
    RunUntil(usec_from_sec(3));
    ASSERT_EQ(a_.unreachable.size(), 1u);
    ASSERT_EQ(Send(a_, kIpB, "again"), 0);
    RunUntil(usec_from_sec(3) + usec_from_msec(1));
    Lines requests = StoryWith("sim-a out arp");
    ASSERT_EQ(requests.size(), 4u);
    EXPECT_EQ(requests[2], "2.000000 sim-a out arp who-has 10.0.1.2 tell 10.0.1.1");
    EXPECT_EQ(requests[3], "3.000000 sim-a out arp who-has 10.0.1.2 tell 10.0.1.1");
}

TEST_F(ArpSim, WithoutAnUnreachableHandlerQueuedPacketsAreStillFreed)
{
    Start(nullptr, nullptr, false);
    arp_set_unreachable_handler(a_.arp, nullptr, nullptr);
    for (int i = 0; i < 3; i++)
        ASSERT_EQ(Send(a_, kIpB, "lost"), 0);
    RunUntil(usec_from_sec(5));
    EXPECT_TRUE(a_.unreachable.empty());
    EXPECT_EQ(arp_get_stats(a_.arp)->unreachable_packets, 3u);
    // TearDown checks that no packet buffer is left.
}

TEST_F(ArpSim, ReplyAfterTheSecondRequestFlushesTheQueue)
{
    // The wire to the far side drops everything for the first 0.5 s, so the
    // first request is lost; the second one (at 1 s) is heard and answered.
    Start();
    struct sim_impairments deaf;
    memset(&deaf, 0, sizeof(deaf));
    deaf.loss = 1.0;
    deaf.delay = kDelay;
    sim_link_set_impairments(link_, 0, &deaf);
    ASSERT_EQ(Send(a_, kIpB, "patient"), 0);
    RunUntil(usec_from_msec(500));
    struct sim_impairments clear;
    memset(&clear, 0, sizeof(clear));
    clear.delay = kDelay;
    sim_link_set_impairments(link_, 0, &clear);
    RunUntil(usec_from_sec(10));

    EXPECT_EQ(StoryWith("sim-a out arp").size(), 2u);
    ASSERT_EQ(b_.received.size(), 1u);
    EXPECT_EQ(b_.received[0].time, usec_from_sec(1) + 3 * kDelay);
    EXPECT_TRUE(a_.unreachable.empty());
}

}  // namespace
}  // namespace arptest
