// The routing table: longest-prefix match, the default route, connected
// routes, and output following the chosen route.
#include <cerrno>

#include "tests/net/net_fixture.h"

namespace nettest {
namespace {

class Ip4RouteTest : public NetTest {
protected:
    struct capdev cap2;
    static constexpr uint32_t kUs2 = IP4_ADDR(192, 168, 1, 2);
    static constexpr uint32_t kGw1 = IP4_ADDR(10, 0, 0, 1);
    static constexpr uint32_t kGw2 = IP4_ADDR(192, 168, 1, 1);

    void SetUp() override
    {
        NetTest::SetUp();
        capdev_init(&cap2, "tun1", NETDEV_LINK_IP, 1500);
        ASSERT_EQ(ip4_add_iface(ip, &cap2.dev, nullptr, nullptr, kUs2, 24), 1);
    }
    void TearDown() override
    {
        NetTest::TearDown();
        capdev_destroy(&cap2);
    }

    // prefix/len of the route chosen for dst, "none" if none.
    std::string Chosen(uint32_t dst)
    {
        const struct ip4_route *rt = ip4_route_lookup(ip, dst);
        if (rt == nullptr)
            return "none";
        char text[16];
        ip4_format_addr(rt->prefix, text, sizeof(text));
        return std::string(text) + "/" + std::to_string(rt->prefix_len);
    }
};

TEST_F(Ip4RouteTest, ConnectedRoutesComeWithTheInterfaces)
{
    EXPECT_EQ(ip4_route_count(ip), 2);
    EXPECT_EQ(Chosen(IP4_ADDR(10, 0, 0, 77)), "10.0.0.0/24");
    EXPECT_EQ(Chosen(IP4_ADDR(192, 168, 1, 9)), "192.168.1.0/24");
    EXPECT_EQ(Chosen(IP4_ADDR(8, 8, 8, 8)), "none");
    EXPECT_EQ(ip4_source_for(ip, IP4_ADDR(192, 168, 1, 9)), kUs2);
}

TEST_F(Ip4RouteTest, LongestPrefixWins)
{
    // Added in an order that is not the order of specificity.
    ASSERT_EQ(ip4_route_add(ip, IP4_ADDR(10, 0, 0, 128), 25, kGw2, -1), 0);
    ASSERT_EQ(ip4_route_add(ip, 0, 0, kGw1, -1), 0);
    ASSERT_EQ(ip4_route_add(ip, IP4_ADDR(10, 0, 0, 0), 8, kGw1, -1), 0);

    EXPECT_EQ(Chosen(IP4_ADDR(10, 0, 0, 200)), "10.0.0.128/25");
    EXPECT_EQ(Chosen(IP4_ADDR(10, 0, 0, 128)), "10.0.0.128/25");
    EXPECT_EQ(Chosen(IP4_ADDR(10, 0, 0, 127)), "10.0.0.0/24");
    EXPECT_EQ(Chosen(IP4_ADDR(10, 0, 0, 5)), "10.0.0.0/24");
    EXPECT_EQ(Chosen(IP4_ADDR(10, 1, 2, 3)), "10.0.0.0/8");
    EXPECT_EQ(Chosen(IP4_ADDR(10, 255, 255, 255)), "10.0.0.0/8");
    EXPECT_EQ(Chosen(IP4_ADDR(11, 0, 0, 1)), "0.0.0.0/0");
    EXPECT_EQ(Chosen(IP4_ADDR(8, 8, 8, 8)), "0.0.0.0/0");

    const struct ip4_route *rt = ip4_route_lookup(ip, IP4_ADDR(10, 0, 0, 200));
    EXPECT_EQ(rt->gateway, kGw2);
    EXPECT_EQ(rt->ifindex, 1) << "the interface that reaches the gateway";
}

TEST_F(Ip4RouteTest, OutputFollowsTheChosenRoute)
{
    ASSERT_EQ(ip4_route_add(ip, IP4_ADDR(10, 0, 0, 128), 25, kGw2, -1), 0);
    struct pkb *p = pkb_from_bytes("hi", 2, PKB_DEFAULT_HEADROOM);
    ASSERT_EQ(ip4_output(ip, p, 0, IP4_ADDR(10, 0, 0, 200), 253, now), 0);
    EXPECT_TRUE(Sent().empty());
    std::vector<Bytes> out = SentOn(&cap2);
    ASSERT_EQ(out.size(), 1u);
    Ip sent = ParseIp(out[0]);
    EXPECT_EQ(sent.src, kUs2) << "source of the route's interface";
    EXPECT_EQ(sent.dst, IP4_ADDR(10, 0, 0, 200));
}

TEST_F(Ip4RouteTest, ReplaceAndDelete)
{
    ASSERT_EQ(ip4_route_add(ip, 0, 0, kGw1, -1), 0);
    ASSERT_EQ(ip4_route_add(ip, 0, 0, kGw2, -1), 0);   // replaces
    EXPECT_EQ(ip4_route_count(ip), 3);
    EXPECT_EQ(ip4_route_lookup(ip, IP4_ADDR(8, 8, 8, 8))->gateway, kGw2);
    EXPECT_EQ(ip4_route_del(ip, 0, 0), 0);
    EXPECT_EQ(ip4_route_del(ip, 0, 0), -ENOENT);
    EXPECT_EQ(Chosen(IP4_ADDR(8, 8, 8, 8)), "none");
}

TEST_F(Ip4RouteTest, BadRoutesAreRefused)
{
    EXPECT_EQ(ip4_route_add(ip, 0, 33, kGw1, -1), -EINVAL);
    EXPECT_EQ(ip4_route_add(ip, 0, 0, IP4_ADDR(172, 16, 0, 1), -1), -ENETUNREACH);
    EXPECT_EQ(ip4_route_add(ip, 0, 0, kGw1, 7), -EINVAL);
    for (int i = 0; i < IP4_MAX_ROUTES - 2; i++)
        ASSERT_EQ(ip4_route_add(ip, IP4_ADDR(172, 16, i, 0), 24, kGw1, -1), 0);
    EXPECT_EQ(ip4_route_add(ip, IP4_ADDR(172, 17, 0, 0), 24, kGw1, -1), -ENOSPC);
}

TEST_F(Ip4RouteTest, PrintsLikeIpRoute)
{
    ASSERT_EQ(ip4_route_add(ip, 0, 0, kGw1, -1), 0);
    char *buf = nullptr;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ip4_route_print(ip, f);
    fclose(f);
    std::string text(buf, len);
    free(buf);
    EXPECT_EQ(text,
              "10.0.0.0/24 dev tun0 scope link src 10.0.0.2\n"
              "192.168.1.0/24 dev tun1 scope link src 192.168.1.2\n"
              "default via 10.0.0.1 dev tun0\n");
}

TEST_F(Ip4RouteTest, AddressText)
{
    uint32_t a = 0;
    EXPECT_EQ(ip4_parse_addr("10.0.0.2", &a), 0);
    EXPECT_EQ(a, kUs);
    EXPECT_EQ(ip4_parse_addr("255.255.255.255", &a), 0);
    EXPECT_EQ(a, 0xFFFFFFFFu);
    for (const char *bad : {"", "10.0.0", "10.0.0.256", "10.0.0.2.", "a.b.c.d", "10..0.2",
                            "010.0.0.2", "10.0.0.2 ", "1234.0.0.1"})
        EXPECT_EQ(ip4_parse_addr(bad, &a), -1) << bad;
    char text[16];
    ip4_format_addr(IP4_ADDR(192, 168, 1, 254), text, sizeof(text));
    EXPECT_STREQ(text, "192.168.1.254");
}

}  // namespace
}  // namespace nettest
