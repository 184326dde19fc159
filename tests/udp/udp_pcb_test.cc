// udp_pcb_test — the user calls: bind rules, ephemeral ports (random start
// from the stack's rng, in 49152-65535, skipping ports in use), connect
// fixing the source, send errors, truncation, shutdown, and the datagram
// as the wire sees it.
#include <gtest/gtest.h>

#include <cerrno>
#include <set>
#include <string>

#include "stack/core/pkb.h"
#include "stack/stack.h"
#include "stack/transport/udp.h"
#include "tests/udp/udp_packet.h"

namespace {

class UdpPcb : public ::testing::Test {
protected:
    void SetUp() override { make(seed); }
    void TearDown() override
    {
        if (HasFailure())
            std::fprintf(stderr, "%s", udptest::dump(pair).c_str());
        shim_pair_free(pair);
    }
    void make(uint64_t s)
    {
        shim_pair_free(pair);
        pair = shim_pair_new(s, NETDEV_LINK_IP);
        ASSERT_NE(pair, nullptr);
    }
    uint16_t ephemeral(struct udp *udp)
    {
        struct udp_pcb *pcb = udp_pcb_new(udp);
        EXPECT_EQ(udp_pcb_bind(pcb, 0, 0), 0);
        uint16_t port = 0;
        udp_pcb_local(pcb, nullptr, &port);
        return port;
    }

    uint64_t seed = 5002;
    struct shim_pair *pair = nullptr;
};

TEST_F(UdpPcb, BindRules)
{
    struct udp *udp = pair->server->udp;
    struct udp_pcb *a = udp_pcb_new(udp), *b = udp_pcb_new(udp), *c = udp_pcb_new(udp);
    EXPECT_EQ(udp_pcb_bind(a, 0, 53), 0);
    EXPECT_EQ(udp_pcb_bind(a, 0, 54), -EINVAL) << "already bound";
    EXPECT_EQ(udp_pcb_bind(b, 0, 53), -EADDRINUSE);
    EXPECT_EQ(udp_pcb_bind(b, SHIM_SERVER_ADDR, 53), -EADDRINUSE) << "overlaps the wildcard";
    EXPECT_EQ(udp_pcb_bind(b, 0x0A000009, 54), -EADDRNOTAVAIL) << "10.0.0.9 is not ours";
    EXPECT_EQ(udp_pcb_bind(b, SHIM_SERVER_ADDR, 54), 0);
    // SO_REUSEADDR on both lets two pcbs share a port.
    udp_pcb_set_reuseaddr(c, true);
    EXPECT_EQ(udp_pcb_bind(c, 0, 54), -EADDRINUSE) << "b did not ask for reuseaddr";
    udp_pcb_set_reuseaddr(b, true);
    EXPECT_EQ(udp_pcb_bind(c, 0, 54), 0);
    // Closing frees the port.
    udp_pcb_free(a);
    struct udp_pcb *d = udp_pcb_new(udp);
    EXPECT_EQ(udp_pcb_bind(d, 0, 53), 0);
}

TEST_F(UdpPcb, EphemeralPortsAreInRangeAndDistinct)
{
    std::set<uint16_t> seen;
    for (int i = 0; i < 200; i++) {
        uint16_t p = ephemeral(pair->client->udp);
        EXPECT_GE(p, UDP_EPHEMERAL_FIRST);
        EXPECT_LE(p, UDP_EPHEMERAL_LAST);
        EXPECT_TRUE(seen.insert(p).second) << "port " << p << " handed out twice";
    }
}

TEST_F(UdpPcb, EphemeralStartIsRandomPerSeedAndReproducible)
{
    uint16_t first = ephemeral(pair->client->udp);
    make(seed);   // same seed: same port
    EXPECT_EQ(ephemeral(pair->client->udp), first);
    std::set<uint16_t> firsts;
    for (uint64_t s = 1; s <= 8; s++) {
        make(s);
        firsts.insert(ephemeral(pair->client->udp));
    }
    EXPECT_GE(firsts.size(), 7u) << "the start is drawn from the rng, not fixed";
}

TEST_F(UdpPcb, EphemeralSkipsPortsInUse)
{
    uint16_t first = ephemeral(pair->client->udp);
    make(seed);
    // Take the port the rng is about to choose; the allocator must move on.
    struct udp_pcb *squatter = udp_pcb_new(pair->client->udp);
    ASSERT_EQ(udp_pcb_bind(squatter, 0, first), 0);
    // The squatter's bind drew nothing from the rng, so the next draw is the
    // same start: the allocator walks one step past the taken port.
    uint16_t next = first == UDP_EPHEMERAL_LAST ? UDP_EPHEMERAL_FIRST : (uint16_t)(first + 1);
    EXPECT_EQ(ephemeral(pair->client->udp), next);
}

TEST_F(UdpPcb, ConnectBindsAndFixesTheSource)
{
    struct udp_pcb *pcb = udp_pcb_new(pair->client->udp);
    EXPECT_EQ(udp_pcb_connect(pcb, SHIM_SERVER_ADDR, 0), -EINVAL);
    EXPECT_EQ(udp_pcb_connect(pcb, 0xC0A80001, 53), -ENETUNREACH) << "no route to 192.168.0.1";
    ASSERT_EQ(udp_pcb_connect(pcb, SHIM_SERVER_ADDR, 53), 0);
    uint32_t ip = 0, rip = 0;
    uint16_t port = 0, rport = 0;
    udp_pcb_local(pcb, &ip, &port);
    EXPECT_EQ(ip, SHIM_CLIENT_ADDR);
    EXPECT_GE(port, UDP_EPHEMERAL_FIRST);
    EXPECT_TRUE(udp_pcb_remote(pcb, &rip, &rport));
    EXPECT_EQ(rip, SHIM_SERVER_ADDR);
    EXPECT_EQ(rport, 53);
}

TEST_F(UdpPcb, SendErrors)
{
    struct udp_pcb *pcb = udp_pcb_new(pair->client->udp);
    usec_t now = shim_now(pair);
    EXPECT_EQ(udp_pcb_send(pcb, "x", 1, now), -EDESTADDRREQ);
    static char big[UDP_MAX_PAYLOAD + 1];
    EXPECT_EQ(udp_pcb_sendto(pcb, big, sizeof big, SHIM_SERVER_ADDR, 7, now), -EMSGSIZE);
    EXPECT_EQ(udp_pcb_sendto(pcb, "x", 1, 0xC0A80001, 7, now), -ENETUNREACH);
    EXPECT_EQ(udp_pcb_sendto(pcb, "x", 1, SHIM_SERVER_ADDR, 0, now), -EDESTADDRREQ);
    EXPECT_EQ(udp_pcb_shutdown(pcb, false, true), -ENOTCONN);
    ASSERT_EQ(udp_pcb_connect(pcb, SHIM_SERVER_ADDR, 7), 0);
    ASSERT_EQ(udp_pcb_shutdown(pcb, false, true), 0);
    EXPECT_EQ(udp_pcb_send(pcb, "x", 1, now), -EPIPE);
    EXPECT_FALSE(udp_pcb_writable(pcb));
}

TEST_F(UdpPcb, OneSendIsOneDatagramIsOneReceive)
{
    // The seed's "does UDP stick packets together?": no. Three sends of
    // 2k, 4k and 6k arrive as three datagrams of exactly those sizes.
    struct udp_pcb *rx = udp_pcb_new(pair->server->udp);
    ASSERT_EQ(udp_pcb_bind(rx, 0, 9000), 0);
    struct udp_pcb *tx = udp_pcb_new(pair->client->udp);
    ASSERT_EQ(udp_pcb_connect(tx, SHIM_SERVER_ADDR, 9000), 0);
    for (size_t n : {2048u, 4096u, 6144u}) {
        std::string data(n, (char)('a' + n / 2048));
        ASSERT_EQ(udp_pcb_send(tx, data.data(), data.size(), shim_now(pair)), (ssize_t)n);
    }
    shim_run_for(pair, usec_from_msec(50));
    static char buf[65536];
    for (size_t n : {2048u, 4096u, 6144u}) {
        ssize_t got = udp_pcb_recvfrom(rx, buf, sizeof buf, nullptr, nullptr);
        ASSERT_EQ(got, (ssize_t)n);
        EXPECT_EQ(buf[0], (char)('a' + n / 2048));
    }
    EXPECT_EQ(udp_pcb_recvfrom(rx, buf, sizeof buf, nullptr, nullptr), -EAGAIN);
}

TEST_F(UdpPcb, ShortBufferTruncatesTheDatagram)
{
    struct udp_pcb *rx = udp_pcb_new(pair->server->udp);
    ASSERT_EQ(udp_pcb_bind(rx, 0, 9000), 0);
    struct udp_pcb *tx = udp_pcb_new(pair->client->udp);
    ASSERT_EQ(udp_pcb_sendto(tx, "0123456789", 10, SHIM_SERVER_ADDR, 9000, shim_now(pair)), 10);
    ASSERT_EQ(udp_pcb_sendto(tx, "next", 4, SHIM_SERVER_ADDR, 9000, shim_now(pair)), 4);
    shim_run_for(pair, usec_from_msec(10));
    char buf[4];
    EXPECT_EQ(udp_pcb_recvfrom(rx, buf, sizeof buf, nullptr, nullptr), 4);
    EXPECT_EQ(std::string(buf, 4), "0123");
    EXPECT_EQ(udp_pcb_recvfrom(rx, buf, sizeof buf, nullptr, nullptr), 4) << "the rest was dropped";
    EXPECT_EQ(std::string(buf, 4), "next");
}

TEST_F(UdpPcb, DatagramOnTheWire)
{
    struct udp_pcb *tx = udp_pcb_new(pair->client->udp);
    ASSERT_EQ(udp_pcb_bind(tx, 0, 40000), 0);
    size_t mark = udptest::trace_count(pair);
    ASSERT_EQ(udp_pcb_sendto(tx, "hi!", 3, SHIM_SERVER_ADDR, 7, shim_now(pair)), 3);
    auto out = udptest::sent_by(pair, "client", mark);
    ASSERT_EQ(out.size(), 1u);
    const std::vector<uint8_t> &p = out[0];
    ASSERT_EQ(p.size(), 20u + 11u);
    EXPECT_EQ(p[9], 17);
    // The hand-computed vector of udp_checksum_test: C624.
    std::vector<uint8_t> udp(p.begin() + 20, p.end());
    EXPECT_EQ(udp, (std::vector<uint8_t>{0x9C, 0x40, 0x00, 0x07, 0x00, 0x0B, 0xC6, 0x24, 'h',
                                         'i', '!'}));
    EXPECT_EQ(udp_get_stats(pair->client->udp)->out_datagrams, 1u);
}

TEST_F(UdpPcb, NotifyRunsWhenADatagramIsQueued)
{
    struct Seen {
        int calls = 0;
        size_t queued = 0;
    } seen;
    struct udp_pcb *rx = udp_pcb_new(pair->server->udp);
    ASSERT_EQ(udp_pcb_bind(rx, 0, 9000), 0);
    udp_pcb_set_notify(
        rx,
        [](void *ctx, struct udp_pcb *pcb, usec_t) {
            auto *s = static_cast<Seen *>(ctx);
            s->calls++;
            s->queued = udp_pcb_queued_datagrams(pcb);
        },
        &seen);
    struct udp_pcb *tx = udp_pcb_new(pair->client->udp);
    ASSERT_EQ(udp_pcb_sendto(tx, "ping", 4, SHIM_SERVER_ADDR, 9000, shim_now(pair)), 4);
    shim_run_for(pair, usec_from_msec(10));
    EXPECT_EQ(seen.calls, 1);
    EXPECT_EQ(seen.queued, 1u);
}

}  // namespace

namespace {

// SO_RCVBUF (issue 11): 0 is an error, anything up to UDP_MAX_RCVBUF is
// taken as asked, more is clamped to it (Linux clamps to rmem_max), and the
// queue then holds exactly that many bytes of payload.
TEST_F(UdpPcb, RcvbufIsClampedToTheMaximum)
{
    struct udp_pcb *pcb = udp_pcb_new(pair->server->udp);
    EXPECT_EQ(udp_pcb_rcvbuf(pcb), (size_t)UDP_DEFAULT_RCVBUF);
    EXPECT_EQ(udp_pcb_set_rcvbuf(pcb, 0), -EINVAL);
    EXPECT_EQ(udp_pcb_rcvbuf(pcb), (size_t)UDP_DEFAULT_RCVBUF) << "unchanged by the error";
    EXPECT_EQ(udp_pcb_set_rcvbuf(pcb, 3000), 0);
    EXPECT_EQ(udp_pcb_rcvbuf(pcb), 3000u);
    EXPECT_EQ(udp_pcb_set_rcvbuf(pcb, UDP_MAX_RCVBUF), 0);
    EXPECT_EQ(udp_pcb_rcvbuf(pcb), (size_t)UDP_MAX_RCVBUF);
    EXPECT_EQ(udp_pcb_set_rcvbuf(pcb, (size_t)UDP_MAX_RCVBUF + 1), 0);
    EXPECT_EQ(udp_pcb_rcvbuf(pcb), (size_t)UDP_MAX_RCVBUF);
    EXPECT_EQ(udp_pcb_set_rcvbuf(pcb, SIZE_MAX), 0);
    EXPECT_EQ(udp_pcb_rcvbuf(pcb), (size_t)UDP_MAX_RCVBUF);
    udp_pcb_free(pcb);
}

// The packet-buffer memory limit (issue 11): a send that finds no buffer is
// -ENOBUFS and counted in out_errors; once there is room again the same
// send goes out.
TEST_F(UdpPcb, SendBeyondTheMemoryLimitIsEnobufs)
{
    struct udp_pcb *pcb = udp_pcb_new(pair->client->udp);
    usec_t now = shim_now(pair);
    uint64_t errors = udp_get_stats(pair->client->udp)->out_errors;
    pkb_set_limit((size_t)pkb_stats().live_bytes);   // not one byte more
    EXPECT_EQ(udp_pcb_sendto(pcb, "x", 1, SHIM_SERVER_ADDR, 7, now), -ENOBUFS);
    EXPECT_EQ(udp_get_stats(pair->client->udp)->out_errors, errors + 1);
    pkb_set_limit(PKB_DEFAULT_LIMIT);
    EXPECT_EQ(udp_pcb_sendto(pcb, "x", 1, SHIM_SERVER_ADDR, 7, now), 1);
    EXPECT_EQ(udp_get_stats(pair->client->udp)->out_errors, errors + 1);
    udp_pcb_free(pcb);
}

}  // namespace
