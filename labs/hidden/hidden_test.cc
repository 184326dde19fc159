// hidden_test — the instructor's hidden tests (labs/hidden/ never reaches
// students: tools/labs/make_starter.sh leaves it out). Each case checks a
// lab's region from an angle the visible tests do not, so a solution
// written only to satisfy the visible tests shows up in the grade.
// Graded with `tools/labs/grade.py --hidden` (graded.bzl here).
#include <gtest/gtest.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "apps/framing/framing.h"
#include "apps/rudp/rudp_rtt.h"
#include "stack/core/byteorder.h"
#include "stack/core/checksum.h"
#include "stack/core/pkb.h"
#include "stack/link/ethernet.h"
#include "stack/net/ip4_hdr.h"
#include "stack/phy/capdev.h"
#include "stack/phy/pcap.h"

namespace {

// ---- lab 1 ----------------------------------------------------------------

TEST(Lab1Hidden, ChecksumOfACapturedIcmpEchoRequest)
{
    // An echo request, id 0x1c46 seq 1, 8 data bytes "abcdefgh"; the checksum
    // field (0x0000 here) must come out as 0x4a23.
    uint8_t icmp[16] = {0x08, 0x00, 0x00, 0x00, 0x1c, 0x46, 0x00, 0x01,
                        0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68};
    uint16_t sum = checksum_inet(icmp, sizeof icmp);
    EXPECT_EQ(0x4a23, sum);
    be16_write(icmp + 2, sum);
    EXPECT_EQ(0, checksum_inet(icmp, sizeof icmp)) << "a message with its checksum sums to 0";
}

TEST(Lab1Hidden, EmptyRecordHasZeroLengths)
{
    const char *dir = getenv("TEST_TMPDIR");
    std::string path = std::string(dir ? dir : "/tmp") + "/empty.pcap";
    struct pcap_writer w;
    ASSERT_EQ(0, pcap_writer_open(&w, path.c_str(), PCAP_LINKTYPE_RAW));
    EXPECT_EQ(0, pcap_writer_write(&w, 5 * USEC_PER_SEC, nullptr, 0, 0));
    ASSERT_EQ(0, pcap_writer_close(&w));
    FILE *f = fopen(path.c_str(), "rb");
    ASSERT_NE(nullptr, f);
    uint8_t b[64];
    size_t n = fread(b, 1, sizeof b, f);
    fclose(f);
    ASSERT_EQ(40u, n);
    const uint8_t want[16] = {5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    EXPECT_EQ(0, memcmp(want, b + 24, 16));
}

// ---- lab 2 ----------------------------------------------------------------

TEST(Lab2Hidden, FortySixByteIsNotPaddedFortyFiveIs)
{
    struct capdev cap;
    capdev_init(&cap, "cap0", NETDEV_LINK_ETHERNET, 1500);
    struct eth_port port;
    eth_attach(&port, &cap.dev);
    const uint8_t dst[ETH_ADDR_LEN] = {0x02, 0, 0, 0, 0, 0x09};
    for (size_t len : {45u, 46u}) {
        struct pkb *p = pkb_alloc(PKB_DEFAULT_HEADROOM, len);
        memset(pkb_put(p, len), 0xee, len);
        ASSERT_EQ(0, eth_output(&port, p, dst, ETH_TYPE_IPV4, 0));
        struct pkb *sent = capdev_pop(&cap);
        ASSERT_NE(nullptr, sent);
        // Copy out before checking: an unpadded frame is shorter than 60
        // bytes and byte 59 must not be read past its end.
        std::vector<uint8_t> frame(sent->data, sent->data + sent->len);
        pkb_free(sent);
        EXPECT_EQ(60u, frame.size()) << "payload " << len;
        if (frame.size() == 60) {
            EXPECT_EQ(len == 45 ? 0 : 0xee, frame[59]) << "payload " << len;
        }
    }
    EXPECT_EQ(1u, port.stats.tx_padded);
    capdev_destroy(&cap);
}

TEST(Lab2Hidden, FrameForUsIsDeliveredWithItsSourceMac)
{
    struct capdev cap;
    capdev_init(&cap, "cap0", NETDEV_LINK_ETHERNET, 1500);
    struct eth_port port;
    eth_attach(&port, &cap.dev);
    static std::vector<uint8_t> got_src;
    static size_t got_len;
    got_src.clear();
    got_len = 0;
    ASSERT_EQ(0, eth_register(&port, 0x88b5, [](void *, struct pkb *p, const uint8_t *src,
                                               usec_t) {
        got_src.assign(src, src + ETH_ADDR_LEN);
        got_len = p->len;
        pkb_free(p);
    }, nullptr));
    uint8_t frame[60] = {0};
    memcpy(frame, cap.dev.mac, ETH_ADDR_LEN);
    const uint8_t src[ETH_ADDR_LEN] = {0x52, 0x54, 0, 1, 2, 3};
    memcpy(frame + 6, src, ETH_ADDR_LEN);
    be16_write(frame + 12, 0x88b5);   // a local experimental EtherType
    ASSERT_EQ(0, capdev_inject(&cap, frame, sizeof frame, 0));
    EXPECT_EQ(std::vector<uint8_t>(src, src + ETH_ADDR_LEN), got_src);
    EXPECT_EQ(46u, got_len) << "the payload, padding included, without the header";
    capdev_destroy(&cap);
}

// ---- lab 3 ----------------------------------------------------------------

TEST(Lab3Hidden, HeaderWithOptionsParsesAndItsChecksumCoversThem)
{
    uint8_t b[28] = {0x46, 0, 0, 28, 0x12, 0x34, 0x40, 0, 64, 17, 0, 0,
                     10, 0, 0, 1, 10, 0, 0, 2,
                     0x01, 0x01, 0x01, 0x00,   // NOP NOP NOP EOL
                     0xaa, 0xbb, 0xcc, 0xdd};
    be16_write(b + 10, checksum_inet(b, 24));
    struct ip4_hdr h;
    ASSERT_EQ(IP4_HDR_OK, ip4_hdr_parse(b, sizeof b, &h));
    EXPECT_EQ(24, h.hdr_len);
    EXPECT_EQ(4, h.options_len);
    EXPECT_TRUE(h.df);
    EXPECT_EQ(0x1234, h.id);
    b[22] ^= 0x01;   // flip a bit inside the options: the checksum covers them
    EXPECT_EQ(IP4_HDR_BAD_CHECKSUM, ip4_hdr_parse(b, sizeof b, &h));
}

// ---- lab 4 ----------------------------------------------------------------

TEST(Lab4Hidden, BackoffNeverOverflowsAndStopsAtTheCeiling)
{
    struct rudp_rtt r;
    rudp_rtt_init(&r, 0, 0, 3 * USEC_PER_SEC);
    rudp_rtt_sample(&r, 1100 * USEC_PER_MSEC);   // 1.1 s + 4 * 0.55 s = 3.3 s -> 3 s
    EXPECT_EQ(3 * USEC_PER_SEC, r.rto);
    for (int i = 0; i < 100; i++)
        rudp_rtt_backoff(&r);
    EXPECT_EQ(3 * USEC_PER_SEC, r.rto);
}

TEST(Lab4Hidden, SteadySamplesShrinkTheVariance)
{
    struct rudp_rtt r;
    rudp_rtt_init(&r, 0, 0, 0);
    for (int i = 0; i < 200; i++)
        rudp_rtt_sample(&r, 400 * USEC_PER_MSEC);
    EXPECT_EQ(400 * USEC_PER_MSEC, r.srtt);
    EXPECT_LT(r.rttvar, USEC_PER_MSEC) << "RTTVAR decays by 3/4 per identical sample";
    EXPECT_LE(r.rto, 401 * USEC_PER_MSEC);
    EXPECT_GE(r.rto, 400 * USEC_PER_MSEC + RUDP_CLOCK_GRANULARITY);
}

// ---- lab 8 ----------------------------------------------------------------

TEST(Lab8Hidden, EmptyMessagesAreMessagesToo)
{
    for (auto cfg : {framing_length_prefix(16), framing_delimiter(';', 16)}) {
        SCOPED_TRACE(framing_kind_name(cfg.kind));
        uint8_t frames[64];
        size_t used = 0;
        for (int i = 0; i < 3; i++) {
            ssize_t n = framing_encode(&cfg, "", 0, frames + used, sizeof frames - used);
            ASSERT_GT(n, 0);
            used += (size_t)n;
        }
        struct framing_decoder dec;
        ASSERT_EQ(0, framing_decoder_init(&dec, &cfg));
        EXPECT_EQ(used, framing_feed(&dec, frames, used));
        const uint8_t *msg;
        size_t len = 99;
        int count = 0;
        while (framing_next(&dec, &msg, &len) == 1 && count < 10) {
            EXPECT_EQ(0u, len);
            count++;
        }
        EXPECT_EQ(3, count);
        framing_decoder_free(&dec);
    }
}

TEST(Lab8Hidden, DelimiterSplitRightBeforeAndAfterIt)
{
    struct framing_config cfg = framing_delimiter('\n', 32);
    struct framing_decoder dec;
    ASSERT_EQ(0, framing_decoder_init(&dec, &cfg));
    const char *pieces[] = {"abc", "\n", "", "de", "f\ng"};
    std::vector<std::string> got;
    for (const char *piece : pieces) {
        framing_feed(&dec, piece, strlen(piece));
        const uint8_t *msg;
        size_t len;
        while (framing_next(&dec, &msg, &len) == 1)
            got.emplace_back((const char *)msg, len);
    }
    EXPECT_EQ((std::vector<std::string>{"abc", "def"}), got);
    EXPECT_EQ(1u, framing_pending(&dec)) << "\"g\" waits for its delimiter";
    framing_decoder_free(&dec);
}

}  // namespace
