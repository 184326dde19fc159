// stack_limits_test.cc — the resource limits a stack is built with
// (struct stack_limits, issue 11), each hit on purpose: the clear error or
// counted drop it gives, and the same traffic below it unchanged.
//   reassembly bytes / datagrams   stack_new_ex -> ip4's caps; beyond: evicted
//   packet-buffer memory           stack_new_ex -> pkb_set_limit; beyond:
//                                  allocations refused (over_limit), which
//                                  the stack treats as lost packets
// (TIME-WAIT and UDP SO_RCVBUF: tests/hostile/limits_test.cc.)
#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "stack/core/byteorder.h"
#include "stack/core/checksum.h"
#include "stack/core/pkb.h"
#include "stack/net/ip4.h"
#include "stack/phy/capdev.h"
#include "stack/socket/socket.h"
#include "stack/stack.h"
#include "stack/transport/tcp.h"
#include "tests/shim/pair.h"

namespace {

constexpr uint32_t kPeer = 0x0A000001;    // 10.0.0.1
constexpr uint32_t kStack = 0x0A000002;   // 10.0.0.2

// One stack on a capture device, built with the given limits.
class Node {
  public:
    explicit Node(const stack_limits *limits)
    {
        capdev_init(&cap_, "tun0", NETDEV_LINK_IP, 1500);
        stack_config sc = {"stack", 11, nullptr};
        st_ = stack_new_ex(&sc, limits);
        EXPECT_NE(nullptr, st_);
        EXPECT_GE(stack_add_iface(st_, &cap_.dev, kStack, 24, now_), 0);
    }
    ~Node()
    {
        stack_free(st_);
        capdev_destroy(&cap_);
    }
    Node(const Node &) = delete;
    Node &operator=(const Node &) = delete;

    // The first fragment (offset 0, MF set) of datagram `id`: `len` bytes
    // of UDP payload that never complete.
    void InjectFirstFragment(uint16_t id, size_t len)
    {
        std::vector<uint8_t> b(20 + len, 0x55);
        b[0] = 0x45;
        be16_write(&b[2], (uint16_t)b.size());
        be16_write(&b[4], id);
        be16_write(&b[6], 0x2000);   // MF, offset 0
        b[8] = 64;
        b[9] = IP4_PROTO_UDP;
        be16_write(&b[10], 0);
        be32_write(&b[12], kPeer);
        be32_write(&b[16], kStack);
        be16_write(&b[10], checksum_inet(b.data(), 20));
        capdev_inject(&cap_, b.data(), b.size(), now_);
    }
    const struct ip4_reass_stats &reass() const { return *ip4_reass_stats(st_->ip); }
    struct stack *st() { return st_; }

  private:
    capdev cap_;
    struct stack *st_ = nullptr;
    usec_t now_ = usec_from_sec(100);
};

// Thirty datagrams that never complete, 800 bytes each.
void Flood(Node &n)
{
    for (uint16_t id = 1; id <= 30; id++)
        n.InjectFirstFragment(id, 800);
}

TEST(StackLimits, ReassemblyDatagramCapComesFromTheLimits)
{
    stack_limits limits = {};
    limits.reass_max_datagrams = 4;
    Node n(&limits);
    Flood(n);
    EXPECT_EQ(30u, n.reass().fragments);
    EXPECT_EQ(4u, n.reass().datagrams_now) << "the cap, not the default 64";
    EXPECT_EQ(26u, n.reass().evicted) << "the oldest pushed out, one per newcomer";
}

TEST(StackLimits, ReassemblyByteCapComesFromTheLimits)
{
    stack_limits limits = {};
    limits.reass_max_bytes = 4000;
    Node n(&limits);
    Flood(n);
    EXPECT_LE(n.reass().bytes_now, 4000u);
    EXPECT_GT(n.reass().bytes_now, 0u);
    EXPECT_GT(n.reass().evicted, 0u);
    EXPECT_LT(n.reass().datagrams_now, 30u);
}

TEST(StackLimits, DefaultsAreUnchanged)
{
    Node n(nullptr);   // stack_new's defaults: 64 datagrams, 256 KiB
    Flood(n);
    EXPECT_EQ(30u, n.reass().datagrams_now) << "30 x 800 bytes is below both caps";
    EXPECT_EQ(0u, n.reass().evicted);
    EXPECT_EQ(PKB_DEFAULT_LIMIT, pkb_limit());
    EXPECT_EQ(0u, tcp_get_config(n.st()->tcp)->max_tw_buckets) << "0: the default";
}

TEST(StackLimits, TimeWaitCapComesFromTheLimits)
{
    stack_limits limits = {};
    limits.tcp_max_tw_buckets = 7;
    Node n(&limits);
    EXPECT_EQ(7u, tcp_get_config(n.st()->tcp)->max_tw_buckets);
    EXPECT_EQ(usec_from_sec(30), tcp_get_config(n.st()->tcp)->msl) << "the rest: defaults";
}

// The packet-buffer limit is process-wide: a stack built with one sets it
// for the process; a stack built with 0 leaves it as it is.
TEST(StackLimits, PacketMemoryLimitIsSetByTheStack)
{
    stack_limits limits = {};
    limits.pkb_memory = 5 * 1024 * 1024;
    {
        Node n(&limits);
        EXPECT_EQ((size_t)5 * 1024 * 1024, pkb_limit());
        Node other(nullptr);
        EXPECT_EQ((size_t)5 * 1024 * 1024, pkb_limit()) << "0 leaves it";
    }
    pkb_set_limit(PKB_DEFAULT_LIMIT);
}

// A bulk TCP transfer between two stacks with room for only a few packets
// in flight: the allocations beyond the limit are refused and counted, TCP
// takes them as losses and retransmits, every byte arrives in order, and
// the buffers all come back.
TEST(StackLimits, TcpTransferUnderATightMemoryLimitCompletes)
{
    const struct pkb_stats start = pkb_stats();
    const size_t kBytes = 200 * 1000;
    std::string sent, got;
    for (size_t i = 0; i < kBytes; i++)
        sent.push_back((char)('a' + i % 23));
    {
        shim_pair *p = shim_pair_new(12, NETDEV_LINK_IP);
        ASSERT_NE(nullptr, p);
        stack *c = p->client, *s = p->server;
        int l = socket_open(s, SOCK_TYPE_STREAM);
        sock_addr any = {0, 9};
        ASSERT_EQ(0, socket_bind(s, l, &any));
        ASSERT_EQ(0, socket_listen(s, l, 4, shim_now(p)));
        int fd = socket_open(c, SOCK_TYPE_STREAM);
        sock_addr to = {SHIM_SERVER_ADDR, 9};
        ASSERT_EQ(-EINPROGRESS, socket_connect(c, fd, &to, shim_now(p)));
        shim_run_for(p, usec_from_msec(10));
        sock_addr from;
        int conn = socket_accept(s, l, &from, shim_now(p));
        ASSERT_GE(conn, 0);

        // Room for about four full-sized segments beyond what is live now.
        pkb_set_limit((size_t)pkb_stats().live_bytes + 4 * 1700);
        size_t off = 0;
        char buf[4096];
        for (int step = 0; step < 200000 && got.size() < kBytes; step++) {
            usec_t now = shim_now(p);
            if (off < kBytes) {
                ssize_t n = socket_send(c, fd, sent.data() + off, kBytes - off, now);
                if (n > 0)
                    off += (size_t)n;
            }
            ssize_t n;
            while ((n = socket_recv(s, conn, buf, sizeof buf, now)) > 0)
                got.append(buf, (size_t)n);
            shim_run_for(p, usec_from_msec(1));
        }
        const struct pkb_stats during = pkb_stats();
        pkb_set_limit(PKB_DEFAULT_LIMIT);
        EXPECT_EQ(kBytes, got.size()) << "virtual time: " << shim_now(p);
        EXPECT_TRUE(sent == got) << "every byte, in order";
        EXPECT_GT(during.over_limit, start.over_limit) << "the limit was hit";
        EXPECT_GT(tcp_get_stats(c->tcp)->retrans_segs, 0u) << "refusals are losses";

        socket_close(c, fd, shim_now(p));
        socket_close(s, conn, shim_now(p));
        socket_close(s, l, shim_now(p));
        shim_run_for(p, usec_from_sec(130));   // past TIME-WAIT
        if (HasFailure())
            shim_pair_dump(p, stdout);
        shim_pair_free(p);
    }
    EXPECT_EQ(start.live_buffers, pkb_stats().live_buffers);
    EXPECT_EQ(start.live_bytes, pkb_stats().live_bytes);
}

}  // namespace
