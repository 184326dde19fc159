// IPv4 over Ethernet: an interface with an eth_port and ARP (RFC 826) on a
// TAP-like capture device. Echo through ARP resolution, link padding, and
// ARP failure turned into "host unreachable" for the local sender.
#include <cerrno>

#include "stack/link/arp.h"
#include "stack/link/ethernet.h"
#include "tests/net/net_fixture.h"

namespace nettest {
namespace {

const uint8_t kOurMac[6] = {0x02, 0, 0, 0, 0, 0x01};   // capdev's default
const uint8_t kPeerMac[6] = {0x02, 0, 0, 0, 0, 0x99};

Bytes Frame(const uint8_t dst[6], const uint8_t src[6], uint16_t type, const Bytes &payload)
{
    Bytes f(dst, dst + 6);
    f.insert(f.end(), src, src + 6);
    f.push_back((uint8_t)(type >> 8));
    f.push_back((uint8_t)type);
    f.insert(f.end(), payload.begin(), payload.end());
    return f;
}

Bytes ArpReply(uint32_t sender_ip, const uint8_t sender_mac[6])
{
    Bytes a = {0, 1, 0x08, 0x00, 6, 4, 0, 2};
    a.insert(a.end(), sender_mac, sender_mac + 6);
    a.resize(a.size() + 4);
    Wr32(&a[a.size() - 4], sender_ip);
    a.insert(a.end(), kOurMac, kOurMac + 6);
    a.resize(a.size() + 4);
    Wr32(&a[a.size() - 4], kUs);
    return a;
}

class Ip4EthernetTest : public ::testing::Test {
protected:
    uint64_t seed = 4242;
    usec_t now = usec_from_sec(50);
    struct timerq timers;
    struct rng rng;
    struct capdev cap;
    struct eth_port port;
    struct arp *arp = nullptr;
    struct ip4 *ip = nullptr;

    void SetUp() override
    {
        timerq_init(&timers);
        rng_seed(&rng, seed);
        capdev_init(&cap, "tap0", NETDEV_LINK_ETHERNET, 1500);
        eth_attach(&port, &cap.dev);
        arp = arp_new(&port, kUs, nullptr, &timers, nullptr, "stack");
        ASSERT_NE(arp, nullptr);
        ip = ip4_new(nullptr, &timers, &rng, nullptr, "stack");
        ASSERT_NE(ip, nullptr);
        ASSERT_EQ(ip4_add_iface(ip, &cap.dev, &port, arp, kUs, 24), 0);
    }
    void TearDown() override
    {
        ip4_free(ip);
        arp_free(arp);
        capdev_destroy(&cap);
        timerq_destroy(&timers);
        if (HasFailure())
            std::fprintf(stderr, "seed %llu\n", (unsigned long long)seed);
    }

    void Inject(const Bytes &frame)
    {
        ASSERT_EQ(capdev_inject(&cap, frame.data(), frame.size(), now), 0);
    }
    std::vector<Bytes> Sent() { return NetTest_SentOn(&cap); }
    static std::vector<Bytes> NetTest_SentOn(struct capdev *c)
    {
        std::vector<Bytes> out;
        while (struct pkb *p = capdev_pop(c)) {
            out.emplace_back(p->data, p->data + p->len);
            pkb_free(p);
        }
        return out;
    }
};

TEST_F(Ip4EthernetTest, EchoWaitsForArpThenLeavesToThePeerMac)
{
    Bytes req = BuildEcho(ICMP_ECHO_REQUEST, 5, 1, Pattern(56));
    Inject(Frame(kOurMac, kPeerMac, ETH_TYPE_IPV4, BuildIp(IpSpec{}, req)));

    // The reply waits while ARP asks who has 10.0.0.1.
    std::vector<Bytes> out = Sent();
    ASSERT_EQ(out.size(), 1u);
    ASSERT_GE(out[0].size(), 42u);
    EXPECT_EQ(Rd16(&out[0][12]), ETH_TYPE_ARP);
    EXPECT_EQ(Rd16(&out[0][14 + 6]), 1) << "an ARP request";
    EXPECT_EQ(Rd32(&out[0][14 + 24]), kPeer);

    Inject(Frame(kOurMac, kPeerMac, ETH_TYPE_ARP, ArpReply(kPeer, kPeerMac)));
    out = Sent();
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(Bytes(out[0].begin(), out[0].begin() + 6), Bytes(kPeerMac, kPeerMac + 6));
    EXPECT_EQ(Rd16(&out[0][12]), ETH_TYPE_IPV4);
    Ip reply = ParseIp(Bytes(out[0].begin() + 14, out[0].end()));
    ASSERT_TRUE(reply.ok);
    EXPECT_EQ(reply.dst, kPeer);
    Bytes expect = req;
    expect[0] = ICMP_ECHO_REPLY;
    Wr16(&expect[2], 0);
    Wr16(&expect[2], Csum(expect));
    EXPECT_EQ(reply.payload, expect);
    EXPECT_EQ(ip4_stats(ip)->in_delivers, 1u);
}

TEST_F(Ip4EthernetTest, PaddedMinimumFrameIsTrimmedToTheTotalLength)
{
    Inject(Frame(kOurMac, kPeerMac, ETH_TYPE_ARP, ArpReply(kPeer, kPeerMac)));
    Bytes req = BuildEcho(ICMP_ECHO_REQUEST, 5, 2, {});   // 28-byte datagram
    Bytes frame = Frame(kOurMac, kPeerMac, ETH_TYPE_IPV4, BuildIp(IpSpec{}, req));
    frame.resize(60, 0);   // padded like every short Ethernet frame
    Inject(frame);
    std::vector<Bytes> out = Sent();
    ASSERT_EQ(out.size(), 1u);
    Ip reply = ParseIp(Bytes(out[0].begin() + 14, out[0].begin() + 14 + 28));
    ASSERT_TRUE(reply.ok);
    EXPECT_EQ(reply.payload.size(), 8u) << "the padding was not echoed";
}

TEST_F(Ip4EthernetTest, ArpFailureIsHostUnreachableForTheLocalSender)
{
    struct Seen {
        int calls = 0;
        uint8_t type = 0, code = 0;
        Bytes quoted;
    } seen;
    auto on_error = [](void *ctx, uint8_t type, uint8_t code, const uint8_t *quoted,
                       size_t len, usec_t) {
        auto *s = static_cast<Seen *>(ctx);
        s->calls++;
        s->type = type;
        s->code = code;
        s->quoted.assign(quoted, quoted + len);
    };
    auto on_input = [](void *, struct pkb *p, const struct ip4_rx_info *, usec_t) {
        pkb_free(p);
    };
    ASSERT_EQ(ip4_register_protocol(ip, 253, on_input, on_error, &seen), 0);

    struct pkb *p = pkb_from_bytes("12345678abc", 11, PKB_DEFAULT_HEADROOM);
    ASSERT_EQ(ip4_output(ip, p, 0, IP4_ADDR(10, 0, 0, 9), 253, now), 0);
    now = StepTimers(&timers, now, now + usec_from_sec(10));   // ARP retries, give-up

    ASSERT_EQ(seen.calls, 1);
    EXPECT_EQ(seen.type, ICMP_DEST_UNREACH);
    EXPECT_EQ(seen.code, ICMP_UNREACH_HOST);
    ASSERT_EQ(seen.quoted.size(), 28u);
    EXPECT_EQ(Rd32(&seen.quoted[16]), IP4_ADDR(10, 0, 0, 9));
    EXPECT_EQ(Bytes(seen.quoted.begin() + 20, seen.quoted.end()),
              Bytes({'1', '2', '3', '4', '5', '6', '7', '8'}));
    EXPECT_EQ(ip4_stats(ip)->out_arp_failed, 1u);
    for (const Bytes &f : Sent())
        EXPECT_EQ(Rd16(&f[12]), ETH_TYPE_ARP) << "only ARP requests left the host";
}

TEST_F(Ip4EthernetTest, ArpFailureReachesThePingClient)
{
    struct Log {
        int errors = 0;
        uint32_t from = 0;
        uint16_t seq = 0;
    } log;
    icmp_ping_set_handler(
        ip4_icmp(ip), nullptr,
        [](void *ctx, uint32_t from, uint8_t, uint8_t code, uint16_t, uint16_t seq, usec_t) {
            auto *l = static_cast<Log *>(ctx);
            l->errors += code == ICMP_UNREACH_HOST;
            l->from = from;
            l->seq = seq;
        },
        &log);
    ASSERT_EQ(icmp_ping_send(ip4_icmp(ip), IP4_ADDR(10, 0, 0, 9), 1, 77, 56, now), 0);
    now = StepTimers(&timers, now, now + usec_from_sec(10));
    EXPECT_EQ(log.errors, 1);
    EXPECT_EQ(log.from, kUs) << "reported by ourselves, as Linux ping shows it";
    EXPECT_EQ(log.seq, 77);
    Sent();
}

TEST_F(Ip4EthernetTest, DefaultRouteSendsToTheGatewaysMac)
{
    ASSERT_EQ(ip4_route_add(ip, 0, 0, kPeer, -1), 0);
    Inject(Frame(kOurMac, kPeerMac, ETH_TYPE_ARP, ArpReply(kPeer, kPeerMac)));
    struct pkb *p = pkb_from_bytes("x", 1, PKB_DEFAULT_HEADROOM);
    ASSERT_EQ(ip4_output(ip, p, 0, IP4_ADDR(93, 184, 216, 34), 253, now), 0);
    std::vector<Bytes> out = Sent();
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(Bytes(out[0].begin(), out[0].begin() + 6), Bytes(kPeerMac, kPeerMac + 6));
    EXPECT_EQ(Rd32(&out[0][14 + 16]), IP4_ADDR(93, 184, 216, 34));
}

}  // namespace
}  // namespace nettest
