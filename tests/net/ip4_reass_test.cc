// Reassembly (RFC 791 §3.2, RFC 1122 §3.3.2, RFC 5722's overlap policy):
// fragments in any order, duplicates, overlaps, the timeout in virtual
// time, the memory cap under a flood, and a 60,000-byte ping answered in
// fragments.
#include "tests/net/net_fixture.h"

namespace nettest {
namespace {

// One fragment of `message` (the whole IP payload): bytes [off, off+len).
inline Bytes Fragment(const Bytes &message, uint16_t id, size_t off, size_t len,
                      uint8_t protocol = IP4_PROTO_ICMP, uint32_t src = kPeer)
{
    IpSpec s;
    s.id = id;
    s.src = src;
    s.protocol = protocol;
    s.frag_offset = (uint16_t)off;
    s.mf = off + len < message.size();
    return BuildIp(s, Bytes(message.begin() + (long)off, message.begin() + (long)(off + len)));
}

// The fragments a sender with this MTU would make of `message`.
inline std::vector<Bytes> FragmentAll(const Bytes &message, uint16_t id, size_t per = 1480,
                                      uint8_t protocol = IP4_PROTO_ICMP)
{
    std::vector<Bytes> out;
    for (size_t off = 0; off < message.size(); off += per)
        out.push_back(Fragment(message, id, off, std::min(per, message.size() - off), protocol));
    return out;
}

class Ip4ReassTest : public NetTest {
protected:
    struct Delivery {
        int calls = 0;
        Bytes data;
        Bytes header;
    } got;

    static constexpr uint8_t kProto = 253;   // RFC 3692 experimental

    void SetUp() override
    {
        NetTest::SetUp();
        ASSERT_EQ(ip4_register_protocol(ip, kProto, Deliver, nullptr, &got), 0);
    }

    static void Deliver(void *ctx, struct pkb *p, const struct ip4_rx_info *, usec_t)
    {
        auto *g = static_cast<Delivery *>(ctx);
        g->calls++;
        g->data.assign(p->data, p->data + p->len);
        g->header.assign(p->network_header, p->data);
        pkb_free(p);
    }

    void InjectAll(const std::vector<Bytes> &frags)
    {
        for (const Bytes &f : frags)
            Inject(f);
    }

    void ExpectNothingHeld()
    {
        EXPECT_EQ(Reass().datagrams_now, 0u);
        EXPECT_EQ(Reass().bytes_now, 0u);
        EXPECT_EQ(timerq_next_deadline(&timers), USEC_NEVER);
    }
};

TEST_F(Ip4ReassTest, InOrder)
{
    Bytes msg = Pattern(4000);
    InjectAll(FragmentAll(msg, 1, 1480, kProto));
    ASSERT_EQ(got.calls, 1);
    EXPECT_EQ(got.data, msg);
    // The delivered header: fragment zero's, with MF/offset cleared and the
    // whole length, checksum valid.
    ASSERT_EQ(got.header.size(), 20u);
    EXPECT_EQ(Rd16(&got.header[2]), 4020);
    EXPECT_EQ(Rd16(&got.header[6]), 0);
    EXPECT_EQ(Csum(got.header), 0);
    EXPECT_EQ(Reass().fragments, 3u);
    EXPECT_EQ(Reass().reassembled, 1u);
    ExpectNothingHeld();
}

TEST_F(Ip4ReassTest, Reversed)
{
    Bytes msg = Pattern(6000);
    std::vector<Bytes> frags = FragmentAll(msg, 2, 1480, kProto);
    std::reverse(frags.begin(), frags.end());
    InjectAll(frags);
    ASSERT_EQ(got.calls, 1);
    EXPECT_EQ(got.data, msg);
    ExpectNothingHeld();
}

TEST_F(Ip4ReassTest, ShuffledWithSeededOrders)
{
    for (uint64_t s = 1; s <= 50; s++) {
        SCOPED_TRACE("shuffle seed " + std::to_string(s));
        struct rng order;
        rng_seed(&order, s);
        Bytes msg = Pattern(1 + rng_below(&order, 20000), (uint8_t)s);
        size_t per = 8 * (1 + rng_below(&order, 185));   // 8..1480
        std::vector<Bytes> frags = FragmentAll(msg, (uint16_t)(100 + s), per, kProto);
        for (size_t i = frags.size(); i > 1; i--)   // Fisher-Yates
            std::swap(frags[i - 1], frags[rng_below(&order, (uint32_t)i)]);
        got = Delivery{};
        InjectAll(frags);
        ASSERT_EQ(got.calls, 1) << frags.size() << " fragments of " << per;
        EXPECT_EQ(got.data, msg);
        ExpectNothingHeld();
    }
}

TEST_F(Ip4ReassTest, ExactDuplicatesAreIgnored)
{
    Bytes msg = Pattern(5000);
    std::vector<Bytes> frags = FragmentAll(msg, 3, 1480, kProto);
    // Every fragment but the last twice, then the last.
    for (size_t i = 0; i + 1 < frags.size(); i++) {
        Inject(frags[i]);
        Inject(frags[i]);
    }
    Inject(frags.back());
    ASSERT_EQ(got.calls, 1);
    EXPECT_EQ(got.data, msg);
    EXPECT_EQ(Reass().duplicates, frags.size() - 1);
    EXPECT_EQ(Reass().failed, 0u);
    ExpectNothingHeld();
}

TEST_F(Ip4ReassTest, OverlapDiscardsTheWholeDatagram)
{
    Bytes msg = Pattern(2960);
    Inject(Fragment(msg, 4, 0, 1480, kProto));
    Inject(Fragment(msg, 4, 1472, 8, kProto));   // overlaps the first one's tail
    EXPECT_EQ(Reass().overlaps, 1u);
    EXPECT_EQ(Reass().failed, 1u);
    ExpectNothingHeld();
    // The rest arriving later cannot complete it: its first part is gone.
    Inject(Fragment(msg, 4, 1480, 1480, kProto));
    EXPECT_EQ(got.calls, 0);
    EXPECT_EQ(Reass().datagrams_now, 1u);
}

TEST_F(Ip4ReassTest, SameOffsetDifferentBytesIsAnOverlap)
{
    Bytes msg = Pattern(3000);
    Bytes other = msg;
    other[10] ^= 0xFF;
    Inject(Fragment(msg, 5, 0, 1480, kProto));
    Inject(Fragment(other, 5, 0, 1480, kProto));
    EXPECT_EQ(Reass().overlaps, 1u);
    EXPECT_EQ(Reass().duplicates, 0u);
    ExpectNothingHeld();
}

TEST_F(Ip4ReassTest, TwoDifferentEndsAreInconsistent)
{
    Bytes msg = Pattern(2960);
    Inject(Fragment(msg, 6, 1480, 1480, kProto));   // last: ends at 2960
    Bytes shorter(msg.begin(), msg.begin() + 2000);
    Inject(Fragment(shorter, 6, 1480, 520, kProto));   // last: ends at 2000
    EXPECT_EQ(Reass().inconsistent, 1u);
    ExpectNothingHeld();
}

TEST_F(Ip4ReassTest, MalformedFragmentsAreCounted)
{
    Bytes msg = Pattern(3000);
    Inject(Fragment(msg, 7, 0, 1478, kProto));   // MF set, not a multiple of 8
    IpSpec s;
    s.protocol = kProto;
    s.mf = true;
    Inject(BuildIp(s, {}));   // empty
    EXPECT_EQ(Reass().bad_fragments, 2u);
    ExpectNothingHeld();
}

TEST_F(Ip4ReassTest, PingOfDeathIsDiscarded)
{
    // The last fragment at offset 65528 with 100 bytes: 65,648 > 65,535.
    Bytes big = Pattern(65528 + 100);
    Inject(Fragment(big, 8, 0, 1480, kProto));
    Inject(Fragment(big, 8, 65528, 100, kProto));
    EXPECT_EQ(Reass().too_big, 1u);
    EXPECT_EQ(got.calls, 0);
    ExpectNothingHeld();
}

TEST_F(Ip4ReassTest, TimeoutAtExactlyThirtySecondsSendsTimeExceeded)
{
    Bytes msg = BuildEcho(ICMP_ECHO_REQUEST, 1, 1, Pattern(3000));
    usec_t t0 = now;
    Bytes first = Fragment(msg, 9, 0, 1480);
    Inject(first);
    Inject(Fragment(msg, 9, 2960, msg.size() - 2960));   // the middle never comes
    EXPECT_EQ(Reass().datagrams_now, 1u);
    EXPECT_GE(Reass().bytes_now, 1480u + 48u);
    EXPECT_EQ(timerq_next_deadline(&timers), t0 + usec_from_sec(30));

    RunUntil(t0 + usec_from_sec(30) - 1);
    EXPECT_EQ(Reass().datagrams_now, 1u) << "not a microsecond early";
    EXPECT_TRUE(Sent().empty());

    RunUntil(t0 + usec_from_sec(30));
    EXPECT_EQ(Reass().timeouts, 1u);
    ExpectNothingHeld();
    std::vector<Bytes> out = Sent();
    ASSERT_EQ(out.size(), 1u);
    Ip err = ParseIp(out[0]);
    ASSERT_TRUE(err.ok);
    EXPECT_EQ(err.dst, kPeer);
    // Type 11 code 1, quoting fragment zero's header and its first 8 bytes.
    Bytes expect = {ICMP_TIME_EXCEEDED, ICMP_EXCEEDED_REASSEMBLY, 0, 0, 0, 0, 0, 0};
    expect.insert(expect.end(), first.begin(), first.begin() + 28);
    Wr16(&expect[2], Csum(expect));
    EXPECT_EQ(Hex(err.payload), Hex(expect));
}

TEST_F(Ip4ReassTest, TimeoutWithoutFragmentZeroSendsNothing)
{
    Bytes msg = Pattern(2960);
    Inject(Fragment(msg, 10, 1480, 1480, kProto));
    RunUntil(now + usec_from_sec(30));
    EXPECT_EQ(Reass().timeouts, 1u);
    EXPECT_EQ(Reass().time_exceeded_asked, 0u);
    EXPECT_TRUE(Sent().empty());
    ExpectNothingHeld();
}

TEST_F(Ip4ReassTest, ConfiguredTimeoutIsUsed)
{
    Destroy();
    cfg.reass_timeout = usec_from_sec(5);
    Build();
    ASSERT_EQ(ip4_register_protocol(ip, kProto, Deliver, nullptr, &got), 0);
    Inject(Fragment(Pattern(3000), 11, 0, 1480, kProto));
    EXPECT_EQ(timerq_next_deadline(&timers), now + usec_from_sec(5));
}

TEST_F(Ip4ReassTest, FloodOfDistinctIdsStaysWithinTheCap)
{
    // 5000 datagrams that never complete, one 1480-byte fragment each:
    // 7 MB offered to a 256 KiB cap.
    Bytes msg = Pattern(3000);
    size_t max_bytes = 0, max_dgrams = 0;
    for (uint32_t i = 0; i < 5000; i++) {
        Inject(Fragment(msg, (uint16_t)i, 0, 1480, kProto,
                        IP4_ADDR(192, 168, (i >> 8) & 0xFF, (i & 0xFF) | 1)));
        max_bytes = std::max<size_t>(max_bytes, Reass().bytes_now);
        max_dgrams = std::max<size_t>(max_dgrams, Reass().datagrams_now);
    }
    EXPECT_LE(max_bytes, 256u * 1024u);
    EXPECT_LE(max_dgrams, 64u);
    EXPECT_GT(Reass().evicted, 4000u);
    EXPECT_EQ(Reass().fragments, 5000u);

    // A real datagram still gets through after the flood.
    Bytes real = Pattern(4000, 99);
    InjectAll(FragmentAll(real, 60000, 1480, kProto));
    ASSERT_EQ(got.calls, 1);
    EXPECT_EQ(got.data, real);

    // And the timeouts return every byte.
    RunUntil(now + usec_from_sec(30));
    ExpectNothingHeld();
    Sent();   // the time-exceeded errors (rate-limited)
}

TEST_F(Ip4ReassTest, DatagramLargerThanTheCapIsGivenUp)
{
    Destroy();
    cfg.reass_max_bytes = 16 * 1024;
    Build();
    ASSERT_EQ(ip4_register_protocol(ip, kProto, Deliver, nullptr, &got), 0);
    Bytes msg = Pattern(30000);
    InjectAll(FragmentAll(msg, 12, 1480, kProto));
    EXPECT_EQ(got.calls, 0);
    EXPECT_LE(Reass().bytes_now, 16u * 1024u);
    EXPECT_GE(Reass().evicted, 1u);
}

TEST_F(Ip4ReassTest, SixtyThousandBytePingIsAnsweredInFragments)
{
    // ping -s 60000: 60,008 ICMP bytes, 41 fragments of at most 1480.
    Bytes req = BuildEcho(ICMP_ECHO_REQUEST, 0xBEEF, 1, Pattern(60000));
    std::vector<Bytes> frags = FragmentAll(req, 0x5151);
    ASSERT_EQ(frags.size(), 41u);
    InjectAll(frags);
    EXPECT_EQ(Reass().reassembled, 1u);

    std::vector<Bytes> out = Sent();
    ASSERT_EQ(out.size(), 41u);
    std::vector<Ip> parsed;
    for (const Bytes &b : out) {
        Ip p = ParseIp(b);
        ASSERT_TRUE(p.ok) << Hex(b);
        EXPECT_LE(b.size(), 1500u);
        EXPECT_EQ(p.id, ParseIp(out[0]).id);
        EXPECT_EQ(p.src, kUs);
        EXPECT_EQ(p.dst, kPeer);
        parsed.push_back(p);
    }
    std::string why;
    Bytes reply = JoinFragments(parsed, &why);
    ASSERT_FALSE(reply.empty()) << why;
    Bytes expect = req;
    expect[0] = ICMP_ECHO_REPLY;
    Wr16(&expect[2], 0);
    Wr16(&expect[2], Csum(expect));
    EXPECT_EQ(reply.size(), expect.size());
    EXPECT_TRUE(reply == expect) << "first difference at "
                                 << (std::mismatch(reply.begin(), reply.end(), expect.begin())
                                         .first -
                                     reply.begin());
    EXPECT_EQ(Stats().frag_creates, 41u);
    EXPECT_EQ(Stats().frag_oks, 1u);
    ExpectNothingHeld();
}

TEST_F(Ip4ReassTest, LargestPossibleDatagramIsReassembled)
{
    Bytes msg = Pattern(65535 - 20);
    InjectAll(FragmentAll(msg, 13, 1480, kProto));
    ASSERT_EQ(got.calls, 1);
    EXPECT_EQ(got.data, msg);
}

}  // namespace
}  // namespace nettest
