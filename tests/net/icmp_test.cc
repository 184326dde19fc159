// ICMP (RFC 792, RFC 1122 §3.2.2): when errors are not sent, the rate
// limit in virtual time, errors handed to transports, and the stack's ping
// client.
#include <cerrno>

#include "tests/net/net_fixture.h"

namespace nettest {
namespace {

class IcmpTest : public NetTest {
protected:
    static constexpr uint8_t kProto = 253;

    // A datagram the stack "received", as a transport would hold it when
    // calling icmp_send_error: network_header at the IP header, data after.
    struct pkb *Offending(const Bytes &datagram)
    {
        struct pkb *p = pkb_from_bytes(datagram.data(), datagram.size(), PKB_DEFAULT_HEADROOM);
        p->network_header = p->data;
        size_t hl = (size_t)(datagram[0] & 0xF) * 4;
        pkb_pull(p, hl);
        return p;
    }

    int SendErrorAbout(const Bytes &datagram, uint8_t type = ICMP_DEST_UNREACH,
                       uint8_t code = ICMP_UNREACH_PORT)
    {
        struct pkb *p = Offending(datagram);
        int rc = icmp_send_error(icmp, p, type, code, now);
        pkb_free(p);
        return rc;
    }

    static Bytes Udp(size_t n = 20)
    {
        IpSpec s;
        s.protocol = IP4_PROTO_UDP;
        return BuildIp(s, Pattern(n));
    }
};

TEST_F(IcmpTest, PortUnreachableQuotesHeaderAndEightBytes)
{
    Bytes d = Udp(100);
    ASSERT_EQ(SendErrorAbout(d), 0);
    std::vector<Bytes> out = Sent();
    ASSERT_EQ(out.size(), 1u);
    Ip e = ParseIp(out[0]);
    ASSERT_TRUE(e.ok);
    EXPECT_EQ(e.src, kUs);
    EXPECT_EQ(e.dst, kPeer);
    ASSERT_EQ(e.payload.size(), 8u + 28u);
    EXPECT_EQ(e.payload[0], ICMP_DEST_UNREACH);
    EXPECT_EQ(e.payload[1], ICMP_UNREACH_PORT);
    EXPECT_EQ(Csum(e.payload), 0);
    EXPECT_EQ(Bytes(e.payload.begin() + 8, e.payload.end()), Bytes(d.begin(), d.begin() + 28));
}

TEST_F(IcmpTest, NeverAnErrorAboutAnIcmpError)
{
    Bytes inner = Udp();
    for (int type : {ICMP_DEST_UNREACH, ICMP_TIME_EXCEEDED, ICMP_PARAM_PROBLEM,
                     ICMP_SOURCE_QUENCH, ICMP_REDIRECT, 42}) {
        Bytes msg = {(uint8_t)type, 0, 0, 0, 0, 0, 0, 0};
        msg.insert(msg.end(), inner.begin(), inner.begin() + 28);
        Wr16(&msg[2], Csum(msg));
        EXPECT_EQ(SendErrorAbout(BuildIp(IpSpec{}, msg)), -EPERM) << "type " << (int)type;
    }
    EXPECT_EQ(IcmpStats().err_suppressed_icmp_error, 6u);
    EXPECT_TRUE(Sent().empty());
    // An echo request is a query, not an error: it may be complained about.
    EXPECT_EQ(SendErrorAbout(BuildIp(IpSpec{}, BuildEcho(8, 1, 1, {}))), 0);
    EXPECT_EQ(Sent().size(), 1u);
}

TEST_F(IcmpTest, NoErrorAboutAnIcmpErrorArrivingWithAnUnknownProtocolQuote)
{
    // A destination unreachable sent to us whose quote names a protocol
    // nobody registered: dropped, and no error about it goes out.
    IpSpec quoted;
    quoted.src = kUs;
    quoted.dst = kPeer;
    quoted.protocol = 99;
    Bytes q = BuildIp(quoted, Pattern(8));
    Bytes msg = {ICMP_DEST_UNREACH, ICMP_UNREACH_PORT, 0, 0, 0, 0, 0, 0};
    msg.insert(msg.end(), q.begin(), q.end());
    Wr16(&msg[2], Csum(msg));
    Inject(BuildIp(IpSpec{}, msg));
    EXPECT_EQ(IcmpStats().in_error_no_handler, 1u);
    EXPECT_TRUE(Sent().empty());
}

TEST_F(IcmpTest, NeverAboutBroadcastMulticastFragmentsOrNonHostSources)
{
    IpSpec s;
    s.protocol = IP4_PROTO_UDP;
    s.dst = IP4_ADDR(10, 0, 0, 255);
    EXPECT_EQ(SendErrorAbout(BuildIp(s, Pattern(20))), -EPERM);
    s.dst = IP4_ADDR(255, 255, 255, 255);
    EXPECT_EQ(SendErrorAbout(BuildIp(s, Pattern(20))), -EPERM);
    s.dst = IP4_ADDR(224, 0, 0, 251);
    EXPECT_EQ(SendErrorAbout(BuildIp(s, Pattern(20))), -EPERM);
    EXPECT_EQ(IcmpStats().err_suppressed_broadcast, 3u);

    s = IpSpec{};
    s.protocol = IP4_PROTO_UDP;
    s.frag_offset = 1480;
    EXPECT_EQ(SendErrorAbout(BuildIp(s, Pattern(20))), -EPERM);
    EXPECT_EQ(IcmpStats().err_suppressed_fragment, 1u);
    s.frag_offset = 0;
    s.mf = true;   // the first fragment is fine
    EXPECT_EQ(SendErrorAbout(BuildIp(s, Pattern(24))), 0);

    for (uint32_t src : {0u, IP4_ADDR(127, 0, 0, 1), IP4_ADDR(10, 0, 0, 255),
                         IP4_ADDR(224, 0, 0, 1), IP4_ADDR(250, 1, 1, 1)}) {
        s = IpSpec{};
        s.protocol = IP4_PROTO_UDP;
        s.src = src;
        EXPECT_EQ(SendErrorAbout(BuildIp(s, Pattern(20))), -EPERM) << src;
    }
    EXPECT_EQ(IcmpStats().err_suppressed_source, 5u);
    EXPECT_EQ(Sent().size(), 1u);
}

TEST_F(IcmpTest, RateLimitSuppressesBeyondTheBurstAndRefillsInVirtualTime)
{
    // Burst 10, then 100 per second: one token per 10 ms.
    Bytes d = Udp();
    int sent = 0;
    for (int i = 0; i < 25; i++)
        sent += SendErrorAbout(d) == 0;
    EXPECT_EQ(sent, 10);
    EXPECT_EQ(IcmpStats().err_suppressed_rate, 15u);
    EXPECT_EQ(Sent().size(), 10u);

    usec_t t0 = now;
    now = t0 + 9999;
    EXPECT_EQ(SendErrorAbout(d), -EAGAIN) << "no token before 10 ms";
    now = t0 + 10000;
    EXPECT_EQ(SendErrorAbout(d), 0) << "one token at 10 ms";
    EXPECT_EQ(SendErrorAbout(d), -EAGAIN);
    now = t0 + 35000;   // 25 ms later: two more tokens, 5 ms carried
    EXPECT_EQ(SendErrorAbout(d), 0);
    EXPECT_EQ(SendErrorAbout(d), 0);
    EXPECT_EQ(SendErrorAbout(d), -EAGAIN);
    now = t0 + 40000;   // the carried 5 ms make the next token due here
    EXPECT_EQ(SendErrorAbout(d), 0);

    now += usec_from_sec(1);   // a second of quiet refills the whole burst
    sent = 0;
    for (int i = 0; i < 25; i++)
        sent += SendErrorAbout(d) == 0;
    EXPECT_EQ(sent, 10);
    Sent();
}

TEST_F(IcmpTest, EchoRepliesAreNotRateLimited)
{
    for (int i = 0; i < 50; i++)
        Inject(BuildIp(IpSpec{}, BuildEcho(ICMP_ECHO_REQUEST, 1, (uint16_t)i, Pattern(8))));
    EXPECT_EQ(Sent().size(), 50u);
}

TEST_F(IcmpTest, ErrorsReachTheTransportThatSentTheQuotedDatagram)
{
    struct Seen {
        int calls = 0;
        uint8_t type = 0, code = 0;
        Bytes quoted;
        uint16_t mtu = 0;
    } seen;
    auto on_error = [](void *ctx, uint8_t type, uint8_t code, const uint8_t *quoted,
                       size_t len, usec_t) {
        auto *s = static_cast<Seen *>(ctx);
        s->calls++;
        s->type = type;
        s->code = code;
        s->quoted.assign(quoted, quoted + len);
        s->mtu = Rd16(quoted - 2);   // documented: the ICMP header precedes the quote
    };
    auto on_input = [](void *, struct pkb *p, const struct ip4_rx_info *, usec_t) {
        pkb_free(p);
    };
    ASSERT_EQ(ip4_register_protocol(ip, kProto, on_input, on_error, &seen), 0);

    IpSpec ours;   // a datagram we sent to a host behind the peer
    ours.src = kUs;
    ours.dst = IP4_ADDR(10, 0, 0, 9);
    ours.protocol = kProto;
    Bytes sent_dgram = BuildIp(ours, Pattern(40));
    Bytes msg = {ICMP_DEST_UNREACH, ICMP_UNREACH_FRAG_NEEDED, 0, 0, 0, 0, 0x05, 0x78};
    msg.insert(msg.end(), sent_dgram.begin(), sent_dgram.begin() + 28);
    Wr16(&msg[2], Csum(msg));
    Inject(BuildIp(IpSpec{}, msg));

    ASSERT_EQ(seen.calls, 1);
    EXPECT_EQ(seen.type, ICMP_DEST_UNREACH);
    EXPECT_EQ(seen.code, ICMP_UNREACH_FRAG_NEEDED);
    EXPECT_EQ(seen.quoted, Bytes(sent_dgram.begin(), sent_dgram.begin() + 28));
    EXPECT_EQ(seen.mtu, 1400);
    EXPECT_EQ(IcmpStats().in_errors_delivered, 1u);
}

TEST_F(IcmpTest, ErrorWithATruncatedQuoteIsDropped)
{
    Bytes msg = {ICMP_DEST_UNREACH, ICMP_UNREACH_PORT, 0, 0, 0, 0, 0, 0};
    Bytes q = Udp();
    msg.insert(msg.end(), q.begin(), q.begin() + 24);   // header + 4: too short
    Wr16(&msg[2], Csum(msg));
    Inject(BuildIp(IpSpec{}, msg));
    EXPECT_EQ(IcmpStats().in_error_bad_quote, 1u);
}

TEST_F(IcmpTest, BadIcmpChecksumAndShortMessagesAreCounted)
{
    Bytes req = BuildEcho(ICMP_ECHO_REQUEST, 1, 1, Pattern(8));
    req[9] ^= 1;
    Inject(BuildIp(IpSpec{}, req));
    EXPECT_EQ(IcmpStats().in_bad_checksum, 1u);
    Inject(BuildIp(IpSpec{}, Bytes{8, 0, 0xF7}));
    EXPECT_EQ(IcmpStats().in_too_short, 1u);
    Bytes unknown = {42, 0, 0, 0, 0, 0, 0, 0};
    Wr16(&unknown[2], Csum(unknown));
    Inject(BuildIp(IpSpec{}, unknown));
    EXPECT_EQ(IcmpStats().in_unknown_type, 1u);
    EXPECT_TRUE(Sent().empty());
}

TEST_F(IcmpTest, FragmentationNeededCarriesTheNextHopMtu)
{
    Bytes d = Udp(100);
    struct pkb *p = Offending(d);
    ASSERT_EQ(icmp_send_error_rest(icmp, p, ICMP_DEST_UNREACH, ICMP_UNREACH_FRAG_NEEDED, 1280,
                                   now),
              0);
    pkb_free(p);
    Ip e = ParseIp(Sent().at(0));
    ASSERT_TRUE(e.ok);
    EXPECT_EQ(e.payload[1], ICMP_UNREACH_FRAG_NEEDED);
    EXPECT_EQ(Rd16(&e.payload[4]), 0);
    EXPECT_EQ(Rd16(&e.payload[6]), 1280) << "RFC 1191 §4: next-hop MTU in the low 16 bits";
}

// ---- the stack's ping client -------------------------------------------

struct PingLog {
    std::vector<struct icmp_echo_reply_info> replies;
    struct Err {
        uint32_t from;
        uint8_t type, code;
        uint16_t id, seq;
    };
    std::vector<Err> errors;
    static void OnReply(void *ctx, const struct icmp_echo_reply_info *r, usec_t)
    {
        static_cast<PingLog *>(ctx)->replies.push_back(*r);
    }
    static void OnError(void *ctx, uint32_t from, uint8_t type, uint8_t code, uint16_t id,
                        uint16_t seq, usec_t)
    {
        static_cast<PingLog *>(ctx)->errors.push_back({from, type, code, id, seq});
    }
};

TEST_F(IcmpTest, PingClientSendsEchoAndMeasuresTheRoundTrip)
{
    PingLog log;
    icmp_ping_set_handler(icmp, PingLog::OnReply, PingLog::OnError, &log);
    usec_t t0 = now;
    ASSERT_EQ(icmp_ping_send(icmp, kPeer, 0x1D, 3, 56, now), 0);
    std::vector<Bytes> out = Sent();
    ASSERT_EQ(out.size(), 1u);
    Ip req = ParseIp(out[0]);
    ASSERT_TRUE(req.ok);
    EXPECT_EQ(req.dst, kPeer);
    EXPECT_EQ(req.protocol, IP4_PROTO_ICMP);
    ASSERT_EQ(req.payload.size(), 64u);
    EXPECT_EQ(req.payload[0], ICMP_ECHO_REQUEST);
    EXPECT_EQ(Rd16(&req.payload[4]), 0x1D);
    EXPECT_EQ(Rd16(&req.payload[6]), 3);
    EXPECT_EQ(Csum(req.payload), 0);

    // The peer answers as the kernel does: same message, type 0.
    Bytes reply = req.payload;
    reply[0] = ICMP_ECHO_REPLY;
    Wr16(&reply[2], 0);
    Wr16(&reply[2], Csum(reply));
    IpSpec s;
    s.ttl = 61;
    now = t0 + 1234;
    Inject(BuildIp(s, reply));

    ASSERT_EQ(log.replies.size(), 1u);
    const auto &r = log.replies[0];
    EXPECT_EQ(r.from, kPeer);
    EXPECT_EQ(r.id, 0x1D);
    EXPECT_EQ(r.seq, 3);
    EXPECT_EQ(r.ttl, 61);
    EXPECT_EQ(r.len, 56u);
    EXPECT_TRUE(r.has_time);
    EXPECT_EQ(r.rtt, 1234u);
    EXPECT_TRUE(r.data_ok);
}

TEST_F(IcmpTest, PingReplyWithDamagedDataIsFlagged)
{
    PingLog log;
    icmp_ping_set_handler(icmp, PingLog::OnReply, PingLog::OnError, &log);
    ASSERT_EQ(icmp_ping_send(icmp, kPeer, 1, 1, 32, now), 0);
    Bytes reply = ParseIp(Sent().at(0)).payload;
    reply[0] = ICMP_ECHO_REPLY;
    reply[30] ^= 0x40;
    Wr16(&reply[2], 0);
    Wr16(&reply[2], Csum(reply));
    Inject(BuildIp(IpSpec{}, reply));
    ASSERT_EQ(log.replies.size(), 1u);
    EXPECT_FALSE(log.replies[0].data_ok);
}

TEST_F(IcmpTest, BigPingLeavesInFragments)
{
    ASSERT_EQ(icmp_ping_send(icmp, kPeer, 1, 1, 4000, now), 0);
    EXPECT_EQ(Sent().size(), 3u);
    EXPECT_EQ(icmp_ping_send(icmp, kPeer, 1, 1, ICMP_PING_MAX_PAYLOAD + 1, now), -EINVAL);
    EXPECT_EQ(icmp_ping_send(icmp, IP4_ADDR(192, 0, 2, 1), 1, 1, 8, now), -ENETUNREACH);
}

TEST_F(IcmpTest, ErrorAboutOurEchoReachesThePingClient)
{
    PingLog log;
    icmp_ping_set_handler(icmp, PingLog::OnReply, PingLog::OnError, &log);
    ASSERT_EQ(icmp_ping_send(icmp, IP4_ADDR(10, 0, 0, 77), 0x99, 5, 16, now), 0);
    Bytes req = Sent().at(0);
    Bytes msg = {ICMP_DEST_UNREACH, ICMP_UNREACH_HOST, 0, 0, 0, 0, 0, 0};
    msg.insert(msg.end(), req.begin(), req.begin() + 28);
    Wr16(&msg[2], Csum(msg));
    Inject(BuildIp(IpSpec{}, msg));
    ASSERT_EQ(log.errors.size(), 1u);
    EXPECT_EQ(log.errors[0].from, kPeer);
    EXPECT_EQ(log.errors[0].type, ICMP_DEST_UNREACH);
    EXPECT_EQ(log.errors[0].code, ICMP_UNREACH_HOST);
    EXPECT_EQ(log.errors[0].id, 0x99);
    EXPECT_EQ(log.errors[0].seq, 5);
}

TEST_F(IcmpTest, EchoRepliesWithoutAClientAreCounted)
{
    Inject(BuildIp(IpSpec{}, BuildEcho(ICMP_ECHO_REPLY, 1, 1, Pattern(8))));
    EXPECT_EQ(IcmpStats().in_echo_replies_unhandled, 1u);
}

}  // namespace
}  // namespace nettest
