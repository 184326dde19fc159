// limits_test.cc — the resource limits that exist, each giving a clear
// error or a counted drop (the ones that do not exist yet are listed in
// tests/hostile/README.md):
//   descriptors          socket_open -> -EMFILE after SOCK_TABLE_SIZE
//   buffer sizes         SO_SNDBUF/SO_RCVBUF range -> -EINVAL (UDP: clamped to
//                        UDP_MAX_RCVBUF); a full TCP send buffer -> -EAGAIN;
//                        a full UDP queue -> rcvbuf_errors
//   TCP receive window   data beyond the advertised window is not taken
//   accept queue         SYNs beyond the backlog -> accept_queue_full
//   ARP pending queue    packets beyond max_queued -> queue_drops
//   TIME-WAIT            beyond max_tw_buckets -> closed at once, timewait_overflow
//   (reassembly memory: ip_hostile_test's fragment flood; the packet-buffer
//   memory limit and the limits set through stack_new_ex: tests/stack)
#include <cerrno>
#include <climits>
#include <cstring>

#include "stack/link/arp.h"
#include "stack/link/arp_hdr.h"
#include "stack/link/ethernet.h"
#include "stack/socket/sock_table.h"
#include "stack/transport/udp.h"
#include "tests/hostile/hostile.h"

namespace hostile {
namespace {

constexpr uint64_t kSeed = 14;

TEST(Limits, DescriptorsRunOutWithEmfile)
{
    Host h(kSeed);
    std::vector<int> fds;
    int fd;
    while ((fd = socket_open(h.st(), fds.size() % 2 ? SOCK_TYPE_DGRAM : SOCK_TYPE_STREAM)) >= 0) {
        fds.push_back(fd);
        ASSERT_LT(fds.size(), (size_t)SOCK_TABLE_SIZE) << "no limit on descriptors";
    }
    EXPECT_EQ(-EMFILE, fd);
    EXPECT_EQ((size_t)(SOCK_TABLE_SIZE - SOCK_FIRST_FD), fds.size());
    // Closing one makes room for exactly one.
    socket_close(h.st(), fds.back(), h.now());
    fds.pop_back();
    fd = socket_open(h.st(), SOCK_TYPE_STREAM);
    EXPECT_GE(fd, 0);
    fds.push_back(fd);
    EXPECT_EQ(-EMFILE, socket_open(h.st(), SOCK_TYPE_DGRAM));
    for (int f : fds)
        socket_close(h.st(), f, h.now());
    EXPECT_EQ(0u, sock_table_count(h.st()->socks));
}

TEST(Limits, TcpBufferSizesOutOfRangeAreEinval)
{
    Host h(kSeed);
    int fd = socket_open(h.st(), SOCK_TYPE_STREAM);
    EXPECT_EQ(-EINVAL, socket_setsockopt(h.st(), fd, SOCK_OPT_SNDBUF, 0, h.now()));
    EXPECT_EQ(-EINVAL, socket_setsockopt(h.st(), fd, SOCK_OPT_RCVBUF, -1, h.now()));
    EXPECT_EQ(-EINVAL, socket_setsockopt(h.st(), fd, SOCK_OPT_SNDBUF, INT_MAX, h.now()))
        << "more than TCP's 1 GiB cap";
    EXPECT_EQ(0, socket_setsockopt(h.st(), fd, SOCK_OPT_SNDBUF, 4096, h.now()));
    int v = 0;
    EXPECT_EQ(0, socket_getsockopt(h.st(), fd, SOCK_OPT_SNDBUF, &v));
    EXPECT_EQ(4096, v);
    socket_close(h.st(), fd, h.now());
}

// A peer that advertises a zero window: the send buffer fills to its size
// and then send says -EAGAIN; nothing beyond it is held.
TEST(Limits, FullTcpSendBufferSaysEagain)
{
    Host h(kSeed);
    Conn c = Establish(h);
    Seg zero = c.From(TCP_FLAG_ACK);
    zero.win = 0;
    h.Inject(zero);
    ASSERT_EQ(0, socket_setsockopt(h.st(), c.fd, SOCK_OPT_SNDBUF, 8192, h.now()));
    std::string chunk(1000, 's');
    size_t queued = 0;
    ssize_t n;
    for (int i = 0; i < 100 && (n = socket_send(h.st(), c.fd, chunk.data(), chunk.size(), h.now())) > 0; i++)
        queued += (size_t)n;
    EXPECT_EQ(-EAGAIN, socket_send(h.st(), c.fd, "x", 1, h.now()));
    EXPECT_LE(queued, 8192u);
    EXPECT_GE(queued, 8000u);
    EXPECT_LE(tcp_send_queued(h.Tcb(c.fd)), 8192u);
}

// RFC 9293 §3.10.7.4: a segment beyond the receive window is not
// acceptable; its bytes past RCV.NXT+RCV.WND are never queued, so a peer
// cannot make the stack hold more than the receive buffer.
TEST(Limits, DataBeyondTheReceiveWindowIsNotTaken)
{
    Host h(kSeed);
    Conn c = Establish(h, 40000, {2, 4, 5, 180}, 16384);
    const tcb *t = h.Tcb(c.fd);
    size_t rcvbuf = tcp_get_rcvbuf(t);
    ASSERT_EQ(16384u, rcvbuf);
    std::string seg(1000, 'r');
    for (int i = 0; i < 100; i++) {   // 100 KB at a reader who never reads
        h.Inject(c.From(TCP_FLAG_ACK, seg));
        c.peer_nxt += 1000;
        h.Clear();
    }
    EXPECT_LE(tcp_recv_queued(t), rcvbuf);
    EXPECT_GT(h.tcp().drop_not_acceptable, 0u) << "segments beyond the window are dropped";
    tcp_info i;
    tcp_get_info(t, &i);
    EXPECT_EQ(0u, i.rcv_wnd) << "the window closed";
}

// UDP: a receive queue holds at most SO_RCVBUF bytes of payload; the rest
// are counted in rcvbuf_errors (netstat's "receive buffer errors").
TEST(Limits, FullUdpQueueCountsDrops)
{
    Host h(kSeed);
    int fd = socket_open(h.st(), SOCK_TYPE_DGRAM);
    sock_addr a = {0, 7};
    ASSERT_EQ(0, socket_bind(h.st(), fd, &a));
    ASSERT_EQ(0, socket_setsockopt(h.st(), fd, SOCK_OPT_RCVBUF, 1000, h.now()));
    EXPECT_EQ(-EINVAL, socket_setsockopt(h.st(), fd, SOCK_OPT_RCVBUF, 0, h.now()));
    for (int i = 0; i < 10; i++) {
        Bytes d(8 + 300, 'u');
        be16_write(&d[0], 5000);
        be16_write(&d[2], 7);
        be16_write(&d[4], (uint16_t)d.size());
        be16_write(&d[6], 0);
        Ip ip;
        ip.payload = d;
        h.Inject(BuildIp(ip));
    }
    EXPECT_EQ(7u, udp_get_stats(h.st()->udp)->rcvbuf_errors) << "3 x 300 fit in 1000";
    socket_close(h.st(), fd, h.now());
}

// UDP SO_RCVBUF above UDP_MAX_RCVBUF is clamped (Linux: rmem_max), and
// getsockopt says what was set.
TEST(Limits, UdpRcvbufIsClampedToItsMaximum)
{
    Host h(kSeed);
    int fd = socket_open(h.st(), SOCK_TYPE_DGRAM);
    int v = 0;
    EXPECT_EQ(0, socket_setsockopt(h.st(), fd, SOCK_OPT_RCVBUF, INT_MAX, h.now()));
    EXPECT_EQ(0, socket_getsockopt(h.st(), fd, SOCK_OPT_RCVBUF, &v));
    EXPECT_EQ(UDP_MAX_RCVBUF, v);
    EXPECT_EQ(0, socket_setsockopt(h.st(), fd, SOCK_OPT_RCVBUF, 200000, h.now()));
    EXPECT_EQ(0, socket_getsockopt(h.st(), fd, SOCK_OPT_RCVBUF, &v));
    EXPECT_EQ(200000, v) << "below the maximum: as asked";
    socket_close(h.st(), fd, h.now());
}

// The accept queue: completed handshakes beyond the backlog are not
// accepted (the final ACK or the SYN is dropped and counted, Linux's
// ListenOverflows), so a peer cannot queue more than the backlog.
TEST(Limits, AcceptQueueBeyondTheBacklogIsCounted)
{
    Host h(kSeed);
    int l = socket_open(h.st(), SOCK_TYPE_STREAM);
    sock_addr a = {0, 80};
    ASSERT_EQ(0, socket_bind(h.st(), l, &a));
    ASSERT_EQ(0, socket_listen(h.st(), l, 2, h.now()));
    for (uint16_t port = 41000; port < 41010; port++) {
        Seg syn;
        syn.sport = port;
        syn.seq = 7000;
        syn.flags = TCP_FLAG_SYN;
        h.Inject(syn);
        for (const Sent &s : h.Sent_()) {
            if (!s.tcp || s.h.flags != (TCP_FLAG_SYN | TCP_FLAG_ACK))
                continue;
            Seg ack;
            ack.sport = port;
            ack.seq = 7001;
            ack.ack = s.h.seq + 1;
            ack.flags = TCP_FLAG_ACK;
            h.Inject(ack);
        }
        h.Clear();
    }
    EXPECT_GT(h.tcp().accept_queue_full, 0u);
    int accepted = 0;
    sock_addr from;
    while (socket_accept(h.st(), l, &from, h.now()) >= 0)
        accepted++;
    EXPECT_EQ(2, accepted);
}

// ARP's pending queue: packets for a host being resolved wait in a queue
// of max_queued (48); beyond it the oldest is dropped and counted. When
// resolution fails they are all released.
TEST(Limits, ArpPendingQueueIsBounded)
{
    uint64_t start = LiveBuffers();
    {
        Host h(kSeed, NETDEV_LINK_ETHERNET);
        int fd = socket_open(h.st(), SOCK_TYPE_DGRAM);
        sock_addr to = {0x0A000009u, 9};   // 10.0.0.9 never answers
        for (int i = 0; i < 100; i++)
            socket_sendto(h.st(), fd, "payload", 7, &to, h.now());
        const arp_stats *s = arp_get_stats(h.st()->arps[0]);
        EXPECT_EQ(52u, s->queue_drops);
        EXPECT_EQ(1u, s->tx_requests) << "one request, not one per packet (RFC 1122 §2.3.2.1)";
        h.RunFor(usec_from_sec(10));
        EXPECT_EQ(1u, s->resolve_failed);
        EXPECT_EQ(48u, s->unreachable_packets);
        h.Clear();
        socket_close(h.st(), fd, h.now());
    }
    EXPECT_EQ(start, LiveBuffers());
}

// One connection to port 80 of the stack, which closes first; the peer
// ACKs the stack's FIN and sends its own in the same segment, which puts
// the stack in TIME-WAIT (RFC 9293 §3.10.7.4). Returns what the stack sent
// in answer to that FIN.
std::vector<Sent> CloseFromTheStack(Host &h, int listener, uint16_t pport)
{
    Seg syn;
    syn.sport = pport;
    syn.seq = 1000;
    syn.flags = TCP_FLAG_SYN;
    h.Inject(syn);
    std::vector<Sent> out = h.Sent_();
    EXPECT_EQ(1u, out.size()) << h.Dump();
    if (out.empty())
        return out;
    uint32_t iss = out[0].h.seq;
    Seg ack = syn;
    ack.seq = 1001;
    ack.ack = iss + 1;
    ack.flags = TCP_FLAG_ACK;
    h.Inject(ack);
    sock_addr from;
    int fd = socket_accept(h.st(), listener, &from, h.now());
    EXPECT_GE(fd, 0) << h.Dump();
    socket_close(h.st(), fd, h.now());
    out = h.Sent_();
    EXPECT_EQ(1u, out.size()) << "the stack's FIN";
    Seg fin = ack;
    fin.ack = iss + 2;
    fin.flags = TCP_FLAG_ACK | TCP_FLAG_FIN;
    h.Inject(fin);
    return h.Sent_();
}

int StateOf(Host &h, uint16_t pport)
{
    return tcp_state_of(h.st()->tcp, kStack, 80, kPeer, pport);
}

// TIME-WAIT is bounded by max_tw_buckets (Linux tcp_max_tw_buckets): beyond
// it a connection still ACKs the peer's FIN but closes at once, counted in
// timewait_overflow. Those below the bound wait exactly 2MSL, and once they
// are gone there is room again.
TEST(Limits, TimeWaitBeyondMaxTwBucketsClosesAtOnce)
{
    uint64_t start = LiveBuffers();
    {
        Host h(kSeed);
        tcp_config cfg = *tcp_get_config(h.st()->tcp);
        EXPECT_EQ(0u, cfg.max_tw_buckets) << "0: TCP_DEFAULT_MAX_TW_BUCKETS";
        cfg.max_tw_buckets = 3;
        tcp_set_config(h.st()->tcp, &cfg);
        int l = socket_open(h.st(), SOCK_TYPE_STREAM);
        sock_addr a = {0, 80};
        ASSERT_EQ(0, socket_bind(h.st(), l, &a));
        ASSERT_EQ(0, socket_listen(h.st(), l, 16, h.now()));

        for (uint16_t port = 41000; port < 41005; port++) {
            std::vector<Sent> out = CloseFromTheStack(h, l, port);
            ASSERT_EQ(1u, out.size()) << "the ACK of the peer's FIN, TIME-WAIT or not\n"
                                      << h.Dump();
            EXPECT_EQ(TCP_FLAG_ACK, out[0].h.flags);
            EXPECT_EQ(1002u, out[0].h.ack);
        }
        for (uint16_t port = 41000; port < 41003; port++)
            EXPECT_EQ(TCP_TIME_WAIT, StateOf(h, port)) << port;
        for (uint16_t port = 41003; port < 41005; port++)
            EXPECT_EQ(TCP_CLOSED, StateOf(h, port)) << port << " found TIME-WAIT full";
        EXPECT_EQ(2u, h.tcp().timewait_overflow);

        // What the overflow costs: the peer's FIN again (our ACK was lost)
        // finds no connection and is answered with a reset.
        Seg again;
        again.sport = 41004;
        again.seq = 1001;
        again.flags = TCP_FLAG_ACK | TCP_FLAG_FIN;
        h.Inject(again);
        std::vector<Sent> out = h.Sent_();
        ASSERT_EQ(1u, out.size());
        EXPECT_TRUE(out[0].h.flags & TCP_FLAG_RST);

        // A reset ends one TIME-WAIT (RFC 9293 §3.10.7.4 second check):
        // that makes room, though tcp_timewait.c did not see it go.
        Seg rst;
        rst.sport = 41002;
        rst.seq = 1002;
        rst.flags = TCP_FLAG_RST;
        h.Inject(rst);
        EXPECT_EQ(TCP_CLOSED, StateOf(h, 41002));
        CloseFromTheStack(h, l, 41005);
        EXPECT_EQ(TCP_TIME_WAIT, StateOf(h, 41005));
        EXPECT_EQ(2u, h.tcp().timewait_overflow);
        CloseFromTheStack(h, l, 41006);
        EXPECT_EQ(TCP_CLOSED, StateOf(h, 41006)) << "full again";
        EXPECT_EQ(3u, h.tcp().timewait_overflow);

        // Below the bound nothing changed: exactly 2MSL.
        usec_t two_msl = 2 * cfg.msl;
        h.RunFor(two_msl - 1);
        EXPECT_EQ(TCP_TIME_WAIT, StateOf(h, 41000));
        h.RunFor(1);
        for (uint16_t port : {41000, 41001, 41005})
            EXPECT_EQ(TCP_CLOSED, StateOf(h, port)) << port;

        // Room again.
        CloseFromTheStack(h, l, 41010);
        EXPECT_EQ(TCP_TIME_WAIT, StateOf(h, 41010));
        EXPECT_EQ(3u, h.tcp().timewait_overflow);
        socket_close(h.st(), l, h.now());
        h.RunFor(two_msl);
        h.Clear();
    }
    EXPECT_EQ(start, LiveBuffers());
}

}  // namespace
}  // namespace hostile
