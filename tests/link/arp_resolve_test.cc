// ARP resolution on a simulated Ethernet wire: the first packet to an unknown
// neighbour waits for exactly one request and its reply; packets that come
// while the request is out wait with it (bounded, oldest dropped); requests
// for our address are answered with our MAC; STALE entries are used.
#include <gtest/gtest.h>

#include "tests/link/arp_sim.h"

namespace arptest {
namespace {

using Lines = std::vector<std::string>;

TEST_F(ArpSim, FirstPacketWaitsForOneRequestAndLeavesAfterTheReply)
{
    Start();
    ASSERT_EQ(Send(a_, kIpB, "first"), 0);
    // Nothing has left yet but the request: the packet waits.
    EXPECT_TRUE(b_.received.empty());
    RunFor(usec_from_sec(1) / 2);

    // The whole story, in order: one request, one reply, then the packet.
    Lines expected = {
        "0.000000 sim-a state arp 10.0.1.2 NONE -> INCOMPLETE",
        "0.000000 sim-a out arp who-has 10.0.1.2 tell 10.0.1.1",
        "0.001000 sim-b in  arp who-has 10.0.1.2 tell 10.0.1.1",
        "0.001000 sim-b state arp 10.0.1.1 NONE -> STALE",
        "0.001000 sim-b out arp reply 10.0.1.2 is-at 02:00:00:00:00:02",
        "0.002000 sim-a in  arp reply 10.0.1.2 is-at 02:00:00:00:00:02",
        "0.002000 sim-a state arp 10.0.1.2 INCOMPLETE -> REACHABLE",
        "0.002000 sim-a out ipv4 'first' to 02:00:00:00:00:02",
        "0.003000 sim-b in  ipv4 'first' to 02:00:00:00:00:02",
    };
    EXPECT_EQ(Story(), expected);
    ASSERT_EQ(b_.received.size(), 1u);
    EXPECT_EQ(b_.received[0].text, "first");
    EXPECT_EQ(b_.received[0].time, 3 * kDelay);
    EXPECT_EQ(arp_get_stats(a_.arp)->tx_requests, 1u);
    EXPECT_EQ(arp_get_stats(a_.arp)->resolved, 1u);
    EXPECT_EQ(arp_get_stats(b_.arp)->tx_replies, 1u);

    // The second packet finds the entry and leaves at once, no request.
    ClearStory();
    ASSERT_EQ(Send(a_, kIpB, "second"), 0);
    RunFor(kDelay);
    Lines now_expected = {
        "0.500000 sim-a out ipv4 'second' to 02:00:00:00:00:02",
        "0.501000 sim-b in  ipv4 'second' to 02:00:00:00:00:02",
    };
    EXPECT_EQ(Story(), now_expected);
    EXPECT_EQ(CacheText(a_), "10.0.1.2 dev sim-a lladdr 02:00:00:00:00:02 REACHABLE age 0.499000s\n");
}

TEST_F(ArpSim, SecondPacketWhileIncompleteQueuesWithoutASecondRequest)
{
    Start();
    ASSERT_EQ(Send(a_, kIpB, "one"), 0);
    RunFor(kDelay / 2);   // the request is on the wire, the reply not back yet
    ASSERT_EQ(Send(a_, kIpB, "two"), 0);
    enum arp_state state;
    ASSERT_EQ(arp_lookup(a_.arp, kIpB, nullptr, &state), 0);
    EXPECT_EQ(state, ARP_STATE_INCOMPLETE);
    EXPECT_EQ(CacheText(a_), "10.0.1.2 dev sim-a INCOMPLETE age 0.000500s requests 1 queued 2\n");
    RunFor(usec_from_sec(5));

    EXPECT_EQ(StoryWith("sim-a out arp").size(), 1u) << "exactly one request";
    Lines sent = StoryWith("sim-a out ipv4");
    Lines expected = {
        "0.002000 sim-a out ipv4 'one' to 02:00:00:00:00:02",
        "0.002000 sim-a out ipv4 'two' to 02:00:00:00:00:02",
    };
    EXPECT_EQ(sent, expected) << "queued packets leave in order when the reply arrives";
    ASSERT_EQ(b_.received.size(), 2u);
    EXPECT_EQ(b_.received[0].text, "one");
    EXPECT_EQ(b_.received[1].text, "two");
    EXPECT_EQ(arp_get_stats(a_.arp)->queued, 2u);
    EXPECT_EQ(arp_get_stats(a_.arp)->queue_drops, 0u);
}

TEST_F(ArpSim, QueueBoundDropsTheOldestPacket)
{
    struct arp_config cfg;
    arp_config_default(&cfg);
    cfg.max_queued = 3;
    Start(&cfg);
    for (const char* text : {"p1", "p2", "p3", "p4", "p5"})
        ASSERT_EQ(Send(a_, kIpB, text), 0);
    RunFor(usec_from_sec(1) / 2);

    ASSERT_EQ(b_.received.size(), 3u);
    EXPECT_EQ(b_.received[0].text, "p3");
    EXPECT_EQ(b_.received[1].text, "p4");
    EXPECT_EQ(b_.received[2].text, "p5");
    EXPECT_EQ(arp_get_stats(a_.arp)->queue_drops, 2u);
    EXPECT_EQ(arp_get_stats(a_.arp)->tx_requests, 1u);
    EXPECT_EQ(StoryWith("queue full").size(), 2u);
}

TEST_F(ArpSim, RequestForOurAddressIsAnsweredWithOurMac)
{
    Start();
    ASSERT_EQ(Send(a_, kIpB, "x"), 0);
    RunFor(usec_from_sec(1));

    // Find B's reply in the trace and check every field (RFC 826: swap the
    // fields, our addresses as sender, unicast to the asker).
    const struct trace* t = sim_world_trace(world_);
    const struct trace_event* reply = nullptr;
    for (size_t i = 0; i < t->count; i++)
        if (t->events[i].kind == TRACE_PKT_OUT && std::string(t->events[i].node) == "sim-b")
            reply = &t->events[i];
    ASSERT_NE(reply, nullptr);
    ASSERT_EQ(reply->wire_len, (uint32_t)ETH_MIN_FRAME) << "an ARP reply is padded to 60 bytes";
    struct eth_hdr eh;
    ASSERT_EQ(eth_hdr_parse(reply->bytes, reply->cap_len, &eh), 0);
    EXPECT_EQ(Mac(eh.dst), Mac(a_.dev->mac));
    EXPECT_EQ(Mac(eh.src), Mac(b_.dev->mac));
    EXPECT_EQ(eh.type, ETH_TYPE_ARP);
    struct arp_hdr ah;
    ASSERT_EQ(arp_hdr_parse(reply->bytes + ETH_HDR_LEN, reply->cap_len - ETH_HDR_LEN, &ah),
              ARP_HDR_OK);
    EXPECT_EQ(ah.op, ARP_OP_REPLY);
    EXPECT_EQ(Mac(ah.sha), Mac(b_.dev->mac));
    EXPECT_EQ(ah.spa, kIpB);
    EXPECT_EQ(Mac(ah.tha), Mac(a_.dev->mac));
    EXPECT_EQ(ah.tpa, kIpA);
    for (size_t i = ETH_HDR_LEN + ARP_HDR_LEN; i < ETH_MIN_FRAME; i++)
        EXPECT_EQ(reply->bytes[i], 0) << "padding byte " << i;

    uint8_t mac[ETH_ADDR_LEN];
    enum arp_state state;
    ASSERT_EQ(arp_lookup(a_.arp, kIpB, mac, &state), 0);
    EXPECT_EQ(Mac(mac), Mac(b_.dev->mac));
    EXPECT_EQ(state, ARP_STATE_REACHABLE);
    // The asker's request taught B its address (RFC 826: we are the target).
    ASSERT_EQ(arp_lookup(b_.arp, kIpA, mac, &state), 0);
    EXPECT_EQ(Mac(mac), Mac(a_.dev->mac));
    EXPECT_EQ(state, ARP_STATE_STALE);
}

TEST_F(ArpSim, StaleEntryIsUsedForSendingWithoutARequest)
{
    Start();
    ASSERT_EQ(Send(a_, kIpB, "hello"), 0);
    RunFor(usec_from_sec(1));
    // B learned A from A's request: STALE, but good enough to answer.
    ASSERT_EQ(Send(b_, kIpA, "answer"), 0);
    RunFor(usec_from_sec(1));
    ASSERT_EQ(a_.received.size(), 1u);
    EXPECT_EQ(a_.received[0].text, "answer");
    EXPECT_EQ(arp_get_stats(b_.arp)->tx_requests, 0u);
    enum arp_state state;
    ASSERT_EQ(arp_lookup(b_.arp, kIpA, nullptr, &state), 0);
    EXPECT_EQ(state, ARP_STATE_STALE);
}

TEST_F(ArpSim, RequestsCrossingEachOtherResolveBothSides)
{
    // Both hosts ask at the same instant: each request carries its sender's
    // MAC, so each side resolves from the other's request (merge rule) and
    // from the reply; every packet is delivered once.
    Start();
    ASSERT_EQ(Send(a_, kIpB, "from-a"), 0);
    ASSERT_EQ(Send(b_, kIpA, "from-b"), 0);
    RunFor(usec_from_sec(2));
    ASSERT_EQ(a_.received.size(), 1u);
    ASSERT_EQ(b_.received.size(), 1u);
    EXPECT_EQ(a_.received[0].text, "from-b");
    EXPECT_EQ(b_.received[0].text, "from-a");
    EXPECT_EQ(arp_get_stats(a_.arp)->tx_requests, 1u);
    EXPECT_EQ(arp_get_stats(b_.arp)->tx_requests, 1u);
    enum arp_state state;
    ASSERT_EQ(arp_lookup(a_.arp, kIpB, nullptr, &state), 0);
    EXPECT_EQ(state, ARP_STATE_REACHABLE);
    ASSERT_EQ(arp_lookup(b_.arp, kIpA, nullptr, &state), 0);
    EXPECT_EQ(state, ARP_STATE_REACHABLE);
}

}  // namespace
}  // namespace arptest
