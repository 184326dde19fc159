// tcp_harness.h — test helpers for the TCP suites.
//
// Two ways to test TCP, as the design notes suggest:
//  - OneStack: one stack on a capture device; the test plays the peer. It
//    builds "the segment the peer sends now" (Seg) and pops "the segments
//    the stack sent" (Sent), so every field can be asserted exactly.
//  - Pair: two real stacks on the simulated link (tests/shim/pair.h), used
//    through TCP's user calls, when both ends should be tunlab.
// Both run in virtual time and keep one trace; Dump() prints it with the
// seed for failure messages.
#ifndef TUNLAB_TESTS_TCP_TCP_HARNESS_H
#define TUNLAB_TESTS_TCP_TCP_HARNESS_H

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "stack/core/byteorder.h"
#include "stack/core/checksum.h"
#include "stack/core/pkb.h"
#include "stack/core/trace.h"
#include "stack/dump/dump.h"
#include "stack/phy/capdev.h"
#include "stack/phy/simlink.h"
#include "stack/socket/sock_table.h"
#include "stack/socket/socket_tcp.h"
#include "stack/stack.h"
#include "stack/transport/tcp.h"
#include "stack/transport/tcp_hdr.h"
#include "stack/transport/tcp_state.h"
#include "tests/shim/pair.h"

namespace tcptest {

constexpr uint32_t kPeer = 0x0A000001;    // 10.0.0.1: the test (or the client stack)
constexpr uint32_t kStack = 0x0A000002;   // 10.0.0.2: the stack under test (or the server)

// The test configuration: the defaults, which the tests state.
inline tcp_config DefaultConfig()
{
    tcp_config c;
    tcp_config_default(&c);
    return c;
}

// The defaults with a half-open table (SYN cache) of `max_syn_backlog`
// entries, and SYN cookies on or off for when it is full.
inline tcp_config ListenerConfig(unsigned max_syn_backlog, bool cookies)
{
    tcp_config c = DefaultConfig();
    c.max_syn_backlog = max_syn_backlog;
    c.syncookies = cookies;
    return c;
}

// Give a stack its TCP if stack.c does not create one yet; returns true when
// this helper created it (and must free it).
inline bool EnsureTcp(stack *st, const tcp_config *cfg)
{
    if (st->tcp != nullptr) {
        if (cfg != nullptr)
            tcp_set_config(st->tcp, cfg);
        return false;
    }
    st->tcp = tcp_new(st->ip, &st->timers, &st->rng, st->trace, st->name, cfg);
    if (st->tcp != nullptr && st->socks != nullptr)
        sock_table_add_proto(st->socks, &socket_tcp_ops);
    return true;
}

inline void ReleaseTcp(stack *st, bool created)
{
    if (created && st != nullptr) {
        tcp_free(st->tcp);
        st->tcp = nullptr;
    }
}

inline std::string TraceText(const trace *t, uint64_t seed)
{
    char *buf = nullptr;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    fprintf(f, "seed %llu\n", (unsigned long long)seed);
    dump_trace(t, f);
    fclose(f);
    std::string s(buf, len);
    free(buf);
    return s;
}

// Every state change of `subject` in the trace, as "FROM -> TO" strings.
inline std::vector<std::string> StatesOf(const trace *t, const std::string &subject)
{
    std::vector<std::string> out;
    for (size_t i = 0; i < t->count; i++) {
        const trace_event &ev = t->events[i];
        if (ev.kind == TRACE_STATE && subject == ev.subject)
            out.push_back(ev.text);
    }
    return out;
}

inline std::string Subject(uint32_t lip, uint16_t lport, uint32_t rip, uint16_t rport)
{
    char b[80];
    snprintf(b, sizeof b, "tcp %u.%u.%u.%u:%u>%u.%u.%u.%u:%u", lip >> 24, (lip >> 16) & 255,
             (lip >> 8) & 255, lip & 255, lport, rip >> 24, (rip >> 16) & 255, (rip >> 8) & 255,
             rip & 255, rport);
    return b;
}

// ---- the peer's segments ----

struct Seg {
    uint32_t src = kPeer, dst = kStack;
    uint16_t sport = 40000, dport = 7;
    uint32_t seq = 0, ack = 0;
    uint8_t flags = 0;
    uint16_t win = 65535;
    std::string data{};
    int mss = -1;                       // >= 0: an MSS option with this value
    std::vector<uint8_t> options{};     // raw option bytes (after the MSS, if any)
    int data_offset = -1;               // >= 0: write this data offset instead
    bool bad_checksum = false;
};

// A SYN from the peer's `sport` to `dport`, ISN `isn`, with an MSS option.
inline Seg SynTo(uint16_t dport, uint16_t sport, uint32_t isn = 1000)
{
    Seg g;
    g.sport = sport;
    g.dport = dport;
    g.seq = isn;
    g.flags = TCP_FLAG_SYN;
    g.mss = 1460;
    return g;
}

// IPv4 (20 bytes, no options) + TCP, every field from s.
inline std::vector<uint8_t> Build(const Seg &s)
{
    std::vector<uint8_t> opt;
    if (s.mss >= 0) {
        opt = {TCP_OPT_MSS, TCP_OPTLEN_MSS, (uint8_t)(s.mss >> 8), (uint8_t)s.mss};
    }
    opt.insert(opt.end(), s.options.begin(), s.options.end());
    while (opt.size() % 4)
        opt.push_back(0);
    size_t tcp_len = TCP_HDR_LEN + opt.size() + s.data.size();
    std::vector<uint8_t> b(20 + tcp_len, 0);
    uint8_t *ip = b.data();
    ip[0] = 0x45;
    be16_write(ip + 2, (uint16_t)b.size());
    ip[8] = 64;
    ip[9] = 6;
    be32_write(ip + 12, s.src);
    be32_write(ip + 16, s.dst);
    be16_write(ip + 10, checksum_inet(ip, 20));
    uint8_t *t = ip + 20;
    be16_write(t + TCP_OFF_SRC_PORT, s.sport);
    be16_write(t + TCP_OFF_DST_PORT, s.dport);
    be32_write(t + TCP_OFF_SEQ, s.seq);
    be32_write(t + TCP_OFF_ACK, s.ack);
    int doff = s.data_offset >= 0 ? s.data_offset : (int)((TCP_HDR_LEN + opt.size()) / 4);
    t[TCP_OFF_DATA_OFFSET] = (uint8_t)(doff << 4);
    t[TCP_OFF_FLAGS] = s.flags;
    be16_write(t + TCP_OFF_WINDOW, s.win);
    for (size_t i = 0; i < opt.size(); i++)
        t[TCP_HDR_LEN + i] = opt[i];
    for (size_t i = 0; i < s.data.size(); i++)
        t[TCP_HDR_LEN + opt.size() + i] = (uint8_t)s.data[i];
    uint16_t c = tcp_checksum(t, tcp_len, s.src, s.dst);
    if (s.bad_checksum)
        c ^= 0x0101;
    be16_write(t + TCP_OFF_CHECKSUM, c);
    return b;
}

// A segment the stack sent, parsed.
struct Sent {
    uint32_t src = 0, dst = 0;
    usec_t time = 0;
    bool checksum_ok = false;
    tcp_hdr h{};
    std::string data;

    bool Is(uint8_t flags) const { return h.flags == flags; }
    std::string Flags() const
    {
        char b[12];
        tcp_flags_format(h.flags, b, sizeof b);
        return b;
    }
};

// Parse an IPv4 datagram carrying TCP; false for anything else.
inline bool ParseSent(const uint8_t *p, size_t len, Sent *out)
{
    if (len < 20 || (p[0] >> 4) != 4 || p[9] != 6)
        return false;
    size_t ihl = (size_t)(p[0] & 15) * 4;
    size_t total = be16_read(p + 2);
    if (total > len || total < ihl)
        return false;
    out->src = be32_read(p + 12);
    out->dst = be32_read(p + 16);
    const uint8_t *t = p + ihl;
    size_t tlen = total - ihl;
    out->checksum_ok = tcp_checksum_ok(t, tlen, out->src, out->dst);
    if (tcp_hdr_parse(t, tlen, &out->h) != TCP_HDR_OK)
        return false;
    out->data.assign((const char *)out->h.payload, out->h.payload_len);
    out->h.payload = nullptr;   // points into p, which the caller frees
    return true;
}

// ---- one stack on a capture device; the test is the peer ----

// A connection between the stack and the test peer, with the sequence
// numbers each side will use next.
struct Conn {
    tcb *listener = nullptr;
    tcb *t = nullptr;          // the stack's end
    uint16_t lport = 0;        // the stack's port
    uint16_t pport = 0;        // the peer's port
    uint32_t iss = 0;          // the stack's ISS
    uint32_t peer_nxt = 0;     // next sequence number the peer sends
    uint32_t stack_nxt = 0;    // next sequence number the stack sends

    // A segment from the peer: seq = peer_nxt, ack = stack_nxt.
    Seg From(uint8_t flags, const std::string &data = "") const
    {
        Seg s;
        s.sport = pport;
        s.dport = lport;
        s.seq = peer_nxt;
        s.ack = stack_nxt;
        s.flags = flags;
        s.data = data;
        return s;
    }
};

class OneStack {
  public:
    explicit OneStack(uint64_t seed, const tcp_config *cfg = nullptr) : seed_(seed)
    {
        trace_init(&trace_, 0);
        capdev_init(&cap_, "tun0", NETDEV_LINK_IP, 1500);
        stack_config sc = {"stack", seed, &trace_};
        st_ = stack_new(&sc);
        created_ = EnsureTcp(st_, cfg);
        stack_add_iface(st_, &cap_.dev, kStack, 24, now_);
    }
    ~OneStack()
    {
        ReleaseTcp(st_, created_);
        stack_free(st_);
        capdev_destroy(&cap_);
        trace_destroy(&trace_);
    }
    OneStack(const OneStack &) = delete;
    OneStack &operator=(const OneStack &) = delete;

    stack *st() { return st_; }
    struct tcp *tcp() { return st_->tcp; }
    const tcp_stats &stats() { return *tcp_get_stats(st_->tcp); }
    usec_t now() const { return now_; }
    const trace *tr() const { return &trace_; }
    uint64_t seed() const { return seed_; }

    void Inject(const Seg &s)
    {
        std::vector<uint8_t> b = Build(s);
        capdev_inject(&cap_, b.data(), b.size(), now_);
    }

    // The next TCP segment the stack sent (false when none is waiting).
    bool Pop(Sent *out)
    {
        for (;;) {
            pkb *p = capdev_pop(&cap_);
            if (p == nullptr)
                return false;
            bool ok = ParseSent(p->data, p->len, out);
            out->time = p->rx_time;
            pkb_free(p);
            if (ok)
                return true;
        }
    }
    size_t Pending() const { return capdev_pending(&cap_); }
    void Clear() { capdev_clear(&cap_); }

    // Advance the clock to t, firing each timer at exactly its deadline.
    void RunUntil(usec_t t)
    {
        for (int guard = 0; guard < 1000000; guard++) {
            usec_t d = stack_next_deadline(st_);
            if (d == USEC_NEVER || d > t)
                break;
            if (d > now_)
                now_ = d;
            stack_run_timers(st_, now_);
        }
        if (t > now_)
            now_ = t;
    }
    void RunFor(usec_t d) { RunUntil(now_ + d); }

    // Passive open on `port`, the handshake played by the peer; accepted.
    Conn Passive(uint16_t port = 7, uint16_t pport = 40000, uint32_t peer_isn = 1000,
                 int backlog = 8)
    {
        Conn c;
        c.lport = port;
        c.pport = pport;
        c.listener = tcp_open(tcp());
        if (tcp_bind(c.listener, 0, port) < 0 || tcp_listen(c.listener, backlog, now_) < 0)
            ADD_FAILURE() << "listen on " << port;
        Inject(SynTo(port, pport, peer_isn));
        Sent synack;
        if (!Pop(&synack) || synack.h.flags != (TCP_FLAG_SYN | TCP_FLAG_ACK))
            ADD_FAILURE() << "no SYN+ACK\n" << Dump();
        c.iss = synack.h.seq;
        c.peer_nxt = peer_isn + 1;
        c.stack_nxt = c.iss + 1;
        Inject(c.From(TCP_FLAG_ACK));
        int err = 0;
        c.t = tcp_accept(c.listener, &err, now_);
        if (c.t == nullptr)
            ADD_FAILURE() << "accept: " << err << "\n" << Dump();
        return c;
    }

    // Active open to kPeer:port, the peer answering with ISN peer_isn.
    Conn Active(uint16_t port = 80, uint32_t peer_isn = 5000)
    {
        Conn c;
        c.pport = port;
        c.t = tcp_open(tcp());
        if (tcp_connect(c.t, kPeer, port, now_) < 0)
            ADD_FAILURE() << "connect";
        tcp_local(c.t, nullptr, &c.lport);
        Sent syn;
        if (!Pop(&syn) || syn.h.flags != TCP_FLAG_SYN)
            ADD_FAILURE() << "no SYN\n" << Dump();
        c.iss = syn.h.seq;
        c.stack_nxt = c.iss + 1;
        c.peer_nxt = peer_isn;
        Seg synack = c.From(TCP_FLAG_SYN | TCP_FLAG_ACK);
        synack.mss = 1460;
        Inject(synack);
        c.peer_nxt = peer_isn + 1;
        Sent ack;
        if (!Pop(&ack) || ack.h.flags != TCP_FLAG_ACK)
            ADD_FAILURE() << "no ACK of the SYN+ACK\n" << Dump();
        return c;
    }

    int StateOf(const Conn &c) { return StateOf(c.lport, kPeer, c.pport); }

    int StateOf(uint16_t lport, uint32_t rip, uint16_t rport)
    {
        return tcp_state_of(st_->tcp, kStack, lport, rip, rport);
    }

    std::string Dump() const
    {
        std::string s = TraceText(&trace_, seed_);
        char *buf = nullptr;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        tcp_print_conns(st_->tcp, f, now_);
        fclose(f);
        s += std::string(buf, len);
        free(buf);
        return s;
    }

  private:
    uint64_t seed_;
    trace trace_;
    capdev cap_;
    stack *st_ = nullptr;
    bool created_ = false;
    usec_t now_ = usec_from_sec(1000);   // not 0: a clock that has run a while
};

// ---- two stacks on the simulated link ----

class Pair {
  public:
    explicit Pair(uint64_t seed, const tcp_config *cfg = nullptr)
    {
        p_ = shim_pair_new(seed, NETDEV_LINK_IP);
        client_created_ = EnsureTcp(p_->client, cfg);
        server_created_ = EnsureTcp(p_->server, cfg);
    }
    ~Pair()
    {
        ReleaseTcp(p_->client, client_created_);
        ReleaseTcp(p_->server, server_created_);
        shim_pair_free(p_);
    }
    Pair(const Pair &) = delete;
    Pair &operator=(const Pair &) = delete;

    shim_pair *p() { return p_; }
    struct tcp *client() { return p_->client->tcp; }
    struct tcp *server() { return p_->server->tcp; }
    usec_t now() const { return shim_now(p_); }
    void RunFor(usec_t d) { shim_run_for(p_, d); }
    void RunUntil(usec_t t)
    {
        if (t > now())
            shim_run_for(p_, t - now());
    }
    const trace *tr() const { return sim_world_trace(p_->world); }
    std::string Dump() const
    {
        std::string s = TraceText(tr(), p_->seed);
        char *buf = nullptr;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        fprintf(f, "client connections:\n");
        tcp_print_conns(p_->client->tcp, f, now());
        fprintf(f, "server connections:\n");
        tcp_print_conns(p_->server->tcp, f, now());
        fclose(f);
        s += std::string(buf, len);
        free(buf);
        return s;
    }
    sim_link *link() { return p_->link; }

  private:
    shim_pair *p_ = nullptr;
    bool client_created_ = false;
    bool server_created_ = false;
};

// How most two-stack tests begin: the server listens on `port` (with a
// receive buffer of `rcvbuf` bytes if not 0), the client connects, the world
// runs for `settle`, the server accepts. A field is null where a step failed;
// each failure is reported, and the caller asserts `server`.
struct Connected {
    tcb *listener = nullptr, *client = nullptr, *server = nullptr;
};

inline Connected Connect(Pair &p, uint16_t port, usec_t settle, size_t rcvbuf = 0)
{
    Connected k;
    k.listener = tcp_open(p.server());
    if (rcvbuf != 0) {
        EXPECT_EQ(tcp_set_rcvbuf(k.listener, rcvbuf), 0);
    }
    EXPECT_EQ(tcp_bind(k.listener, 0, port), 0);
    EXPECT_EQ(tcp_listen(k.listener, 4, p.now()), 0);
    k.client = tcp_open(p.client());
    EXPECT_EQ(tcp_connect(k.client, kStack, port, p.now()), 0);
    p.RunFor(settle);
    int err;
    k.server = tcp_accept(k.listener, &err, p.now());
    EXPECT_NE(k.server, nullptr) << p.Dump();
    return k;
}

// A listener of stack s on `port` with an accept queue of `backlog`.
inline tcb *ListenOn(OneStack &s, uint16_t port, int backlog = 8)
{
    tcb *l = tcp_open(s.tcp());
    EXPECT_EQ(tcp_bind(l, 0, port), 0);
    EXPECT_EQ(tcp_listen(l, backlog, s.now()), 0);
    return l;
}

}  // namespace tcptest

#endif
