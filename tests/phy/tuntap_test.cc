// tuntap_test — real TUN and TAP devices in a network namespace of the test
// process's own: the kernel sends, the device reads exactly that; the device
// writes, the kernel receives. Nothing leaves the namespace.
//
// This is its own test binary because it moves the whole process into a new
// namespace (netns.h); each test makes a fresh one.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "stack/core/byteorder.h"
#include "stack/core/checksum.h"
#include "stack/core/netdev.h"
#include "stack/core/pkb.h"
#include "stack/phy/tap.h"
#include "stack/phy/tun.h"
#include "stack/phy/tuntap.h"
#include "tests/phy/netns.h"

namespace {

using Bytes = std::vector<uint8_t>;

constexpr uint32_t ip(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
    return (uint32_t)a << 24 | (uint32_t)b << 16 | (uint32_t)c << 8 | d;
}

// Enter a fresh namespace; on failure, skip the test with the reason.
#define ENTER_NETNS_OR_SKIP()                                                 \
    do {                                                                      \
        char why_[256];                                                       \
        if (netns_enter_private(why_, sizeof why_) < 0)                       \
            GTEST_SKIP() << why_;                                             \
    } while (0)

// Open the device or skip when this machine cannot have one (no module, no
// permission); any other error fails.
#define OPEN_OR_SKIP(call)                                                    \
    do {                                                                      \
        int rc_ = (call);                                                     \
        if (rc_ == -ENOENT || rc_ == -ENODEV || rc_ == -EACCES || rc_ == -EPERM) \
            GTEST_SKIP() << #call << ": " << strerror(-rc_) << ": "           \
                         << tuntap_error_hint(rc_);                           \
        ASSERT_EQ(0, rc_) << #call << ": " << strerror(-rc_);                 \
    } while (0)

struct Collector {
    std::vector<Bytes> packets;
};

void collect(void *ctx, struct netdev *, struct pkb *p, usec_t)
{
    static_cast<Collector *>(ctx)->packets.emplace_back(p->data, p->data + p->len);
    pkb_free(p);
}

// Read from the device until `match` accepts a packet, for at most ~2 s.
// Packets the kernel sends on its own (IPv6 router solicitations, MLD
// reports) are skipped. Returns the matching packet or an empty vector.
template <typename Match>
Bytes read_until(struct netdev *dev, Collector *c, Match match, std::vector<Bytes> *skipped)
{
    for (int round = 0; round < 40; round++) {
        struct pollfd pfd = {dev->fd, POLLIN, 0};
        if (poll(&pfd, 1, 50) < 0)
            break;
        if (pfd.revents & POLLIN) {
            EXPECT_GE(netdev_poll(dev, 16, 0), 0);
        }
        while (!c->packets.empty()) {
            Bytes b = c->packets.front();
            c->packets.erase(c->packets.begin());
            if (match(b))
                return b;
            skipped->push_back(b);
        }
    }
    return {};
}

int udp_socket_bound(uint32_t addr, uint16_t port)
{
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in sin = {};
    sin.sin_family = AF_INET;
    sin.sin_port = htons(port);
    sin.sin_addr.s_addr = htonl(addr);
    if (s < 0 || bind(s, (struct sockaddr *)&sin, sizeof sin) < 0) {
        ADD_FAILURE() << "udp socket/bind: " << strerror(errno);
        if (s >= 0)
            close(s);
        return -1;
    }
    return s;
}

ssize_t udp_send(int s, uint32_t addr, uint16_t port, const std::string &payload)
{
    struct sockaddr_in to = {};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    to.sin_addr.s_addr = htonl(addr);
    return sendto(s, payload.data(), payload.size(), 0, (struct sockaddr *)&to, sizeof to);
}

// Wait up to 2 s for a datagram on s.
std::string udp_receive(int s, uint32_t *from_addr, uint16_t *from_port)
{
    struct pollfd pfd = {s, POLLIN, 0};
    if (poll(&pfd, 1, 2000) != 1)
        return "<nothing within 2 s>";
    char buf[2048];
    struct sockaddr_in from = {};
    socklen_t fromlen = sizeof from;
    ssize_t n = recvfrom(s, buf, sizeof buf, 0, (struct sockaddr *)&from, &fromlen);
    if (n < 0)
        return std::string("<recvfrom: ") + strerror(errno) + ">";
    *from_addr = ntohl(from.sin_addr.s_addr);
    *from_port = ntohs(from.sin_port);
    return std::string(buf, (size_t)n);
}

bool is_udp_to(const uint8_t *ipv4, size_t len, uint32_t dst, uint16_t port)
{
    return len >= 28 && ipv4[0] >> 4 == 4 && ipv4[9] == 17 && be32_read(ipv4 + 16) == dst &&
           be16_read(ipv4 + 20 + 2) == port;
}

// Every field of an IPv4/UDP datagram without options, checksums included.
void expect_udp_datagram(const uint8_t *p, size_t len, uint32_t src, uint16_t sport,
                         uint32_t dst, uint16_t dport, const std::string &payload)
{
    ASSERT_EQ(20 + 8 + payload.size(), len) << "the whole packet, nothing in front";
    EXPECT_EQ(0x45, p[0]) << "IPv4, 20-byte header";
    EXPECT_EQ(len, be16_read(p + 2)) << "total length";
    EXPECT_EQ(17, p[9]) << "protocol UDP";
    EXPECT_EQ(0, checksum_inet(p, 20)) << "IPv4 header checksum";
    EXPECT_EQ(src, be32_read(p + 12));
    EXPECT_EQ(dst, be32_read(p + 16));
    EXPECT_EQ(sport, be16_read(p + 20));
    EXPECT_EQ(dport, be16_read(p + 22));
    EXPECT_EQ(8 + payload.size(), be16_read(p + 24)) << "UDP length";
    uint32_t sum = checksum_pseudo_ipv4(src, dst, 17, (uint16_t)(8 + payload.size()));
    EXPECT_EQ(0, checksum_finish(checksum_add(sum, p + 20, 8 + payload.size())))
        << "UDP checksum";
    EXPECT_EQ(payload, std::string((const char *)p + 28, payload.size()));
}

// A UDP datagram from (src, sport) to (dst, dport) as the stack would build it.
Bytes build_udp(uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport, const std::string &payload)
{
    Bytes b(28 + payload.size());
    b[0] = 0x45;
    be16_write(&b[2], (uint16_t)b.size());
    b[8] = 64;
    b[9] = 17;
    be32_write(&b[12], src);
    be32_write(&b[16], dst);
    be16_write(&b[10], checksum_inet(b.data(), 20));
    be16_write(&b[20], sport);
    be16_write(&b[22], dport);
    be16_write(&b[24], (uint16_t)(8 + payload.size()));
    memcpy(&b[28], payload.data(), payload.size());
    uint32_t sum = checksum_pseudo_ipv4(src, dst, 17, (uint16_t)(8 + payload.size()));
    be16_write(&b[26], checksum_finish(checksum_add(sum, &b[20], 8 + payload.size())));
    return b;
}

TEST(Tun, KernelUdpArrivesExactlyAndDeviceWritesReachTheKernel)
{
    ENTER_NETNS_OR_SKIP();
    struct netdev tun;
    OPEN_OR_SKIP(tun_open(&tun, "tun0"));
    EXPECT_STREQ("tun0", tun.name);
    EXPECT_EQ(NETDEV_LINK_IP, tun.link);
    EXPECT_EQ(1500u, tun.mtu);
    EXPECT_GE(tun.fd, 0);
    // The link is still down, so nothing waits: that is "try again", not
    // an error.
    struct pkb *none = nullptr;
    EXPECT_EQ(-EAGAIN, tun.ops->receive(&tun, &none));
    ASSERT_EQ(0, tuntap_configure_kernel("tun0", ip(10, 0, 0, 1), 24, 1500));
    Collector c;
    netdev_set_input(&tun, collect, &c);

    int s = udp_socket_bound(ip(10, 0, 0, 1), 40000);
    ASSERT_GE(s, 0);
    const std::string payload = "hello from the kernel side of tun0, 0123456789";
    ASSERT_EQ((ssize_t)payload.size(), udp_send(s, ip(10, 0, 0, 2), 9999, payload))
        << strerror(errno);

    std::vector<Bytes> skipped;
    Bytes got = read_until(&tun, &c, [](const Bytes &b) {
        return is_udp_to(b.data(), b.size(), ip(10, 0, 0, 2), 9999);
    }, &skipped);
    ASSERT_FALSE(got.empty()) << "no UDP datagram read from tun0 (" << skipped.size()
                              << " other packets)";
    expect_udp_datagram(got.data(), got.size(), ip(10, 0, 0, 1), 40000, ip(10, 0, 0, 2), 9999,
                        payload);
    EXPECT_GE(tun.stats.rx_packets, 1u);

    // The other way: the device writes a datagram "from 10.0.0.2", the
    // kernel delivers it to the socket.
    Bytes reply = build_udp(ip(10, 0, 0, 2), 9999, ip(10, 0, 0, 1), 40000, "reply from the stack");
    ASSERT_EQ(0, netdev_transmit(&tun, pkb_from_bytes(reply.data(), reply.size(), PKB_DEFAULT_HEADROOM), 0));
    EXPECT_EQ(1u, tun.stats.tx_packets);
    uint32_t from = 0;
    uint16_t from_port = 0;
    EXPECT_EQ("reply from the stack", udp_receive(s, &from, &from_port));
    EXPECT_EQ(ip(10, 0, 0, 2), from);
    EXPECT_EQ(9999, from_port);

    close(s);
    netdev_close(&tun);
    EXPECT_EQ(-1, tun.fd);
}

TEST(Tun, PacketsOverTheMtuAreCountedAndSkipped)
{
    ENTER_NETNS_OR_SKIP();
    struct netdev tun;
    OPEN_OR_SKIP(tun_open(&tun, "tun0"));
    // The kernel side may send 1500-byte packets; the device accepts 576.
    ASSERT_EQ(0, tuntap_configure_kernel("tun0", ip(10, 0, 0, 1), 24, 1500));
    tun.mtu = 576;
    Collector c;
    netdev_set_input(&tun, collect, &c);
    int s = udp_socket_bound(ip(10, 0, 0, 1), 40001);
    ASSERT_GE(s, 0);
    ASSERT_GT(udp_send(s, ip(10, 0, 0, 2), 9999, std::string(1000, 'L')), 0);
    ASSERT_GT(udp_send(s, ip(10, 0, 0, 2), 9999, "short"), 0);
    std::vector<Bytes> skipped;
    Bytes got = read_until(&tun, &c, [](const Bytes &b) {
        return is_udp_to(b.data(), b.size(), ip(10, 0, 0, 2), 9999);
    }, &skipped);
    ASSERT_FALSE(got.empty());
    expect_udp_datagram(got.data(), got.size(), ip(10, 0, 0, 1), 40001, ip(10, 0, 0, 2), 9999,
                        "short");
    EXPECT_GE(tun.stats.rx_dropped, 1u) << "the 1028-byte packet is over the MTU";
    close(s);
    netdev_close(&tun);
}

// At the packet-buffer memory limit (pkb.h) a packet the kernel sends is
// read into scratch space and counted as dropped: the device keeps draining
// and reports "nothing more" (-EAGAIN), not an error that would stop the
// stack's loop. With the limit back, packets arrive again.
TEST(Tun, PacketsAreDroppedAndCountedWhileBufferMemoryIsRefused)
{
    ENTER_NETNS_OR_SKIP();
    struct netdev tun;
    OPEN_OR_SKIP(tun_open(&tun, "tun0"));
    ASSERT_EQ(0, tuntap_configure_kernel("tun0", ip(10, 0, 0, 1), 24, 1500));
    Collector c;
    netdev_set_input(&tun, collect, &c);
    int s = udp_socket_bound(ip(10, 0, 0, 1), 40002);
    ASSERT_GE(s, 0);

    const size_t saved_limit = pkb_limit();
    pkb_set_limit(pkb_stats().live_bytes);   // not one more buffer
    const uint64_t refused_before = pkb_stats().over_limit;
    for (int i = 0; i < 3; i++)
        ASSERT_GT(udp_send(s, ip(10, 0, 0, 2), 9999, "lost " + std::to_string(i)), 0);
    int rc = 0;
    for (int tries = 0; tries < 200 && tun.stats.rx_dropped < 3; tries++) {
        struct pollfd pfd = {tun.fd, POLLIN, 0};
        poll(&pfd, 1, 10);
        struct pkb *p = nullptr;
        rc = tun.ops->receive(&tun, &p);
        ASSERT_EQ(nullptr, p) << "no buffer may be handed out at the limit";
        ASSERT_TRUE(rc == -EAGAIN) << "receive returned " << rc << " (" << strerror(-rc) << ")";
    }
    pkb_set_limit(saved_limit);
    EXPECT_GE(tun.stats.rx_dropped, 3u) << "the three datagrams are counted as dropped";
    EXPECT_GE(pkb_stats().over_limit - refused_before, 3u);
    EXPECT_EQ(0u, tun.stats.rx_packets) << "nothing was delivered at the limit";

    ASSERT_GT(udp_send(s, ip(10, 0, 0, 2), 9999, "after"), 0);
    std::vector<Bytes> skipped;
    Bytes got = read_until(&tun, &c, [](const Bytes &b) {
        return is_udp_to(b.data(), b.size(), ip(10, 0, 0, 2), 9999);
    }, &skipped);
    ASSERT_FALSE(got.empty()) << "the device delivers again once memory is allowed";
    expect_udp_datagram(got.data(), got.size(), ip(10, 0, 0, 1), 40002, ip(10, 0, 0, 2), 9999,
                        "after");
    close(s);
    netdev_close(&tun);
}

// The event loop reads until the device has nothing more, so each batch
// ends with a read that fails with EAGAIN: its buffer is kept for the next
// read (no allocation for it, nor for the packet that comes next), and
// closing the device frees it.
TEST(Tun, AnEmptyReadKeepsItsBufferForTheNextPacket)
{
    ENTER_NETNS_OR_SKIP();
    const uint64_t live_before = pkb_stats().live_buffers;
    struct netdev tun;
    OPEN_OR_SKIP(tun_open(&tun, "tun0"));
    ASSERT_EQ(0, tuntap_configure_kernel("tun0", ip(10, 0, 0, 1), 24, 1500));
    int s = udp_socket_bound(ip(10, 0, 0, 1), 40003);
    ASSERT_GE(s, 0);

    struct pkb *p = nullptr;
    int rc;
    while ((rc = tun.ops->receive(&tun, &p)) == 0)   // what the kernel sent on its own
        pkb_free(p);
    ASSERT_EQ(-EAGAIN, rc);
    const uint64_t allocations = pkb_stats().allocations;
    ASSERT_EQ(-EAGAIN, tun.ops->receive(&tun, &p));
    EXPECT_EQ(allocations, pkb_stats().allocations) << "a second empty read allocated";

    ASSERT_GT(udp_send(s, ip(10, 0, 0, 2), 9999, "into the kept buffer"), 0);
    struct pollfd pfd = {tun.fd, POLLIN, 0};
    ASSERT_EQ(1, poll(&pfd, 1, 2000));
    p = nullptr;
    ASSERT_EQ(0, tun.ops->receive(&tun, &p));
    ASSERT_NE(nullptr, p);
    EXPECT_EQ(allocations, pkb_stats().allocations) << "the packet did not use the kept buffer";
    EXPECT_GE(pkb_headroom(p), (size_t)PKB_DEFAULT_HEADROOM);
    pkb_free(p);

    close(s);
    netdev_close(&tun);
    EXPECT_EQ(live_before, pkb_stats().live_buffers) << "closing must free the kept buffer";
}

TEST(Tun, BadNamesAreRefused)
{
    ENTER_NETNS_OR_SKIP();
    struct netdev tun;
    EXPECT_EQ(-EINVAL, tun_open(&tun, "a-name-longer-than-15"));
    EXPECT_EQ(-EINVAL, tuntap_configure_kernel("tun0", ip(10, 0, 0, 1), 33, 0));
    EXPECT_EQ(-ENODEV, tuntap_configure_kernel("nosuch0", ip(10, 0, 0, 1), 24, 0));
    EXPECT_NE(nullptr, strstr(tuntap_error_hint(-EPERM), "CAP_NET_ADMIN"));
    EXPECT_NE(nullptr, strstr(tuntap_error_hint(-ENOENT), "modprobe tun"));
}

TEST(Tap, KernelResolvesWithAnExactArpRequestThenSendsTheDatagram)
{
    ENTER_NETNS_OR_SKIP();
    const uint8_t our_mac[ETH_ADDR_LEN] = {0x02, 0x00, 0x00, 0x00, 0x01, 0x02};
    struct netdev tap;
    OPEN_OR_SKIP(tap_open(&tap, "tap0", our_mac));
    EXPECT_EQ(NETDEV_LINK_ETHERNET, tap.link);
    EXPECT_EQ(0, memcmp(tap.mac, our_mac, ETH_ADDR_LEN));
    ASSERT_EQ(0, tuntap_configure_kernel("tap0", ip(10, 0, 1, 1), 24, 1500));
    uint8_t kernel_mac[ETH_ADDR_LEN];
    ASSERT_EQ(0, tuntap_kernel_mac("tap0", kernel_mac));
    EXPECT_NE(0, memcmp(kernel_mac, our_mac, ETH_ADDR_LEN));
    Collector c;
    netdev_set_input(&tap, collect, &c);

    int s = udp_socket_bound(ip(10, 0, 1, 1), 40002);
    ASSERT_GE(s, 0);
    const std::string payload = "for 10.0.1.2 once it answers ARP";
    ASSERT_EQ((ssize_t)payload.size(), udp_send(s, ip(10, 0, 1, 2), 9999, payload));

    std::vector<Bytes> skipped;
    Bytes arp = read_until(&tap, &c, [](const Bytes &b) {
        return b.size() >= 42 && be16_read(&b[12]) == 0x0806;
    }, &skipped);
    ASSERT_FALSE(arp.empty()) << "no ARP frame from tap0 (" << skipped.size() << " others)";
    // Ethernet II: broadcast, from the kernel's MAC, EtherType ARP (RFC 826).
    EXPECT_EQ(Bytes(6, 0xff), Bytes(arp.begin(), arp.begin() + 6));
    EXPECT_EQ(Bytes(kernel_mac, kernel_mac + 6), Bytes(arp.begin() + 6, arp.begin() + 12));
    const uint8_t *a = &arp[14];
    EXPECT_EQ(1, be16_read(a + 0)) << "hardware type Ethernet";
    EXPECT_EQ(0x0800, be16_read(a + 2)) << "protocol type IPv4";
    EXPECT_EQ(6, a[4]);
    EXPECT_EQ(4, a[5]);
    EXPECT_EQ(1, be16_read(a + 6)) << "operation: request";
    EXPECT_EQ(Bytes(kernel_mac, kernel_mac + 6), Bytes(a + 8, a + 14)) << "sender MAC";
    EXPECT_EQ(ip(10, 0, 1, 1), be32_read(a + 14)) << "sender IP";
    EXPECT_EQ(Bytes(6, 0), Bytes(a + 18, a + 24)) << "target MAC unknown";
    EXPECT_EQ(ip(10, 0, 1, 2), be32_read(a + 24)) << "target IP";

    // Answer as 10.0.1.2 would; the kernel then sends the queued datagram
    // to our MAC.
    Bytes reply(42);
    memcpy(&reply[0], kernel_mac, 6);
    memcpy(&reply[6], our_mac, 6);
    be16_write(&reply[12], 0x0806);
    uint8_t *r = &reply[14];
    be16_write(r + 0, 1);
    be16_write(r + 2, 0x0800);
    r[4] = 6;
    r[5] = 4;
    be16_write(r + 6, 2);
    memcpy(r + 8, our_mac, 6);
    be32_write(r + 14, ip(10, 0, 1, 2));
    memcpy(r + 18, kernel_mac, 6);
    be32_write(r + 24, ip(10, 0, 1, 1));
    ASSERT_EQ(0, netdev_transmit(&tap, pkb_from_bytes(reply.data(), reply.size(), PKB_DEFAULT_HEADROOM), 0));

    Bytes frame = read_until(&tap, &c, [](const Bytes &b) {
        return b.size() >= 14 + 28 && be16_read(&b[12]) == 0x0800 &&
               is_udp_to(&b[14], b.size() - 14, ip(10, 0, 1, 2), 9999);
    }, &skipped);
    ASSERT_FALSE(frame.empty()) << "the kernel did not send the datagram after our ARP reply";
    EXPECT_EQ(Bytes(our_mac, our_mac + 6), Bytes(frame.begin(), frame.begin() + 6));
    EXPECT_EQ(Bytes(kernel_mac, kernel_mac + 6), Bytes(frame.begin() + 6, frame.begin() + 12));
    expect_udp_datagram(&frame[14], frame.size() - 14, ip(10, 0, 1, 1), 40002, ip(10, 0, 1, 2),
                        9999, payload);
    close(s);
    netdev_close(&tap);
}

TEST(Tap, UnsuitableMacsAreRefusedBeforeOpening)
{
    struct netdev tap;
    const uint8_t multicast[ETH_ADDR_LEN] = {0x03, 0, 0, 0, 0, 1};
    const uint8_t vendor[ETH_ADDR_LEN] = {0x00, 0x1b, 0x21, 0, 0, 1};
    EXPECT_EQ(-EINVAL, tap_open(&tap, "tap0", multicast));
    EXPECT_EQ(-EINVAL, tap_open(&tap, "tap0", vendor));
}

}  // namespace
