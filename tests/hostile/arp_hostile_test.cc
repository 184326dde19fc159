// arp_hostile_test.cc — an ARP flood and a flood of packets to a host that
// never answers, against a stack on an Ethernet capture device: the cache
// and the pending queues stay within their sizes, drops are counted, the
// neighbours the stack resolved itself survive, and memory comes back.
#include <cerrno>
#include <cstring>

#include "stack/link/arp.h"
#include "stack/link/arp_hdr.h"
#include "stack/link/ethernet.h"
#include "tests/hostile/hostile.h"

namespace hostile {
namespace {

constexpr uint64_t kSeed = 13;

Bytes ArpFrame(const uint8_t dst[6], uint16_t op, const uint8_t sha[6], uint32_t spa,
               uint32_t tpa, const uint8_t tha[6])
{
    arp_hdr a = {};
    a.htype = ARP_HTYPE_ETHERNET;
    a.ptype = ARP_PTYPE_IPV4;
    a.hlen = 6;
    a.plen = 4;
    a.op = op;
    memcpy(a.sha, sha, 6);
    a.spa = spa;
    memcpy(a.tha, tha, 6);
    a.tpa = tpa;
    Bytes f(ETH_HDR_LEN + ARP_HDR_LEN);
    memcpy(&f[0], dst, 6);
    memcpy(&f[6], sha, 6);
    be16_write(&f[12], ETH_TYPE_ARP);
    arp_hdr_emit(&a, &f[ETH_HDR_LEN]);
    return f;
}

const uint8_t kZero[6] = {0};
const uint8_t kGateway[6] = {0x02, 0, 0, 0, 0, 0x01};

// Make the stack resolve 10.0.0.1 itself (its request, the reply): a
// REACHABLE entry.
void ResolvePeer(Host &h, int fd)
{
    sock_addr to = {kPeer, 9};
    ASSERT_EQ(1, socket_sendto(h.st(), fd, "x", 1, &to, h.now()));
    h.Clear();
    h.Inject(ArpFrame(h.cap()->dev.mac, ARP_OP_REPLY, kGateway, kPeer, kStack, h.cap()->dev.mac));
    h.Clear();
    enum arp_state state;
    ASSERT_EQ(0, arp_lookup(h.st()->arps[0], kPeer, nullptr, &state));
    ASSERT_EQ(ARP_STATE_REACHABLE, state);
}

// 20,000 requests for our address from 20,000 spoofed senders: RFC 826
// says to remember each sender, so the cache fills; it stays at its size
// (256), the oldest STALE entries are evicted (counted), and the entry the
// stack resolved itself (REACHABLE) is never pushed out (arp_cache.h's
// policy). Requests for other hosts' addresses create nothing.
TEST(ArpHostile, RequestFloodKeepsTheCacheBoundedAndTheResolvedEntry)
{
    uint64_t start = LiveBuffers();
    {
        Host h(kSeed, NETDEV_LINK_ETHERNET);
        int fd = socket_open(h.st(), SOCK_TYPE_DGRAM);
        ResolvePeer(h, fd);
        const arp *a = h.st()->arps[0];
        for (uint32_t i = 0; i < 20000; i++) {
            uint8_t sha[6] = {0x02, 0x10, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i, 7};
            uint32_t spa = 0x0A010000u + i + 1;   // 10.1.x.y: not even on our subnet
            h.Inject(ArpFrame(ETH_BROADCAST, ARP_OP_REQUEST, sha, spa, kStack, kZero));
            ASSERT_LE(arp_entry_count(a), 256u);
        }
        h.Clear();
        const arp_stats *s = arp_get_stats(a);
        EXPECT_GT(s->evictions, 19000u);
        enum arp_state state;
        EXPECT_EQ(0, arp_lookup(a, kPeer, nullptr, &state)) << "the resolved neighbour survived";
        EXPECT_EQ(ARP_STATE_REACHABLE, state);
        uint64_t not_for_us = s->rx_not_for_us;
        size_t entries = arp_entry_count(a);
        for (uint32_t i = 0; i < 1000; i++) {
            uint8_t sha[6] = {0x02, 0x20, 0, (uint8_t)(i >> 8), (uint8_t)i, 7};
            h.Inject(ArpFrame(ETH_BROADCAST, ARP_OP_REQUEST, sha, 0x0A020000u + i + 1,
                              0x0A000063u, kZero));   // who has 10.0.0.99
        }
        EXPECT_EQ(not_for_us + 1000, s->rx_not_for_us);
        EXPECT_EQ(entries, arp_entry_count(a)) << "requests for others add no entry";
        socket_close(h.st(), fd, h.now());
    }
    EXPECT_EQ(start, LiveBuffers());
}

// A reply from a group MAC never reaches ARP (IEEE 802.3: a source is one
// station; Ethernet counts rx_bad_source), and a request claiming the
// broadcast address as its sender is refused by ARP (rx_bad_sender):
// neither enters the cache.
TEST(ArpHostile, RepliesFromGroupAddressesAreRefused)
{
    Host h(kSeed, NETDEV_LINK_ETHERNET);
    uint8_t group[6] = {0x01, 0, 0x5e, 0, 0, 1};
    h.Inject(ArpFrame(h.cap()->dev.mac, ARP_OP_REPLY, group, 0x0A000005u, kStack,
                      h.cap()->dev.mac));
    h.Inject(ArpFrame(h.cap()->dev.mac, ARP_OP_REQUEST, kGateway, 0xFFFFFFFFu, kStack, kZero));
    const arp_stats *s = arp_get_stats(h.st()->arps[0]);
    EXPECT_EQ(1u, h.st()->eths[0]->stats.rx_bad_source) << h.Dump();
    EXPECT_EQ(1u, s->rx_bad_sender) << h.Dump();
    EXPECT_EQ(-ENOENT, arp_lookup(h.st()->arps[0], 0x0A000005u, nullptr, nullptr));
    EXPECT_EQ(-ENOENT, arp_lookup(h.st()->arps[0], 0xFFFFFFFFu, nullptr, nullptr));
}

}  // namespace
}  // namespace hostile
