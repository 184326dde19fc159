// seed_gen.cc — writes the seed corpora of the fuzz targets:
//   bazel run //tests/fuzz:seed_gen -- "$PWD/tests/fuzz/corpus"
//
// The packets are real: two stacks on a simulated Ethernet link ARP, ping,
// send UDP (a 3000-byte datagram goes out in fragments), talk to a port
// nobody listens on (ICMP port unreachable), and run a TCP connection with
// data and a close; every frame is captured at the client's device. Each
// target's seeds are those packets in the target's input format (see the
// comment at the top of each fuzz_*.cc), plus a few made by hand for what
// the capture cannot show (overlapping fragments, odd options, each TCP
// state). Rerun it when an input format changes.
#include <sys/stat.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "apps/dns/dns_msg.h"
#include "apps/dns/dns_server.h"
#include "apps/dns/dns_zone.h"
#include "stack/link/ethernet.h"
#include "stack/net/icmp.h"
#include "stack/socket/socket.h"
#include "stack/transport/tcp_hdr.h"
#include "tests/fuzz/fuzz_common.h"
#include "tests/shim/pair.h"

namespace {

using Bytes = std::vector<uint8_t>;
std::string g_root;

void Write(const std::string &target, const std::string &name, const Bytes &b)
{
    std::string dir = g_root + "/" + target;
    mkdir(dir.c_str(), 0755);
    std::string path = dir + "/" + name;
    FILE *f = fopen(path.c_str(), "wb");
    if (f == nullptr) {
        perror(path.c_str());
        exit(1);
    }
    fwrite(b.data(), 1, b.size(), f);
    fclose(f);
    printf("%s (%zu bytes)\n", path.c_str(), b.size());
}

// ---- the capture ----

std::vector<Bytes> g_frames;

void Capture(void *, const netdev *, bool, const pkb *p, usec_t)
{
    g_frames.emplace_back(p->data, p->data + p->len);
}

void CaptureTraffic()
{
    shim_pair *pair = shim_pair_new(7, NETDEV_LINK_ETHERNET);
    stack *c = pair->client, *s = pair->server;
    netdev_set_capture(c->devs[0], Capture, nullptr);
    usec_t now = shim_now(pair);

    icmp_ping_send(c->icmp, SHIM_SERVER_ADDR, 1, 1, 56, now);   // ARP, then the ping
    shim_run_for(pair, 50000);

    int u = socket_open(c, SOCK_TYPE_DGRAM);
    sock_addr nobody = {SHIM_SERVER_ADDR, 9};
    socket_sendto(c, u, "hello", 5, &nobody, shim_now(pair));   // port unreachable
    shim_run_for(pair, 50000);

    int su = socket_open(s, SOCK_TYPE_DGRAM);
    sock_addr echo = {0, 7};
    socket_bind(s, su, &echo);
    Bytes big(3000, 'u');
    sock_addr to7 = {SHIM_SERVER_ADDR, 7};
    socket_sendto(c, u, big.data(), big.size(), &to7, shim_now(pair));   // fragments
    shim_run_for(pair, 50000);

    int l = socket_open(s, SOCK_TYPE_STREAM);
    sock_addr web = {0, 80};
    socket_bind(s, l, &web);
    socket_listen(s, l, 4, shim_now(pair));
    int t = socket_open(c, SOCK_TYPE_STREAM);
    sock_addr to80 = {SHIM_SERVER_ADDR, 80};
    socket_connect(c, t, &to80, shim_now(pair));
    shim_run_for(pair, 50000);
    sock_addr from;
    int a = socket_accept(s, l, &from, shim_now(pair));
    socket_send(c, t, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", 27, shim_now(pair));
    shim_run_for(pair, 50000);
    char buf[256];
    socket_recv(s, a, buf, sizeof buf, shim_now(pair));
    socket_send(s, a, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", 40, shim_now(pair));
    shim_run_for(pair, 50000);
    socket_close(c, t, shim_now(pair));
    shim_run_for(pair, 50000);
    socket_close(s, a, shim_now(pair));
    shim_run_for(pair, 50000);

    socket_close(c, u, shim_now(pair));
    socket_close(s, su, shim_now(pair));
    socket_close(s, l, shim_now(pair));
    shim_pair_free(pair);
}

uint16_t Type(const Bytes &f) { return be16_read(f.data() + 12); }
Bytes Payload(const Bytes &f) { return Bytes(f.begin() + ETH_HDR_LEN, f.end()); }
// The IPv4 datagram in a frame, without the Ethernet padding.
Bytes Datagram(const Bytes &f)
{
    Bytes ip = Payload(f);
    ip.resize(be16_read(ip.data() + 2));
    return ip;
}
Bytes Transport(const Bytes &ip) { return Bytes(ip.begin() + (ip[0] & 15) * 4, ip.end()); }

// ---- one writer per target ----

void Eth()
{
    fuzz::FuzzWriter all;
    for (size_t i = 0; i < g_frames.size(); i++) {
        fuzz::FuzzWriter w;
        w.U8(1);   // to our MAC
        w.U16((uint16_t)g_frames[i].size());
        w.Bytes(g_frames[i]);
        all.Bytes(w.Out());
        if (i < 4)
            Write("eth", "frame-" + std::to_string(i), w.Out());
    }
    Write("eth", "capture", all.Out());
    fuzz::FuzzWriter runt;
    runt.U8(0);
    runt.U16(13);
    runt.Bytes(Bytes(13, 0xff));
    Write("eth", "runt", runt.Out());
}

void Arp()
{
    fuzz::FuzzWriter w;
    for (const Bytes &f : g_frames) {
        if (Type(f) != ETH_TYPE_ARP)
            continue;
        Bytes body = Payload(f);
        w.U8(0);
        w.U8(1);
        w.Bytes(Bytes(f.begin() + 6, f.begin() + 12));
        w.U8((uint8_t)body.size());
        w.Bytes(body);
    }
    Write("arp", "captured", w.Out());
    // Resolution that succeeds, a second host that never answers, aging.
    fuzz::FuzzWriter r;
    r.Bytes({2, 1, 8});           // send to 10.0.0.1
    r.Bytes({2, 5, 8});           // send to 10.0.0.5
    r.Bytes({1, 1, 1, 0x11, 2, 0});   // reply from 10.0.0.1
    r.Bytes({3, 0x0f, 0xff, 0x0f, 0xff, 0x0f, 0xff, 0x0f, 0xff});   // time passes
    r.Bytes({1, 0, 7, 0x22, 2, 1});   // request for us from 10.0.0.7
    r.Bytes({1, 0, 2, 0x33, 9, 1});   // someone claims our address
    Write("arp", "resolve", r.Out());
}

void Ip4()
{
    fuzz::FuzzWriter w, frags;
    for (const Bytes &f : g_frames) {
        if (Type(f) != ETH_TYPE_IPV4)
            continue;
        Bytes ip = Datagram(f);
        w.U8(0);
        w.U16((uint16_t)ip.size());
        w.Bytes(ip);
        if (be16_read(ip.data() + 6) & 0x3fff) {   // a fragment
            frags.U8(0);
            frags.U16((uint16_t)ip.size());
            frags.Bytes(ip);
        }
    }
    Write("ip4", "captured", w.Out());
    Write("ip4", "fragments", frags.Out());
    // Built fragments: overlapping, tiny, a hole that times out.
    auto frag = [](fuzz::FuzzWriter &o, uint8_t id, uint16_t off, bool mf, uint16_t len) {
        o.U8(1);
        o.U8(id);
        o.U16(off);
        o.U8(mf ? 1 : 0);   // MF, UDP
        o.U8(0);            // no options
        o.U16(len);
        o.Bytes(Bytes(len, (uint8_t)(0x40 + off)));
    };
    fuzz::FuzzWriter overlap;
    frag(overlap, 1, 0, true, 16);
    frag(overlap, 1, 1, true, 16);    // overlaps the first
    frag(overlap, 1, 3, false, 8);
    Write("ip4", "overlap", overlap.Out());
    fuzz::FuzzWriter tiny;
    for (uint16_t i = 0; i < 20; i++)
        frag(tiny, 2, i, i < 19, 8);
    Write("ip4", "tiny", tiny.Out());
    fuzz::FuzzWriter hole;
    frag(hole, 3, 0, true, 64);
    frag(hole, 3, 16, false, 64);
    hole.U8(3);
    hole.U16(31000);   // 31 s: the reassembly timer fires
    Write("ip4", "timeout", hole.Out());
}

void Icmp()
{
    fuzz::FuzzWriter w;
    for (const Bytes &f : g_frames) {
        if (Type(f) != ETH_TYPE_IPV4)
            continue;
        Bytes ip = Datagram(f);
        if (ip[9] != IP4_PROTO_ICMP)
            continue;
        Bytes m = Transport(ip);
        w.U8(0);
        w.U16((uint16_t)m.size());
        w.Bytes(m);
    }
    Write("icmp", "captured", w.Out());
    fuzz::FuzzWriter e;
    // Port unreachable about the UDP query, protocol unreachable about the
    // TCP SYN, an echo reply to the stack's ping, each with a right checksum.
    e.Bytes({8 | 1, ICMP_DEST_UNREACH, ICMP_UNREACH_PORT, 0, 0, 0, 0, 0, 255});
    e.Bytes({8 | 1, ICMP_DEST_UNREACH, ICMP_UNREACH_FRAG_NEEDED, 0, 0, 2, 0, 1, 255});
    e.Bytes({8 | 1, ICMP_TIME_EXCEEDED, 0, 0, 0, 0, 0, 2, 255});
    Bytes reply = {ICMP_ECHO_REPLY, 0, 0, 0, 0, 1, 0, 1};
    e.U8(1 | 16);
    e.U16((uint16_t)reply.size());
    e.Bytes(reply);
    e.U16(1000);
    Write("icmp", "errors", e.Out());
}

void Udp()
{
    fuzz::FuzzWriter w;
    for (const Bytes &f : g_frames) {
        if (Type(f) != ETH_TYPE_IPV4)
            continue;
        Bytes ip = Datagram(f);
        if (ip[9] != IP4_PROTO_UDP || (be16_read(ip.data() + 6) & 0x3fff))
            continue;
        Bytes d = Transport(ip);
        w.U8(1 | 2 | (3 << 4) | 64);
        w.U16(be16_read(d.data() + 2));
        w.U16((uint16_t)d.size());
        w.Bytes(d);
    }
    Write("udp", "captured", w.Out());
    fuzz::FuzzWriter k;
    for (uint8_t port = 0; port < 3; port++) {
        k.U8((uint8_t)(1 | 2 | (port << 4)));
        k.U16(0);
        k.U16(600);
        Bytes d(600, 'k');
        k.Bytes(d);
    }
    Write("udp", "fill", k.Out());
}

void TcpHdr()
{
    int n = 0;
    for (const Bytes &f : g_frames) {
        if (Type(f) != ETH_TYPE_IPV4)
            continue;
        Bytes ip = Datagram(f);
        if (ip[9] != IP4_PROTO_TCP)
            continue;
        Write("tcp_hdr", "seg-" + std::to_string(n++), Transport(ip));
    }
    // Odd options: length 0, running past the header, wscale 15, MSS 0, SACK.
    Bytes h(40, 0);
    h[12] = 10 << 4;
    h[13] = TCP_FLAG_SYN;
    Bytes opts = {2, 4, 0, 0, 3, 3, 15, 4, 2, 5, 10, 0, 0, 0, 1, 0, 0, 0, 2, 1};
    std::copy(opts.begin(), opts.end(), h.begin() + 20);
    Write("tcp_hdr", "odd-options", h);
    h[20] = 2;
    h[21] = 0;   // length 0
    Write("tcp_hdr", "option-len-0", h);
}

// A record of fuzz_tcp_state.cc.
void TcpRecord(fuzz::FuzzWriter &w, uint8_t flags, uint8_t ctl, int16_t seq_off, int16_t ack_off,
               uint16_t win, const Bytes &opts, uint8_t payload, uint8_t delay, uint8_t user)
{
    w.U8(flags);
    w.U8(ctl);
    w.U16((uint16_t)seq_off);
    w.U16((uint16_t)ack_off);
    w.U16(win);
    w.U8((uint8_t)opts.size());
    w.Bytes(opts);
    w.U8(payload);
    w.U8(delay);
    w.U8(user);
}

void TcpState()
{
    const uint8_t A = TCP_FLAG_ACK, P = TCP_FLAG_PSH, F = TCP_FLAG_FIN, R = TCP_FLAG_RST,
                  S = TCP_FLAG_SYN;
    const char *names[13] = {"listen",    "syn-sent",  "syn-recv",  "established",
                             "est-data",  "fin-wait-1", "fin-wait-2", "closing",
                             "time-wait", "close-wait", "last-ack",  "orphan-fin-wait-1",
                             "orphan-time-wait"};
    for (uint8_t mode = 0; mode < 13; mode++) {
        fuzz::FuzzWriter w;
        w.U8(mode);
        w.U8(0x07 | 0xF0);   // wscale, timestamps, SACK, window 65535
        TcpRecord(w, A | P, 1, 0, 0, 65535, {}, 100, 1, 2);         // data, read it
        TcpRecord(w, A, 1, 0, 0, 65535, {}, 0, 5, 1);               // ACK, then send
        TcpRecord(w, A, 1 | 2, 0, 0, 0, {}, 0, 20, 0);              // window 0
        TcpRecord(w, A | F, 1, 0, 0, 65535, {}, 0, 1, 5);           // FIN, then close
        Write("tcp_state", std::string(names[mode]), w.Out());
    }
    fuzz::FuzzWriter syn;   // a SYN, a SYN+ACK and a bare ACK at the listener
    syn.U8(0);
    syn.U8(0);
    TcpRecord(syn, S, 4, 100, 0, 1000, {2, 4, 0, 0}, 0, 0, 7);          // MSS 0
    TcpRecord(syn, S | F, 4, 100, 0, 1000, {3, 3, 15}, 0, 0, 0);        // SYN+FIN, wscale 15
    TcpRecord(syn, A, 1, 0, 0, 1000, {}, 0, 0, 7);
    Write("tcp_state", "listener", syn.Out());
    fuzz::FuzzWriter storm;   // RSTs and SYNs at an established connection
    storm.U8(3);
    storm.U8(0);
    for (int16_t off : {-1, 0, 1, 1000, 30000})
        TcpRecord(storm, R, 1, off, 0, 0, {}, 0, 0, 0);
    TcpRecord(storm, S, 1, 5, 0, 0, {}, 0, 0, 0);
    TcpRecord(storm, A, 2, 0, 10000, 100, {}, 0, 0, 0);   // ACK for data never sent
    TcpRecord(storm, A, 1 | 16, 0, 0, 100, {}, 3, 0, 0);  // data offset from the next byte
    storm.U8(15);
    Write("tcp_state", "storm", storm.Out());
    fuzz::FuzzWriter retrans;   // data the peer never acknowledges
    retrans.U8(4);
    retrans.U8(0);
    TcpRecord(retrans, A, 1 | 2, 0, 0, 65535, {}, 0, 200, 1);
    TcpRecord(retrans, A, 1 | 2 | 128, 0, 0, 65535, {}, 0, 60, 2);
    TcpRecord(retrans, A, 1, 0, 0, 65535, {1, 1, 5, 10, 0, 0, 0, 0, 0, 0, 0, 0}, 0, 1, 0);
    Write("tcp_state", "retransmit", retrans.Out());
}

void Dns()
{
    uint8_t msg[DNS_UDP_MAX];
    dns_writer w;
    dns_writer_init(&w, msg, sizeof msg);
    dns_header h = {};
    h.id = 0x1234;
    h.rd = true;
    h.qdcount = 1;
    uint8_t hdr[DNS_HDR_LEN];
    dns_header_emit(&h, hdr);
    dns_put_bytes(&w, hdr, sizeof hdr);
    dns_name n;
    dns_name_from_text(&n, "www.tunlab.test");
    dns_put_name(&w, &n);
    dns_put16(&w, DNS_TYPE_A);
    dns_put16(&w, DNS_CLASS_IN);
    Bytes query(msg, msg + w.len);
    Write("dns", "query-a", query);

    dns_zone zone;
    dns_zone_default(&zone);
    uint8_t out[DNS_UDP_MAX];
    dns_server_stats st = {};
    size_t len = dns_server_respond(&zone, query.data(), query.size(), out, sizeof out, &st);
    Write("dns", "response-a", Bytes(out, out + len));

    Bytes loop = query;   // the question's name is a pointer to itself
    loop.resize(DNS_HDR_LEN);
    loop.insert(loop.end(), {0xC0, DNS_HDR_LEN, 0, 1, 0, 1});
    Write("dns", "pointer-loop", loop);
}

void Http()
{
    auto w = [](const std::string &name, uint8_t piece, const std::string &text) {
        Bytes b = {piece};
        b.insert(b.end(), text.begin(), text.end());
        Write("http", name, b);
    };
    w("get", 3, "GET /index.html HTTP/1.1\r\nHost: 10.0.0.2\r\nConnection: close\r\n\r\n");
    w("post", 5, "POST /form HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
    w("traversal", 1, "GET /a/%2e%2e/%2E./etc/passwd?x=1 HTTP/1.0\r\n\r\n");
    w("response", 7,
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n");
    w("chunked", 2, "5;ext=1\r\nhello\r\n0\r\nTrailer: x\r\n\r\n");
    w("absolute", 9, "GET http://host/a/b HTTP/1.1\r\nHost: host\r\n\r\n");
}

}  // namespace

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: seed_gen CORPUS_DIR (tests/fuzz/corpus)\n");
        return 2;
    }
    g_root = argv[1];
    mkdir(g_root.c_str(), 0755);
    fuzz::QuietLogs();
    CaptureTraffic();
    printf("%zu frames captured\n", g_frames.size());
    Eth();
    Arp();
    Ip4();
    Icmp();
    Udp();
    TcpHdr();
    TcpState();
    Dns();
    Http();
    return 0;
}
