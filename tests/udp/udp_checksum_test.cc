// udp_checksum_test — RFC 768's header and checksum, with vectors computed
// by hand (the sums are written out below so a student can redo them).
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "stack/core/byteorder.h"
#include "stack/transport/udp_hdr.h"

namespace {

const uint32_t kSrc = 0x0A000001;   // 10.0.0.1
const uint32_t kDst = 0x0A000002;   // 10.0.0.2

// 10.0.0.1:40000 -> 10.0.0.2:7, payload "hi!" (3 bytes: an odd length).
//
//   pseudo-header  0A00 + 0001 + 0A00 + 0002 + 0011 + 000B   = 141F
//   UDP header     9C40 + 0007 + 000B + 0000 (checksum)      = 9C52
//   data           6869 + 2100 ("!" padded with a zero byte) = 8969
//   sum            141F + 9C52 + 8969 = 139DA -> 39DA + 1    = 39DB
//   checksum       ~39DB                                     = C624
std::vector<uint8_t> hi_datagram()
{
    return {0x9C, 0x40, 0x00, 0x07, 0x00, 0x0B, 0x00, 0x00, 'h', 'i', '!'};
}

TEST(UdpChecksum, HandComputedVectorWithOddPayload)
{
    std::vector<uint8_t> d = hi_datagram();
    EXPECT_EQ(udp_checksum_compute(kSrc, kDst, d.data(), d.size()), 0xC624);
    be16_write(d.data() + UDP_OFF_CHECKSUM, 0xC624);
    EXPECT_TRUE(udp_checksum_verify(kSrc, kDst, d.data(), d.size()));
}

TEST(UdpChecksum, EveryCorruptionIsCaught)
{
    std::vector<uint8_t> d = hi_datagram();
    be16_write(d.data() + UDP_OFF_CHECKSUM, 0xC624);
    for (size_t i = 0; i < d.size(); i++) {
        for (int bit = 0; bit < 8; bit++) {
            std::vector<uint8_t> bad = d;
            bad[i] ^= (uint8_t)(1u << bit);
            if (i >= UDP_OFF_CHECKSUM && i < UDP_OFF_CHECKSUM + 2 &&
                be16_read(bad.data() + UDP_OFF_CHECKSUM) == 0)
                continue;   // flipping into 0 means "no checksum": not a corruption
            EXPECT_FALSE(udp_checksum_verify(kSrc, kDst, bad.data(), bad.size()))
                << "byte " << i << " bit " << bit;
        }
    }
    // The pseudo-header is covered too: the same bytes to another address fail.
    EXPECT_FALSE(udp_checksum_verify(kSrc, 0x0A000003, d.data(), d.size()));
}

TEST(UdpChecksum, ZeroMeansNoChecksum)
{
    std::vector<uint8_t> d = hi_datagram();   // checksum field 0
    d[8] = 'X';                               // any content: nothing to verify
    EXPECT_TRUE(udp_checksum_verify(kSrc, kDst, d.data(), d.size()));
}

// A datagram whose sum is exactly FFFF: its computed checksum is 0, which
// RFC 768 sends as FFFF (0 would mean "no checksum").
//   pseudo 141E (length 000A) + header 9C40+0007+000A = 9C51 -> B06F
//   data 4F90 -> B06F + 4F90 = FFFF -> ~FFFF = 0000 -> sent as FFFF
TEST(UdpChecksum, ComputedZeroIsSentAsAllOnes)
{
    std::vector<uint8_t> d = {0x9C, 0x40, 0x00, 0x07, 0x00, 0x0A, 0x00, 0x00, 0x4F, 0x90};
    EXPECT_EQ(udp_checksum_compute(kSrc, kDst, d.data(), d.size()), 0xFFFF);
    be16_write(d.data() + UDP_OFF_CHECKSUM, 0xFFFF);
    EXPECT_TRUE(udp_checksum_verify(kSrc, kDst, d.data(), d.size()));
}

TEST(UdpHeader, ParseChecksLengthAgainstIpPayload)
{
    std::vector<uint8_t> d = hi_datagram();
    struct udp_hdr h;
    ASSERT_EQ(udp_hdr_parse(d.data(), d.size(), &h), UDP_PARSE_OK);
    EXPECT_EQ(h.src_port, 40000);
    EXPECT_EQ(h.dst_port, 7);
    EXPECT_EQ(h.length, 11);
    EXPECT_EQ(h.checksum, 0);

    EXPECT_EQ(udp_hdr_parse(d.data(), 7, &h), UDP_PARSE_TRUNCATED);
    be16_write(d.data() + UDP_OFF_LENGTH, 7);    // shorter than the header
    EXPECT_EQ(udp_hdr_parse(d.data(), d.size(), &h), UDP_PARSE_BAD_LENGTH);
    be16_write(d.data() + UDP_OFF_LENGTH, 12);   // more than IP delivered
    EXPECT_EQ(udp_hdr_parse(d.data(), d.size(), &h), UDP_PARSE_BAD_LENGTH);
    be16_write(d.data() + UDP_OFF_LENGTH, 8);    // shorter than IP payload: padding
    EXPECT_EQ(udp_hdr_parse(d.data(), d.size(), &h), UDP_PARSE_OK);
}

TEST(UdpHeader, EmitThenParseRoundTrips)
{
    struct udp_hdr in = {53, 49152, 40, 0xBEEF}, out;
    uint8_t b[UDP_HDR_LEN + 32] = {0};
    udp_hdr_emit(&in, b);
    EXPECT_EQ(b[0], 0x00);
    EXPECT_EQ(b[1], 53);
    EXPECT_EQ(b[2], 0xC0);
    EXPECT_EQ(b[3], 0x00);
    ASSERT_EQ(udp_hdr_parse(b, 40, &out), UDP_PARSE_OK);
    EXPECT_EQ(out.src_port, in.src_port);
    EXPECT_EQ(out.dst_port, in.dst_port);
    EXPECT_EQ(out.length, in.length);
    EXPECT_EQ(out.checksum, in.checksum);
}

}  // namespace
