// tcp_timewait_test — TIME-WAIT lasts exactly 2×MSL (the seed's 为什么
// TIME_WAIT 要 2MSL): still TIME-WAIT at 2MSL - 1 ms, CLOSED at 2MSL; a lost
// final ACK makes the peer retransmit its FIN, which is ACKed again and
// restarts the 2MSL timer (reason one); the 4-tuple stays taken meanwhile
// (reason two), except for a new SYN that RFC 6191 lets reopen it.
#include <gtest/gtest.h>

#include "tests/tcp/tcp_harness.h"

namespace {

using namespace tcptest;

constexpr uint64_t kSeed = 6003;

// Close actively until TIME-WAIT; returns the time TIME-WAIT began.
usec_t EnterTimeWait(OneStack &s, Conn &c)
{
    tcp_close(c.t, s.now());
    Sent fin;
    EXPECT_TRUE(s.Pop(&fin));
    c.stack_nxt += 1;
    s.Inject(c.From(TCP_FLAG_ACK));
    s.Inject(c.From(TCP_FLAG_FIN | TCP_FLAG_ACK));
    Sent ack;
    EXPECT_TRUE(s.Pop(&ack));
    EXPECT_EQ(s.StateOf(c), TCP_TIME_WAIT) << s.Dump();
    return s.now();
}

TEST(TcpTimeWait, LastsExactlyTwoMsl)
{
    OneStack s(kSeed);
    Conn c = s.Passive();
    usec_t t0 = EnterTimeWait(s, c);
    usec_t two_msl = 2 * tcp_get_config(s.tcp())->msl;
    EXPECT_EQ(two_msl, usec_from_sec(60)) << "MSL defaults to 30 s";
    s.RunUntil(t0 + two_msl - usec_from_msec(1));
    EXPECT_EQ(s.StateOf(c), TCP_TIME_WAIT) << "2MSL - 1 ms\n" << s.Dump();
    s.RunUntil(t0 + two_msl);
    EXPECT_EQ(s.StateOf(c), TCP_CLOSED) << "2MSL\n" << s.Dump();
    EXPECT_EQ(s.Pending(), 0u) << "TIME-WAIT ends silently";
    tcp_close(c.listener, s.now());
}

TEST(TcpTimeWait, MslIsConfigurable)
{
    tcp_config cfg = DefaultConfig();
    cfg.msl = usec_from_sec(2);
    OneStack s(kSeed, &cfg);
    Conn c = s.Passive();
    usec_t t0 = EnterTimeWait(s, c);
    s.RunUntil(t0 + usec_from_sec(4) - 1);
    EXPECT_EQ(s.StateOf(c), TCP_TIME_WAIT);
    s.RunUntil(t0 + usec_from_sec(4));
    EXPECT_EQ(s.StateOf(c), TCP_CLOSED);
    tcp_close(c.listener, s.now());
}

TEST(TcpTimeWait, RetransmittedFinIsAckedAgainAndRestartsTheTimer)
{
    OneStack s(kSeed);
    Conn c = s.Passive();
    usec_t t0 = EnterTimeWait(s, c);

    // Our final ACK was lost: 10 s later the peer (in LAST-ACK) sends its
    // FIN again, with the same sequence number.
    s.RunUntil(t0 + usec_from_sec(10));
    s.Inject(c.From(TCP_FLAG_FIN | TCP_FLAG_ACK));
    Sent ack;
    ASSERT_TRUE(s.Pop(&ack)) << s.Dump();
    EXPECT_EQ(ack.Flags(), ".");
    EXPECT_EQ(ack.h.seq, c.stack_nxt);
    EXPECT_EQ(ack.h.ack, c.peer_nxt + 1);
    EXPECT_EQ(s.stats().timewait_reacks, 1u);
    usec_t t1 = s.now();

    // The 2MSL timer starts over from t1: alive at t0 + 2MSL, gone at t1 + 2MSL.
    s.RunUntil(t0 + usec_from_sec(60));
    EXPECT_EQ(s.StateOf(c), TCP_TIME_WAIT) << s.Dump();
    s.RunUntil(t1 + usec_from_sec(60) - usec_from_msec(1));
    EXPECT_EQ(s.StateOf(c), TCP_TIME_WAIT) << s.Dump();
    s.RunUntil(t1 + usec_from_sec(60));
    EXPECT_EQ(s.StateOf(c), TCP_CLOSED) << s.Dump();
    tcp_close(c.listener, s.now());
}

TEST(TcpTimeWait, LostFinalAckBetweenTwoStacks)
{
    Pair p(kSeed);
    Connected k = Connect(p, 7, usec_from_msec(5));
    ASSERT_NE(k.server, nullptr);
    tcb *l = k.listener, *c = k.client, *sv = k.server;
    uint16_t cport;
    tcp_local(c, nullptr, &cport);

    tcp_close(c, p.now());   // the client closes first
    p.RunFor(usec_from_msec(5));
    EXPECT_EQ(tcp_state_of(p.client(), kPeer, cport, kStack, 7), TCP_FIN_WAIT_2);

    // The link loses everything the client sends from now on, for 100 ms:
    // its final ACK never arrives.
    sim_impairments drop = {};
    drop.loss = 1.0;
    drop.delay = usec_from_msec(1);
    sim_link_set_impairments(p.link(), 0, &drop);
    tcp_close(sv, p.now());
    usec_t t_fin = p.now();
    p.RunFor(usec_from_msec(100));
    EXPECT_EQ(tcp_state_of(p.client(), kPeer, cport, kStack, 7), TCP_TIME_WAIT) << p.Dump();
    EXPECT_EQ(tcp_state_of(p.server(), kStack, 7, kPeer, cport), TCP_LAST_ACK) << p.Dump();
    sim_impairments clean = {};
    clean.delay = usec_from_msec(1);
    sim_link_set_impairments(p.link(), 0, &clean);

    // The server retransmits its FIN after its RTO (RTT 2 ms: the RTO is
    // rto_min, 200 ms); the client ACKs it again and restarts 2MSL; the
    // server reaches CLOSED.
    usec_t t_restart = t_fin + usec_from_msec(201);
    p.RunUntil(t_restart + usec_from_msec(1));
    EXPECT_EQ(tcp_state_of(p.server(), kStack, 7, kPeer, cport), TCP_CLOSED) << p.Dump();
    EXPECT_EQ(tcp_get_stats(p.client())->timewait_reacks, 1u);
    EXPECT_EQ(tcp_get_stats(p.server())->retrans_segs, 1u);
    // TIME-WAIT began at t_fin + 1 ms and restarted at t_restart.
    p.RunUntil(t_fin + usec_from_msec(1) + usec_from_sec(60) + usec_from_msec(10));
    EXPECT_EQ(tcp_state_of(p.client(), kPeer, cport, kStack, 7), TCP_TIME_WAIT) << p.Dump();
    p.RunUntil(t_restart + usec_from_sec(60) - 1);
    EXPECT_EQ(tcp_state_of(p.client(), kPeer, cport, kStack, 7), TCP_TIME_WAIT) << p.Dump();
    p.RunUntil(t_restart + usec_from_sec(60));
    EXPECT_EQ(tcp_state_of(p.client(), kPeer, cport, kStack, 7), TCP_CLOSED) << p.Dump();
    tcp_close(l, p.now());
}

TEST(TcpTimeWait, OldDuplicateSynIsAnsweredWithAnAck)
{
    OneStack s(kSeed);
    Conn c = s.Passive();
    usec_t t0 = EnterTimeWait(s, c);
    (void)t0;
    // A SYN below RCV.NXT: an old duplicate of the old connection's SYN.
    Seg old = c.From(TCP_FLAG_SYN);
    old.seq = c.peer_nxt - 100;
    s.Inject(old);
    Sent ack;
    ASSERT_TRUE(s.Pop(&ack)) << s.Dump();
    EXPECT_EQ(ack.Flags(), ".");
    EXPECT_EQ(ack.h.ack, c.peer_nxt + 1);
    EXPECT_EQ(s.StateOf(c), TCP_TIME_WAIT);
    tcp_close(c.listener, s.now());
}

TEST(TcpTimeWait, NewSynBeyondTheOldConnectionReopensIt)
{
    OneStack s(kSeed);
    Conn c = s.Passive();
    EnterTimeWait(s, c);
    uint32_t old_snd = c.stack_nxt;
    // RFC 6191 / RFC 1122 §4.2.2.13: SEG.SEQ > RCV.NXT and a listener.
    Seg syn = c.From(TCP_FLAG_SYN);
    syn.seq = c.peer_nxt + 100000;
    syn.ack = 0;
    syn.mss = 1460;
    s.Inject(syn);
    Sent synack;
    ASSERT_TRUE(s.Pop(&synack)) << s.Dump();
    EXPECT_EQ(synack.Flags(), "S.");
    EXPECT_EQ(synack.h.ack, syn.seq + 1);
    EXPECT_EQ(synack.h.seq, old_snd + 65535 + 2) << "ISS beyond the old connection's";
    EXPECT_EQ(s.StateOf(c), TCP_SYN_RECV) << s.Dump();
    EXPECT_EQ(s.stats().timewait_recycled, 1u);
    tcp_close(c.listener, s.now());
}

TEST(TcpTimeWait, ExactResetEndsTimeWaitUnlessRfc1337)
{
    {
        OneStack s(kSeed);
        Conn c = s.Passive();
        EnterTimeWait(s, c);
        c.peer_nxt += 1;
        s.Inject(c.From(TCP_FLAG_RST));
        EXPECT_EQ(s.StateOf(c), TCP_CLOSED) << s.Dump();
        tcp_close(c.listener, s.now());
    }
    {
        tcp_config cfg = DefaultConfig();
        cfg.rfc1337 = true;
        OneStack s(kSeed, &cfg);
        Conn c = s.Passive();
        EnterTimeWait(s, c);
        c.peer_nxt += 1;
        s.Inject(c.From(TCP_FLAG_RST));
        EXPECT_EQ(s.StateOf(c), TCP_TIME_WAIT) << s.Dump();
        EXPECT_EQ(s.stats().timewait_rst_ignored, 1u);
        tcp_close(c.listener, s.now());
    }
}

TEST(TcpTimeWait, ConnectToATupleInTimeWaitFails)
{
    OneStack s(kSeed);
    Conn c = s.Active(80);
    tcp_close(c.t, s.now());
    Sent fin;
    ASSERT_TRUE(s.Pop(&fin));
    c.stack_nxt += 1;
    s.Inject(c.From(TCP_FLAG_FIN | TCP_FLAG_ACK));
    ASSERT_EQ(s.StateOf(c), TCP_TIME_WAIT) << s.Dump();
    // The same 4-tuple cannot be opened again while TIME-WAIT holds it.
    tcb *again = tcp_open(s.tcp());
    tcp_set_reuseaddr(again, true);
    ASSERT_EQ(tcp_bind(again, 0, c.lport), 0) << "SO_REUSEADDR takes the port ...";
    EXPECT_EQ(tcp_connect(again, kPeer, 80, s.now()), -EADDRNOTAVAIL)
        << "... but not the 4-tuple";
    tcp_close(again, s.now());
}

}  // namespace
