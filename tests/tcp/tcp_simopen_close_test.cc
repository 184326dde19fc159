// tcp_simopen_close_test.cc — regression for the fuzzer's "cong NULL after
// simultaneous open" (tests/fuzz/crashes/tcp_state/): a simultaneous open
// (RFC 9293 Figure 8) whose user closes in SYN-RECEIVED goes to FIN-WAIT-1
// (§3.10.4 CLOSE: "SYN-RECEIVED STATE: If no SENDs have been issued and
// there is no pending data to send, then form a FIN segment and send it,
// and enter FIN-WAIT-1 state"), never through ESTABLISHED. Its SYN is then
// acknowledged in FIN-WAIT-1 and the FIN's retransmission timer runs the
// congestion control's timeout rule: the algorithm must be there.
#include <gtest/gtest.h>

#include "stack/transport/tcb.h"
#include "tests/tcp/tcp_harness.h"

namespace {

using namespace tcptest;

constexpr uint64_t kSeed = 0x51A0;

// Drive a simultaneous open into SYN_RECV; returns the stack's ISS.
uint32_t CrossSyns(OneStack &s, tcb *c)
{
    EXPECT_EQ(tcp_bind(c, 0, 5000), 0);
    EXPECT_EQ(tcp_connect(c, kPeer, 6000, s.now()), 0);
    Sent syn;
    EXPECT_TRUE(s.Pop(&syn));
    s.Inject({.sport = 6000, .dport = 5000, .seq = 300, .flags = TCP_FLAG_SYN, .mss = 1460});
    EXPECT_EQ(tcp_get_state(c), TCP_SYN_RECV) << s.Dump();
    s.Clear();
    return syn.h.seq;
}

TEST(TcpSimopenClose, CongestionControlIsSetBeforeAnyAckArrives)
{
    OneStack s(kSeed);
    tcb *c = tcp_open(s.tcp());
    CrossSyns(s, c);
    // Not only ESTABLISHED: every connection that has sent a SYN has an
    // algorithm and a window, whatever path it takes next.
    EXPECT_NE(c->cong, nullptr) << s.Dump();
    EXPECT_GT(c->cwnd, 0u);
    tcp_abort(c, s.now());
}

TEST(TcpSimopenClose, CloseInSynRecvThenTimeoutDoesNotCrash)
{
    SCOPED_TRACE(::testing::Message() << "seed " << kSeed);
    OneStack s(kSeed);
    tcb *c = tcp_open(s.tcp());
    uint32_t iss = CrossSyns(s, c);

    ASSERT_EQ(tcp_shutdown(c, false, true, s.now()), 0);
    EXPECT_EQ(tcp_get_state(c), TCP_FIN_WAIT_1) << s.Dump();
    // The peer's ACK of our SYN only (not of a FIN): SYN_RECV's ACK check
    // never runs, established() never runs.
    s.Inject({.sport = 6000, .dport = 5000, .seq = 301, .ack = iss + 1,
              .flags = TCP_FLAG_ACK});
    s.Clear();
    // Let the retransmission timer fire a few times: RFC 5681 §3.1's
    // timeout rule needs the algorithm's ssthresh().
    s.RunFor(usec_from_sec(10));
    ASSERT_NE(c->cong, nullptr) << s.Dump();
    EXPECT_EQ(c->cwnd, c->snd_mss) << "a timeout leaves one segment (RFC 5681 §3.1)\n" << s.Dump();
    bool fin_again = false;
    Sent seg;
    while (s.Pop(&seg))
        fin_again |= (seg.h.flags & TCP_FLAG_FIN) != 0;
    EXPECT_TRUE(fin_again) << "the FIN is retransmitted\n" << s.Dump();
    EXPECT_GT(s.stats().retrans_segs, 0u);

    // The peer acknowledges the FIN: FIN-WAIT-2, as any close.
    s.Inject({.sport = 6000, .dport = 5000, .seq = 301, .ack = c->snd_max,
              .flags = TCP_FLAG_ACK});
    EXPECT_EQ(tcp_get_state(c), TCP_FIN_WAIT_2) << s.Dump();
    tcp_abort(c, s.now());
}

}  // namespace
