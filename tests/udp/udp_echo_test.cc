// udp_echo_test — the UDP echo service (RFC 862) on the server stack,
// asked from the client stack over the simulated link: each datagram comes
// back unchanged, to its sender, including an empty one and a large one
// that IP fragments.
#include <gtest/gtest.h>

#include <cerrno>
#include <string>

#include "apps/udp_echo/udp_echo.h"
#include "stack/socket/socket.h"
#include "tests/socket/sock_fixture.h"

namespace {

TEST(UdpEcho, EchoesEveryDatagramToItsSender)
{
    socktest::PairWithSockets env(5601);
    struct shim_pair *pair = env.get();
    struct udp_echo *echo = nullptr;
    ASSERT_EQ(udp_echo_service_start(pair->server, UDP_ECHO_PORT, &echo), 0);
    struct udp_echo *again = nullptr;
    EXPECT_EQ(udp_echo_service_start(pair->server, UDP_ECHO_PORT, &again), -EADDRINUSE);

    int a = socket_open(pair->client, SOCK_TYPE_DGRAM);
    int b = socket_open(pair->client, SOCK_TYPE_DGRAM);
    struct sock_addr srv = {SHIM_SERVER_ADDR, UDP_ECHO_PORT};
    std::string big(4000, 'B');   // more than one 1500-byte IP packet
    ASSERT_EQ(socket_sendto(pair->client, a, "hello", 5, &srv, shim_now(pair)), 5);
    ASSERT_EQ(socket_sendto(pair->client, b, "", 0, &srv, shim_now(pair)), 0);
    ASSERT_EQ(socket_sendto(pair->client, a, big.data(), big.size(), &srv, shim_now(pair)),
              (ssize_t)big.size());
    shim_run_for(pair, usec_from_msec(50));

    char buf[8192];
    struct sock_addr from;
    ASSERT_EQ(socket_recvfrom(pair->client, a, buf, sizeof buf, &from, shim_now(pair)), 5)
        << env.dump();
    EXPECT_EQ(std::string(buf, 5), "hello");
    EXPECT_EQ(from.ip, SHIM_SERVER_ADDR);
    EXPECT_EQ(from.port, UDP_ECHO_PORT);
    ASSERT_EQ(socket_recvfrom(pair->client, a, buf, sizeof buf, &from, shim_now(pair)),
              (ssize_t)big.size());
    EXPECT_EQ(std::string(buf, big.size()), big);
    EXPECT_EQ(socket_recvfrom(pair->client, b, buf, sizeof buf, &from, shim_now(pair)), 0)
        << "an empty datagram is echoed as an empty datagram";
    EXPECT_EQ(udp_echo_stats(echo)->echoed, 3u);
    EXPECT_EQ(udp_echo_stats(echo)->bytes, 5u + big.size());
    udp_echo_service_stop(echo, shim_now(pair));
}

}  // namespace
