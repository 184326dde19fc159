// net_fixture.h — a network layer built by hand on a capture device, and
// builders for "the datagram the peer sends now".
//
// The stack is 10.0.0.2/24 on a TUN-like capdev ("tun0", MTU 1500); the
// peer is 10.0.0.1. Time is virtual (`now`), the rng is seeded (`seed`),
// and every test prints the seed when it fails (TearDown).
//
// The builders compute checksums with their own RFC 1071 code, so a test
// does not trust the code under test to check itself.
#ifndef TUNLAB_TESTS_NET_NET_FIXTURE_H
#define TUNLAB_TESTS_NET_NET_FIXTURE_H

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "stack/core/pkb.h"
#include "stack/core/rng.h"
#include "stack/core/timer.h"
#include "stack/net/icmp.h"
#include "stack/net/ip4.h"
#include "stack/net/ip4_addr.h"
#include "stack/net/ip4_hdr.h"
#include "stack/net/ip4_route.h"
#include "stack/phy/capdev.h"

namespace nettest {

using Bytes = std::vector<uint8_t>;

constexpr uint32_t kUs = IP4_ADDR(10, 0, 0, 2);
constexpr uint32_t kPeer = IP4_ADDR(10, 0, 0, 1);

// RFC 1071, written out independently of stack/core/checksum.c.
inline uint16_t Csum(const uint8_t *p, size_t n)
{
    uint32_t sum = 0;
    for (size_t i = 0; i + 1 < n; i += 2)
        sum += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (n % 2)
        sum += (uint32_t)(p[n - 1] << 8);
    while (sum >> 16)
        sum = (sum & 0xFFFF) + (sum >> 16);
    return (uint16_t)~sum;
}
inline uint16_t Csum(const Bytes &b) { return Csum(b.data(), b.size()); }

inline uint16_t Rd16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
inline uint32_t Rd32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
inline void Wr16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}
inline void Wr32(uint8_t *p, uint32_t v)
{
    Wr16(p, (uint16_t)(v >> 16));
    Wr16(p + 2, (uint16_t)v);
}

// What the peer puts in an IPv4 header.
struct IpSpec {
    uint32_t src = kPeer;
    uint32_t dst = kUs;
    uint8_t protocol = IP4_PROTO_ICMP;
    uint8_t ttl = 64;
    uint8_t tos = 0;
    uint16_t id = 0x1234;
    bool df = false;
    bool mf = false;
    uint16_t frag_offset = 0;   // bytes (a multiple of 8)
    Bytes options;              // a multiple of 4 bytes
};

inline Bytes BuildIp(const IpSpec &s, const Bytes &payload)
{
    size_t hl = 20 + s.options.size();
    Bytes b(hl + payload.size());
    b[0] = (uint8_t)(0x40 | (hl / 4));
    b[1] = s.tos;
    Wr16(&b[2], (uint16_t)b.size());
    Wr16(&b[4], s.id);
    Wr16(&b[6], (uint16_t)((s.df ? 0x4000 : 0) | (s.mf ? 0x2000 : 0) | (s.frag_offset / 8)));
    b[8] = s.ttl;
    b[9] = s.protocol;
    Wr32(&b[12], s.src);
    Wr32(&b[16], s.dst);
    std::copy(s.options.begin(), s.options.end(), b.begin() + 20);
    Wr16(&b[10], Csum(b.data(), hl));
    std::copy(payload.begin(), payload.end(), b.begin() + (long)hl);
    return b;
}

// An ICMP echo (type 8) or echo reply (type 0) message with its checksum.
inline Bytes BuildEcho(uint8_t type, uint16_t id, uint16_t seq, const Bytes &data)
{
    Bytes m(8 + data.size());
    m[0] = type;
    Wr16(&m[4], id);
    Wr16(&m[6], seq);
    std::copy(data.begin(), data.end(), m.begin() + 8);
    Wr16(&m[2], Csum(m));
    return m;
}

inline Bytes Pattern(size_t n, uint8_t start = 0)
{
    Bytes d(n);
    for (size_t i = 0; i < n; i++)
        d[i] = (uint8_t)(start + i * 7);
    return d;
}

// A received IPv4 packet, split into its fields, checked against its own
// header checksum.
struct Ip {
    bool ok = false;
    size_t hdr_len = 0;
    uint16_t total_len = 0, id = 0, frag_offset = 0;
    bool df = false, mf = false;
    uint8_t ttl = 0, protocol = 0, tos = 0;
    uint32_t src = 0, dst = 0;
    Bytes bytes;     // the whole packet
    Bytes payload;   // after the header
};

inline Ip ParseIp(const Bytes &b)
{
    Ip ip;
    ip.bytes = b;
    if (b.size() < 20 || (b[0] >> 4) != 4)
        return ip;
    ip.hdr_len = (size_t)(b[0] & 0xF) * 4;
    ip.tos = b[1];
    ip.total_len = Rd16(&b[2]);
    ip.id = Rd16(&b[4]);
    uint16_t ff = Rd16(&b[6]);
    ip.df = ff & 0x4000;
    ip.mf = ff & 0x2000;
    ip.frag_offset = (uint16_t)((ff & 0x1FFF) * 8);
    ip.ttl = b[8];
    ip.protocol = b[9];
    ip.src = Rd32(&b[12]);
    ip.dst = Rd32(&b[16]);
    if (ip.hdr_len < 20 || ip.hdr_len > b.size() || ip.total_len != b.size())
        return ip;
    if (Csum(b.data(), ip.hdr_len) != 0)
        return ip;
    ip.payload.assign(b.begin() + (long)ip.hdr_len, b.end());
    ip.ok = true;
    return ip;
}

inline std::string Hex(const Bytes &b, size_t max = 64)
{
    static const char *d = "0123456789abcdef";
    std::string s;
    for (size_t i = 0; i < b.size() && i < max; i++) {
        s += d[b[i] >> 4];
        s += d[b[i] & 0xF];
        s += (i % 4 == 3) ? " " : "";
    }
    if (b.size() > max)
        s += "...";
    return s;
}

// Fire timers in time order up to `until`; returns `until`.
inline usec_t StepTimers(struct timerq *q, usec_t now, usec_t until)
{
    for (int guard = 0; guard < 1000000; guard++) {
        usec_t next = timerq_next_deadline(q);
        if (next > until)
            break;
        now = next > now ? next : now;
        timerq_run(q, now);
    }
    return until;
}

// A stack's network layer on one capture device, in virtual time.
class NetTest : public ::testing::Test {
protected:
    uint64_t seed = 20261125;
    usec_t now = usec_from_sec(1000);
    struct ip4_config cfg = {};
    struct timerq timers;
    struct rng rng;
    struct capdev cap;
    struct ip4 *ip = nullptr;
    struct icmp *icmp = nullptr;
    uint64_t live_buffers_at_start = 0;

    // Tests that need other settings change `cfg` and call Build() again
    // (after Destroy()).
    void SetUp() override
    {
        live_buffers_at_start = pkb_stats().live_buffers;
        Build();
    }

    void Build()
    {
        timerq_init(&timers);
        rng_seed(&rng, seed);
        capdev_init(&cap, "tun0", NETDEV_LINK_IP, 1500);
        ip = ip4_new(&cfg, &timers, &rng, nullptr, "stack");
        ASSERT_NE(ip, nullptr);
        icmp = ip4_icmp(ip);
        ASSERT_EQ(ip4_add_iface(ip, &cap.dev, nullptr, nullptr, kUs, 24), 0);
    }

    void Destroy()
    {
        ip4_free(ip);
        ip = nullptr;
        capdev_destroy(&cap);
        timerq_destroy(&timers);
    }

    void TearDown() override
    {
        Destroy();
        if (HasFailure())
            std::fprintf(stderr, "net test failed with seed %llu\n", (unsigned long long)seed);
        // Every packet buffer the test made the stack allocate is freed.
        EXPECT_EQ(pkb_stats().live_buffers, live_buffers_at_start) << "seed " << seed;
    }

    void Inject(const Bytes &b)
    {
        uint64_t dropped = cap.dev.stats.rx_dropped;
        ASSERT_EQ(capdev_inject(&cap, b.data(), b.size(), now), 0);
        ASSERT_EQ(cap.dev.stats.rx_dropped, dropped) << "the device dropped it (over the MTU?)";
    }

    // Advance virtual time to t, stepping from deadline to deadline so
    // every timer fires at its own time (as the event loop would).
    void RunUntil(usec_t t) { now = StepTimers(&timers, now, t); }

    std::vector<Bytes> Sent() { return SentOn(&cap); }

    static std::vector<Bytes> SentOn(struct capdev *c)
    {
        std::vector<Bytes> out;
        while (struct pkb *p = capdev_pop(c)) {
            out.emplace_back(p->data, p->data + p->len);
            pkb_free(p);
        }
        return out;
    }

    const struct ip4_stats &Stats() { return *ip4_stats(ip); }
    const struct ip4_reass_stats &Reass() { return *ip4_reass_stats(ip); }
    const struct icmp_stats &IcmpStats() { return *icmp_stats(icmp); }
};

// Reassemble the fragments a test captured (sorted by offset, checked for
// gaps and for MF on all but the last); returns the IP payload, or an empty
// vector with *why set.
inline Bytes JoinFragments(std::vector<Ip> frags, std::string *why)
{
    std::sort(frags.begin(), frags.end(),
              [](const Ip &a, const Ip &b) { return a.frag_offset < b.frag_offset; });
    Bytes out;
    for (size_t i = 0; i < frags.size(); i++) {
        if (frags[i].frag_offset != out.size()) {
            *why = "gap or overlap at fragment " + std::to_string(i);
            return {};
        }
        if (frags[i].mf != (i + 1 < frags.size())) {
            *why = "wrong MF on fragment " + std::to_string(i);
            return {};
        }
        out.insert(out.end(), frags[i].payload.begin(), frags[i].payload.end());
    }
    return out;
}

}  // namespace nettest

#endif
