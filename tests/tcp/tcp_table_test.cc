// tcp_table_test — how TCP finds its connections (stack/transport/
// tcp_table.h, issue 12): a SYN finds its listener by RFC 9293 §3.10.7's
// rule (the segment's own address before the wildcard) among the few
// listeners of its port, not among every connection; the 4-tuple table
// grows with the connections; a local port is in use exactly while a tcb
// holds it, which bind and the ephemeral port choice ask in one look; and
// the connection's name (its trace subject) is written without snprintf.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstdio>
#include <set>
#include <string>

#include "stack/transport/tcp_internal.h"
#include "tests/tcp/tcp_harness.h"

namespace {

using namespace tcptest;

// The peer opens a connection from pport to port; the stack's listener
// (whichever it is) accepts it. Returns the accepting listener's child.
tcb *Handshake(OneStack &s, uint16_t port, uint16_t pport, tcb **by = nullptr)
{
    s.Inject(SynTo(port, pport, 1000));
    Sent synack;
    if (!s.Pop(&synack) || synack.h.flags != (TCP_FLAG_SYN | TCP_FLAG_ACK)) {
        ADD_FAILURE() << "no SYN+ACK from port " << pport;
        return nullptr;
    }
    Seg ack = SynTo(port, pport, 1001);
    ack.flags = TCP_FLAG_ACK;
    ack.ack = synack.h.seq + 1;
    ack.mss = 0;
    s.Inject(ack);
    tcb *l = tcp_lookup_listener(s.tcp(), kStack, port);
    if (by != nullptr)
        *by = l;
    int err = 0;
    return l != nullptr ? tcp_accept(l, &err, s.now()) : nullptr;
}

TEST(TcpTable, ASynGoesToTheListenerOnItsAddressBeforeTheWildcard)
{
    OneStack s(1301);
    // Both bound before either listens (SO_REUSEADDR lets them share 80),
    // the wildcard first: order does not decide, the address does.
    tcb *wild = tcp_open(s.tcp()), *exact = tcp_open(s.tcp());
    tcp_set_reuseaddr(wild, true);
    tcp_set_reuseaddr(exact, true);
    ASSERT_EQ(tcp_bind(wild, 0, 80), 0);
    ASSERT_EQ(tcp_bind(exact, kStack, 80), 0);
    ASSERT_EQ(tcp_listen(wild, 8, s.now()), 0);
    ASSERT_EQ(tcp_listen(exact, 8, s.now()), 0);
    EXPECT_EQ(tcp_lookup_listener(s.tcp(), kStack, 80), exact);
    EXPECT_EQ(tcp_lookup_listener(s.tcp(), 0x0A000063, 80), wild) << "another local address";
    EXPECT_EQ(tcp_lookup_listener(s.tcp(), kStack, 81), nullptr) << "nobody listens on 81";

    tcb *by = nullptr;
    tcb *c1 = Handshake(s, 80, 40001, &by);
    EXPECT_EQ(by, exact);
    ASSERT_NE(c1, nullptr);
    EXPECT_EQ(tcp_get_state(c1), TCP_ESTABLISHED);

    // The exact listener closes: the wildcard one takes the next SYN.
    tcp_close(exact, s.now());
    EXPECT_EQ(tcp_lookup_listener(s.tcp(), kStack, 80), wild);
    tcb *c2 = Handshake(s, 80, 40002, &by);
    EXPECT_EQ(by, wild);
    ASSERT_NE(c2, nullptr);

    // And with none left, a SYN is answered with a reset.
    tcp_close(wild, s.now());
    EXPECT_EQ(tcp_lookup_listener(s.tcp(), kStack, 80), nullptr);
    s.Inject(SynTo(80, 40003));
    Sent rst;
    ASSERT_TRUE(s.Pop(&rst));
    EXPECT_TRUE(rst.h.flags & TCP_FLAG_RST);
    tcp_abort(c1, s.now());
    tcp_abort(c2, s.now());
}

TEST(TcpTable, AListenerStaysOneOfFewAmongThousandsOfItsConnections)
{
    OneStack s(1302);
    tcb *l = ListenOn(s, 80, 128);
    ListenOn(s, 8080);
    const unsigned n = 2000;
    for (unsigned i = 0; i < n; i++) {
        tcb *c = Handshake(s, 80, (uint16_t)(10000 + i));
        ASSERT_NE(c, nullptr) << i;
    }
    const tcp_port *p = tcp_port_find(s.tcp(), 80);
    ASSERT_NE(p, nullptr);
    unsigned holders = 0, listeners = 0;
    for (const tcb *t = p->holders; t; t = t->port_next)
        holders++;
    for (const tcb *t = p->listeners; t; t = t->listen_next)
        listeners++;
    EXPECT_EQ(holders, n + 1) << "the listener and its connections hold port 80";
    EXPECT_EQ(listeners, 1u) << "a SYN looks at the listener alone";
    EXPECT_EQ(tcp_lookup_listener(s.tcp(), kStack, 80), l);

    // The 4-tuple table grew with them: about one connection per bucket.
    const tcp_table &tab = s.tcp()->table;
    EXPECT_EQ(tab.conn_count, n);
    EXPECT_GE(tab.conn_buckets, n);
    for (unsigned i = 0; i < n; i++)
        ASSERT_EQ(s.StateOf(80, kPeer, (uint16_t)(10000 + i)), TCP_ESTABLISHED) << i;
    EXPECT_EQ(s.StateOf(80, kPeer, 9999), TCP_CLOSED);
}

// The connection the last lookup found is tried before the hash; it must
// never be found once it has left the table (a freed tcb: AddressSanitizer
// would report the read).
TEST(TcpTable, TheLastConnectionFoundIsTriedFirstAndForgottenWhenItGoes)
{
    OneStack s(1304);
    ListenOn(s, 80);
    tcb *a = Handshake(s, 80, 40001), *b = Handshake(s, 80, 40002);
    ASSERT_NE(a, nullptr);
    ASSERT_NE(b, nullptr);
    EXPECT_EQ(tcp_lookup(s.tcp(), kStack, 80, kPeer, 40001), a);
    EXPECT_EQ(s.tcp()->table.last, a);
    EXPECT_EQ(tcp_lookup(s.tcp(), kStack, 80, kPeer, 40002), b) << "not the remembered one";
    EXPECT_EQ(s.tcp()->table.last, b);
    EXPECT_EQ(tcp_lookup(s.tcp(), kStack, 80, kPeer, 40003), nullptr);
    EXPECT_EQ(s.tcp()->table.last, b) << "a miss changes nothing";
    tcp_abort(b, s.now());   // leaves the table and is freed
    EXPECT_EQ(s.tcp()->table.last, nullptr);
    EXPECT_EQ(tcp_lookup(s.tcp(), kStack, 80, kPeer, 40002), nullptr);
    EXPECT_EQ(tcp_lookup(s.tcp(), kStack, 80, kPeer, 40001), a);
    tcp_abort(a, s.now());
}

TEST(TcpTable, APortIsInUseWhileAnyConnectionHoldsIt)
{
    OneStack s(1303);
    Conn c = s.Passive(80);
    ASSERT_NE(c.t, nullptr);
    tcp_close(c.listener, s.now());
    tcb *again = tcp_open(s.tcp());
    EXPECT_EQ(tcp_bind(again, 0, 80), -EADDRINUSE) << "the accepted connection holds 80";
    EXPECT_NE(tcp_port_find(s.tcp(), 80), nullptr);
    tcp_abort(c.t, s.now());
    EXPECT_EQ(tcp_port_find(s.tcp(), 80), nullptr) << "the last holder frees the entry";
    EXPECT_EQ(tcp_bind(again, 0, 80), 0);
    tcp_abort(again, s.now());
}

TEST(TcpTable, EveryEphemeralPortCanBeUsedAndAFreedOneIsFoundAgain)
{
    OneStack s(1304);
    const unsigned range = TCP_EPHEMERAL_LAST - TCP_EPHEMERAL_FIRST + 1;
    std::set<uint16_t> ports;
    tcb *first = nullptr;
    for (unsigned i = 0; i < range; i++) {
        tcb *t = tcp_open(s.tcp());
        ASSERT_EQ(tcp_connect(t, kPeer, 80, s.now()), 0) << i;
        uint16_t port = 0;
        tcp_local(t, nullptr, &port);
        ASSERT_TRUE(ports.insert(port).second) << "port " << port << " given twice";
        if (first == nullptr)
            first = t;
        if (i % 256 == 0)
            s.Clear();   // the SYNs: nobody answers them
    }
    s.Clear();
    tcb *extra = tcp_open(s.tcp());
    EXPECT_EQ(tcp_connect(extra, kPeer, 80, s.now()), -EADDRINUSE) << "the range is used up";
    uint16_t freed = 0;
    tcp_local(first, nullptr, &freed);
    tcp_abort(first, s.now());
    ASSERT_EQ(tcp_connect(extra, kPeer, 80, s.now()), 0);
    uint16_t got = 0;
    tcp_local(extra, nullptr, &got);
    EXPECT_EQ(got, freed) << "the one free port";
}

TEST(TcpTable, TheSubjectNamesTheFourTupleAsSnprintfWould)
{
    struct {
        uint32_t lip, rip;
        uint16_t lport, rport;
    } cases[] = {
        {0, 0, 0, 0},
        {0xFFFFFFFF, 0xFFFFFFFF, 65535, 65535},
        {0x0A000002, 0xC0A80164, 80, 49152},
        {0x01020304, 0x0A00000A, 9, 10},
    };
    OneStack s(1305);
    tcb *fresh = tcp_open(s.tcp());
    EXPECT_EQ(std::string(fresh->subject), Subject(0, 0, 0, 0)) << "a new tcb's name";
    ASSERT_EQ(tcp_bind(fresh, kStack, 7), 0);
    EXPECT_EQ(std::string(fresh->subject), Subject(kStack, 7, 0, 0));
    tcp_abort(fresh, s.now());
    for (const auto &c : cases) {
        char got[TRACE_SUBJECT_LEN];
        tcp_format_subject(got, sizeof got, c.lip, c.lport, c.rip, c.rport);
        EXPECT_EQ(std::string(got), Subject(c.lip, c.lport, c.rip, c.rport));
        // Cut short the way snprintf cuts.
        std::string whole = Subject(c.lip, c.lport, c.rip, c.rport);
        for (size_t len : {1u, 5u, 12u}) {
            char small[16];
            tcp_format_subject(small, len, c.lip, c.lport, c.rip, c.rport);
            EXPECT_EQ(std::string(small), whole.substr(0, len - 1));
        }
    }
}

}  // namespace
