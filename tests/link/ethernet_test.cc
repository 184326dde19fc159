// Ethernet II (RFC 894) on a capture device: what is accepted, what is
// dropped and counted, how EtherTypes are demultiplexed, and how short
// frames are padded to 60 bytes on output.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "stack/core/pkb.h"
#include "stack/link/ethernet.h"
#include "stack/phy/capdev.h"

namespace {

const uint8_t kOurMac[ETH_ADDR_LEN] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
const uint8_t kPeerMac[ETH_ADDR_LEN] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
const uint8_t kOtherMac[ETH_ADDR_LEN] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x77};
const uint8_t kMulticastMac[ETH_ADDR_LEN] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb};

struct Received {
    uint16_t type;
    std::vector<uint8_t> payload;
    std::vector<uint8_t> src;
};

class EthernetTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        baseline_ = pkb_stats().live_buffers;
        capdev_init(&cap_, "cap0", NETDEV_LINK_ETHERNET, 1500);
        eth_attach(&port_, &cap_.dev);
        ASSERT_EQ(eth_register(&port_, ETH_TYPE_IPV4, OnIpv4, this), 0);
        ASSERT_EQ(eth_register(&port_, ETH_TYPE_ARP, OnArp, this), 0);
    }
    void TearDown() override
    {
        capdev_destroy(&cap_);
        EXPECT_EQ(pkb_stats().live_buffers, baseline_) << "packet buffers leaked";
    }

    static std::vector<uint8_t> Frame(const uint8_t* dst, const uint8_t* src, uint16_t type,
                                      const std::string& payload)
    {
        std::vector<uint8_t> f(ETH_HDR_LEN + payload.size());
        struct eth_hdr h;
        memcpy(h.dst, dst, ETH_ADDR_LEN);
        memcpy(h.src, src, ETH_ADDR_LEN);
        h.type = type;
        eth_hdr_emit(&h, f.data());
        memcpy(f.data() + ETH_HDR_LEN, payload.data(), payload.size());
        return f;
    }
    void Inject(const std::vector<uint8_t>& f) { ASSERT_EQ(capdev_inject(&cap_, f.data(), f.size(), 0), 0); }

    static void Record(void* ctx, uint16_t type, struct pkb* p, const uint8_t* src)
    {
        EthernetTest* t = static_cast<EthernetTest*>(ctx);
        t->received_.push_back({type, std::vector<uint8_t>(p->data, p->data + p->len),
                                std::vector<uint8_t>(src, src + ETH_ADDR_LEN)});
        pkb_free(p);
    }
    static void OnIpv4(void* ctx, struct pkb* p, const uint8_t* src, usec_t)
    {
        Record(ctx, ETH_TYPE_IPV4, p, src);
    }
    static void OnArp(void* ctx, struct pkb* p, const uint8_t* src, usec_t)
    {
        Record(ctx, ETH_TYPE_ARP, p, src);
    }

    struct pkb* Packet(const std::string& text, size_t headroom = PKB_DEFAULT_HEADROOM, size_t extra = 64)
    {
        struct pkb* p = pkb_alloc(headroom, text.size() + extra);
        memcpy(pkb_put(p, text.size()), text.data(), text.size());
        return p;
    }

    struct capdev cap_;
    struct eth_port port_;
    std::vector<Received> received_;
    uint64_t baseline_ = 0;
};

TEST_F(EthernetTest, HeaderRoundTrip)
{
    std::vector<uint8_t> f = Frame(kPeerMac, kOurMac, 0x0806, "");
    const uint8_t expected[ETH_HDR_LEN] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0x02,
                                           0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06};
    EXPECT_EQ(memcmp(f.data(), expected, ETH_HDR_LEN), 0);
    struct eth_hdr h;
    ASSERT_EQ(eth_hdr_parse(f.data(), f.size(), &h), 0);
    EXPECT_EQ(memcmp(h.dst, kPeerMac, ETH_ADDR_LEN), 0);
    EXPECT_EQ(memcmp(h.src, kOurMac, ETH_ADDR_LEN), 0);
    EXPECT_EQ(h.type, 0x0806);
    EXPECT_EQ(eth_hdr_parse(f.data(), ETH_HDR_LEN - 1, &h), -EINVAL);
    char text[18];
    eth_format_addr(kPeerMac, text, sizeof(text));
    EXPECT_STREQ(text, "52:54:00:12:34:56");
}

TEST_F(EthernetTest, FrameForAnotherMacIsDroppedAndCounted)
{
    Inject(Frame(kOtherMac, kPeerMac, ETH_TYPE_IPV4, "not for us"));
    EXPECT_TRUE(received_.empty());
    EXPECT_EQ(port_.stats.rx_frames, 1u);
    EXPECT_EQ(port_.stats.rx_not_for_us, 1u);
}

TEST_F(EthernetTest, FrameForOurMacIsDeliveredWithoutItsHeader)
{
    Inject(Frame(kOurMac, kPeerMac, ETH_TYPE_IPV4, "hello"));
    ASSERT_EQ(received_.size(), 1u);
    EXPECT_EQ(received_[0].type, ETH_TYPE_IPV4);
    EXPECT_EQ(std::string(received_[0].payload.begin(), received_[0].payload.end()), "hello");
    EXPECT_EQ(memcmp(received_[0].src.data(), kPeerMac, ETH_ADDR_LEN), 0);
}

TEST_F(EthernetTest, BroadcastIsAccepted)
{
    Inject(Frame(ETH_BROADCAST, kPeerMac, ETH_TYPE_ARP, "who-has"));
    ASSERT_EQ(received_.size(), 1u);
    EXPECT_EQ(received_[0].type, ETH_TYPE_ARP);
    EXPECT_EQ(port_.stats.rx_not_for_us, 0u);
}

TEST_F(EthernetTest, MulticastWeDidNotJoinIsDroppedAndCounted)
{
    Inject(Frame(kMulticastMac, kPeerMac, ETH_TYPE_IPV4, "mdns"));
    EXPECT_TRUE(received_.empty());
    EXPECT_EQ(port_.stats.rx_multicast, 1u);
}

TEST_F(EthernetTest, GroupSourceAddressIsDroppedAndCounted)
{
    Inject(Frame(ETH_BROADCAST, ETH_BROADCAST, ETH_TYPE_ARP, "forged"));
    EXPECT_TRUE(received_.empty());
    EXPECT_EQ(port_.stats.rx_bad_source, 1u);
}

TEST_F(EthernetTest, ShortFrameIsDroppedAndCounted)
{
    std::vector<uint8_t> f = Frame(kOurMac, kPeerMac, ETH_TYPE_IPV4, "");
    for (size_t len = 0; len < ETH_HDR_LEN; len++)
        ASSERT_EQ(capdev_inject(&cap_, f.data(), len, 0), 0);
    EXPECT_TRUE(received_.empty());
    EXPECT_EQ(port_.stats.rx_too_short, (uint64_t)ETH_HDR_LEN);
    // A bare header (empty payload) is a frame, handed on.
    Inject(f);
    EXPECT_EQ(received_.size(), 1u);
}

TEST_F(EthernetTest, DemuxByEtherTypeAndUnknownTypeCounted)
{
    Inject(Frame(kOurMac, kPeerMac, ETH_TYPE_ARP, "a"));
    Inject(Frame(kOurMac, kPeerMac, ETH_TYPE_IPV4, "b"));
    Inject(Frame(kOurMac, kPeerMac, ETH_TYPE_IPV6, "c"));
    Inject(Frame(kOurMac, kPeerMac, 0x05dc, "802.3 length field"));
    ASSERT_EQ(received_.size(), 2u);
    EXPECT_EQ(received_[0].type, ETH_TYPE_ARP);
    EXPECT_EQ(received_[1].type, ETH_TYPE_IPV4);
    EXPECT_EQ(port_.stats.rx_unknown_type, 2u);
    EXPECT_EQ(port_.stats.rx_frames, 4u);
}

TEST_F(EthernetTest, RegisterRefusesDuplicatesAndAFullTable)
{
    EXPECT_EQ(eth_register(&port_, ETH_TYPE_IPV4, OnIpv4, this), -1);
    EXPECT_EQ(eth_register(&port_, 0x88cc, OnIpv4, this), 0);
    EXPECT_EQ(eth_register(&port_, 0x88f7, OnIpv4, this), 0);
    EXPECT_EQ(eth_register(&port_, ETH_TYPE_IPV6, OnIpv4, this), -1) << "table of 4 is full";
    EXPECT_EQ(eth_unregister(&port_, ETH_TYPE_ARP), 0);
    EXPECT_EQ(eth_unregister(&port_, ETH_TYPE_ARP), -1);
    Inject(Frame(kOurMac, kPeerMac, ETH_TYPE_ARP, "gone"));
    EXPECT_TRUE(received_.empty());
    Inject(Frame(kOurMac, kPeerMac, ETH_TYPE_IPV4, "still here"));
    EXPECT_EQ(received_.size(), 1u);
}

TEST_F(EthernetTest, ShortPayloadIsPaddedWithZerosTo60Bytes)
{
    ASSERT_EQ(eth_output(&port_, Packet("tiny"), kPeerMac, ETH_TYPE_IPV4, 5), 0);
    struct pkb* f = capdev_pop(&cap_);
    ASSERT_NE(f, nullptr);
    ASSERT_EQ(f->len, (size_t)ETH_MIN_FRAME);
    struct eth_hdr h;
    ASSERT_EQ(eth_hdr_parse(f->data, f->len, &h), 0);
    EXPECT_EQ(memcmp(h.dst, kPeerMac, ETH_ADDR_LEN), 0);
    EXPECT_EQ(memcmp(h.src, kOurMac, ETH_ADDR_LEN), 0);
    EXPECT_EQ(h.type, ETH_TYPE_IPV4);
    EXPECT_EQ(memcmp(f->data + ETH_HDR_LEN, "tiny", 4), 0);
    for (size_t i = ETH_HDR_LEN + 4; i < ETH_MIN_FRAME; i++)
        EXPECT_EQ(f->data[i], 0) << "padding byte " << i;
    pkb_free(f);
    EXPECT_EQ(port_.stats.tx_padded, 1u);
    EXPECT_EQ(port_.stats.tx_frames, 1u);
}

TEST_F(EthernetTest, PaddingWorksWithoutTailroom)
{
    // An upper layer that sized its buffer exactly: eth_output copies it.
    struct pkb* p = Packet("exact", PKB_DEFAULT_HEADROOM, 0);
    ASSERT_EQ(pkb_tailroom(p), 0u);
    ASSERT_EQ(eth_output(&port_, p, kPeerMac, ETH_TYPE_IPV4, 0), 0);
    struct pkb* f = capdev_pop(&cap_);
    ASSERT_NE(f, nullptr);
    // Copy the frame out first: an unpadded frame is shorter than 60 bytes,
    // and the checks below must not read past its end.
    std::string frame(reinterpret_cast<const char*>(f->data), f->len);
    pkb_free(f);
    ASSERT_EQ(frame.size(), (size_t)ETH_MIN_FRAME);
    EXPECT_EQ(frame.compare(ETH_HDR_LEN, 5, "exact"), 0);
    for (size_t i = ETH_HDR_LEN + 5; i < ETH_MIN_FRAME; i++)
        EXPECT_EQ(frame[i], 0) << "padding byte " << i;
}

TEST_F(EthernetTest, LongEnoughPayloadIsNotPadded)
{
    std::string payload(46, 'x');
    ASSERT_EQ(eth_output(&port_, Packet(payload), ETH_BROADCAST, ETH_TYPE_ARP, 0), 0);
    std::string longer(1500, 'y');
    ASSERT_EQ(eth_output(&port_, Packet(longer), kPeerMac, ETH_TYPE_IPV4, 0), 0);
    struct pkb* f = capdev_pop(&cap_);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->len, (size_t)ETH_MIN_FRAME);
    pkb_free(f);
    f = capdev_pop(&cap_);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->len, (size_t)ETH_HDR_LEN + 1500);
    pkb_free(f);
    EXPECT_EQ(port_.stats.tx_padded, 0u);
}

TEST_F(EthernetTest, NoHeadroomIsACountedDrop)
{
    std::string payload(100, 'z');
    EXPECT_EQ(eth_output(&port_, Packet(payload, 0), kPeerMac, ETH_TYPE_IPV4, 0), -ENOBUFS);
    EXPECT_EQ(port_.stats.tx_no_headroom, 1u);
    EXPECT_EQ(capdev_pending(&cap_), 0u);
}

TEST_F(EthernetTest, DeviceErrorIsReturned)
{
    cap_.fail_with = -EAGAIN;
    EXPECT_EQ(eth_output(&port_, Packet("full"), kPeerMac, ETH_TYPE_IPV4, 0), -EAGAIN);
    EXPECT_EQ(cap_.dev.stats.tx_dropped, 1u);
}

TEST_F(EthernetTest, StatsPrintLikeNetstat)
{
    Inject(Frame(kOtherMac, kPeerMac, ETH_TYPE_IPV4, "x"));
    char* buf = nullptr;
    size_t len = 0;
    FILE* out = open_memstream(&buf, &len);
    eth_print_stats(&port_, out);
    fclose(out);
    std::string text(buf, len);
    free(buf);
    EXPECT_NE(text.find("Ethernet (cap0):\n    1 frames received\n"), std::string::npos) << text;
    EXPECT_NE(text.find("    1 for another station\n"), std::string::npos) << text;
}

}  // namespace
