// IPv4 output (RFC 791, RFC 1122 §3.3): the header we build, routing
// failures, fragmentation offsets/MF/lengths, and DF.
#include <cerrno>

#include "tests/net/net_fixture.h"

namespace nettest {
namespace {

class Ip4OutputTest : public NetTest {
protected:
    static constexpr uint8_t kProto = 253;

    struct pkb *Segment(const Bytes &data, size_t headroom = PKB_DEFAULT_HEADROOM)
    {
        struct pkb *p = pkb_from_bytes(data.data(), data.size(), headroom);
        EXPECT_NE(p, nullptr);
        return p;
    }
};

TEST_F(Ip4OutputTest, HeaderFieldsAndChecksum)
{
    uint16_t id = ip4_peek_next_id(ip);
    ASSERT_EQ(ip4_output(ip, Segment(Pattern(100)), 0, kPeer, kProto, now), 0);
    std::vector<Bytes> out = Sent();
    ASSERT_EQ(out.size(), 1u);
    Ip p = ParseIp(out[0]);
    ASSERT_TRUE(p.ok) << Hex(out[0]);
    EXPECT_EQ(p.hdr_len, 20u);
    EXPECT_EQ(p.total_len, 120);
    EXPECT_EQ(p.id, id);
    EXPECT_FALSE(p.df);
    EXPECT_FALSE(p.mf);
    EXPECT_EQ(p.frag_offset, 0);
    EXPECT_EQ(p.ttl, IP4_DEFAULT_TTL);
    EXPECT_EQ(p.protocol, kProto);
    EXPECT_EQ(p.src, kUs) << "src 0 means the route's interface address";
    EXPECT_EQ(p.dst, kPeer);
    EXPECT_EQ(p.payload, Pattern(100));
    EXPECT_EQ(ip4_peek_next_id(ip), (uint16_t)(id + 1));
    EXPECT_EQ(Stats().out_requests, 1u);
}

TEST_F(Ip4OutputTest, IdentificationIsSeededFromTheRng)
{
    uint16_t first = ip4_peek_next_id(ip);
    Destroy();
    seed = 777;
    Build();
    EXPECT_NE(ip4_peek_next_id(ip), first) << "different seeds, same first id";
}

TEST_F(Ip4OutputTest, OptionsSetTtlTosAndDf)
{
    struct ip4_tx_opts opts = {};
    opts.ttl = 3;
    opts.tos = 0x20;
    opts.dont_fragment = true;
    ASSERT_EQ(ip4_output_ex(ip, Segment(Pattern(10)), kUs, kPeer, kProto, &opts, now), 0);
    Ip p = ParseIp(Sent().at(0));
    ASSERT_TRUE(p.ok);
    EXPECT_EQ(p.ttl, 3);
    EXPECT_EQ(p.tos, 0x20);
    EXPECT_TRUE(p.df);
}

TEST_F(Ip4OutputTest, ConfiguredDefaultTtl)
{
    Destroy();
    cfg.default_ttl = 128;
    Build();
    ASSERT_EQ(ip4_output(ip, Segment(Pattern(10)), 0, kPeer, kProto, now), 0);
    EXPECT_EQ(ParseIp(Sent().at(0)).ttl, 128);
}

TEST_F(Ip4OutputTest, NoRouteIsENETUNREACH)
{
    EXPECT_EQ(ip4_source_for(ip, IP4_ADDR(192, 0, 2, 1)), 0u);
    EXPECT_EQ(ip4_output(ip, Segment(Pattern(10)), 0, IP4_ADDR(192, 0, 2, 1), kProto, now),
              -ENETUNREACH);
    EXPECT_EQ(Stats().out_no_routes, 1u);
    EXPECT_TRUE(Sent().empty());
}

TEST_F(Ip4OutputTest, TooLittleHeadroomIsCopiedNotLost)
{
    ASSERT_EQ(ip4_output(ip, Segment(Pattern(50), 0), 0, kPeer, kProto, now), 0);
    Ip p = ParseIp(Sent().at(0));
    ASSERT_TRUE(p.ok);
    EXPECT_EQ(p.payload, Pattern(50));
}

TEST_F(Ip4OutputTest, FragmentsHaveRightOffsetsFlagsAndLengths)
{
    // 4000 data bytes over MTU 1500: 1480 + 1480 + 1040.
    uint16_t id = ip4_peek_next_id(ip);
    ASSERT_EQ(ip4_output(ip, Segment(Pattern(4000)), 0, kPeer, kProto, now), 0);
    std::vector<Bytes> out = Sent();
    ASSERT_EQ(out.size(), 3u);
    const uint16_t offsets[] = {0, 1480, 2960};
    const uint16_t lengths[] = {1500, 1500, 1060};
    std::vector<Ip> parsed;
    for (size_t i = 0; i < 3; i++) {
        SCOPED_TRACE("fragment " + std::to_string(i));
        Ip p = ParseIp(out[i]);
        ASSERT_TRUE(p.ok) << Hex(out[i]);
        EXPECT_EQ(p.id, id);
        EXPECT_EQ(p.frag_offset, offsets[i]);
        EXPECT_EQ(p.frag_offset % 8, 0);
        EXPECT_EQ(p.total_len, lengths[i]);
        EXPECT_EQ(p.mf, i < 2);
        EXPECT_FALSE(p.df);
        EXPECT_EQ(p.protocol, kProto);
        parsed.push_back(p);
    }
    std::string why;
    EXPECT_EQ(JoinFragments(parsed, &why), Pattern(4000)) << why;
    EXPECT_EQ(Stats().frag_oks, 1u);
    EXPECT_EQ(Stats().frag_creates, 3u);
    EXPECT_EQ(ip4_peek_next_id(ip), (uint16_t)(id + 1)) << "one id per datagram";
}

TEST_F(Ip4OutputTest, OddMtuRoundsFragmentDataDownToEight)
{
    cap.dev.mtu = 1006;   // 1006 - 20 = 986 -> 984 per fragment
    ASSERT_EQ(ip4_output(ip, Segment(Pattern(2000)), 0, kPeer, kProto, now), 0);
    std::vector<Bytes> out = Sent();
    ASSERT_EQ(out.size(), 3u);
    EXPECT_EQ(ParseIp(out[0]).total_len, 20 + 984);
    EXPECT_EQ(ParseIp(out[1]).frag_offset, 984);
    EXPECT_EQ(ParseIp(out[2]).frag_offset, 1968);
    EXPECT_EQ(ParseIp(out[2]).total_len, 20 + 32);
    for (const Bytes &b : out)
        EXPECT_LE(b.size(), 1006u);
}

TEST_F(Ip4OutputTest, ExactlyTheMtuIsNotFragmented)
{
    ASSERT_EQ(ip4_output(ip, Segment(Pattern(1480)), 0, kPeer, kProto, now), 0);
    std::vector<Bytes> out = Sent();
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].size(), 1500u);
    EXPECT_EQ(Stats().frag_oks, 0u);
}

TEST_F(Ip4OutputTest, DontFragmentAndTooBigIsEMSGSIZE)
{
    struct ip4_tx_opts opts = {};
    opts.dont_fragment = true;
    EXPECT_EQ(ip4_output_ex(ip, Segment(Pattern(1481)), 0, kPeer, kProto, &opts, now),
              -EMSGSIZE);
    EXPECT_TRUE(Sent().empty());
    EXPECT_EQ(Stats().frag_fails, 1u);
}

TEST_F(Ip4OutputTest, LargerThanAnyDatagramIsEMSGSIZE)
{
    EXPECT_EQ(ip4_output(ip, Segment(Pattern(65516)), 0, kPeer, kProto, now), -EMSGSIZE);
    EXPECT_TRUE(Sent().empty());
}

TEST_F(Ip4OutputTest, DeviceRefusalIsReportedAndCounted)
{
    cap.fail_with = -EAGAIN;
    EXPECT_EQ(ip4_output(ip, Segment(Pattern(10)), 0, kPeer, kProto, now), -EAGAIN);
    EXPECT_EQ(Stats().out_discards, 1u);
    // A fragmented datagram stops at the first refused fragment.
    EXPECT_EQ(ip4_output(ip, Segment(Pattern(4000)), 0, kPeer, kProto, now), -EAGAIN);
    EXPECT_EQ(Stats().frag_creates, 1u);
    cap.fail_with = 0;
}

}  // namespace
}  // namespace nettest
