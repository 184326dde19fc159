// tcp_rst_test — resets: segments to a closed port (RFC 9293 §3.10.7.1:
// the RST's seq/ack), ABORT, RFC 5961 (exact RST resets, in-window RST and
// SYN get a challenge ACK, rate limited), data after close.
#include <gtest/gtest.h>

#include "tests/tcp/tcp_harness.h"

namespace {

using namespace tcptest;

constexpr uint64_t kSeed = 6004;

TEST(TcpRst, SynToAClosedPortGetsRstAck)
{
    OneStack s(kSeed);
    s.Inject({.dport = 81, .seq = 1000, .flags = TCP_FLAG_SYN, .mss = 1460});
    Sent rst;
    ASSERT_TRUE(s.Pop(&rst)) << s.Dump();
    // ACK bit off in the SYN: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>,
    // and the SYN counts one in SEG.LEN.
    EXPECT_EQ(rst.Flags(), "R.");
    EXPECT_EQ(rst.h.seq, 0u);
    EXPECT_EQ(rst.h.ack, 1001u);
    EXPECT_EQ(rst.h.src_port, 81);
    EXPECT_EQ(rst.h.dst_port, 40000);
    EXPECT_EQ(rst.h.window, 0);
    EXPECT_TRUE(rst.checksum_ok);
    EXPECT_EQ(s.stats().no_port, 1u);
    EXPECT_EQ(s.stats().out_rsts, 1u);
}

TEST(TcpRst, DataToAClosedPortGetsRstWithTheirAck)
{
    OneStack s(kSeed);
    // ACK bit on: <SEQ=SEG.ACK><CTL=RST>, so that the sender accepts it.
    s.Inject({.dport = 81, .seq = 1000, .ack = 777777, .flags = TCP_FLAG_ACK | TCP_FLAG_PSH,
              .data = "hello"});
    Sent rst;
    ASSERT_TRUE(s.Pop(&rst)) << s.Dump();
    EXPECT_EQ(rst.Flags(), "R");
    EXPECT_EQ(rst.h.seq, 777777u);
    EXPECT_EQ(rst.h.ack, 0u);
    // Data without ACK: ack = SEG.SEQ + data length (+1 for a FIN).
    s.Inject({.dport = 81, .seq = 2000, .flags = TCP_FLAG_FIN, .data = "abc"});
    ASSERT_TRUE(s.Pop(&rst));
    EXPECT_EQ(rst.Flags(), "R.");
    EXPECT_EQ(rst.h.ack, 2004u);
}

TEST(TcpRst, ResetToAClosedPortIsNeverAnswered)
{
    OneStack s(kSeed);
    s.Inject({.dport = 81, .seq = 1000, .flags = TCP_FLAG_RST});
    s.Inject({.dport = 81, .seq = 1000, .ack = 5, .flags = TCP_FLAG_RST | TCP_FLAG_ACK});
    EXPECT_EQ(s.Pending(), 0u);
    EXPECT_EQ(s.stats().drop_rst_no_tcb, 2u);
}

TEST(TcpRst, BadChecksumIsDroppedAndCounted)
{
    OneStack s(kSeed);
    s.Inject({.dport = 81, .seq = 1000, .flags = TCP_FLAG_SYN, .bad_checksum = true});
    EXPECT_EQ(s.Pending(), 0u) << "no RST for a segment we cannot trust";
    EXPECT_EQ(s.stats().bad_checksum, 1u);
    EXPECT_EQ(s.stats().in_errs, 1u);
}

TEST(TcpRst, HostileHeadersAreCountedDrops)
{
    OneStack s(kSeed);
    Conn c = s.Passive();
    Seg off = c.From(TCP_FLAG_ACK, "data");
    off.data_offset = 15;   // header longer than the segment
    s.Inject(off);
    Seg zero = c.From(TCP_FLAG_ACK);
    zero.options = {2, 0, 0, 0};   // option length 0
    s.Inject(zero);
    Seg past = c.From(TCP_FLAG_ACK, "payload!");
    past.options = {1, 1, 8, 10};   // timestamps running past the header into data
    s.Inject(past);
    Seg low = c.From(TCP_FLAG_ACK);
    low.data_offset = 3;
    s.Inject(low);
    EXPECT_EQ(s.Pending(), 0u);
    EXPECT_EQ(s.stats().bad_header, 2u);
    EXPECT_EQ(s.stats().bad_options, 2u);
    EXPECT_EQ(s.StateOf(c), TCP_ESTABLISHED) << "the connection is untouched";
    EXPECT_EQ(tcp_recv_queued(c.t), 0u);
    tcp_abort(c.t, s.now());
    tcp_close(c.listener, s.now());
}

TEST(TcpRst, ExactResetResetsTheConnection)
{
    OneStack s(kSeed);
    Conn c = s.Passive();
    int notified = 0;
    tcp_set_notify(
        c.t, [](void *ctx, tcb *, usec_t) { ++*static_cast<int *>(ctx); }, &notified);
    s.Inject(c.From(TCP_FLAG_RST));   // SEG.SEQ == RCV.NXT
    EXPECT_EQ(tcp_get_state(c.t), TCP_CLOSED) << s.Dump();
    EXPECT_EQ(s.StateOf(c), TCP_CLOSED);
    EXPECT_GT(notified, 0);
    EXPECT_EQ(s.Pending(), 0u);
    char buf[4];
    EXPECT_EQ(tcp_receive(c.t, buf, sizeof buf, s.now()), -ECONNRESET);
    EXPECT_EQ(tcp_send(c.t, "x", 1, s.now()), -EPIPE) << "reported once, then EPIPE";
    EXPECT_EQ(s.stats().estab_resets, 1u);
    EXPECT_EQ(s.stats().in_rsts, 1u);
    tcp_close(c.t, s.now());
    tcp_close(c.listener, s.now());
}

TEST(TcpRst, InWindowResetGetsAChallengeAck)
{
    OneStack s(kSeed);
    Conn c = s.Passive();
    Seg rst = c.From(TCP_FLAG_RST);
    rst.seq = c.peer_nxt + 1000;   // inside the 65535-byte window, not exact
    s.Inject(rst);
    EXPECT_EQ(s.StateOf(c), TCP_ESTABLISHED);
    Sent ack;
    ASSERT_TRUE(s.Pop(&ack)) << s.Dump();
    EXPECT_EQ(ack.Flags(), ".");
    EXPECT_EQ(ack.h.seq, c.stack_nxt);
    EXPECT_EQ(ack.h.ack, c.peer_nxt);
    EXPECT_EQ(s.stats().challenge_acks, 1u);
    EXPECT_EQ(s.stats().rst_in_window, 1u);

    // Outside the window: dropped without a word.
    rst.seq = c.peer_nxt + 70000;
    s.Inject(rst);
    EXPECT_EQ(s.Pending(), 0u);
    EXPECT_EQ(s.StateOf(c), TCP_ESTABLISHED);

    // The peer answers the challenge ACK with the exact RST: now it counts.
    s.Inject(c.From(TCP_FLAG_RST));
    EXPECT_EQ(s.StateOf(c), TCP_CLOSED);
    EXPECT_EQ(tcp_error(c.t), -ECONNRESET);
    tcp_close(c.t, s.now());
    tcp_close(c.listener, s.now());
}

TEST(TcpRst, OldDuplicateSynDuringAConnectionGetsAChallengeAck)
{
    OneStack s(kSeed);
    Conn c = s.Passive();
    ASSERT_EQ(tcp_send(c.t, "abc", 3, s.now()), 3);
    Sent d;
    ASSERT_TRUE(s.Pop(&d));
    c.stack_nxt += 3;
    s.Inject(c.From(TCP_FLAG_ACK));
    // The seed's "old duplicate SYN": a SYN of an earlier incarnation.
    Seg syn = c.From(TCP_FLAG_SYN);
    syn.seq = 999;
    syn.ack = 0;
    s.Inject(syn);
    Sent ack;
    ASSERT_TRUE(s.Pop(&ack)) << s.Dump();
    EXPECT_EQ(ack.Flags(), ".");
    EXPECT_EQ(ack.h.seq, c.stack_nxt) << "<SEQ=SND.NXT>";
    EXPECT_EQ(ack.h.ack, c.peer_nxt) << "<ACK=RCV.NXT>";
    EXPECT_EQ(s.StateOf(c), TCP_ESTABLISHED) << "the connection is not disturbed";
    EXPECT_EQ(s.stats().syn_in_window, 1u);
    // An in-window SYN is challenged too (RFC 5961 §4.2: irrespective of seq).
    syn.seq = c.peer_nxt + 10;
    s.Inject(syn);
    ASSERT_TRUE(s.Pop(&ack));
    EXPECT_EQ(ack.h.ack, c.peer_nxt);
    EXPECT_EQ(s.stats().challenge_acks, 2u);
    tcp_abort(c.t, s.now());
    tcp_close(c.listener, s.now());
}

TEST(TcpRst, ChallengeAcksAreRateLimited)
{
    tcp_config cfg = DefaultConfig();
    cfg.challenge_ack_limit = 3;
    OneStack s(kSeed, &cfg);
    Conn c = s.Passive();
    Seg rst = c.From(TCP_FLAG_RST);
    rst.seq = c.peer_nxt + 10;
    for (int i = 0; i < 5; i++)
        s.Inject(rst);
    size_t acks = 0;
    Sent a;
    while (s.Pop(&a))
        acks++;
    EXPECT_EQ(acks, 3u);
    EXPECT_EQ(s.stats().challenge_acks_limited, 2u);
    // A second later the budget is back.
    s.RunFor(usec_from_sec(1));
    s.Inject(rst);
    EXPECT_TRUE(s.Pop(&a));
    tcp_abort(c.t, s.now());
    tcp_close(c.listener, s.now());
}

TEST(TcpRst, AbortSendsReset)
{
    OneStack s(kSeed);
    Conn c = s.Passive();
    tcp_abort(c.t, s.now());
    Sent rst;
    ASSERT_TRUE(s.Pop(&rst));
    EXPECT_EQ(rst.Flags(), "R.");
    EXPECT_EQ(rst.h.seq, c.stack_nxt);
    EXPECT_EQ(rst.h.ack, c.peer_nxt);
    EXPECT_EQ(s.StateOf(c), TCP_CLOSED);
    tcp_close(c.listener, s.now());
}

TEST(TcpRst, CloseWithUnreadDataSendsReset)
{
    OneStack s(kSeed);
    Conn c = s.Passive();
    s.Inject(c.From(TCP_FLAG_ACK | TCP_FLAG_PSH, "unread"));
    Sent ack;
    ASSERT_TRUE(s.Pop(&ack));
    c.peer_nxt += 6;
    tcp_close(c.t, s.now());   // RFC 1122 §4.2.2.13: data was lost
    Sent rst;
    ASSERT_TRUE(s.Pop(&rst));
    EXPECT_EQ(rst.Flags(), "R.");
    EXPECT_EQ(s.StateOf(c), TCP_CLOSED);
    tcp_close(c.listener, s.now());
}

TEST(TcpRst, DataAfterCloseIsAnsweredWithReset)
{
    OneStack s(kSeed);
    Conn c = s.Passive();
    tcp_close(c.t, s.now());
    Sent fin;
    ASSERT_TRUE(s.Pop(&fin));
    c.stack_nxt += 1;
    s.Inject(c.From(TCP_FLAG_ACK));
    ASSERT_EQ(s.StateOf(c), TCP_FIN_WAIT_2);
    s.Inject(c.From(TCP_FLAG_ACK | TCP_FLAG_PSH, "too late"));
    Sent rst;
    ASSERT_TRUE(s.Pop(&rst)) << s.Dump();
    EXPECT_EQ(rst.Flags(), "R.");
    EXPECT_EQ(s.StateOf(c), TCP_CLOSED);
    EXPECT_EQ(s.stats().data_after_close, 1u);
    tcp_close(c.listener, s.now());
}

TEST(TcpRst, AckToAListenerGetsReset)
{
    OneStack s(kSeed);
    tcb *l = tcp_open(s.tcp());
    ASSERT_EQ(tcp_bind(l, 0, 7), 0);
    ASSERT_EQ(tcp_listen(l, 4, s.now()), 0);
    s.Inject({.seq = 1000, .ack = 4242, .flags = TCP_FLAG_ACK});
    Sent rst;
    ASSERT_TRUE(s.Pop(&rst));
    EXPECT_EQ(rst.Flags(), "R");
    EXPECT_EQ(rst.h.seq, 4242u);
    s.Inject({.seq = 1000, .flags = TCP_FLAG_RST});
    EXPECT_EQ(s.Pending(), 0u) << "RST to a listener is ignored";
    EXPECT_EQ(tcp_get_state(l), TCP_LISTEN);
    tcp_close(l, s.now());
}

}  // namespace
