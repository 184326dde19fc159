// tcp_close_test — the four-way close (the seed's 四次挥手) initiated by
// either side, every state asserted; why it takes four segments (the passive
// side may still send data after the FIN: half-close); simultaneous close
// through CLOSING; CLOSE-WAIT held until the application closes.
//
//   FIN seq=u  ->  ACK u+1  ->  (data)  ->  FIN seq=w  ->  ACK w+1
#include <gtest/gtest.h>

#include "tests/tcp/tcp_harness.h"

namespace {

using namespace tcptest;

constexpr uint64_t kSeed = 6002;

TEST(TcpClose, StackClosesFirst)
{
    OneStack s(kSeed);
    Conn c = s.Passive();
    tcp_close(c.t, s.now());

    // FIN seq=u: a FIN consumes one sequence number.
    Sent fin;
    ASSERT_TRUE(s.Pop(&fin)) << s.Dump();
    EXPECT_EQ(fin.Flags(), "F.");
    EXPECT_EQ(fin.h.seq, c.stack_nxt);
    EXPECT_EQ(fin.h.ack, c.peer_nxt);
    EXPECT_EQ(s.StateOf(c), TCP_FIN_WAIT_1) << s.Dump();

    // ACK u+1.
    c.stack_nxt = fin.h.seq + 1;
    s.Inject(c.From(TCP_FLAG_ACK));
    EXPECT_EQ(s.StateOf(c), TCP_FIN_WAIT_2) << s.Dump();
    EXPECT_EQ(s.Pending(), 0u);

    // The peer may still send data in FIN-WAIT-2 ... but this user has
    // closed, so that is answered with RST (tested in tcp_rst_test). Here
    // the peer closes: FIN seq=w, and we answer ACK w+1.
    s.Inject(c.From(TCP_FLAG_FIN | TCP_FLAG_ACK));
    Sent ack;
    ASSERT_TRUE(s.Pop(&ack)) << s.Dump();
    EXPECT_EQ(ack.Flags(), ".");
    EXPECT_EQ(ack.h.seq, c.stack_nxt);
    EXPECT_EQ(ack.h.ack, c.peer_nxt + 1);
    EXPECT_EQ(s.StateOf(c), TCP_TIME_WAIT) << s.Dump();

    s.RunFor(2 * usec_from_sec(30));
    EXPECT_EQ(s.StateOf(c), TCP_CLOSED) << s.Dump();
    std::vector<std::string> want = {"LISTEN -> SYN_RECV",      "SYN_RECV -> ESTABLISHED",
                                     "ESTABLISHED -> FIN_WAIT_1", "FIN_WAIT_1 -> FIN_WAIT_2",
                                     "FIN_WAIT_2 -> TIME_WAIT",  "TIME_WAIT -> CLOSED"};
    EXPECT_EQ(StatesOf(s.tr(), Subject(kStack, c.lport, kPeer, c.pport)), want) << s.Dump();
    tcp_close(c.listener, s.now());
}

TEST(TcpClose, PeerClosesFirstAndStackSendsDataBeforeItsFin)
{
    OneStack s(kSeed);
    Conn c = s.Passive();

    // The peer's FIN seq=u. We ACK it at once (u+1) and wait in CLOSE-WAIT:
    // the application may still have data to send — the reason closing
    // takes four segments and opening three.
    s.Inject(c.From(TCP_FLAG_FIN | TCP_FLAG_ACK));
    c.peer_nxt += 1;
    Sent ack;
    ASSERT_TRUE(s.Pop(&ack));
    EXPECT_EQ(ack.Flags(), ".");
    EXPECT_EQ(ack.h.ack, c.peer_nxt);
    EXPECT_EQ(s.StateOf(c), TCP_CLOSE_WAIT);
    char buf[16];
    EXPECT_EQ(tcp_receive(c.t, buf, sizeof buf, s.now()), 0) << "end of stream";

    // Data after the peer's FIN.
    ASSERT_EQ(tcp_send(c.t, "last words", 10, s.now()), 10);
    Sent data;
    ASSERT_TRUE(s.Pop(&data));
    EXPECT_EQ(data.data, "last words");
    EXPECT_EQ(data.Flags(), "P.");
    c.stack_nxt += 10;
    s.Inject(c.From(TCP_FLAG_ACK));

    // Our FIN seq=w -> LAST-ACK; the peer's ACK w+1 -> CLOSED.
    tcp_close(c.t, s.now());
    Sent fin;
    ASSERT_TRUE(s.Pop(&fin));
    EXPECT_EQ(fin.Flags(), "F.");
    EXPECT_EQ(fin.h.seq, c.stack_nxt);
    EXPECT_EQ(s.StateOf(c), TCP_LAST_ACK);
    c.stack_nxt += 1;
    s.Inject(c.From(TCP_FLAG_ACK));
    EXPECT_EQ(s.StateOf(c), TCP_CLOSED) << "the passive closer needs no TIME-WAIT";
    std::vector<std::string> want = {"LISTEN -> SYN_RECV",       "SYN_RECV -> ESTABLISHED",
                                     "ESTABLISHED -> CLOSE_WAIT", "CLOSE_WAIT -> LAST_ACK",
                                     "LAST_ACK -> CLOSED"};
    EXPECT_EQ(StatesOf(s.tr(), Subject(kStack, c.lport, kPeer, c.pport)), want) << s.Dump();
    tcp_close(c.listener, s.now());
}

TEST(TcpClose, CloseWaitLastsUntilTheApplicationCloses)
{
    // The seed's close_wait lesson: the peer has closed, but a server that
    // never calls close() keeps the connection in CLOSE-WAIT for ever, and
    // the connection listing shows it piling up.
    OneStack s(kSeed);
    Conn a = s.Passive(7, 40001, 1000);
    Conn b = s.Passive(8, 40002, 2000);
    s.Inject(a.From(TCP_FLAG_FIN | TCP_FLAG_ACK));
    s.Inject(b.From(TCP_FLAG_FIN | TCP_FLAG_ACK));
    s.Clear();
    s.RunFor(usec_from_sec(3600));
    EXPECT_EQ(s.StateOf(a), TCP_CLOSE_WAIT);
    EXPECT_EQ(s.StateOf(b), TCP_CLOSE_WAIT);
    EXPECT_EQ(s.Pending(), 0u) << "nothing is sent while the application does nothing";
    std::string listing = s.Dump();
    size_t n = 0;
    for (size_t pos = 0; (pos = listing.find("CLOSE-WAIT ", pos)) != std::string::npos; pos++)
        n++;
    EXPECT_EQ(n, 2u) << listing;
    tcp_close(a.t, s.now());
    EXPECT_EQ(s.StateOf(a), TCP_LAST_ACK);
    EXPECT_EQ(s.StateOf(b), TCP_CLOSE_WAIT);
    tcp_close(a.listener, s.now());
    tcp_close(b.listener, s.now());
    tcp_abort(b.t, s.now());
}

TEST(TcpClose, SimultaneousCloseGoesThroughClosing)
{
    OneStack s(kSeed);
    Conn c = s.Passive();
    tcp_close(c.t, s.now());
    Sent fin;
    ASSERT_TRUE(s.Pop(&fin));
    EXPECT_EQ(s.StateOf(c), TCP_FIN_WAIT_1);

    // The peer's FIN crosses ours: it does not acknowledge our FIN.
    s.Inject(c.From(TCP_FLAG_FIN | TCP_FLAG_ACK));
    EXPECT_EQ(s.StateOf(c), TCP_CLOSING) << s.Dump();
    Sent ack;
    ASSERT_TRUE(s.Pop(&ack));
    EXPECT_EQ(ack.Flags(), ".");
    EXPECT_EQ(ack.h.ack, c.peer_nxt + 1);
    c.peer_nxt += 1;

    // Now the ACK of our FIN.
    c.stack_nxt += 1;
    s.Inject(c.From(TCP_FLAG_ACK));
    EXPECT_EQ(s.StateOf(c), TCP_TIME_WAIT) << s.Dump();
    std::vector<std::string> want = {"LISTEN -> SYN_RECV",        "SYN_RECV -> ESTABLISHED",
                                     "ESTABLISHED -> FIN_WAIT_1", "FIN_WAIT_1 -> CLOSING",
                                     "CLOSING -> TIME_WAIT"};
    EXPECT_EQ(StatesOf(s.tr(), Subject(kStack, c.lport, kPeer, c.pport)), want) << s.Dump();
    tcp_close(c.listener, s.now());
}

// ---- two stacks: the whole exchange on the simulated wire ----

struct Established {
    tcb *listener, *server, *client;
    uint16_t cport;
};

Established Connect(Pair &p, uint16_t port = 7)
{
    Established e{};
    e.listener = tcp_open(p.server());
    EXPECT_EQ(tcp_bind(e.listener, 0, port), 0);
    EXPECT_EQ(tcp_listen(e.listener, 4, p.now()), 0);
    e.client = tcp_open(p.client());
    EXPECT_EQ(tcp_connect(e.client, kStack, port, p.now()), 0);
    p.RunFor(usec_from_msec(5));
    int err;
    e.server = tcp_accept(e.listener, &err, p.now());
    EXPECT_NE(e.server, nullptr) << p.Dump();
    tcp_local(e.client, nullptr, &e.cport);
    return e;
}

TEST(TcpClosePair, ClientClosesFirstEveryStateInOrder)
{
    Pair p(kSeed);
    Established e = Connect(p);
    usec_t t0 = p.now();
    tcp_close(e.client, t0);                 // t0: FIN leaves the client
    EXPECT_EQ(tcp_get_state(e.server), TCP_ESTABLISHED);
    p.RunUntil(t0 + usec_from_msec(1));      // t0+1: FIN arrives, ACK leaves
    EXPECT_EQ(tcp_get_state(e.server), TCP_CLOSE_WAIT) << p.Dump();
    EXPECT_EQ(tcp_state_of(p.client(), kPeer, e.cport, kStack, 7), TCP_FIN_WAIT_1);
    p.RunUntil(t0 + usec_from_msec(2));      // t0+2: ACK arrives
    EXPECT_EQ(tcp_state_of(p.client(), kPeer, e.cport, kStack, 7), TCP_FIN_WAIT_2)
        << p.Dump();
    tcp_close(e.server, p.now());            // server's FIN
    EXPECT_EQ(tcp_state_of(p.server(), kStack, 7, kPeer, e.cport), TCP_LAST_ACK);
    p.RunFor(usec_from_msec(1));
    EXPECT_EQ(tcp_state_of(p.client(), kPeer, e.cport, kStack, 7), TCP_TIME_WAIT)
        << p.Dump();
    p.RunFor(usec_from_msec(1));
    EXPECT_EQ(tcp_state_of(p.server(), kStack, 7, kPeer, e.cport), TCP_CLOSED)
        << "the passive closer reaches CLOSED first\n" << p.Dump();
    EXPECT_EQ(tcp_state_of(p.client(), kPeer, e.cport, kStack, 7), TCP_TIME_WAIT);
    p.RunFor(usec_from_sec(60));
    EXPECT_EQ(tcp_state_of(p.client(), kPeer, e.cport, kStack, 7), TCP_CLOSED) << p.Dump();
    tcp_close(e.listener, p.now());
}

TEST(TcpClosePair, ServerClosesFirst)
{
    Pair p(kSeed);
    Established e = Connect(p);
    tcp_close(e.server, p.now());
    p.RunFor(usec_from_msec(5));
    EXPECT_EQ(tcp_state_of(p.server(), kStack, 7, kPeer, e.cport), TCP_FIN_WAIT_2) << p.Dump();
    EXPECT_EQ(tcp_get_state(e.client), TCP_CLOSE_WAIT);
    char buf[4];
    EXPECT_EQ(tcp_receive(e.client, buf, sizeof buf, p.now()), 0);
    tcp_close(e.client, p.now());
    p.RunFor(usec_from_msec(5));
    EXPECT_EQ(tcp_state_of(p.client(), kPeer, e.cport, kStack, 7), TCP_CLOSED) << p.Dump();
    EXPECT_EQ(tcp_state_of(p.server(), kStack, 7, kPeer, e.cport), TCP_TIME_WAIT) << p.Dump();
    std::vector<std::string> server_states = {
        "LISTEN -> SYN_RECV",       "SYN_RECV -> ESTABLISHED", "ESTABLISHED -> FIN_WAIT_1",
        "FIN_WAIT_1 -> FIN_WAIT_2", "FIN_WAIT_2 -> TIME_WAIT"};
    EXPECT_EQ(StatesOf(p.tr(), Subject(kStack, 7, kPeer, e.cport)), server_states) << p.Dump();
    std::vector<std::string> client_states = {"CLOSED -> SYN_SENT", "SYN_SENT -> ESTABLISHED",
                                              "ESTABLISHED -> CLOSE_WAIT",
                                              "CLOSE_WAIT -> LAST_ACK", "LAST_ACK -> CLOSED"};
    EXPECT_EQ(StatesOf(p.tr(), Subject(kPeer, e.cport, kStack, 7)), client_states) << p.Dump();
    tcp_close(e.listener, p.now());
}

TEST(TcpClosePair, SimultaneousClose)
{
    Pair p(kSeed);
    Established e = Connect(p);
    tcp_close(e.client, p.now());
    tcp_close(e.server, p.now());
    p.RunFor(usec_from_msec(5));
    std::vector<std::string> want = {"ESTABLISHED -> FIN_WAIT_1", "FIN_WAIT_1 -> CLOSING",
                                     "CLOSING -> TIME_WAIT"};
    std::vector<std::string> c = StatesOf(p.tr(), Subject(kPeer, e.cport, kStack, 7));
    std::vector<std::string> s = StatesOf(p.tr(), Subject(kStack, 7, kPeer, e.cport));
    ASSERT_GE(c.size(), 3u) << p.Dump();
    ASSERT_GE(s.size(), 3u) << p.Dump();
    EXPECT_EQ(std::vector<std::string>(c.end() - 3, c.end()), want) << p.Dump();
    EXPECT_EQ(std::vector<std::string>(s.end() - 3, s.end()), want) << p.Dump();
    // Both closed actively, so both wait out 2MSL.
    p.RunFor(usec_from_sec(60));
    EXPECT_EQ(tcp_state_of(p.client(), kPeer, e.cport, kStack, 7), TCP_CLOSED);
    EXPECT_EQ(tcp_state_of(p.server(), kStack, 7, kPeer, e.cport), TCP_CLOSED);
    tcp_close(e.listener, p.now());
}

TEST(TcpClosePair, HalfCloseWithDataStillFlowingTheOtherWay)
{
    Pair p(kSeed);
    Established e = Connect(p);
    // The client is done sending: shutdown(SHUT_WR) sends its FIN ...
    ASSERT_EQ(tcp_shutdown(e.client, false, true, p.now()), 0);
    p.RunFor(usec_from_msec(5));
    EXPECT_EQ(tcp_get_state(e.client), TCP_FIN_WAIT_2);
    EXPECT_EQ(tcp_get_state(e.server), TCP_CLOSE_WAIT);
    char buf[4096];
    EXPECT_EQ(tcp_receive(e.server, buf, sizeof buf, p.now()), 0) << "the server sees EOF";
    EXPECT_EQ(tcp_send(e.client, "x", 1, p.now()), -EPIPE) << "the client cannot send";

    // ... but the server goes on sending, 200 KB, and the client reads it.
    std::string sent, got;
    for (int i = 0; i < 200 * 1024; i++)
        sent.push_back((char)('a' + i % 26));
    size_t off = 0;
    for (int round = 0; round < 10000 && got.size() < sent.size(); round++) {
        if (off < sent.size()) {
            ssize_t n = tcp_send(e.server, sent.data() + off, sent.size() - off, p.now());
            if (n > 0)
                off += (size_t)n;
        }
        p.RunFor(usec_from_msec(1));
        ssize_t n;
        while ((n = tcp_receive(e.client, buf, sizeof buf, p.now())) > 0)
            got.append(buf, (size_t)n);
        EXPECT_EQ(tcp_get_state(e.client), TCP_FIN_WAIT_2);
    }
    EXPECT_EQ(got, sent) << p.Dump();
    tcp_close(e.server, p.now());
    p.RunFor(usec_from_msec(5));
    EXPECT_EQ(tcp_get_state(e.client), TCP_TIME_WAIT);
    EXPECT_EQ(tcp_receive(e.client, buf, sizeof buf, p.now()), 0);
    tcp_close(e.client, p.now());
    tcp_close(e.listener, p.now());
}

}  // namespace
