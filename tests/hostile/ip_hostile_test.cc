// ip_hostile_test.cc — malformed IPv4 headers, hostile fragment patterns
// and a fragment flood against one stack: each is answered as the RFCs say
// or dropped and counted, and reassembly memory stays within its caps.
#include <cerrno>

#include "stack/net/icmp.h"
#include "stack/net/ip4_hdr.h"
#include "tests/hostile/hostile.h"

namespace hostile {
namespace {

constexpr uint64_t kSeed = 12;

// A UDP datagram (8-byte header, checksum 0 = none) to port `port`.
Bytes Udp(uint16_t port, const Bytes &data)
{
    Bytes d(8 + data.size());
    be16_write(&d[0], 5000);
    be16_write(&d[2], port);
    be16_write(&d[4], (uint16_t)d.size());
    std::copy(data.begin(), data.end(), d.begin() + 8);
    return d;
}

// A fragment of the datagram `id` from 10.0.0.1: payload bytes at `offset`.
Bytes Fragment(uint16_t id, size_t offset, const Bytes &payload, bool more, uint32_t src = kPeer)
{
    Ip ip;
    ip.src = src;
    ip.id = id;
    ip.frag = (uint16_t)((offset / 8) | (more ? IP4_FLAG_MF : 0));
    ip.payload = payload;
    return BuildIp(ip);
}

class UdpSink {
  public:
    explicit UdpSink(Host &h) : h_(h)
    {
        fd_ = socket_open(h.st(), SOCK_TYPE_DGRAM);
        sock_addr a = {0, 7};
        EXPECT_EQ(0, socket_bind(h.st(), fd_, &a));
    }
    ~UdpSink() { socket_close(h_.st(), fd_, h_.now()); }
    // The next datagram's length, or -EAGAIN.
    ssize_t Next(Bytes *out = nullptr)
    {
        Bytes b(70000);
        ssize_t n = socket_recvfrom(h_.st(), fd_, b.data(), b.size(), nullptr, h_.now());
        if (out != nullptr && n >= 0)
            out->assign(b.begin(), b.begin() + n);
        return n;
    }

  private:
    Host &h_;
    int fd_;
};

// RFC 791 §3.1: an option's length counts its type and length bytes, so 0
// (or 1) is malformed. RFC 1122 §3.2.2.5: a host SHOULD answer a header it
// cannot process with Parameter Problem pointing at the bad byte.
TEST(IpHostile, ZeroLengthOptionIsDroppedCountedAndReported)
{
    Host h(kSeed);
    UdpSink sink(h);
    Ip ip;
    ip.options = {68, 0, 0, 0};   // a timestamp option with length 0
    ip.payload = Udp(7, {1, 2, 3});
    uint64_t before = h.ip().in_bad_options;
    h.Inject(BuildIp(ip));
    EXPECT_EQ(before + 1, h.ip().in_bad_options);
    EXPECT_EQ(-EAGAIN, sink.Next()) << h.Dump();
    std::vector<Sent> out = h.Sent_();
    ASSERT_EQ(1u, out.size()) << h.Dump();
    ASSERT_EQ(IP4_PROTO_ICMP, out[0].protocol);
    const uint8_t *icmp = out[0].raw.data() + 20;
    EXPECT_EQ(ICMP_PARAM_PROBLEM, icmp[0]);
    EXPECT_EQ(21, icmp[4]) << "the pointer names the option's length byte";
}

// RFC 791 §3.1: IHL is at least 5 (20 bytes); anything less is no header.
TEST(IpHostile, IhlBelowFiveIsDroppedAndCounted)
{
    Host h(kSeed);
    UdpSink sink(h);
    uint64_t before = h.ip().in_bad_ihl;
    for (int ihl = 0; ihl < 5; ihl++) {
        Ip ip;
        ip.ihl = ihl;
        ip.payload = Udp(7, {1, 2, 3});
        h.Inject(BuildIp(ip));
    }
    EXPECT_EQ(before + 5, h.ip().in_bad_ihl);
    EXPECT_EQ(-EAGAIN, sink.Next());
    EXPECT_EQ(0u, h.Pending()) << "no answer to a header that cannot be read\n" << h.Dump();
}

// RFC 5722 §4 (adopted for IPv4 by RFC 8900 §3.8 and Linux): a fragment
// that overlaps another is a sign of an attack; the whole datagram is
// discarded, counted in `overlaps`, and what arrives of it later is too.
TEST(IpHostile, OverlappingFragmentsDiscardTheDatagram)
{
    Host h(kSeed);
    UdpSink sink(h);
    Bytes whole = Udp(7, Bytes(40, 'o'));   // 48 bytes
    h.Inject(Fragment(9, 0, Bytes(whole.begin(), whole.begin() + 24), true));
    h.Inject(Fragment(9, 16, Bytes(whole.begin() + 16, whole.begin() + 40), true));   // overlaps
    h.Inject(Fragment(9, 40, Bytes(whole.begin() + 40, whole.end()), false));
    EXPECT_EQ(1u, h.reass().overlaps) << h.Dump();
    EXPECT_EQ(-EAGAIN, sink.Next()) << "nothing of an overlapped datagram is delivered";
    h.RunFor(usec_from_sec(60));
    EXPECT_EQ(0u, h.reass().datagrams_now);
    EXPECT_EQ(0u, h.reass().bytes_now);
}

// Tiny fragments (8 bytes each, the smallest RFC 791 allows), in reverse
// order: the datagram is rebuilt exactly.
TEST(IpHostile, TinyFragmentsReassembleExactly)
{
    Host h(kSeed);
    UdpSink sink(h);
    Bytes data(192);
    for (size_t i = 0; i < data.size(); i++)
        data[i] = (uint8_t)i;
    Bytes whole = Udp(7, data);   // 200 bytes: 25 fragments
    for (size_t off = whole.size(); off > 0;) {
        off -= 8;
        h.Inject(Fragment(3, off, Bytes(whole.begin() + (long)off, whole.begin() + (long)off + 8),
                          off + 8 < whole.size()));
    }
    Bytes got;
    ASSERT_EQ((ssize_t)data.size(), sink.Next(&got)) << h.Dump();
    EXPECT_EQ(data, got);
    EXPECT_EQ(0u, h.reass().datagrams_now);
}

// A middle fragment whose length is not a multiple of 8 cannot be
// followed by anything (RFC 791 §3.2: offsets count 8-octet units): a
// counted drop.
TEST(IpHostile, MiddleFragmentNotAMultipleOfEightIsCounted)
{
    Host h(kSeed);
    h.Inject(Fragment(4, 0, Bytes(13, 'x'), true));
    EXPECT_EQ(1u, h.reass().bad_fragments) << h.Dump();
    EXPECT_EQ(0u, h.reass().datagrams_now);
}

// A flood of 20,000 first fragments, each the start of a different
// datagram that never completes (distinct ids and sources): the datagrams
// and bytes held stay within the caps (64 datagrams, 256 KiB), the oldest
// are evicted and counted, and once the 30 s timeout has passed nothing is
// left. A real datagram sent after the flood still gets through.
TEST(IpHostile, FragmentFloodStaysWithinTheReassemblyCaps)
{
    uint64_t start = LiveBuffers(), start_bytes = LiveBytes();
    {
        Host h(kSeed);
        UdpSink sink(h);
        uint64_t peak_bytes = 0;
        for (int i = 0; i < 20000; i++) {
            uint32_t src = 0x0A000000u | (uint32_t)(3 + i % 250);
            h.Inject(Fragment((uint16_t)i, 0, Bytes(1024, 'f'), true, src));
            ASSERT_LE(h.reass().datagrams_now, 64u);
            ASSERT_LE(h.reass().bytes_now, 256u * 1024);
            peak_bytes = std::max<uint64_t>(peak_bytes, LiveBytes() - start_bytes);
            h.Clear();
        }
        EXPECT_GT(h.reass().evicted, 19000u);
        EXPECT_LT(peak_bytes, 1u << 20) << "live buffer bytes during the flood";
        h.Clear();
        Bytes whole = Udp(7, Bytes(100, 'r'));
        h.Inject(Fragment(60000, 0, Bytes(whole.begin(), whole.begin() + 64), true));
        h.Inject(Fragment(60000, 64, Bytes(whole.begin() + 64, whole.end()), false));
        EXPECT_EQ(100, sink.Next()) << h.Dump();
        h.RunFor(usec_from_sec(31));
        EXPECT_EQ(0u, h.reass().datagrams_now);
        EXPECT_EQ(0u, h.reass().bytes_now);
        printf("fragment flood: 20000 fragments, %llu evicted, peak %llu bytes of buffers\n",
               (unsigned long long)h.reass().evicted, (unsigned long long)peak_bytes);
    }
    EXPECT_EQ(start, LiveBuffers());
    EXPECT_EQ(start_bytes, LiveBytes());
}

// RFC 791 §3.2: a datagram may be at most 65,535 bytes; fragments that
// would build a larger one are refused and counted (the "ping of death").
TEST(IpHostile, FragmentsBeyond65535BytesAreRefused)
{
    Host h(kSeed);
    UdpSink sink(h);
    h.Inject(Fragment(5, 0, Bytes(1000, 'a'), true));
    h.Inject(Fragment(5, 65528, Bytes(1000, 'b'), false));   // ends at 66,528
    EXPECT_EQ(1u, h.reass().too_big) << h.Dump();
    EXPECT_EQ(-EAGAIN, sink.Next());
    EXPECT_EQ(0u, h.reass().datagrams_now);
}

// A total length larger than the bytes received, or smaller than the
// header: counted (RFC 1122 §3.2.1.3's checks on a received datagram).
TEST(IpHostile, BadTotalLengthIsDroppedAndCounted)
{
    Host h(kSeed);
    uint64_t before = h.ip().in_bad_total_len;
    Ip ip;
    ip.payload = Udp(7, {1});
    ip.total_len = 2000;
    h.Inject(BuildIp(ip));
    ip.total_len = 12;
    h.Inject(BuildIp(ip));
    EXPECT_EQ(before + 2, h.ip().in_bad_total_len);
    EXPECT_EQ(0u, h.Pending());
}

}  // namespace
}  // namespace hostile
