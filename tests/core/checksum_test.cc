// The Internet checksum (RFC 1071) against worked examples and against a
// textbook 16-bit-word implementation on random data.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "stack/core/byteorder.h"
#include "stack/core/checksum.h"
#include "stack/core/rng.h"

namespace {

// The RFC 1071 §4.1 loop, one big-endian 16-bit word at a time: slow and
// obviously right, the yardstick for the fast version.
uint16_t textbook_checksum(const uint8_t *p, size_t len)
{
    uint32_t sum = 0;
    for (size_t i = 0; i + 1 < len; i += 2)
        sum += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (len % 2)
        sum += (uint32_t)p[len - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

TEST(Checksum, Rfc1071WorkedExample)
{
    // RFC 1071 §3: bytes 00 01 f2 03 f4 f5 f6 f7 sum to ddf2 (one's
    // complement, carries folded), so the checksum is its complement 220d.
    const uint8_t bytes[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
    uint32_t sum = checksum_add(0, bytes, sizeof bytes);
    EXPECT_EQ((uint16_t)~checksum_finish(sum), 0xddf2);
    EXPECT_EQ(checksum_finish(sum), 0x220d);
    EXPECT_EQ(checksum_inet(bytes, sizeof bytes), 0x220d);
}

TEST(Checksum, OddLengthPadsTheLastByteOnTheRight)
{
    const uint8_t one[] = {0x01};
    EXPECT_EQ(checksum_inet(one, 1), 0xfeff);            // word 0x0100
    const uint8_t three[] = {0x01, 0x02, 0x03};
    EXPECT_EQ(checksum_inet(three, 3), 0xfbfd);          // 0x0102 + 0x0300
    EXPECT_EQ(checksum_inet(nullptr, 0), 0xffff);        // empty sum is 0
}

TEST(Checksum, EndAroundCarryAcrossManyWords)
{
    // n words of ffff sum to ffff in one's complement whatever n is, so the
    // checksum is 0; every 64-bit add here carries.
    std::vector<uint8_t> ones(1001, 0xff);
    EXPECT_EQ(checksum_inet(ones.data(), 1000), 0x0000);
    // 1001 bytes: 500 words of ffff plus a last word ff00.
    EXPECT_EQ(checksum_inet(ones.data(), 1001), textbook_checksum(ones.data(), 1001));
    EXPECT_EQ(checksum_inet(ones.data(), 1001), 0x00ff);
}

TEST(Checksum, MatchesTextbookAtEveryLengthAndAlignment)
{
    const uint64_t seed = 0x1071;
    SCOPED_TRACE("seed " + std::to_string(seed));
    struct rng r;
    rng_seed(&r, seed);
    std::vector<uint8_t> buf(300);
    for (int round = 0; round < 20; round++) {
        for (auto &b : buf)
            b = (uint8_t)rng_u32(&r);
        for (size_t offset = 0; offset < 8; offset++) {
            for (size_t len = 0; len + offset <= 260; len++) {
                ASSERT_EQ(checksum_inet(buf.data() + offset, len),
                          textbook_checksum(buf.data() + offset, len))
                    << "round " << round << " offset " << offset << " len " << len;
            }
        }
    }
}

TEST(Checksum, EvenPiecesChainLikeOneBuffer)
{
    uint8_t data[64];
    for (int i = 0; i < 64; i++)
        data[i] = (uint8_t)(i * 37 + 11);
    uint32_t sum = checksum_add(0, data, 10);
    sum = checksum_add(sum, data + 10, 20);
    sum = checksum_add(sum, data + 30, 33);   // the last piece may be odd
    EXPECT_EQ(checksum_finish(sum), checksum_inet(data, 63));
}

TEST(Checksum, RealIpv4HeaderVerifiesToZero)
{
    // A 20-byte IPv4 header, 192.168.0.1 -> 192.168.0.199, UDP, checksum b861
    // (the example used by Wikipedia's "IPv4 header checksum").
    const uint8_t hdr[20] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                             0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
    EXPECT_EQ(checksum_inet(hdr, sizeof hdr), 0);

    uint8_t zeroed[20];
    memcpy(zeroed, hdr, sizeof zeroed);
    be16_write(zeroed + 10, 0);
    EXPECT_EQ(checksum_inet(zeroed, sizeof zeroed), 0xb861);

    // One flipped bit anywhere is detected.
    for (size_t bit = 0; bit < 160; bit++) {
        uint8_t bad[20];
        memcpy(bad, hdr, sizeof bad);
        bad[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        EXPECT_NE(checksum_inet(bad, sizeof bad), 0) << "bit " << bit;
    }
}

TEST(Checksum, UdpPseudoHeaderMatchesHandComputation)
{
    // UDP 10.0.0.1:1234 -> 10.0.0.2:80, 3 data bytes 01 02 03, length 11.
    // By hand, in 16-bit words:
    //   pseudo-header  0a00 + 0001 + 0a00 + 0002 + 0011 + 000b = 141f
    //   UDP header     04d2 + 0050 + 000b + 0000 (checksum)   -> 194c
    //   data           0102 + 0300 (odd byte padded)          -> 1d4e
    //   checksum = ~1d4e = e2b1
    uint8_t udp[11] = {0x04, 0xd2, 0x00, 0x50, 0x00, 0x0b, 0x00, 0x00, 0x01, 0x02, 0x03};
    const uint32_t src = 0x0a000001, dst = 0x0a000002;

    uint32_t pseudo = checksum_pseudo_ipv4(src, dst, 17, sizeof udp);
    EXPECT_EQ((uint16_t)~checksum_finish(pseudo), 0x141f);
    uint16_t sum = checksum_finish(checksum_add(pseudo, udp, sizeof udp));
    EXPECT_EQ(sum, 0xe2b1);

    // Stored in the header, the datagram now verifies to 0 ...
    be16_write(udp + 6, sum);
    EXPECT_EQ(checksum_finish(checksum_add(pseudo, udp, sizeof udp)), 0);
    // ... but not when delivered to the wrong address.
    uint32_t wrong = checksum_pseudo_ipv4(src, 0x0a000003, 17, sizeof udp);
    EXPECT_NE(checksum_finish(checksum_add(wrong, udp, sizeof udp)), 0);
}

}  // namespace
