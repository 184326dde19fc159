// The IPv4 header view: parse (each check by name), emit, and the options
// walk.
#include "tests/net/net_fixture.h"

namespace nettest {
namespace {

TEST(Ip4HdrTest, ParsesEveryField)
{
    IpSpec s;
    s.tos = 0xB8;
    s.id = 0xABCD;
    s.df = true;
    s.ttl = 9;
    s.protocol = 17;
    s.options = {IP4_OPT_NOP, IP4_OPT_NOP, IP4_OPT_NOP, IP4_OPT_END};
    Bytes b = BuildIp(s, Pattern(10));
    struct ip4_hdr h;
    ASSERT_EQ(ip4_hdr_parse(b.data(), b.size(), &h), IP4_HDR_OK);
    EXPECT_EQ(h.hdr_len, 24);
    EXPECT_EQ(h.tos, 0xB8);
    EXPECT_EQ(h.total_len, 34);
    EXPECT_EQ(h.id, 0xABCD);
    EXPECT_TRUE(h.df);
    EXPECT_FALSE(h.mf);
    EXPECT_EQ(h.frag_offset, 0);
    EXPECT_EQ(h.ttl, 9);
    EXPECT_EQ(h.protocol, 17);
    EXPECT_EQ(h.src, kPeer);
    EXPECT_EQ(h.dst, kUs);
    EXPECT_EQ(h.options_len, 4);
    EXPECT_EQ(h.options, b.data() + 20);
}

TEST(Ip4HdrTest, FragmentFieldsAreInBytes)
{
    IpSpec s;
    s.mf = true;
    s.frag_offset = 8 * 8191;   // the largest offset the 13 bits hold
    Bytes b = BuildIp(s, Pattern(8));
    struct ip4_hdr h;
    ASSERT_EQ(ip4_hdr_parse(b.data(), b.size(), &h), IP4_HDR_OK);
    EXPECT_TRUE(h.mf);
    EXPECT_EQ(h.frag_offset, 65528);
}

TEST(Ip4HdrTest, EmitThenParseRoundTrips)
{
    const uint8_t opts[] = {IP4_OPT_NOP, IP4_OPT_RECORD_ROUTE, 7, 4, 0, 0, 0, 0};
    struct ip4_hdr h = {};
    h.hdr_len = 28;
    h.tos = 4;
    h.total_len = 28;
    h.id = 99;
    h.mf = true;
    h.frag_offset = 1480;
    h.ttl = 1;
    h.protocol = 6;
    h.src = kUs;
    h.dst = kPeer;
    h.options = opts;
    h.options_len = 8;
    uint8_t b[28];
    ip4_hdr_emit(&h, b);
    EXPECT_EQ(Csum(b, 28), 0);
    struct ip4_hdr g;
    ASSERT_EQ(ip4_hdr_parse(b, 28, &g), IP4_HDR_OK);
    EXPECT_EQ(g.hdr_len, 28);
    EXPECT_EQ(g.id, 99);
    EXPECT_TRUE(g.mf);
    EXPECT_EQ(g.frag_offset, 1480);
    EXPECT_EQ(0, memcmp(g.options, opts, 8));
}

TEST(Ip4HdrTest, EachCheckHasItsOwnError)
{
    Bytes good = BuildIp(IpSpec{}, Pattern(8));
    struct ip4_hdr h;
    EXPECT_EQ(ip4_hdr_parse(good.data(), 19, &h), IP4_HDR_TOO_SHORT);

    Bytes b = good;
    b[0] = 0x55;
    EXPECT_EQ(ip4_hdr_parse(b.data(), b.size(), &h), IP4_HDR_BAD_VERSION);
    b = good;
    b[0] = 0x44;
    EXPECT_EQ(ip4_hdr_parse(b.data(), b.size(), &h), IP4_HDR_BAD_IHL);
    b = good;
    b[0] = 0x47;   // 28-byte header in a 28-byte packet is fine for IHL...
    EXPECT_NE(ip4_hdr_parse(b.data(), b.size(), &h), IP4_HDR_BAD_IHL);
    b[0] = 0x48;   // ...32 is not
    EXPECT_EQ(ip4_hdr_parse(b.data(), b.size(), &h), IP4_HDR_BAD_IHL);
    b = good;
    Wr16(&b[2], 29);
    EXPECT_EQ(ip4_hdr_parse(b.data(), b.size(), &h), IP4_HDR_BAD_TOTAL_LEN);
    b = good;
    b[15] ^= 0x80;
    EXPECT_EQ(ip4_hdr_parse(b.data(), b.size(), &h), IP4_HDR_BAD_CHECKSUM);
    EXPECT_STREQ(ip4_hdr_error_name(IP4_HDR_BAD_CHECKSUM), "bad checksum");
}

TEST(Ip4HdrTest, OptionsWalkFindsTheFirstMalformedOption)
{
    const uint8_t ok[] = {1, 7, 7, 4, 0, 0, 0, 0, 1, 0, 99, 99};
    EXPECT_EQ(ip4_options_check(ok, sizeof(ok)), -1) << "bytes after END are padding";
    const uint8_t zero_len[] = {1, 1, 68, 0};
    EXPECT_EQ(ip4_options_check(zero_len, sizeof(zero_len)), 3);
    const uint8_t too_long[] = {7, 9, 4, 0, 0, 0, 0, 0};
    EXPECT_EQ(ip4_options_check(too_long, sizeof(too_long)), 1);
    const uint8_t no_len[] = {1, 1, 1, 130};
    EXPECT_EQ(ip4_options_check(no_len, sizeof(no_len)), 3);
    EXPECT_EQ(ip4_options_check(nullptr, 0), -1);
}

}  // namespace
}  // namespace nettest
