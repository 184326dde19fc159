// ARP input played by hand on a capture device: the wire format, malformed
// packets dropped and counted by reason (never answered), the RFC 826 merge
// and learn rules, probes and address conflicts.
#include <gtest/gtest.h>

#include <cerrno>

#include "tests/link/arp_capdev.h"

namespace arptest {
namespace {

TEST(ArpHdr, RoundTripMatchesTheRfc826Layout)
{
    ArpFrame f(ARP_OP_REQUEST, kPeerMac, kPeerIp, kZeroMac, kOurIp);
    std::vector<uint8_t> bytes = f.Bytes();
    const uint8_t expected[ARP_HDR_LEN] = {
        0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01,           // htype ptype hlen plen op
        0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 10, 0, 1, 1,    // sha spa
        0, 0, 0, 0, 0, 0, 10, 0, 1, 2,                      // tha tpa
    };
    ASSERT_EQ(bytes.size(), (size_t)ETH_HDR_LEN + ARP_HDR_LEN);
    EXPECT_EQ(memcmp(bytes.data() + ETH_HDR_LEN, expected, ARP_HDR_LEN), 0);
    struct arp_hdr h;
    ASSERT_EQ(arp_hdr_parse(expected, sizeof(expected), &h), ARP_HDR_OK);
    EXPECT_EQ(h.op, ARP_OP_REQUEST);
    EXPECT_EQ(h.spa, kPeerIp);
    EXPECT_EQ(h.tpa, kOurIp);
    EXPECT_EQ(memcmp(h.sha, kPeerMac, ETH_ADDR_LEN), 0);
}

TEST_F(ArpCapdev, RequestForUsIsAnsweredAndTeachesUsTheAsker)
{
    Start();
    Inject(RequestForUs());
    struct eth_hdr eh;
    struct arp_hdr ah;
    size_t len;
    ASSERT_TRUE(PopArp(&eh, &ah, &len));
    EXPECT_EQ(len, (size_t)ETH_MIN_FRAME);
    EXPECT_EQ(memcmp(eh.dst, kPeerMac, ETH_ADDR_LEN), 0) << "the reply is unicast";
    EXPECT_EQ(memcmp(eh.src, kOurMac, ETH_ADDR_LEN), 0);
    EXPECT_EQ(ah.op, ARP_OP_REPLY);
    EXPECT_EQ(memcmp(ah.sha, kOurMac, ETH_ADDR_LEN), 0);
    EXPECT_EQ(ah.spa, kOurIp);
    EXPECT_EQ(memcmp(ah.tha, kPeerMac, ETH_ADDR_LEN), 0);
    EXPECT_EQ(ah.tpa, kPeerIp);
    EXPECT_EQ(capdev_pending(&cap_), 0u);

    uint8_t mac[ETH_ADDR_LEN];
    enum arp_state state;
    ASSERT_EQ(arp_lookup(arp_, kPeerIp, mac, &state), 0);
    EXPECT_EQ(memcmp(mac, kPeerMac, ETH_ADDR_LEN), 0);
    EXPECT_EQ(state, ARP_STATE_STALE);
    EXPECT_EQ(arp_get_stats(arp_)->rx_requests, 1u);
    EXPECT_EQ(arp_get_stats(arp_)->tx_replies, 1u);
}

TEST_F(ArpCapdev, RequestWithEthernetPaddingIsAccepted)
{
    // A real wire pads the 42-byte frame to 60: the padding is not ARP data.
    Start();
    std::vector<uint8_t> f = RequestForUs().Bytes();
    f.resize(ETH_MIN_FRAME, 0);
    Inject(f);
    EXPECT_EQ(arp_get_stats(arp_)->tx_replies, 1u);
    capdev_clear(&cap_);
}

// One malformed packet per row: which counter it must move. Nothing is
// answered and nothing is learned.
struct Malformed {
    const char* name;
    std::vector<uint8_t> frame;
    uint64_t arp_stats::*counter;
};

std::vector<Malformed> MalformedCases()
{
    std::vector<Malformed> cases;
    ArpFrame f = RequestForUs();
    f.arp.htype = 6;   // IEEE 802 networks: not ours
    cases.push_back({"bad hardware type", f.Bytes(), &arp_stats::rx_bad_hw_type});
    f = RequestForUs();
    f.arp.ptype = 0x86dd;
    cases.push_back({"bad protocol type", f.Bytes(), &arp_stats::rx_bad_proto_type});
    f = RequestForUs();
    f.arp.hlen = 8;
    cases.push_back({"hlen 8", f.Bytes(), &arp_stats::rx_bad_lengths});
    f = RequestForUs();
    f.arp.plen = 16;
    cases.push_back({"plen 16", f.Bytes(), &arp_stats::rx_bad_lengths});
    std::vector<uint8_t> cut = RequestForUs().Bytes();
    cut.resize(ETH_HDR_LEN + ARP_HDR_LEN - 1);   // the last byte of tpa missing
    cases.push_back({"truncated addresses", cut, &arp_stats::rx_truncated});
    cut.resize(ETH_HDR_LEN + 5);                 // not even the fixed part
    cases.push_back({"truncated fixed part", cut, &arp_stats::rx_truncated});
    cut.resize(ETH_HDR_LEN);                     // an empty payload
    cases.push_back({"empty", cut, &arp_stats::rx_truncated});
    f = RequestForUs();
    f.arp.op = 3;   // RARP request (RFC 903) is not ARP
    cases.push_back({"opcode 3", f.Bytes(), &arp_stats::rx_bad_opcode});
    f = RequestForUs();
    f.arp.op = 0;
    cases.push_back({"opcode 0", f.Bytes(), &arp_stats::rx_bad_opcode});
    static const uint8_t bcast[ETH_ADDR_LEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    f = RequestForUs();
    memcpy(f.arp.sha, bcast, ETH_ADDR_LEN);
    cases.push_back({"broadcast sender MAC", f.Bytes(), &arp_stats::rx_bad_sender});
    f = RequestForUs(kZeroMac);
    memcpy(f.eth.src, kPeerMac, ETH_ADDR_LEN);
    cases.push_back({"zero sender MAC", f.Bytes(), &arp_stats::rx_bad_sender});
    f = RequestForUs(kPeerMac, 0xe0000001);
    cases.push_back({"multicast sender IP", f.Bytes(), &arp_stats::rx_bad_sender});
    f = RequestForUs(kPeerMac, kOurIp);
    cases.push_back({"sender claims our address", f.Bytes(), &arp_stats::rx_conflicts});
    return cases;
}

TEST_F(ArpCapdev, MalformedPacketsAreDroppedAndCountedByReasonWithoutReply)
{
    Start();
    for (const Malformed& c : MalformedCases()) {
        SCOPED_TRACE(c.name);
        struct arp_stats before = *arp_get_stats(arp_);
        Inject(c.frame);
        const struct arp_stats& after = *arp_get_stats(arp_);
        EXPECT_EQ(after.*c.counter, before.*c.counter + 1);
        EXPECT_EQ(after.rx_packets, before.rx_packets + 1);
        EXPECT_EQ(after.tx_replies, 0u);
        EXPECT_EQ(capdev_pending(&cap_), 0u) << "no reply to a malformed packet";
        EXPECT_EQ(arp_entry_count(arp_), 0u) << "nothing learned";
    }
    const struct arp_stats* s = arp_get_stats(arp_);
    EXPECT_EQ(s->rx_bad_hw_type, 1u);
    EXPECT_EQ(s->rx_bad_proto_type, 1u);
    EXPECT_EQ(s->rx_bad_lengths, 2u);
    EXPECT_EQ(s->rx_truncated, 3u);
    EXPECT_EQ(s->rx_bad_opcode, 2u);
    EXPECT_EQ(s->rx_bad_sender, 3u);
    EXPECT_EQ(s->rx_conflicts, 1u);
}

TEST_F(ArpCapdev, BadOpcodeDoesNotChangeAnExistingEntry)
{
    Start();
    Inject(RequestForUs());
    capdev_clear(&cap_);
    static const uint8_t evil[ETH_ADDR_LEN] = {0x02, 0xee, 0xee, 0xee, 0xee, 0xee};
    ArpFrame f = RequestForUs(evil);
    f.arp.op = 9;
    Inject(f);
    uint8_t mac[ETH_ADDR_LEN];
    ASSERT_EQ(arp_lookup(arp_, kPeerIp, mac, nullptr), 0);
    EXPECT_EQ(memcmp(mac, kPeerMac, ETH_ADDR_LEN), 0);
}

TEST_F(ArpCapdev, ProbeIsAnsweredButNotLearned)
{
    // RFC 5227 §2.1.1: sender IP 0.0.0.0 asks "is this address taken?".
    Start();
    Inject(RequestForUs(kPeerMac, 0));
    struct eth_hdr eh;
    struct arp_hdr ah;
    ASSERT_TRUE(PopArp(&eh, &ah));
    EXPECT_EQ(ah.op, ARP_OP_REPLY);
    EXPECT_EQ(ah.tpa, 0u);
    EXPECT_EQ(memcmp(eh.dst, kPeerMac, ETH_ADDR_LEN), 0);
    EXPECT_EQ(arp_entry_count(arp_), 0u);
}

TEST_F(ArpCapdev, RequestForAnotherHostIsNotAnsweredNorLearned)
{
    Start();
    Inject(ArpFrame(ARP_OP_REQUEST, kPeerMac, kPeerIp, kZeroMac, 0x0a000109));
    EXPECT_EQ(capdev_pending(&cap_), 0u);
    EXPECT_EQ(arp_entry_count(arp_), 0u);
    EXPECT_EQ(arp_get_stats(arp_)->rx_not_for_us, 1u);
}

TEST_F(ArpCapdev, ReplyMakesAStaleEntryReachableAndRequestsKeepReachable)
{
    Start();
    Inject(RequestForUs());   // learned: STALE
    capdev_clear(&cap_);
    enum arp_state state;
    ASSERT_EQ(arp_lookup(arp_, kPeerIp, nullptr, &state), 0);
    ASSERT_EQ(state, ARP_STATE_STALE);
    now_ = usec_from_sec(5);
    Inject(ArpFrame(ARP_OP_REPLY, kPeerMac, kPeerIp, kOurMac, kOurIp));
    ASSERT_EQ(arp_lookup(arp_, kPeerIp, nullptr, &state), 0);
    EXPECT_EQ(state, ARP_STATE_REACHABLE);
    EXPECT_EQ(capdev_pending(&cap_), 0u) << "a reply is not answered";
    // A request from the same MAC keeps it REACHABLE and restarts its age.
    now_ = usec_from_sec(20);
    Inject(RequestForUs());
    capdev_clear(&cap_);
    ASSERT_EQ(arp_lookup(arp_, kPeerIp, nullptr, &state), 0);
    EXPECT_EQ(state, ARP_STATE_REACHABLE);
    Advance(usec_from_sec(49));   // 29 s after the refresh: still REACHABLE
    ASSERT_EQ(arp_lookup(arp_, kPeerIp, nullptr, &state), 0);
    EXPECT_EQ(state, ARP_STATE_REACHABLE);
    Advance(usec_from_sec(50));
    ASSERT_EQ(arp_lookup(arp_, kPeerIp, nullptr, &state), 0);
    EXPECT_EQ(state, ARP_STATE_STALE);
}

TEST_F(ArpCapdev, BroadcastAndMulticastNextHopsNeedNoResolution)
{
    Start();
    struct pkb* p = pkb_alloc(PKB_DEFAULT_HEADROOM, 8);
    memcpy(pkb_put(p, 4), "bcst", 4);
    ASSERT_EQ(arp_output(arp_, p, 0xffffffff, 0), 0);
    p = pkb_alloc(PKB_DEFAULT_HEADROOM, 8);
    memcpy(pkb_put(p, 4), "mcst", 4);
    ASSERT_EQ(arp_output(arp_, p, 0xe0fe0102, 0), 0);   // 224.254.1.2 -> 01:00:5e:7e:01:02
    p = pkb_alloc(PKB_DEFAULT_HEADROOM, 8);
    EXPECT_EQ(arp_output(arp_, p, 0, 0), -EHOSTUNREACH);

    struct pkb* f = capdev_pop(&cap_);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(memcmp(f->data, ETH_BROADCAST, ETH_ADDR_LEN), 0);
    pkb_free(f);
    f = capdev_pop(&cap_);
    ASSERT_NE(f, nullptr);
    const uint8_t group[ETH_ADDR_LEN] = {0x01, 0x00, 0x5e, 0x7e, 0x01, 0x02};
    EXPECT_EQ(memcmp(f->data, group, ETH_ADDR_LEN), 0);
    pkb_free(f);
    EXPECT_EQ(arp_entry_count(arp_), 0u);
    EXPECT_EQ(arp_get_stats(arp_)->tx_requests, 0u);
}

TEST_F(ArpCapdev, AnnounceIsABroadcastRequestForOurOwnAddress)
{
    Start();
    arp_announce(arp_, 0);
    struct eth_hdr eh;
    struct arp_hdr ah;
    ASSERT_TRUE(PopArp(&eh, &ah));
    EXPECT_EQ(memcmp(eh.dst, ETH_BROADCAST, ETH_ADDR_LEN), 0);
    EXPECT_EQ(ah.op, ARP_OP_REQUEST);
    EXPECT_EQ(ah.spa, kOurIp);
    EXPECT_EQ(ah.tpa, kOurIp);
    EXPECT_EQ(memcmp(ah.sha, kOurMac, ETH_ADDR_LEN), 0);
    EXPECT_EQ(memcmp(ah.tha, kZeroMac, ETH_ADDR_LEN), 0);
}

TEST_F(ArpCapdev, ZeroConfigFieldsTakeTheDefaults)
{
    struct arp_config cfg;
    memset(&cfg, 0, sizeof(cfg));
    cfg.max_requests = 2;
    Start(&cfg);
    struct pkb* p = pkb_alloc(PKB_DEFAULT_HEADROOM, 8);
    memcpy(pkb_put(p, 1), "x", 1);
    ASSERT_EQ(arp_output(arp_, p, kPeerIp, 0), 0);
    Advance(usec_from_sec(1));   // default retry_interval: the second request
    EXPECT_EQ(arp_get_stats(arp_)->tx_requests, 2u);
    Advance(usec_from_sec(2));   // max_requests 2: give up
    EXPECT_EQ(arp_get_stats(arp_)->resolve_failed, 1u);
    EXPECT_EQ(arp_get_stats(arp_)->tx_requests, 2u);
    capdev_clear(&cap_);
}

TEST_F(ArpCapdev, StatsPrintLikeNetstat)
{
    Start();
    ArpFrame f = RequestForUs();
    f.arp.htype = 6;
    Inject(f);
    char* buf = nullptr;
    size_t len = 0;
    FILE* out = open_memstream(&buf, &len);
    arp_print_stats(arp_, out);
    fclose(out);
    std::string text(buf, len);
    free(buf);
    EXPECT_NE(text.find("Arp:\n    1 packets received\n"), std::string::npos) << text;
    EXPECT_NE(text.find("    1 dropped: bad hardware type\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace arptest
