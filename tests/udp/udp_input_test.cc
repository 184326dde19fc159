// udp_input_test — what UDP does with datagrams that arrive: deliver to the
// right pcb (exact address before wildcard, connected before both), count
// every drop by reason, answer closed ports with ICMP port unreachable
// (exact bytes), stay silent for broadcast, and turn a port unreachable
// into ECONNREFUSED on a connected pcb, like Linux.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "stack/core/rng.h"
#include "stack/net/icmp.h"
#include "stack/stack.h"
#include "stack/transport/udp.h"
#include "tests/udp/udp_packet.h"

namespace {

using udptest::Datagram;

class UdpInput : public ::testing::Test {
protected:
    void SetUp() override
    {
        pair = shim_pair_new(seed, NETDEV_LINK_IP);
        ASSERT_NE(pair, nullptr);
    }
    void TearDown() override
    {
        if (HasFailure())
            std::fprintf(stderr, "%s", udptest::dump(pair).c_str());
        shim_pair_free(pair);
    }
    const struct udp_stats &server_stats() { return *udp_get_stats(pair->server->udp); }
    std::string recv_one(struct udp_pcb *pcb, uint32_t *ip = nullptr, uint16_t *port = nullptr)
    {
        char buf[2048];
        ssize_t n = udp_pcb_recvfrom(pcb, buf, sizeof buf, ip, port);
        return n < 0 ? "<" + std::string(strerror((int)-n)) + ">" : std::string(buf, (size_t)n);
    }

    uint64_t seed = 5001;
    struct shim_pair *pair = nullptr;
};

TEST_F(UdpInput, DeliversPayloadAndSender)
{
    struct udp_pcb *pcb = udp_pcb_new(pair->server->udp);
    ASSERT_EQ(udp_pcb_bind(pcb, 0, 7), 0);
    Datagram d;
    d.payload = "hi!";
    udptest::inject_server(pair, udptest::build(d));
    uint32_t ip = 0;
    uint16_t port = 0;
    EXPECT_EQ(recv_one(pcb, &ip, &port), "hi!");
    EXPECT_EQ(ip, SHIM_CLIENT_ADDR);
    EXPECT_EQ(port, 40000);
    EXPECT_EQ(server_stats().in_datagrams, 1u);
    EXPECT_EQ(recv_one(pcb), "<Resource temporarily unavailable>");
}

TEST_F(UdpInput, ZeroChecksumIsAcceptedAndPaddingIgnored)
{
    struct udp_pcb *pcb = udp_pcb_new(pair->server->udp);
    ASSERT_EQ(udp_pcb_bind(pcb, 0, 7), 0);
    Datagram d;
    d.zero_checksum = true;
    d.payload = "no checksum";
    udptest::inject_server(pair, udptest::build(d));
    Datagram padded;
    padded.payload = "pad";
    padded.padding = 5;   // IP total length covers them, UDP Length does not
    udptest::inject_server(pair, udptest::build(padded));
    EXPECT_EQ(recv_one(pcb), "no checksum");
    EXPECT_EQ(recv_one(pcb), "pad");
    EXPECT_EQ(server_stats().in_datagrams, 2u);
}

TEST_F(UdpInput, BadDatagramsAreCountedDrops)
{
    struct udp_pcb *pcb = udp_pcb_new(pair->server->udp);
    ASSERT_EQ(udp_pcb_bind(pcb, 0, 7), 0);

    Datagram bad_sum;
    bad_sum.corrupt_checksum = true;
    udptest::inject_server(pair, udptest::build(bad_sum));
    Datagram too_long;
    too_long.length_delta = +1;    // claims a byte IP did not deliver
    udptest::inject_server(pair, udptest::build(too_long));
    Datagram too_short;
    too_short.payload = "";
    too_short.length_delta = -1;   // Length 7 < 8
    udptest::inject_server(pair, udptest::build(too_short));
    // Only 4 bytes of UDP: the IP total length says so.
    std::vector<uint8_t> stub = udptest::build(Datagram{});
    stub.resize(24);
    be16_write(stub.data() + 2, 24);
    be16_write(stub.data() + 10, 0);
    be16_write(stub.data() + 10, checksum_inet(stub.data(), 20));
    udptest::inject_server(pair, stub);

    EXPECT_EQ(server_stats().bad_checksum, 1u);
    EXPECT_EQ(server_stats().bad_length, 2u);
    EXPECT_EQ(server_stats().truncated, 1u);
    EXPECT_EQ(server_stats().in_datagrams, 0u);
    EXPECT_EQ(udp_pcb_queued_datagrams(pcb), 0u);
}

TEST_F(UdpInput, ExactAddressBeatsWildcardAndConnectedBeatsBoth)
{
    struct udp *udp = pair->server->udp;
    struct udp_pcb *wild = udp_pcb_new(udp);
    struct udp_pcb *exact = udp_pcb_new(udp);
    struct udp_pcb *conn = udp_pcb_new(udp);
    udp_pcb_set_reuseaddr(wild, true);
    udp_pcb_set_reuseaddr(exact, true);
    udp_pcb_set_reuseaddr(conn, true);
    ASSERT_EQ(udp_pcb_bind(wild, 0, 5000), 0);
    ASSERT_EQ(udp_pcb_bind(exact, SHIM_SERVER_ADDR, 5000), 0);
    ASSERT_EQ(udp_pcb_bind(conn, SHIM_SERVER_ADDR, 5000), 0);
    ASSERT_EQ(udp_pcb_connect(conn, SHIM_CLIENT_ADDR, 6000), 0);

    Datagram d;
    d.dport = 5000;
    d.sport = 1234;
    d.payload = "to-exact";
    udptest::inject_server(pair, udptest::build(d));
    d.sport = 6000;
    d.payload = "to-connected";
    udptest::inject_server(pair, udptest::build(d));
    d.dst = 0x0A0000FF;   // 10.0.0.255: only the wildcard pcb covers it
    d.sport = 1234;
    d.payload = "to-wildcard";
    udptest::inject_server(pair, udptest::build(d));

    EXPECT_EQ(recv_one(exact), "to-exact");
    EXPECT_EQ(recv_one(conn), "to-connected");
    EXPECT_EQ(recv_one(wild), "to-wildcard");
    EXPECT_EQ(udp_pcb_queued_datagrams(wild) + udp_pcb_queued_datagrams(exact) +
                  udp_pcb_queued_datagrams(conn),
              0u);
}

TEST_F(UdpInput, ClosedPortGetsExactPortUnreachable)
{
    Datagram d;
    d.dport = 9;
    d.payload = "anyone there?";
    std::vector<uint8_t> sent = udptest::build(d);
    size_t mark = udptest::trace_count(pair);
    udptest::inject_server(pair, sent);

    EXPECT_EQ(server_stats().no_ports, 1u);
    auto out = udptest::sent_by(pair, "server", mark);
    ASSERT_EQ(out.size(), 1u);
    const std::vector<uint8_t> &r = out[0];
    // IP: 20 + ICMP header 8 + quoted IP header 20 + quoted 8 bytes of UDP.
    ASSERT_EQ(r.size(), 56u);
    EXPECT_EQ(r[9], 1);                                  // protocol ICMP
    EXPECT_EQ(be32_read(r.data() + 12), SHIM_SERVER_ADDR);
    EXPECT_EQ(be32_read(r.data() + 16), SHIM_CLIENT_ADDR);
    EXPECT_EQ(r[20], ICMP_DEST_UNREACH);                 // type 3
    EXPECT_EQ(r[21], ICMP_UNREACH_PORT);                 // code 3
    EXPECT_EQ(checksum_inet(r.data() + 20, r.size() - 20), 0);
    EXPECT_EQ(be32_read(r.data() + 24), 0u);             // unused
    EXPECT_TRUE(std::equal(r.begin() + 28, r.end(), sent.begin()))
        << "the error quotes the datagram's IP header and UDP header";
}

TEST_F(UdpInput, NoPortUnreachableForBroadcast)
{
    Datagram d;
    d.dst = 0x0A0000FF;   // 10.0.0.255, the subnet broadcast
    d.dport = 9;
    size_t mark = udptest::trace_count(pair);
    udptest::inject_server(pair, udptest::build(d));
    d.dst = 0xFFFFFFFF;   // limited broadcast
    udptest::inject_server(pair, udptest::build(d));

    EXPECT_EQ(server_stats().no_ports, 2u);
    EXPECT_EQ(server_stats().no_ports_bcast, 2u);
    EXPECT_TRUE(udptest::sent_by(pair, "server", mark).empty());
}

// The whole loop on the simulated link: the client sends from a connected
// pcb to a closed port, the server answers "port unreachable", and the
// client's next call reports ECONNREFUSED (once), as Linux does.
TEST_F(UdpInput, PortUnreachableBecomesConnRefusedOnConnectedPcb)
{
    struct udp_pcb *pcb = udp_pcb_new(pair->client->udp);
    ASSERT_EQ(udp_pcb_connect(pcb, SHIM_SERVER_ADDR, 9), 0);
    ASSERT_EQ(udp_pcb_send(pcb, "x", 1, shim_now(pair)), 1);
    shim_run_for(pair, usec_from_msec(10));
    EXPECT_EQ(udp_pcb_error(pcb), -ECONNREFUSED);
    EXPECT_EQ(recv_one(pcb), "<Connection refused>");
    EXPECT_EQ(udp_pcb_error(pcb), 0) << "reported once, then cleared";
    EXPECT_EQ(recv_one(pcb), "<Resource temporarily unavailable>");
    EXPECT_EQ(udp_get_stats(pair->client->udp)->icmp_to_socket, 1u);
}

TEST_F(UdpInput, UnconnectedPcbIgnoresPortUnreachable)
{
    struct udp_pcb *pcb = udp_pcb_new(pair->client->udp);
    ASSERT_EQ(udp_pcb_sendto(pcb, "x", 1, SHIM_SERVER_ADDR, 9, shim_now(pair)), 1);
    shim_run_for(pair, usec_from_msec(10));
    EXPECT_EQ(udp_get_stats(pair->client->udp)->icmp_errors, 1u);
    EXPECT_EQ(udp_pcb_error(pcb), 0);
}

TEST_F(UdpInput, ReceiveQueueIsBoundedInBytes)
{
    struct udp_pcb *pcb = udp_pcb_new(pair->server->udp);
    ASSERT_EQ(udp_pcb_bind(pcb, 0, 7), 0);
    ASSERT_EQ(udp_pcb_set_rcvbuf(pcb, 3000), 0);
    Datagram d;
    d.payload = std::string(1000, 'a');
    for (int i = 0; i < 5; i++)
        udptest::inject_server(pair, udptest::build(d));
    EXPECT_EQ(udp_pcb_queued_datagrams(pcb), 3u);
    EXPECT_EQ(udp_pcb_queued_bytes(pcb), 3000u);
    EXPECT_EQ(server_stats().rcvbuf_errors, 2u);
    EXPECT_EQ(recv_one(pcb).size(), 1000u);
    udptest::inject_server(pair, udptest::build(d));   // room again
    EXPECT_EQ(udp_pcb_queued_datagrams(pcb), 3u);
    EXPECT_EQ(server_stats().rcvbuf_errors, 2u);
    EXPECT_EQ(server_stats().in_datagrams, 4u);
}

// Seeded random datagrams (any Length, any checksum, any port): each one is
// accounted for exactly once — delivered, or dropped under a named counter.
TEST_F(UdpInput, EveryRandomDatagramIsCountedOnce)
{
    struct udp_pcb *pcb = udp_pcb_new(pair->server->udp);
    ASSERT_EQ(udp_pcb_bind(pcb, 0, 7), 0);
    ASSERT_EQ(udp_pcb_set_rcvbuf(pcb, 4000), 0);
    struct rng r;
    rng_seed(&r, seed);
    const int n = 3000;
    for (int i = 0; i < n; i++) {
        Datagram d;
        d.dport = rng_chance(&r, 0.5) ? 7 : (uint16_t)rng_u32(&r);
        d.payload.assign(rng_below(&r, 300), 'r');
        d.length_delta = rng_chance(&r, 0.2) ? (int)rng_below(&r, 20) - 10 : 0;
        d.corrupt_checksum = rng_chance(&r, 0.2);
        d.zero_checksum = rng_chance(&r, 0.1);
        std::vector<uint8_t> b = udptest::build(d);
        if (rng_chance(&r, 0.05)) {   // cut inside the UDP header, IP length fixed up
            b.resize(20 + rng_below(&r, 8));
            be16_write(b.data() + 2, (uint16_t)b.size());
            be16_write(b.data() + 10, 0);
            be16_write(b.data() + 10, checksum_inet(b.data(), 20));
        }
        udptest::inject_server(pair, b);
        if (rng_chance(&r, 0.3)) {
            char buf[512];
            udp_pcb_recvfrom(pcb, buf, sizeof buf, nullptr, nullptr);
        }
    }
    const struct udp_stats &s = server_stats();
    EXPECT_EQ(s.in_datagrams + s.no_ports + s.truncated + s.bad_length + s.bad_checksum +
                  s.rcvbuf_errors,
              (uint64_t)n);
    EXPECT_GT(s.in_datagrams, 0u);
    EXPECT_GT(s.bad_length, 0u);
    EXPECT_GT(s.bad_checksum, 0u);
    EXPECT_GT(s.truncated, 0u);
}

}  // namespace
