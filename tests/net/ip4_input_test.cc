// IPv4 input (RFC 791, RFC 1122 §3.2.1): the echo exchange byte for byte,
// and every malformed or misaddressed datagram dropped, counted by its
// reason, with no reply.
#include "tests/net/net_fixture.h"

namespace nettest {
namespace {

class Ip4InputTest : public NetTest {
protected:
    // The exact reply RFC 792 prescribes for an echo request from the peer.
    static Bytes ExpectedReply(const Bytes &request_icmp, uint16_t reply_id)
    {
        Bytes icmp = request_icmp;
        icmp[0] = 0;   // echo reply
        Wr16(&icmp[2], 0);
        Wr16(&icmp[2], Csum(icmp));
        IpSpec s;
        s.src = kUs;
        s.dst = kPeer;
        s.id = reply_id;
        return BuildIp(s, icmp);
    }

    // Sends `pkt` and expects it to be dropped silently with `counter`
    // going up by exactly one and nothing else delivered.
    void ExpectDropped(const Bytes &pkt, const uint64_t &counter, const char *what)
    {
        SCOPED_TRACE(std::string(what) + ": " + Hex(pkt));
        uint64_t before = counter;
        uint64_t delivered = Stats().in_delivers;
        Inject(pkt);
        EXPECT_EQ(counter, before + 1);
        EXPECT_EQ(Stats().in_delivers, delivered);
        EXPECT_TRUE(Sent().empty()) << "a dropped datagram was answered";
    }
};

TEST_F(Ip4InputTest, EchoRequestGetsTheExactReply)
{
    Bytes req = BuildEcho(ICMP_ECHO_REQUEST, 0x4242, 7, Pattern(56));
    uint16_t id = ip4_peek_next_id(ip);
    Inject(BuildIp(IpSpec{}, req));

    std::vector<Bytes> out = Sent();
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(Hex(out[0], 200), Hex(ExpectedReply(req, id), 200));
    EXPECT_EQ(Csum(out[0].data(), 20), 0) << "IP header checksum";
    EXPECT_EQ(Csum(out[0].data() + 20, out[0].size() - 20), 0) << "ICMP checksum";
    EXPECT_EQ(Stats().in_receives, 1u);
    EXPECT_EQ(Stats().in_delivers, 1u);
    EXPECT_EQ(IcmpStats().in_type[ICMP_ECHO_REQUEST], 1u);
    EXPECT_EQ(IcmpStats().out_type[ICMP_ECHO_REPLY], 1u);
}

TEST_F(Ip4InputTest, EmptyAndOddSizedEchoesAreEchoedWhole)
{
    for (size_t n : {0u, 1u, 7u, 1471u, 1472u}) {
        SCOPED_TRACE("data bytes " + std::to_string(n));
        Bytes req = BuildEcho(ICMP_ECHO_REQUEST, 1, (uint16_t)n, Pattern(n, 3));
        uint16_t id = ip4_peek_next_id(ip);
        Inject(BuildIp(IpSpec{}, req));
        std::vector<Bytes> out = Sent();
        ASSERT_EQ(out.size(), 1u);
        EXPECT_EQ(out[0], ExpectedReply(req, id));
    }
}

// The reply's checksum is updated for the one word that changes (RFC 1624)
// rather than summed again; it must still be the bytes a full sum gives in
// the corners of one's complement arithmetic: a reply that is all zeros
// (checksum 0xffff, where the update formula alone gives 0x0000), replies
// whose sum is -0 (checksum 0x0000), a request whose checksum field holds
// the other zero (0xffff instead of 0x0000: both verify), and a request with
// a non-zero code (the reply's code is 0).
TEST_F(Ip4InputTest, EchoReplyChecksumIsTheFullSumsInEveryCorner)
{
    struct Case {
        const char *what;
        uint16_t ident, seq;
        Bytes data;
        uint8_t code;
        bool negative_zero_checksum;
    };
    const Case cases[] = {
        {"all-zero reply", 0, 0, {}, 0, false},
        {"all-zero reply, request code 3", 0, 0, {}, 3, false},
        {"reply sums to -0", 0xffff, 0, {}, 0, false},
        {"reply sums to -0 with data", 0xff00, 0, {0x00, 0xff}, 0, false},
        {"request checksum 0x0000", 0xf7ff, 0, {}, 0, false},
        {"request checksum 0xffff", 0xf7ff, 0, {}, 0, true},
        {"odd data, request code 1", 0x1234, 0x5678, Pattern(5), 1, false},
    };
    for (const Case &c : cases) {
        SCOPED_TRACE(c.what);
        Bytes req = BuildEcho(ICMP_ECHO_REQUEST, c.ident, c.seq, c.data);
        req[1] = c.code;
        Wr16(&req[2], 0);
        Wr16(&req[2], Csum(req));
        if (c.negative_zero_checksum) {
            ASSERT_EQ(Rd16(&req[2]), 0x0000);
            Wr16(&req[2], 0xffff);
        }
        ASSERT_EQ(Csum(req), 0) << "the request itself must verify";
        uint16_t id = ip4_peek_next_id(ip);
        Inject(BuildIp(IpSpec{}, req));
        std::vector<Bytes> out = Sent();
        ASSERT_EQ(out.size(), 1u);
        req[1] = 0;   // the reply's code
        EXPECT_EQ(Hex(out[0], 200), Hex(ExpectedReply(req, id), 200));
        EXPECT_EQ(Csum(out[0].data() + 20, out[0].size() - 20), 0) << "ICMP checksum";
    }
}

TEST_F(Ip4InputTest, LinkPaddingAfterTotalLengthIsTrimmed)
{
    Bytes req = BuildEcho(ICMP_ECHO_REQUEST, 9, 9, Pattern(4));
    Bytes pkt = BuildIp(IpSpec{}, req);
    pkt.resize(pkt.size() + 14, 0xEE);   // Ethernet-style padding
    uint16_t id = ip4_peek_next_id(ip);
    Inject(pkt);
    std::vector<Bytes> out = Sent();
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0], ExpectedReply(req, id));
}

TEST_F(Ip4InputTest, BadChecksumIsCountedAndNotAnswered)
{
    Bytes pkt = BuildIp(IpSpec{}, BuildEcho(ICMP_ECHO_REQUEST, 1, 1, Pattern(8)));
    pkt[10] ^= 0x01;
    ExpectDropped(pkt, Stats().in_bad_checksum, "bad checksum");
}

TEST_F(Ip4InputTest, ShortHeaderIsCounted)
{
    Bytes pkt = BuildIp(IpSpec{}, {});
    pkt.resize(19);
    ExpectDropped(pkt, Stats().in_too_short, "19 bytes");
    ExpectDropped(Bytes{}, Stats().in_too_short, "0 bytes");
}

TEST_F(Ip4InputTest, IhlBelowFiveIsCounted)
{
    Bytes pkt = BuildIp(IpSpec{}, BuildEcho(ICMP_ECHO_REQUEST, 1, 1, Pattern(8)));
    pkt[0] = 0x44;   // IHL 4: a 16-byte header cannot exist
    Wr16(&pkt[10], 0);
    Wr16(&pkt[10], Csum(pkt.data(), 16));
    ExpectDropped(pkt, Stats().in_bad_ihl, "IHL 4");
}

TEST_F(Ip4InputTest, IhlBeyondThePacketIsCounted)
{
    Bytes pkt = BuildIp(IpSpec{}, {});   // 20 bytes
    pkt[0] = 0x4F;                        // claims 60
    ExpectDropped(pkt, Stats().in_bad_ihl, "IHL 15 in a 20-byte packet");
}

TEST_F(Ip4InputTest, TotalLengthBeyondTheDataIsCounted)
{
    Bytes pkt = BuildIp(IpSpec{}, BuildEcho(ICMP_ECHO_REQUEST, 1, 1, Pattern(8)));
    Wr16(&pkt[2], (uint16_t)(pkt.size() + 1));
    Wr16(&pkt[10], 0);
    Wr16(&pkt[10], Csum(pkt.data(), 20));
    ExpectDropped(pkt, Stats().in_bad_total_len, "total length 1 beyond");
}

TEST_F(Ip4InputTest, TotalLengthShorterThanHeaderIsCounted)
{
    Bytes pkt = BuildIp(IpSpec{}, Pattern(8));
    Wr16(&pkt[2], 19);
    Wr16(&pkt[10], 0);
    Wr16(&pkt[10], Csum(pkt.data(), 20));
    ExpectDropped(pkt, Stats().in_bad_total_len, "total length 19");
}

TEST_F(Ip4InputTest, VersionOtherThanFourIsCounted)
{
    Bytes pkt = BuildIp(IpSpec{}, BuildEcho(ICMP_ECHO_REQUEST, 1, 1, Pattern(8)));
    pkt[0] = 0x65;
    Wr16(&pkt[10], 0);
    Wr16(&pkt[10], Csum(pkt.data(), 20));
    ExpectDropped(pkt, Stats().in_bad_version, "version 6");
}

TEST_F(Ip4InputTest, NotForUsIsCountedAndNotForwarded)
{
    IpSpec s;
    s.dst = IP4_ADDR(10, 0, 0, 3);
    ExpectDropped(BuildIp(s, BuildEcho(ICMP_ECHO_REQUEST, 1, 1, Pattern(8))),
                  Stats().in_not_for_us, "10.0.0.3");
    s.dst = IP4_ADDR(224, 0, 0, 1);   // a group we did not join
    ExpectDropped(BuildIp(s, BuildEcho(ICMP_ECHO_REQUEST, 1, 1, Pattern(8))),
                  Stats().in_not_for_us, "224.0.0.1");
    EXPECT_EQ(Stats().forwarded, 0u);
}

TEST_F(Ip4InputTest, SourceThatIsNotOneHostIsCounted)
{
    for (uint32_t src : {IP4_ADDR(255, 255, 255, 255), IP4_ADDR(10, 0, 0, 255),
                         IP4_ADDR(224, 1, 2, 3), IP4_ADDR(127, 0, 0, 1), IP4_ADDR(240, 0, 0, 1)}) {
        IpSpec s;
        s.src = src;
        char text[16];
        ip4_format_addr(src, text, sizeof(text));
        ExpectDropped(BuildIp(s, BuildEcho(ICMP_ECHO_REQUEST, 1, 1, Pattern(8))),
                      Stats().in_bad_source, text);
    }
}

TEST_F(Ip4InputTest, TtlOfOneIsStillDeliveredToAHost)
{
    // RFC 1122 §3.2.1.7: a host MUST NOT discard a datagram because it
    // arrived with TTL < 2.
    for (uint8_t ttl : {1, 0}) {
        IpSpec s;
        s.ttl = ttl;
        Inject(BuildIp(s, BuildEcho(ICMP_ECHO_REQUEST, 1, ttl, Pattern(8))));
        std::vector<Bytes> out = Sent();
        ASSERT_EQ(out.size(), 1u) << "ttl " << (int)ttl;
        EXPECT_EQ(ParseIp(out[0]).ttl, IP4_DEFAULT_TTL);
    }
}

TEST_F(Ip4InputTest, RecordRouteOptionIsSkippedAndTheEchoAnswered)
{
    // Record Route (RFC 791): type 7, length 39, pointer 4, 9 empty slots;
    // then End of Options. 40 bytes of options: IHL 15.
    IpSpec s;
    s.options.assign(40, 0);
    s.options[0] = IP4_OPT_RECORD_ROUTE;
    s.options[1] = 39;
    s.options[2] = 4;
    Bytes req = BuildEcho(ICMP_ECHO_REQUEST, 0x77, 1, Pattern(32));
    uint16_t id = ip4_peek_next_id(ip);
    Inject(BuildIp(s, req));
    std::vector<Bytes> out = Sent();
    ASSERT_EQ(out.size(), 1u);
    // The reply carries no options (the stack acts on none): see icmp.c.
    EXPECT_EQ(out[0], ExpectedReply(req, id));
    EXPECT_EQ(Stats().in_bad_options, 0u);
}

TEST_F(Ip4InputTest, NopsAndEndOfOptionsAreSkipped)
{
    IpSpec s;
    s.options = {IP4_OPT_NOP, IP4_OPT_NOP, IP4_OPT_NOP, IP4_OPT_END};
    Inject(BuildIp(s, BuildEcho(ICMP_ECHO_REQUEST, 1, 1, Pattern(8))));
    EXPECT_EQ(Sent().size(), 1u);
}

TEST_F(Ip4InputTest, OptionRunningPastTheHeaderIsAParameterProblem)
{
    IpSpec s;
    s.options = {IP4_OPT_NOP, IP4_OPT_RECORD_ROUTE, 11, 4};   // claims 11 bytes, has 3
    Bytes pkt = BuildIp(s, BuildEcho(ICMP_ECHO_REQUEST, 1, 1, Pattern(8)));
    Inject(pkt);
    EXPECT_EQ(Stats().in_bad_options, 1u);
    EXPECT_EQ(Stats().in_delivers, 0u);
    std::vector<Bytes> out = Sent();
    ASSERT_EQ(out.size(), 1u);
    Ip err = ParseIp(out[0]);
    ASSERT_TRUE(err.ok);
    EXPECT_EQ(err.payload[0], ICMP_PARAM_PROBLEM);
    EXPECT_EQ(err.payload[1], 0);
    EXPECT_EQ(err.payload[4], 20 + 2) << "pointer at the bad length byte";
    EXPECT_EQ(Csum(err.payload), 0);
}

TEST_F(Ip4InputTest, UnknownProtocolGetsProtocolUnreachable)
{
    IpSpec s;
    s.protocol = 99;
    Bytes pkt = BuildIp(s, Pattern(30));
    Inject(pkt);
    EXPECT_EQ(Stats().in_unknown_protocol, 1u);

    std::vector<Bytes> out = Sent();
    ASSERT_EQ(out.size(), 1u);
    Ip err = ParseIp(out[0]);
    ASSERT_TRUE(err.ok) << Hex(out[0]);
    EXPECT_EQ(err.src, kUs);
    EXPECT_EQ(err.dst, kPeer);
    EXPECT_EQ(err.protocol, IP4_PROTO_ICMP);
    EXPECT_EQ(err.tos, 0);
    // Type 3 code 2, unused word zero, then the IP header + 8 data bytes.
    Bytes expect = {ICMP_DEST_UNREACH, ICMP_UNREACH_PROTOCOL, 0, 0, 0, 0, 0, 0};
    expect.insert(expect.end(), pkt.begin(), pkt.begin() + 28);
    Wr16(&expect[2], Csum(expect));
    EXPECT_EQ(Hex(err.payload), Hex(expect));
}

TEST_F(Ip4InputTest, BroadcastEchoIsIgnoredButDirectedBroadcastIsAccepted)
{
    IpSpec s;
    s.dst = IP4_ADDR(10, 0, 0, 255);
    Inject(BuildIp(s, BuildEcho(ICMP_ECHO_REQUEST, 1, 1, Pattern(8))));
    EXPECT_EQ(Stats().in_delivers, 1u) << "a broadcast for our subnet is for us";
    EXPECT_EQ(IcmpStats().in_echo_ignored, 1u);
    EXPECT_TRUE(Sent().empty()) << "no smurf amplifier";
}

TEST_F(Ip4InputTest, DeliversToARegisteredTransportWithRxInfo)
{
    struct Seen {
        int calls = 0;
        struct ip4_rx_info info = {};
        Bytes data;
        long header_offset = -1;
    } seen;
    auto handler = [](void *ctx, struct pkb *p, const struct ip4_rx_info *info, usec_t) {
        auto *s = static_cast<Seen *>(ctx);
        s->calls++;
        s->info = *info;
        s->data.assign(p->data, p->data + p->len);
        s->header_offset = p->data - p->network_header;
        pkb_free(p);
    };
    ASSERT_EQ(ip4_register_protocol(ip, 200, handler, nullptr, &seen), 0);
    EXPECT_EQ(ip4_register_protocol(ip, 200, handler, nullptr, &seen), -EEXIST);

    IpSpec s;
    s.protocol = 200;
    s.ttl = 17;
    s.tos = 0x10;
    s.options = {IP4_OPT_NOP, IP4_OPT_NOP, IP4_OPT_NOP, IP4_OPT_NOP};
    Inject(BuildIp(s, Pattern(100)));
    ASSERT_EQ(seen.calls, 1);
    EXPECT_EQ(seen.data, Pattern(100));
    EXPECT_EQ(seen.header_offset, 24);
    EXPECT_EQ(seen.info.src, kPeer);
    EXPECT_EQ(seen.info.dst, kUs);
    EXPECT_EQ(seen.info.protocol, 200);
    EXPECT_EQ(seen.info.ttl, 17);
    EXPECT_EQ(seen.info.tos, 0x10);
    EXPECT_FALSE(seen.info.dst_is_broadcast);
    ASSERT_NE(seen.info.iface, nullptr);
    EXPECT_EQ(seen.info.iface->addr, kUs);
}

TEST_F(Ip4InputTest, StatsPrintLikeNetstat)
{
    Inject(BuildIp(IpSpec{}, BuildEcho(ICMP_ECHO_REQUEST, 1, 1, Pattern(8))));
    Sent();
    char *buf = nullptr;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ip4_print_stats(ip, f);
    icmp_print_stats(icmp, f);
    fclose(f);
    std::string text(buf, len);
    free(buf);
    EXPECT_NE(text.find("Ip:\n"), std::string::npos);
    EXPECT_NE(text.find("    1 total packets received\n"), std::string::npos) << text;
    EXPECT_NE(text.find("    1 incoming packets delivered\n"), std::string::npos) << text;
    EXPECT_NE(text.find("        echo requests (type 8): 1\n"), std::string::npos) << text;
    EXPECT_NE(text.find("        echo replies (type 0): 1\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace nettest
