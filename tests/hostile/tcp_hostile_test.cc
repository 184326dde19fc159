// tcp_hostile_test.cc — malformed and malicious TCP segments against one
// stack: each is answered as the RFCs say or dropped and counted, and the
// connection it was aimed at goes on working.
#include <cerrno>

#include "tests/hostile/hostile.h"

namespace hostile {
namespace {

constexpr uint64_t kSeed = 11;

// The connection still carries data both ways after the attack.
void ExpectStillWorks(Host &h, Conn &c)
{
    h.Clear();
    h.Inject(c.From(TCP_FLAG_ACK | TCP_FLAG_PSH, "ping"));
    char buf[16];
    ASSERT_EQ(4, socket_recv(h.st(), c.fd, buf, sizeof buf, h.now())) << h.Dump();
    c.peer_nxt += 4;
    ASSERT_EQ(4, socket_send(h.st(), c.fd, "pong", 4, h.now()));
    bool saw = false;
    for (const Sent &s : h.Sent_())
        saw |= s.tcp && s.data == "pong";
    EXPECT_TRUE(saw) << h.Dump();
    c.stack_nxt += 4;
}

// RFC 9293 §3.1 MUST-7: an option with an illegal length must not crash the
// stack; tunlab drops the whole segment (tcp_hdr_parse refuses it) and
// counts it in bad_options and in_errs.
TEST(TcpHostile, OptionLengthZeroIsDroppedAndCounted)
{
    Host h(kSeed);
    Conn c = Establish(h);
    Seg s = c.From(TCP_FLAG_ACK | TCP_FLAG_PSH, "lost");
    s.options = {30, 0};   // an unknown kind, length 0: the walk would never advance
    uint64_t bad = h.tcp().bad_options, errs = h.tcp().in_errs;
    h.Inject(s);
    EXPECT_EQ(bad + 1, h.tcp().bad_options);
    EXPECT_EQ(errs + 1, h.tcp().in_errs);
    EXPECT_EQ(0u, h.Pending()) << "a dropped segment is not answered\n" << h.Dump();
    char buf[8];
    EXPECT_EQ(-EAGAIN, socket_recv(h.st(), c.fd, buf, sizeof buf, h.now()));
    ExpectStillWorks(h, c);
}

TEST(TcpHostile, OptionRunningPastTheHeaderIsDroppedAndCounted)
{
    Host h(kSeed);
    Conn c = Establish(h);
    Seg s = c.From(TCP_FLAG_ACK, "lost");
    s.options = {1, 1, 1, TCP_OPT_TIMESTAMPS, 10, 0, 0, 0};   // 10 bytes from offset 3 of 8
    uint64_t bad = h.tcp().bad_options;
    h.Inject(s);
    EXPECT_EQ(bad + 1, h.tcp().bad_options);
    EXPECT_EQ(0u, h.Pending()) << h.Dump();
    ExpectStillWorks(h, c);
}

// RFC 9293 §3.1: the data offset counts 32-bit words of header; one that
// points past the segment (or below 5) leaves no header to read.
TEST(TcpHostile, DataOffsetBeyondTheSegmentIsDroppedAndCounted)
{
    Host h(kSeed);
    Conn c = Establish(h);
    uint64_t bad = h.tcp().bad_header;
    Seg s = c.From(TCP_FLAG_ACK, "0123");
    s.data_offset = 15;   // 60 bytes of header in a 24-byte segment
    h.Inject(s);
    s.data_offset = 2;    // 8 bytes: shorter than the fixed header
    h.Inject(s);
    EXPECT_EQ(bad + 2, h.tcp().bad_header);
    EXPECT_EQ(0u, h.Pending()) << h.Dump();
    ExpectStillWorks(h, c);
}

// RFC 9293 §3.10.7.2 (LISTEN), first check: "An incoming RST should be
// ignored." A SYN+RST is an RST first.
TEST(TcpHostile, SynRstAtAListenerIsIgnored)
{
    Host h(kSeed);
    int l = socket_open(h.st(), SOCK_TYPE_STREAM);
    sock_addr a = {0, 80};
    ASSERT_EQ(0, socket_bind(h.st(), l, &a));
    ASSERT_EQ(0, socket_listen(h.st(), l, 4, h.now()));
    uint64_t before = h.tcp().drop_rst_no_tcb;
    Seg s;
    s.flags = TCP_FLAG_SYN | TCP_FLAG_RST;
    s.seq = 5;
    h.Inject(s);
    EXPECT_EQ(before + 1, h.tcp().drop_rst_no_tcb);
    EXPECT_EQ(0u, h.Pending()) << h.Dump();
    EXPECT_EQ(TCP_CLOSED, tcp_state_of(h.st()->tcp, kStack, 80, kPeer, 40000));
}

// SYN+FIN at a listener: RFC 9293 §3.10.7.2 answers the SYN ("Any other
// control or text should be queued for processing later after the connection
// is ESTABLISHED"); Linux drops the combination instead. Either way nothing
// may break: the test accepts a SYN+ACK (then the FIN must be honoured:
// CLOSE_WAIT after the handshake) or a counted silent drop.
TEST(TcpHostile, SynFinAtAListenerIsAnsweredOrDropped)
{
    Host h(kSeed);
    int l = socket_open(h.st(), SOCK_TYPE_STREAM);
    sock_addr a = {0, 80};
    ASSERT_EQ(0, socket_bind(h.st(), l, &a));
    ASSERT_EQ(0, socket_listen(h.st(), l, 4, h.now()));
    Seg s;
    s.flags = TCP_FLAG_SYN | TCP_FLAG_FIN;
    s.seq = 5;
    uint64_t drops = h.tcp().drop_listen;
    h.Inject(s);
    std::vector<Sent> out = h.Sent_();
    if (out.empty()) {
        EXPECT_EQ(drops + 1, h.tcp().drop_listen) << "a silent drop must be counted";
        printf("SYN+FIN at a listener: dropped and counted\n");
        return;
    }
    ASSERT_EQ(1u, out.size());
    ASSERT_EQ(TCP_FLAG_SYN | TCP_FLAG_ACK, out[0].h.flags) << h.Dump();
    Seg ack;
    ack.flags = TCP_FLAG_ACK;
    ack.seq = 6;
    ack.ack = out[0].h.seq + 1;
    h.Inject(ack);
    int st = tcp_state_of(h.st()->tcp, kStack, 80, kPeer, 40000);
    // The FIN occupies sequence number 6 only if it was queued; if the
    // stack ignored it, the peer's ACK at 6 is still acceptable and the
    // connection is ESTABLISHED, and the peer's retransmitted FIN ends it.
    EXPECT_TRUE(st == TCP_CLOSE_WAIT || st == TCP_ESTABLISHED) << tcp_state_name(st) << h.Dump();
    printf("SYN+FIN at a listener: SYN+ACK, then %s after the handshake\n", tcp_state_name(st));
}

// RFC 7323 §2.3: "If a Window Scale option is received with a shift.cnt
// value larger than 14, the TCP SHOULD log the error but MUST use 14
// instead of the specified value."
TEST(TcpHostile, WindowScaleAbove14IsUsedAs14)
{
    Host h(kSeed);
    Conn c = Establish(h, 40000, {TCP_OPT_MSS, 4, 5, 180, TCP_OPT_NOP, TCP_OPT_WSCALE, 3, 15});
    Seg s = c.From(TCP_FLAG_ACK);
    s.win = 3;
    h.Inject(s);
    tcp_info i;
    tcp_get_info(h.Tcb(c.fd), &i);
    EXPECT_TRUE(i.snd_wnd == 3u << 14 || i.snd_wnd == 3u)
        << "window " << i.snd_wnd << ": scaled by 14, or unscaled if the stack does not "
        << "offer window scaling\n" << h.Dump();
    EXPECT_NE(3u << 15, i.snd_wnd);
}

// RFC 9293 §3.7.1 / RFC 1122 §4.2.2.6: without a usable MSS option the
// send MSS is 536. An MSS of 0 is not usable: tunlab treats it as absent.
TEST(TcpHostile, MssZeroIsTreatedAsAbsent)
{
    Host h(kSeed);
    Conn c = Establish(h, 40000, {TCP_OPT_MSS, 4, 0, 0});
    tcp_info i;
    tcp_get_info(h.Tcb(c.fd), &i);
    EXPECT_EQ(536u, i.snd_mss) << h.Dump();
    // And data still flows in segments of at most that size.
    std::string big(2000, 'm');
    h.Clear();
    ASSERT_GT(socket_send(h.st(), c.fd, big.data(), big.size(), h.now()), 0);
    for (const Sent &s : h.Sent_()) {
        if (s.tcp) {
            EXPECT_LE(s.data.size(), 536u);
        }
    }
}

// RFC 9293 §3.10.7.4, fifth check: "If the ACK acknowledges something not
// yet sent (SEG.ACK > SND.NXT), then send an ACK, drop the segment, and
// return." Counted in drop_bad_ack; the data it carried is not delivered.
TEST(TcpHostile, AckForDataNeverSentIsAnsweredWithAnAck)
{
    Host h(kSeed);
    Conn c = Establish(h);
    uint64_t bad = h.tcp().drop_bad_ack;
    Seg s = c.From(TCP_FLAG_ACK | TCP_FLAG_PSH, "data");
    s.ack = c.stack_nxt + 100000;
    h.Inject(s);
    EXPECT_EQ(bad + 1, h.tcp().drop_bad_ack);
    std::vector<Sent> out = h.Sent_();
    ASSERT_EQ(1u, out.size()) << h.Dump();
    EXPECT_EQ(TCP_FLAG_ACK, out[0].h.flags);
    EXPECT_EQ(c.peer_nxt, out[0].h.ack) << "the data was not taken";
    char buf[8];
    EXPECT_EQ(-EAGAIN, socket_recv(h.st(), c.fd, buf, sizeof buf, h.now()));
    tcp_info i;
    tcp_get_info(h.Tcb(c.fd), &i);
    EXPECT_EQ(c.stack_nxt, i.snd_una) << "SND.UNA did not move";
    ExpectStillWorks(h, c);
}

// RFC 5961 §3.2: an RST whose sequence number is in the window but not
// exactly RCV.NXT gets a challenge ACK and does not reset; outside the
// window it is dropped. A storm of 20,000 blind RSTs (seeded random
// sequence numbers) must leave the connection up, with the challenge ACKs
// capped by RFC 5961 §7's rate limit (1000 per second per stack).
TEST(TcpHostile, BlindRstStormLeavesTheConnectionUp)
{
    Host h(kSeed);
    Conn c = Establish(h);
    uint64_t start_bufs = LiveBuffers();
    struct rng r;
    rng_seed(&r, kSeed);
    size_t answers = 0;
    for (int i = 0; i < 20000; i++) {
        Seg s = c.From(TCP_FLAG_RST);
        s.seq = rng_u32(&r);
        if (s.seq == c.peer_nxt)
            continue;
        h.Inject(s);
        answers += h.Sent_().size();
    }
    EXPECT_EQ(TCP_ESTABLISHED, tcp_state_of(h.st()->tcp, kStack, 80, kPeer, c.pport)) << h.Dump();
    EXPECT_LE(answers, 1000u) << "challenge ACKs within one second are rate-limited";
    EXPECT_GT(h.tcp().challenge_acks + h.tcp().challenge_acks_limited + h.tcp().drop_not_acceptable,
              0u);
    EXPECT_EQ(start_bufs, LiveBuffers()) << "the storm left buffers behind";
    ExpectStillWorks(h, c);
}

// RFC 5961 §4.2: a SYN in a synchronized state, in window or not, is
// answered with a challenge ACK and never resets the connection.
TEST(TcpHostile, SynStormAtAnEstablishedConnectionIsChallenged)
{
    Host h(kSeed);
    Conn c = Establish(h);
    uint64_t before = h.tcp().syn_in_window;
    for (int i = 0; i < 5000; i++) {
        Seg s = c.From(TCP_FLAG_SYN);
        s.seq = c.peer_nxt + (uint32_t)i * 7919u;
        h.Inject(s);
        h.Clear();
    }
    EXPECT_EQ(TCP_ESTABLISHED, tcp_state_of(h.st()->tcp, kStack, 80, kPeer, c.pport)) << h.Dump();
    EXPECT_GT(h.tcp().syn_in_window, before);
    ExpectStillWorks(h, c);
}

// A SYN+RST whose sequence number is exactly RCV.NXT: the RST check comes
// before the SYN check (RFC 9293 §3.10.7.4, second and fourth), so this is
// an exact reset (RFC 5961 §3.2: "If the RST bit is set and the sequence
// number exactly matches the next expected sequence number, the receiver
// MUST reset the connection").
TEST(TcpHostile, SynRstAtRcvNxtResetsTheConnection)
{
    Host h(kSeed);
    Conn c = Establish(h);
    h.Inject(c.From(TCP_FLAG_SYN | TCP_FLAG_RST));
    char buf[4];
    EXPECT_EQ(-ECONNRESET, socket_recv(h.st(), c.fd, buf, sizeof buf, h.now())) << h.Dump();
}

// Established connections under attack by an RST at every in-window
// offset: none but the exact one resets, and the pkb accounting returns
// to its start once the stack is freed.
TEST(TcpHostile, MemoryReturnsToItsStartAfterTheAttacks)
{
    uint64_t start = LiveBuffers(), start_bytes = LiveBytes();
    {
        Host h(kSeed);
        Conn c = Establish(h);
        for (uint32_t off = 1; off < 65535; off += 97) {
            Seg s = c.From(TCP_FLAG_RST);
            s.seq = c.peer_nxt + off;
            h.Inject(s);
            h.Clear();
        }
        EXPECT_EQ(TCP_ESTABLISHED, tcp_state_of(h.st()->tcp, kStack, 80, kPeer, c.pport));
        socket_close(h.st(), c.fd, h.now());
        socket_close(h.st(), c.listener, h.now());
    }
    EXPECT_EQ(start, LiveBuffers());
    EXPECT_EQ(start_bytes, LiveBytes());
}

}  // namespace
}  // namespace hostile
