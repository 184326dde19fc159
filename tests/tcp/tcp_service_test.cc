// tcp_service_test — the echo (RFC 862, port 7) and discard (RFC 863,
// port 9) services on one stack, used by a client stack over the simulated
// link: bytes come back identical, the services close when the client does
// (no CLOSE-WAIT left behind), and the client's end ends in TIME-WAIT.
#include <gtest/gtest.h>

#include "apps/discard/discard.h"
#include "apps/tcp_echo/tcp_echo.h"
#include "tests/tcp/tcp_harness.h"

namespace {

using namespace tcptest;

constexpr uint64_t kSeed = 6008;

std::string Pattern(size_t n, uint32_t salt)
{
    std::string s(n, '\0');
    uint32_t x = salt * 2654435761u + 1;
    for (size_t i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        s[i] = (char)(x >> 24);
    }
    return s;
}

// Send `data` on c and read everything that comes back until EOF or the
// time limit; closes c's sending side once all is sent.
std::string Exchange(Pair &p, tcb *c, const std::string &data, usec_t limit)
{
    std::string got;
    size_t off = 0;
    bool shut = false;
    char buf[8192];
    usec_t end = p.now() + limit;
    while (p.now() < end) {
        if (off < data.size()) {
            ssize_t n = tcp_send(c, data.data() + off, data.size() - off, p.now());
            if (n > 0)
                off += (size_t)n;
        } else if (!shut) {
            tcp_shutdown(c, false, true, p.now());
            shut = true;
        }
        p.RunFor(usec_from_msec(1));
        ssize_t n;
        while ((n = tcp_receive(c, buf, sizeof buf, p.now())) > 0)
            got.append(buf, (size_t)n);
        if (n == 0 && shut)
            break;
    }
    return got;
}

TEST(TcpService, EchoSendsEveryByteBackAndCloses)
{
    Pair p(kSeed);
    tcp_echo *echo = nullptr;
    ASSERT_EQ(tcp_echo_service_start(p.p()->server, TCP_ECHO_PORT, &echo), 0);
    tcb *c = tcp_open(p.client());
    ASSERT_EQ(tcp_connect(c, kStack, TCP_ECHO_PORT, p.now()), 0);
    p.RunFor(usec_from_msec(5));
    ASSERT_EQ(tcp_get_state(c), TCP_ESTABLISHED) << p.Dump();

    std::string data = Pattern(300 * 1024, 1);
    std::string got = Exchange(p, c, data, usec_from_sec(30));
    EXPECT_EQ(got.size(), data.size());
    EXPECT_TRUE(got == data) << "echoed bytes differ";
    p.RunFor(usec_from_msec(10));
    EXPECT_EQ(tcp_get_state(c), TCP_TIME_WAIT) << p.Dump();
    EXPECT_EQ(tcp_echo_conns(echo), 0u) << "the service closed its end";
    EXPECT_EQ(tcp_echo_stats(echo)->bytes, data.size());
    EXPECT_EQ(tcp_echo_stats(echo)->closed, 1u);
    tcp_close(c, p.now());
    tcp_echo_service_stop(echo, p.now());
}

TEST(TcpService, EchoServesSeveralClientsAtOnce)
{
    Pair p(kSeed);
    tcp_echo *echo = nullptr;
    ASSERT_EQ(tcp_echo_service_start(p.p()->server, TCP_ECHO_PORT, &echo), 0);
    tcb *c[3];
    for (auto &x : c) {
        x = tcp_open(p.client());
        ASSERT_EQ(tcp_connect(x, kStack, TCP_ECHO_PORT, p.now()), 0);
    }
    p.RunFor(usec_from_msec(5));
    for (int i = 0; i < 3; i++) {
        std::string line = "line " + std::to_string(i) + "\n";
        ASSERT_EQ(tcp_send(c[i], line.data(), line.size(), p.now()), (ssize_t)line.size());
    }
    p.RunFor(usec_from_msec(10));
    EXPECT_EQ(tcp_echo_conns(echo), 3u);
    for (int i = 0; i < 3; i++) {
        char buf[32];
        ssize_t n = tcp_receive(c[i], buf, sizeof buf, p.now());
        ASSERT_GT(n, 0) << p.Dump();
        EXPECT_EQ(std::string(buf, (size_t)n), "line " + std::to_string(i) + "\n");
        tcp_close(c[i], p.now());
    }
    p.RunFor(usec_from_msec(10));
    EXPECT_EQ(tcp_echo_conns(echo), 0u);
    tcp_echo_service_stop(echo, p.now());
}

TEST(TcpService, DiscardReadsEverythingAndCloses)
{
    Pair p(kSeed);
    discard *d = nullptr;
    ASSERT_EQ(discard_service_start(p.p()->server, DISCARD_PORT, &d), 0);
    tcb *c = tcp_open(p.client());
    ASSERT_EQ(tcp_connect(c, kStack, DISCARD_PORT, p.now()), 0);
    p.RunFor(usec_from_msec(5));
    std::string data = Pattern(1024 * 1024, 2);
    std::string got = Exchange(p, c, data, usec_from_sec(60));
    EXPECT_TRUE(got.empty()) << "discard sends nothing back";
    EXPECT_EQ(discard_stats(d)->bytes, data.size()) << p.Dump();
    EXPECT_EQ(discard_stats(d)->closed, 1u);
    p.RunFor(usec_from_msec(10));
    EXPECT_EQ(tcp_get_state(c), TCP_TIME_WAIT);
    tcp_close(c, p.now());
    discard_service_stop(d, p.now());
}

TEST(TcpService, EchoSurvivesALossyLink)
{
    Pair p(kSeed);
    sim_impairments imp = {};
    imp.delay = usec_from_msec(1);
    imp.loss = 0.05;
    imp.duplicate = 0.02;
    imp.corrupt = 0.02;
    sim_link_set_both(p.link(), &imp);
    tcp_echo *echo = nullptr;
    ASSERT_EQ(tcp_echo_service_start(p.p()->server, TCP_ECHO_PORT, &echo), 0);
    tcb *c = tcp_open(p.client());
    ASSERT_EQ(tcp_connect(c, kStack, TCP_ECHO_PORT, p.now()), 0);
    p.RunFor(usec_from_sec(10));
    ASSERT_EQ(tcp_get_state(c), TCP_ESTABLISHED) << p.Dump();
    std::string data = Pattern(64 * 1024, 3);
    std::string got = Exchange(p, c, data, usec_from_sec(600));
    EXPECT_TRUE(got == data) << "got " << got.size() << " of " << data.size() << " bytes, seed "
                             << kSeed;
    EXPECT_GT(tcp_get_stats(p.client())->retrans_segs, 0u);
    EXPECT_GT(tcp_get_stats(p.server())->bad_checksum + tcp_get_stats(p.client())->bad_checksum,
              0u);
    tcp_close(c, p.now());
    tcp_echo_service_stop(echo, p.now());
}

}  // namespace
