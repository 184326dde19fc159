// hostile.h — helpers for the hostile-input tests: one stack on a capture
// device in virtual time, the test playing a misbehaving peer. It builds
// "the packet the attacker sends now" (IPv4 headers and TCP segments with
// any field wrong on purpose), pops "what the stack answered", and watches
// the packet-buffer accounting so each test can assert memory stays bounded
// and returns to where it started.
#ifndef TUNLAB_TESTS_HOSTILE_HOSTILE_H
#define TUNLAB_TESTS_HOSTILE_HOSTILE_H

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "stack/core/byteorder.h"
#include "stack/core/checksum.h"
#include "stack/core/pkb.h"
#include "stack/core/rng.h"
#include "stack/core/trace.h"
#include "stack/dump/dump.h"
#include "stack/net/ip4.h"
#include "stack/phy/capdev.h"
#include "stack/socket/sock_table.h"
#include "stack/socket/socket.h"
#include "stack/socket/socket_proto.h"
#include "stack/stack.h"
#include "stack/transport/tcp.h"
#include "stack/transport/tcp_hdr.h"
#include "stack/transport/tcp_state.h"

namespace hostile {

using Bytes = std::vector<uint8_t>;

constexpr uint32_t kPeer = 0x0A000001;    // 10.0.0.1: the attacker
constexpr uint32_t kStack = 0x0A000002;   // 10.0.0.2: the stack under test

// An IPv4 datagram: 20-byte header (+ options), every field settable.
struct Ip {
    uint32_t src = kPeer, dst = kStack;
    uint8_t protocol = IP4_PROTO_UDP;
    uint16_t id = 1;
    uint16_t frag = 0;          // flags and offset word as on the wire
    uint8_t ttl = 64;
    Bytes options{};            // appended to the header (padded by the caller)
    int ihl = -1;               // >= 0: write this IHL instead of the real one
    int total_len = -1;         // >= 0: write this total length instead
    Bytes payload{};
};

inline Bytes BuildIp(const Ip &d)
{
    size_t hlen = 20 + d.options.size();
    Bytes b(hlen + d.payload.size());
    uint8_t *ip = b.data();
    ip[0] = (uint8_t)(0x40 | ((d.ihl >= 0 ? d.ihl : (int)(hlen / 4)) & 15));
    be16_write(ip + 2, (uint16_t)(d.total_len >= 0 ? d.total_len : (int)b.size()));
    be16_write(ip + 4, d.id);
    be16_write(ip + 6, d.frag);
    ip[8] = d.ttl;
    ip[9] = d.protocol;
    be32_write(ip + 12, d.src);
    be32_write(ip + 16, d.dst);
    std::copy(d.options.begin(), d.options.end(), b.begin() + 20);
    std::copy(d.payload.begin(), d.payload.end(), b.begin() + (long)hlen);
    size_t sum_len = d.ihl >= 5 && (size_t)d.ihl * 4 <= b.size() ? (size_t)d.ihl * 4 : hlen;
    be16_write(ip + 10, checksum_inet(ip, sum_len));
    return b;
}

// A TCP segment from the attacker, every field settable.
struct Seg {
    uint16_t sport = 40000, dport = 80;
    uint32_t seq = 0, ack = 0;
    uint8_t flags = 0;
    uint16_t win = 65535;
    std::string data{};
    Bytes options{};          // raw option bytes, padded with EOL to 4
    int data_offset = -1;     // >= 0: write this instead of the real one
    uint32_t src = kPeer;
};

inline Bytes BuildTcp(const Seg &s)
{
    Bytes opt = s.options;
    while (opt.size() % 4)
        opt.push_back(TCP_OPT_EOL);
    Bytes t(TCP_HDR_LEN + opt.size() + s.data.size());
    be16_write(&t[TCP_OFF_SRC_PORT], s.sport);
    be16_write(&t[TCP_OFF_DST_PORT], s.dport);
    be32_write(&t[TCP_OFF_SEQ], s.seq);
    be32_write(&t[TCP_OFF_ACK], s.ack);
    int doff = s.data_offset >= 0 ? s.data_offset : (int)((TCP_HDR_LEN + opt.size()) / 4);
    t[TCP_OFF_DATA_OFFSET] = (uint8_t)(doff << 4);
    t[TCP_OFF_FLAGS] = s.flags;
    be16_write(&t[TCP_OFF_WINDOW], s.win);
    std::copy(opt.begin(), opt.end(), t.begin() + TCP_HDR_LEN);
    std::copy(s.data.begin(), s.data.end(), t.begin() + (long)(TCP_HDR_LEN + opt.size()));
    be16_write(&t[TCP_OFF_CHECKSUM], tcp_checksum(t.data(), t.size(), s.src, kStack));
    Ip ip;
    ip.src = s.src;
    ip.protocol = IP4_PROTO_TCP;
    ip.payload = t;
    return BuildIp(ip);
}

// A TCP segment the stack sent, parsed (payload copied out).
struct Sent {
    bool tcp = false;
    uint8_t protocol = 0;
    uint32_t src = 0, dst = 0;
    tcp_hdr h{};
    std::string data;
    Bytes raw;   // the whole IPv4 datagram
};

inline Sent ParseSent(const pkb *p)
{
    Sent s;
    s.raw.assign(p->data, p->data + p->len);
    if (p->len < 20)
        return s;
    const uint8_t *b = p->data;
    size_t ihl = (size_t)(b[0] & 15) * 4;
    size_t total = be16_read(b + 2);
    s.protocol = b[9];
    s.src = be32_read(b + 12);
    s.dst = be32_read(b + 16);
    if (s.protocol == IP4_PROTO_TCP && total <= p->len && total >= ihl &&
        tcp_hdr_parse(b + ihl, total - ihl, &s.h) == TCP_HDR_OK) {
        s.tcp = true;
        s.data.assign((const char *)s.h.payload, s.h.payload_len);
        s.h.payload = nullptr;
    }
    return s;
}

inline void DumpEvent(void *ctx, const trace_event *ev)
{
    auto *log = static_cast<std::string *>(ctx);
    char line[512];
    dump_event(ev, line, sizeof line);
    if (log->size() < 64 * 1024) {   // a flood would make the log useless
        *log += line;
        *log += "\n";
    }
}

// One stack at 10.0.0.2/24 on a capture device, in virtual time.
class Host {
  public:
    explicit Host(uint64_t seed, enum netdev_link link = NETDEV_LINK_IP) : seed_(seed)
    {
        trace_init(&trace_, 1);   // listener only: floods must not fill memory
        trace_set_listener(&trace_, DumpEvent, &log_);
        capdev_init(&cap_, link == NETDEV_LINK_IP ? "tun0" : "tap0", link, 1500);
        stack_config sc = {"stack", seed, &trace_};
        st_ = stack_new(&sc);
        stack_add_iface(st_, &cap_.dev, kStack, 24, now_);
        capdev_clear(&cap_);
    }
    ~Host()
    {
        stack_free(st_);
        capdev_destroy(&cap_);
        trace_destroy(&trace_);
    }
    Host(const Host &) = delete;
    Host &operator=(const Host &) = delete;

    struct stack *st() { return st_; }
    struct capdev *cap() { return &cap_; }
    usec_t now() const { return now_; }
    const tcp_stats &tcp() const { return *tcp_get_stats(st_->tcp); }
    const struct ip4_stats &ip() const { return *ip4_stats(st_->ip); }
    const struct ip4_reass_stats &reass() const { return *ip4_reass_stats(st_->ip); }

    void Inject(const Bytes &b) { capdev_inject(&cap_, b.data(), b.size(), now_); }
    void Inject(const Seg &s) { Inject(BuildTcp(s)); }

    // Everything the stack sent since the last call.
    std::vector<Sent> Sent_()
    {
        std::vector<Sent> out;
        while (pkb *p = capdev_pop(&cap_)) {
            out.push_back(ParseSent(p));
            pkb_free(p);
        }
        return out;
    }
    size_t Pending() const { return capdev_pending(&cap_); }
    void Clear() { capdev_clear(&cap_); }

    void RunFor(usec_t d)
    {
        usec_t end = now_ + d;
        for (int guard = 0; guard < 1000000; guard++) {
            usec_t next = stack_next_deadline(st_);
            if (next == USEC_NEVER || next > end)
                break;
            if (next > now_)
                now_ = next;
            stack_run_timers(st_, now_);
        }
        now_ = end;
    }

    // The tcb behind a TCP socket (valid while the socket is open).
    const tcb *Tcb(int fd)
    {
        sock *s = sock_table_lookup(st_->socks, fd);
        return s ? static_cast<const tcb *>(sock_pcb(s)) : nullptr;
    }

    std::string Dump() const
    {
        return "seed " + std::to_string(seed_) + "\n" + log_;
    }

  private:
    uint64_t seed_;
    std::string log_;
    trace trace_;
    capdev cap_;
    struct stack *st_ = nullptr;
    usec_t now_ = usec_from_sec(1000);
};

// A connection on port 80 of the stack, accepted, with the attacker's
// view of the sequence numbers.
struct Conn {
    int listener = -1, fd = -1;
    uint16_t pport = 40000;
    uint32_t peer_nxt = 0;    // next sequence number the attacker sends
    uint32_t stack_nxt = 0;   // next sequence number the stack sends

    Seg From(uint8_t flags, const std::string &data = "") const
    {
        Seg s;
        s.sport = pport;
        s.seq = peer_nxt;
        s.ack = stack_nxt;
        s.flags = flags;
        s.data = data;
        return s;
    }
};

// Listen on port 80 and complete a handshake from the attacker's port
// `pport` (the SYN carries `syn_options`). rcvbuf > 0 sets the listener's
// receive buffer, which the accepted connection inherits.
inline Conn Establish(Host &h, uint16_t pport = 40000, const Bytes &syn_options = {2, 4, 5, 180},
                      int rcvbuf = 0)
{
    Conn c;
    c.pport = pport;
    c.listener = socket_open(h.st(), SOCK_TYPE_STREAM);
    if (rcvbuf > 0) {
        EXPECT_EQ(0, socket_setsockopt(h.st(), c.listener, SOCK_OPT_RCVBUF, rcvbuf, h.now()));
    }
    sock_addr a = {0, 80};
    EXPECT_EQ(0, socket_bind(h.st(), c.listener, &a));
    EXPECT_EQ(0, socket_listen(h.st(), c.listener, 16, h.now()));
    Seg syn;
    syn.sport = pport;
    syn.seq = 1000;
    syn.flags = TCP_FLAG_SYN;
    syn.options = syn_options;
    h.Inject(syn);
    std::vector<Sent> out = h.Sent_();
    EXPECT_EQ(1u, out.size()) << h.Dump();
    if (out.empty())
        return c;
    EXPECT_EQ(TCP_FLAG_SYN | TCP_FLAG_ACK, out[0].h.flags) << h.Dump();
    c.peer_nxt = 1001;
    c.stack_nxt = out[0].h.seq + 1;
    h.Inject(c.From(TCP_FLAG_ACK));
    sock_addr from;
    c.fd = socket_accept(h.st(), c.listener, &from, h.now());
    EXPECT_GE(c.fd, 0) << h.Dump();
    return c;
}

// Live packet buffers now, for "memory returns to where it started".
inline uint64_t LiveBuffers() { return pkb_stats().live_buffers; }
inline uint64_t LiveBytes() { return pkb_stats().live_bytes; }

}  // namespace hostile

#endif
