// arp_tap_test — Ethernet and ARP against the real kernel over a TAP device,
// in a network namespace the test process makes for itself (nothing leaves
// it). There is no IPv4 layer here: the test plays IPv4 by hand.
//
//   kernel 10.0.1.1/24 ── tap0 ── fd ── eth_port + arp, 10.0.1.2
//
// 1. The kernel sends a UDP datagram to 10.0.1.2: it asks with ARP first,
//    our module answers, the kernel's neighbour table (/proc/net/arp, which
//    shows the reading process's namespace) gets our MAC, and the datagram
//    arrives at our EtherType 0x0800 handler.
// 2. We send an IPv4/UDP datagram to 10.0.1.1 through arp_output: our
//    request, the kernel's reply, the queue flushed, and the kernel's UDP
//    socket receives the datagram.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "stack/core/byteorder.h"
#include "stack/core/checksum.h"
#include "stack/core/netdev.h"
#include "stack/core/pkb.h"
#include "stack/core/timer.h"
#include "stack/link/arp.h"
#include "stack/link/ethernet.h"
#include "stack/phy/tap.h"
#include "stack/phy/tuntap.h"
#include "tests/phy/netns.h"

namespace {

constexpr uint32_t kKernelIp = 0x0a000101;   // 10.0.1.1
constexpr uint32_t kOurIp = 0x0a000102;      // 10.0.1.2
const uint8_t kOurMac[ETH_ADDR_LEN] = {0x02, 0x00, 0x00, 0x00, 0x01, 0x02};

usec_t WallNow()
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (usec_t)ts.tv_sec * USEC_PER_SEC + (usec_t)ts.tv_nsec / 1000;
}

class ArpTap : public ::testing::Test {
protected:
    // Skips the test when this machine cannot give us a namespace or a TAP
    // device.
    void SetUp() override
    {
        char why[256];
        if (netns_enter_private(why, sizeof(why)) < 0)
            GTEST_SKIP() << why;
        int rc = tap_open(&tap_, "tap0", kOurMac);
        if (rc == -ENOENT || rc == -ENODEV || rc == -EACCES || rc == -EPERM)
            GTEST_SKIP() << "tap_open: " << strerror(-rc) << ": " << tuntap_error_hint(rc);
        ASSERT_EQ(rc, 0) << strerror(-rc);
        open_ = true;
        ASSERT_EQ(tuntap_configure_kernel("tap0", kKernelIp, 24, 1500), 0);
        ASSERT_EQ(tuntap_kernel_mac("tap0", kernel_mac_), 0);
        timerq_init(&timers_);
        trace_init(&trace_, 0);
        netdev_set_trace(&tap_, &trace_, "stack");
        eth_attach(&port_, &tap_);
        ASSERT_EQ(eth_register(&port_, ETH_TYPE_IPV4, OnIpv4, this), 0);
        arp_ = arp_new(&port_, kOurIp, nullptr, &timers_, &trace_, "stack");
        ASSERT_NE(arp_, nullptr);
    }
    void TearDown() override
    {
        if (!open_)
            return;
        if (HasFailure() && arp_) {
            arp_print_cache(arp_, stdout, WallNow());
            arp_print_stats(arp_, stdout);
            eth_print_stats(&port_, stdout);
        }
        arp_free(arp_);
        netdev_close(&tap_);
        timerq_destroy(&timers_);
        trace_destroy(&trace_);
    }

    // Read frames and run timers until done() or ~2 s of real time.
    template <typename Done>
    bool PumpUntil(Done done)
    {
        for (int round = 0; round < 40 && !done(); round++) {
            struct pollfd pfd = {tap_.fd, POLLIN, 0};
            if (poll(&pfd, 1, 50) < 0)
                return false;
            usec_t now = WallNow();
            if (pfd.revents & POLLIN) {
                EXPECT_GE(netdev_poll(&tap_, 16, now), 0);
            }
            timerq_run(&timers_, now);
        }
        return done();
    }

    static void OnIpv4(void* ctx, struct pkb* p, const uint8_t*, usec_t)
    {
        static_cast<ArpTap*>(ctx)->ipv4_.emplace_back(p->data, p->data + p->len);
        pkb_free(p);
    }

    // The kernel's neighbour entry for ip from /proc/net/arp: "MAC flags".
    static std::string KernelNeighbour(uint32_t ip)
    {
        struct in_addr a;
        a.s_addr = htonl(ip);
        std::ifstream in("/proc/net/arp");
        std::string line;
        std::getline(in, line);   // the column titles
        while (std::getline(in, line)) {
            std::istringstream fields(line);
            std::string addr, hwtype, flags, mac;
            fields >> addr >> hwtype >> flags >> mac;
            if (addr == inet_ntoa(a))
                return mac + " " + flags;
        }
        return "";
    }

    struct netdev tap_;
    bool open_ = false;
    uint8_t kernel_mac_[ETH_ADDR_LEN];
    struct timerq timers_;
    struct trace trace_;
    struct eth_port port_;
    struct arp* arp_ = nullptr;
    std::vector<std::vector<uint8_t>> ipv4_;
};

int UdpSocket(uint32_t addr, uint16_t port)
{
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in sin = {};
    sin.sin_family = AF_INET;
    sin.sin_port = htons(port);
    sin.sin_addr.s_addr = htonl(addr);
    if (s >= 0 && bind(s, (struct sockaddr*)&sin, sizeof(sin)) == 0)
        return s;
    if (s >= 0)
        close(s);
    return -1;
}

TEST_F(ArpTap, KernelResolvesUsAndItsDatagramArrives)
{
    int s = UdpSocket(kKernelIp, 40010);
    ASSERT_GE(s, 0) << strerror(errno);
    struct sockaddr_in to = {};
    to.sin_family = AF_INET;
    to.sin_port = htons(9999);
    to.sin_addr.s_addr = htonl(kOurIp);
    const std::string payload = "hello from the kernel";
    ASSERT_EQ(sendto(s, payload.data(), payload.size(), 0, (struct sockaddr*)&to, sizeof(to)),
              (ssize_t)payload.size());

    ASSERT_TRUE(PumpUntil([&] { return !ipv4_.empty(); }))
        << "no IPv4 frame after our ARP reply";
    close(s);
    const struct arp_stats* st = arp_get_stats(arp_);
    EXPECT_GE(st->rx_requests, 1u);
    EXPECT_GE(st->tx_replies, 1u);
    EXPECT_EQ(st->rx_truncated + st->rx_bad_hw_type + st->rx_bad_proto_type +
                  st->rx_bad_lengths + st->rx_bad_opcode + st->rx_bad_sender,
              0u) << "the kernel's ARP is well-formed";
    // The datagram: IPv4 from 10.0.1.1 to 10.0.1.2, UDP.
    const std::vector<uint8_t>& ip = ipv4_.front();
    ASSERT_GE(ip.size(), 28u);
    EXPECT_EQ(ip[9], 17) << "UDP";
    EXPECT_EQ(be32_read(&ip[12]), kKernelIp);
    EXPECT_EQ(be32_read(&ip[16]), kOurIp);
    // Our cache learned the kernel from its request (STALE, RFC 826 "add").
    uint8_t mac[ETH_ADDR_LEN];
    enum arp_state state;
    ASSERT_EQ(arp_lookup(arp_, kKernelIp, mac, &state), 0);
    EXPECT_EQ(memcmp(mac, kernel_mac_, ETH_ADDR_LEN), 0);
    EXPECT_EQ(state, ARP_STATE_STALE);
    // The kernel's table has our MAC, complete (ATF_COM = 0x2).
    EXPECT_EQ(KernelNeighbour(kOurIp), "02:00:00:00:01:02 0x2");
}

TEST_F(ArpTap, WeResolveTheKernelAndItReceivesOurDatagram)
{
    int s = UdpSocket(kKernelIp, 40011);
    ASSERT_GE(s, 0) << strerror(errno);

    // IPv4 header (RFC 791) + UDP header (RFC 768, checksum 0 = none) + data,
    // built by hand because this layer has no IPv4.
    const std::string payload = "hello from tunlab's link layer";
    size_t len = 20 + 8 + payload.size();
    struct pkb* p = pkb_alloc(PKB_DEFAULT_HEADROOM, len);
    uint8_t* d = pkb_put(p, len);
    memset(d, 0, len);
    d[0] = 0x45;
    be16_write(d + 2, (uint16_t)len);
    d[8] = 64;
    d[9] = 17;
    be32_write(d + 12, kOurIp);
    be32_write(d + 16, kKernelIp);
    be16_write(d + 10, checksum_inet(d, 20));
    be16_write(d + 20, 5555);
    be16_write(d + 22, 40011);
    be16_write(d + 24, (uint16_t)(8 + payload.size()));
    memcpy(d + 28, payload.data(), payload.size());
    ASSERT_EQ(arp_output(arp_, p, kKernelIp, WallNow()), 0);

    std::string got;
    ASSERT_TRUE(PumpUntil([&] {
        char buf[256];
        ssize_t n = recv(s, buf, sizeof(buf), MSG_DONTWAIT);
        if (n > 0)
            got.assign(buf, (size_t)n);
        return !got.empty();
    })) << "the kernel's socket got nothing";
    close(s);
    EXPECT_EQ(got, payload);
    const struct arp_stats* st = arp_get_stats(arp_);
    EXPECT_EQ(st->tx_requests, 1u);
    EXPECT_EQ(st->resolved, 1u);
    uint8_t mac[ETH_ADDR_LEN];
    enum arp_state state;
    ASSERT_EQ(arp_lookup(arp_, kKernelIp, mac, &state), 0);
    EXPECT_EQ(memcmp(mac, kernel_mac_, ETH_ADDR_LEN), 0);
    EXPECT_EQ(state, ARP_STATE_REACHABLE);
}

}  // namespace
