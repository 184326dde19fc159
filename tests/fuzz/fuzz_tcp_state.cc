// fuzz_tcp_state.cc — the stateful TCP target: a connection is driven into
// one state through the socket API (a stack on a capture device, virtual
// time), then the fuzz input is a sequence of segments from the peer, user
// calls and time passing. After every step the invariants are checked; at
// the end every socket is closed, time runs out every timer, no connection
// may be left, and the stack frees every packet buffer.
//
// Input:
//   [mode] the state to start in (kModes below)
//   [hs]   the peer's SYN options: bit 0 wscale 7, bit 1 timestamps,
//          bit 2 SACK-permitted, bit 3 MSS 536 (else 1460); bits 4-7 the
//          window (0 -> 65535, else n*4096 - 1)
//   then records until the input ends (at most 64):
//   [flags] TCP flags as on the wire
//   [ctl]   bit 0: seq relative to where the peer is (else to the stack's
//           ISN); bit 1: ack relative to the stack's SND.UNA as the peer saw
//           it (else to the highest sequence the stack sent); bit 2: from a
//           second peer port (a new connection attempt); bit 3: corrupt the
//           checksum; bit 4: the data offset from the next byte instead of
//           the options' length; bits 5-6: payload scale (x1, x8, x64,
//           x512 bytes); bit 7: the delay is in seconds (else in 10 ms)
//   [seq offset:16 signed] [ack offset:16 signed] [window:16]
//   [options length:8 (%41)] [option bytes] [payload length:8] [delay:8]
//   [user: the call the application makes after the segment]
//
// Invariants (RFC 9293 §3.3.1's send sequence space): SND.UNA <= SND.NXT
// <= SND.MAX, unacknowledged data within the send buffer, queued data
// within the buffers; every segment the stack sends parses and carries a
// valid checksum; memory stays bounded.
#include <cerrno>
#include <cstring>

#include "stack/socket/sock_table.h"
#include "stack/socket/socket.h"
#include "stack/socket/socket_proto.h"
#include "stack/core/seq.h"
#include "stack/transport/tcp.h"
#include "stack/transport/tcp_hdr.h"
#include "stack/transport/tcp_state.h"
#include "tests/fuzz/fuzz_common.h"

namespace {

using fuzz::FuzzStack;
using fuzz::kPeer;
using fuzz::kStack;

constexpr uint16_t kListenPort = 80;
constexpr uint16_t kPeerPort = 40000;
constexpr uint16_t kPeerPort2 = 40001;
constexpr uint16_t kActivePort = 40002;
constexpr uint32_t kPeerIsn = 1000;

enum Mode {
    kListen,
    kSynSent,
    kSynRecv,
    kEstablished,
    kEstablishedData,   // ESTABLISHED with 3000 bytes unacknowledged
    kFinWait1,
    kFinWait2,
    kClosing,
    kTimeWait,
    kCloseWait,
    kLastAck,
    kOrphanFinWait1,    // as FIN_WAIT_1, but the user called close()
    kOrphanTimeWait,
    kModeCount
};

struct Peer {
    uint16_t lport = kListenPort, pport = kPeerPort;   // the connection's ports
    uint32_t rcv_base = kPeerIsn;   // where the peer's data goes next (the stack's ACK)
    uint32_t una_base = 0;          // the stack's SND.UNA as the peer acknowledged it
    uint32_t max_base = 0;          // one past the highest sequence the stack sent
    uint32_t iss = 0;
    bool have_iss = false;
};

struct Seg {
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags;
    uint16_t win;
    std::vector<uint8_t> opts;
    int data_offset = -1;
    size_t payload = 0;
    bool bad_checksum = false;
};

std::vector<uint8_t> Build(const Seg &s)
{
    std::vector<uint8_t> opt = s.opts;
    while (opt.size() % 4)
        opt.push_back(TCP_OPT_EOL);
    std::vector<uint8_t> tcp(TCP_HDR_LEN + opt.size() + s.payload);
    uint8_t *t = tcp.data();
    be16_write(t + TCP_OFF_SRC_PORT, s.sport);
    be16_write(t + TCP_OFF_DST_PORT, s.dport);
    be32_write(t + TCP_OFF_SEQ, s.seq);
    be32_write(t + TCP_OFF_ACK, s.ack);
    int doff = s.data_offset >= 0 ? s.data_offset : (int)((TCP_HDR_LEN + opt.size()) / 4);
    t[TCP_OFF_DATA_OFFSET] = (uint8_t)(doff << 4);
    t[TCP_OFF_FLAGS] = s.flags;
    be16_write(t + TCP_OFF_WINDOW, s.win);
    std::copy(opt.begin(), opt.end(), tcp.begin() + TCP_HDR_LEN);
    for (size_t i = 0; i < s.payload; i++)
        t[TCP_HDR_LEN + opt.size() + i] = (uint8_t)('a' + i % 26);
    uint16_t c = tcp_checksum(t, tcp.size(), kPeer, kStack);
    be16_write(t + TCP_OFF_CHECKSUM, s.bad_checksum ? (uint16_t)(c ^ 0x0101) : c);
    return fuzz::Ip4Wrap(kPeer, kStack, IP4_PROTO_TCP, tcp);
}

class Run {
  public:
    explicit Run(uint8_t hs) : hs_(hs)
    {
        win_ = (hs >> 4) ? (uint16_t)((hs >> 4) * 4096 - 1) : 65535;
    }
    ~Run()
    {
        for (int fd : fds_)
            socket_close(st(), fd, fs_.now());
    }

    struct stack *st() { return fs_.st(); }
    FuzzStack &fs() { return fs_; }

    void Send(const Seg &s)
    {
        fs_.Inject(Build(s));
        Collect();
    }

    // A segment of the connection, seq/ack where the peer is now.
    Seg Next(uint8_t flags) const
    {
        Seg s;
        s.sport = peer_.pport;
        s.dport = peer_.lport;
        s.seq = peer_.rcv_base;
        s.ack = peer_.max_base;
        s.flags = flags;
        s.win = win_;
        return s;
    }

    // Read what the stack sent: every packet must be IPv4 + TCP with a
    // valid checksum; the peer's view follows the connection's segments.
    void Collect()
    {
        while (pkb *p = capdev_pop(fs_.cap())) {
            CheckSent(p->data, p->len);
            pkb_free(p);
        }
    }

    void CheckSent(const uint8_t *b, size_t len)
    {
        FUZZ_CHECK(len >= 20 && (b[0] >> 4) == 4, "the stack sent a non-IPv4 packet");
        size_t ihl = (size_t)(b[0] & 15) * 4;
        size_t total = be16_read(b + 2);
        FUZZ_CHECK(total <= len && total >= ihl, "bad total length %zu", total);
        if (b[9] != IP4_PROTO_TCP)
            return;   // ICMP (port unreachable and the like)
        const uint8_t *t = b + ihl;
        size_t tlen = total - ihl;
        uint32_t src = be32_read(b + 12), dst = be32_read(b + 16);
        FUZZ_CHECK(tcp_checksum_ok(t, tlen, src, dst), "the stack sent a bad TCP checksum");
        tcp_hdr h;
        FUZZ_CHECK(tcp_hdr_parse(t, tlen, &h) == TCP_HDR_OK, "the stack sent an unparsable segment");
        if (h.src_port != peer_.lport || h.dst_port != peer_.pport || (h.flags & TCP_FLAG_RST))
            return;
        uint32_t end = h.seq + (uint32_t)h.payload_len + ((h.flags & TCP_FLAG_SYN) ? 1 : 0) +
                       ((h.flags & TCP_FLAG_FIN) ? 1 : 0);
        if (h.flags & TCP_FLAG_SYN) {
            peer_.iss = h.seq;
            peer_.have_iss = true;
            peer_.una_base = h.seq;
            peer_.max_base = end;
        } else if (seq_gt(end, peer_.max_base)) {
            peer_.max_base = end;
        }
        if (h.flags & TCP_FLAG_ACK)
            peer_.rcv_base = h.ack;
    }

    // The peer acknowledges everything the stack sent.
    void AckAll(uint8_t extra = 0)
    {
        Send(Next((uint8_t)(TCP_FLAG_ACK | extra)));
        peer_.una_base = peer_.max_base;
    }

    // Passive open: listener on port 80, the peer's SYN; the SYN+ACK back.
    void ListenAndSyn()
    {
        listener_ = Open();
        sock_addr a = {0, kListenPort};
        FUZZ_CHECK(socket_bind(st(), listener_, &a) == 0, "bind 80");
        FUZZ_CHECK(socket_listen(st(), listener_, 4, fs_.now()) == 0, "listen");
        Seg syn = Next(TCP_FLAG_SYN);
        syn.seq = kPeerIsn;
        syn.ack = 0;
        uint16_t mss = (hs_ & 8) ? 536 : 1460;
        syn.opts = {TCP_OPT_MSS, 4, (uint8_t)(mss >> 8), (uint8_t)mss};
        if (hs_ & 1)
            syn.opts.insert(syn.opts.end(), {TCP_OPT_NOP, TCP_OPT_WSCALE, 3, 7});
        if (hs_ & 2)
            syn.opts.insert(syn.opts.end(), {TCP_OPT_NOP, TCP_OPT_NOP, TCP_OPT_TIMESTAMPS, 10,
                                             0, 0, 0, 1, 0, 0, 0, 0});
        if (hs_ & 4)
            syn.opts.insert(syn.opts.end(), {TCP_OPT_NOP, TCP_OPT_NOP, TCP_OPT_SACK_PERMITTED, 2});
        peer_.rcv_base = kPeerIsn + 1;
        Send(syn);
        FUZZ_CHECK(peer_.have_iss, "no SYN+ACK to the peer's SYN");
    }

    void Establish()
    {
        ListenAndSyn();
        AckAll();
        sock_addr from;
        conn_ = socket_accept(st(), listener_, &from, fs_.now());
        FUZZ_CHECK(conn_ >= 0, "accept after the handshake: %d", conn_);
        fds_.push_back(conn_);
    }

    void Active()
    {
        conn_ = Open();
        sock_addr a = {0, kActivePort}, to = {kPeer, 80};
        socket_bind(st(), conn_, &a);
        peer_.lport = kActivePort;
        peer_.pport = 80;
        int rc = socket_connect(st(), conn_, &to, fs_.now());
        FUZZ_CHECK(rc == -EINPROGRESS, "connect: %d", rc);
        Collect();
        FUZZ_CHECK(peer_.have_iss, "no SYN");
        peer_.rcv_base = kPeerIsn;
    }

    void Setup(int mode)
    {
        switch (mode) {
        case kListen:
            ListenAndSyn();   // a handshake in SYN_RECV under the listener,
            break;            // and the fuzzer may start others
        case kSynSent:
            Active();
            break;
        case kSynRecv:
            ListenAndSyn();
            break;
        default:
            Establish();
            break;
        }
        if (mode == kEstablishedData) {
            std::vector<uint8_t> d(3000, 'x');
            FUZZ_CHECK(socket_send(st(), conn_, d.data(), d.size(), fs_.now()) > 0, "send");
            Collect();
        }
        if (mode >= kFinWait1 && mode != kCloseWait && mode != kLastAck) {
            socket_shutdown(st(), conn_, SOCK_SHUT_WR, fs_.now());
            Collect();
        }
        if (mode == kFinWait2 || mode == kTimeWait || mode == kOrphanTimeWait)
            AckAll();
        if (mode == kClosing) {
            Seg fin = Next(TCP_FLAG_FIN | TCP_FLAG_ACK);
            fin.ack = peer_.max_base - 1;   // acks up to our FIN, not the FIN
            Send(fin);
        }
        if (mode == kTimeWait || mode == kOrphanTimeWait || mode == kCloseWait ||
            mode == kLastAck)
            AckAll(TCP_FLAG_FIN);
        if (mode == kLastAck) {
            socket_shutdown(st(), conn_, SOCK_SHUT_WR, fs_.now());
            Collect();
        }
        static const int kExpected[kModeCount] = {
            TCP_LISTEN, TCP_SYN_SENT, TCP_SYN_RECV, TCP_ESTABLISHED, TCP_ESTABLISHED,
            TCP_FIN_WAIT_1, TCP_FIN_WAIT_2, TCP_CLOSING, TCP_TIME_WAIT, TCP_CLOSE_WAIT,
            TCP_LAST_ACK, TCP_FIN_WAIT_1, TCP_TIME_WAIT};
        int got = mode == kListen ? tcp_state_of(st()->tcp, 0, kListenPort, 0, 0)
                                  : tcp_state_of(st()->tcp, kStack, peer_.lport, kPeer, peer_.pport);
        FUZZ_CHECK(got == kExpected[mode], "setup of mode %d reached %s, not %s", mode,
                   tcp_state_name(got), tcp_state_name(kExpected[mode]));
        if (mode == kOrphanFinWait1 || mode == kOrphanTimeWait)
            CloseConn();
    }

    void Record(fuzz::FuzzInput &in)
    {
        uint8_t flags = in.U8();
        uint8_t ctl = in.U8();
        int16_t seq_off = (int16_t)in.U16();
        int16_t ack_off = (int16_t)in.U16();
        Seg s = Next(flags);
        s.win = in.U16();
        s.opts = in.Bytes(in.U8() % 41);
        static const size_t kScale[4] = {1, 8, 64, 512};
        if (ctl & 16)
            s.data_offset = in.U8() % 16;
        s.payload = (size_t)in.U8() * kScale[(ctl >> 5) & 3];
        uint8_t delay = in.U8();
        uint8_t user = in.U8();

        uint32_t seq_base = (ctl & 1) ? peer_.rcv_base : kPeerIsn;
        uint32_t ack_base = (ctl & 2) ? peer_.una_base : peer_.max_base;
        s.seq = seq_base + (uint32_t)(int32_t)seq_off;
        s.ack = ack_base + (uint32_t)(int32_t)ack_off;
        if (ctl & 4)
            s.sport = kPeerPort2;
        s.bad_checksum = (ctl & 8) != 0;
        Send(s);
        // The peer's idea of SND.UNA follows the ACKs it sent that moved it.
        if ((flags & TCP_FLAG_ACK) && seq_gt(s.ack, peer_.una_base) &&
            seq_le(s.ack, peer_.max_base))
            peer_.una_base = s.ack;
        Check();
        User(user);
        Check();
        if (delay) {
            fs_.Advance((ctl & 128) ? usec_from_sec(delay) : (usec_t)delay * 10000);
            Collect();
            Check();
        }
    }

    // The application's call after a segment.
    void User(uint8_t user)
    {
        usec_t now = fs_.now();
        uint8_t buf[4096];
        switch (user % 16) {
        case 1:
            if (conn_ >= 0)
                socket_send(st(), conn_, buf, (size_t)(user >> 4) * 256 + 1, now);
            break;
        case 2:
            if (conn_ >= 0)
                while (socket_recv(st(), conn_, buf, sizeof buf, now) > 0) {
                }
            break;
        case 3:
            if (conn_ >= 0)
                socket_shutdown(st(), conn_, SOCK_SHUT_WR, now);
            break;
        case 4:
            if (conn_ >= 0)
                socket_shutdown(st(), conn_, SOCK_SHUT_RD, now);
            break;
        case 5:
            CloseConn();
            break;
        case 6:
            if (conn_ >= 0) {
                socket_setsockopt(st(), conn_, SOCK_OPT_LINGER_ZERO, 1, now);
                CloseConn();
            }
            break;
        case 7:
            if (listener_ >= 0) {
                sock_addr from;
                int fd = socket_accept(st(), listener_, &from, now);
                if (fd >= 0) {
                    fds_.push_back(fd);
                    if (conn_ < 0)
                        conn_ = fd;
                }
            }
            break;
        case 8:
            if (conn_ >= 0)
                socket_setsockopt(st(), conn_, SOCK_OPT_NODELAY, user >> 4 & 1, now);
            break;
        case 9:
            if (conn_ >= 0)
                socket_setsockopt(st(), conn_, SOCK_OPT_KEEPALIVE, 1, now);
            break;
        case 10:
            if (listener_ >= 0) {
                Close(listener_);
                listener_ = -1;
            }
            break;
        default:
            break;   // no call: the most common case
        }
        Collect();
    }

    void Check()
    {
        FUZZ_CHECK(pkb_stats().live_bytes - start_bytes_ < 16u << 20,
                   "%llu bytes of buffers live",
                   (unsigned long long)(pkb_stats().live_bytes - start_bytes_));
        if (conn_ < 0)
            return;
        sock *s = sock_table_lookup(st()->socks, conn_);
        FUZZ_CHECK(s != nullptr, "socket %d vanished", conn_);
        const tcb *t = static_cast<const tcb *>(sock_pcb(s));
        if (t == nullptr)
            return;
        tcp_info i;
        tcp_get_info(t, &i);
        FUZZ_CHECK(seq_le(i.snd_una, i.snd_nxt) && seq_le(i.snd_nxt, i.snd_max),
                   "%s: SND.UNA %u SND.NXT %u SND.MAX %u", tcp_state_name(i.state), i.snd_una,
                   i.snd_nxt, i.snd_max);
        if (i.state != TCP_CLOSED && i.state != TCP_SYN_SENT && i.state != TCP_LISTEN)
            FUZZ_CHECK(i.snd_max - i.snd_una <= tcp_get_sndbuf(t) + 2,
                       "%s: %u bytes unacknowledged, send buffer %zu", tcp_state_name(i.state),
                       i.snd_max - i.snd_una, tcp_get_sndbuf(t));
        FUZZ_CHECK(tcp_send_queued(t) <= tcp_get_sndbuf(t) + 2, "%zu bytes queued to send",
                   tcp_send_queued(t));
        FUZZ_CHECK(tcp_recv_queued(t) <= tcp_get_rcvbuf(t), "%zu bytes received, buffer %zu",
                   tcp_recv_queued(t), tcp_get_rcvbuf(t));
    }

    void CloseConn()
    {
        if (conn_ < 0)
            return;
        Close(conn_);
        conn_ = -1;
    }

    // Close every socket, let every timer run out (an hour: retransmission
    // gives up after ~15 minutes, TIME-WAIT lasts 60 s, FIN-WAIT-2 60 s):
    // no connection may be left.
    void Finish()
    {
        while (!fds_.empty())
            Close(fds_.back());
        conn_ = listener_ = -1;
        for (int i = 0; i < 4; i++) {
            fs_.Advance(usec_from_sec(900));
            Collect();
        }
        int left = 0;
        tcp_foreach_conn(st()->tcp, CountConn, &left, fs_.now());
        if (left > 0) {
            tcp_print_conns(st()->tcp, stderr, fs_.now());
            fuzz::FuzzFail("%d connections left an hour after every socket was closed", left);
        }
    }

  private:
    static void CountConn(void *ctx, const tcp_conn_info *) { ++*static_cast<int *>(ctx); }

    int Open()
    {
        int fd = socket_open(st(), SOCK_TYPE_STREAM);
        FUZZ_CHECK(fd >= 0, "socket_open: %d", fd);
        fds_.push_back(fd);
        return fd;
    }
    void Close(int fd)
    {
        socket_close(st(), fd, fs_.now());
        for (size_t i = 0; i < fds_.size(); i++)
            if (fds_[i] == fd) {
                fds_.erase(fds_.begin() + (long)i);
                break;
            }
        Collect();
    }

    uint8_t hs_;
    uint16_t win_;
    FuzzStack fs_;
    Peer peer_;
    int listener_ = -1;
    int conn_ = -1;
    std::vector<int> fds_;
    uint64_t start_bytes_ = pkb_stats().live_bytes;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz::PkbBalance balance;
    {
        fuzz::FuzzInput in(data, size);
        int mode = in.U8() % kModeCount;
        Run run(in.U8());
        run.Setup(mode);
        for (int i = 0; i < 64 && !in.Empty(); i++)
            run.Record(in);
        run.Finish();
    }
    balance.Check("tcp_state");
    return 0;
}
