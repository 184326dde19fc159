// Packet labels in textbook form (tools/draw/pkt_label.h): relative
// sequence numbers from each side's ISN, windows when they change, scaled
// windows, retransmissions, the other protocols, and garbage that cannot
// crash the decoder.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "tests/draw/fixtures.h"
#include "tools/draw/pkt_label.h"

namespace {

using drawtest::Seg;

constexpr uint8_t FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10;
using drawtest::TcpBytes;

trace_event Event(const std::vector<uint8_t>& bytes, trace_link link = TRACE_LINK_IP) {
  trace_event ev;
  std::memset(&ev, 0, sizeof ev);
  ev.kind = TRACE_PKT_OUT;
  ev.link = link;
  ev.wire_len = static_cast<uint32_t>(bytes.size());
  ev.cap_len = static_cast<uint16_t>(bytes.size() < TRACE_PKT_BYTES ? bytes.size() : TRACE_PKT_BYTES);
  if (ev.cap_len > 0) std::memcpy(ev.bytes, bytes.data(), ev.cap_len);
  return ev;
}

std::string Label(label_ctx* c, const std::vector<uint8_t>& bytes, label_facts* facts = nullptr,
                  trace_link link = TRACE_LINK_IP) {
  trace_event ev = Event(bytes, link);
  pkt_info info;
  pkt_info_decode(&ev, &info);
  char out[PKT_LABEL_LEN];
  pkt_label(c, &info, &ev, out, sizeof out, facts);
  return out;
}

Seg Client(uint32_t seq, uint32_t ack, uint8_t flags, uint32_t len = 0, uint16_t win = 65535) {
  Seg s;
  s.seq = seq;
  s.ack = ack;
  s.flags = flags;
  s.len = len;
  s.win = win;
  return s;
}

Seg Server(uint32_t seq, uint32_t ack, uint8_t flags, uint32_t len = 0, uint16_t win = 65535) {
  Seg s = Client(seq, ack, flags, len, win);
  s.src = drawtest::kServer;
  s.dst = drawtest::kClient;
  s.sport = drawtest::kServerPort;
  s.dport = drawtest::kClientPort;
  return s;
}

TEST(Label, RelativeNumbersLikeTheTextbook) {
  label_ctx c;
  label_ctx_init(&c, false, LABEL_WIN_CHANGES);
  const uint32_t I = 4294967200u;  // the client's ISN: its numbers wrap past 2^32
  Seg syn = Client(I, 0, SYN);
  syn.mss = 1460;
  EXPECT_EQ(Label(&c, TcpBytes(syn)), "SYN seq=0 win=65535 mss=1460");
  EXPECT_EQ(Label(&c, TcpBytes(Server(77, I + 1u, SYN | ACK))), "SYN+ACK seq=0 ack=1 win=65535");
  EXPECT_EQ(Label(&c, TcpBytes(Client(I + 1u, 78, ACK))), "ACK ack=1");
  EXPECT_EQ(Label(&c, TcpBytes(Client(I + 1u, 78, PSH | ACK, 100))), "seq=1:101 (100) ack=1");
  // flow control: the receiver's window shrinks, then opens again
  EXPECT_EQ(Label(&c, TcpBytes(Server(78, I + 101u, ACK, 0, 300))), "ACK ack=101 win=300");
  EXPECT_EQ(Label(&c, TcpBytes(Server(78, I + 101u, ACK, 0, 300))), "ACK ack=101");
  EXPECT_EQ(Label(&c, TcpBytes(Server(78, I + 101u, ACK, 0, 400))), "ACK ack=101 win=400");
  EXPECT_EQ(Label(&c, TcpBytes(Client(I + 101u, 78, FIN | ACK))), "FIN seq=101 ack=1");
  // old data sent again: a retransmission, across the wrap
  label_facts f;
  EXPECT_EQ(Label(&c, TcpBytes(Client(I + 1u, 78, PSH | ACK, 100)), &f),
            "seq=1:101 (100) ack=1 (retx)");
  EXPECT_TRUE(f.retransmission);
  EXPECT_EQ(f.rel_seq, 1u);
  EXPECT_EQ(Label(&c, TcpBytes(Server(78, 0, RST))), "RST seq=1");
}

TEST(Label, AbsoluteAndWindowModes) {
  label_ctx c;
  label_ctx_init(&c, true, LABEL_WIN_NEVER);
  EXPECT_EQ(Label(&c, TcpBytes(Client(1000, 0, SYN))), "SYN seq=1000");
  EXPECT_EQ(Label(&c, TcpBytes(Server(5000, 1001, SYN | ACK))), "SYN+ACK seq=5000 ack=1001");
  label_ctx_init(&c, false, LABEL_WIN_ALWAYS);
  EXPECT_EQ(Label(&c, TcpBytes(Client(1000, 0, SYN))), "SYN seq=0 win=65535");
  // the server's ISN is unknown: its first acknowledged number counts as 1
  EXPECT_EQ(Label(&c, TcpBytes(Client(1001, 0, ACK))), "ACK ack=1 win=65535");
}

TEST(Label, MidStreamAndScaledWindows) {
  label_ctx c;
  label_ctx_init(&c, false, LABEL_WIN_CHANGES);
  // no SYN seen: the first byte seen is 1, and the ACKed side starts at 1 too
  EXPECT_EQ(Label(&c, TcpBytes(Client(555, 999, ACK, 10))), "seq=1:11 (10) ack=1 win=65535");
  // window scaling needs the option in both SYNs (RFC 7323 §2.2)
  label_ctx_init(&c, false, LABEL_WIN_CHANGES);
  Seg syn = Client(0, 0, SYN);
  syn.wscale = 7;
  Seg synack = Server(0, 1, SYN | ACK);
  synack.wscale = 2;
  Label(&c, TcpBytes(syn));
  Label(&c, TcpBytes(synack));
  EXPECT_EQ(Label(&c, TcpBytes(Client(1, 1, ACK, 0, 100))), "ACK ack=1 win=12800");
  EXPECT_EQ(Label(&c, TcpBytes(Server(1, 1, ACK, 0, 100))), "ACK ack=1 win=400");
}

TEST(Label, OtherProtocols) {
  label_ctx c;
  label_ctx_init(&c, false, LABEL_WIN_CHANGES);
  // UDP 5353 -> 53 with 20 bytes
  std::vector<uint8_t> udp(48, 0);
  udp[0] = 0x45;
  udp[3] = 48;
  udp[9] = 17;
  udp[20] = 0x14;
  udp[21] = 0xe9;
  udp[23] = 53;
  EXPECT_EQ(Label(&c, udp), "UDP 5353>53 (20)");
  // ICMP echo request, id 1 seq 7
  std::vector<uint8_t> icmp(84, 0);
  icmp[0] = 0x45;
  icmp[3] = 84;
  icmp[9] = 1;
  icmp[20] = 8;
  icmp[27] = 7;
  EXPECT_EQ(Label(&c, icmp), "ICMP echo request seq=7");
  icmp[20] = 3;
  icmp[21] = 3;
  EXPECT_EQ(Label(&c, icmp), "ICMP port unreachable");
  // a first fragment and a later one (RFC 791)
  icmp[20] = 8;
  icmp[4] = 0x12;
  icmp[6] = 0x20;  // MF
  EXPECT_EQ(Label(&c, icmp), "ICMP echo request seq=7 frag id=4608 off=0 len=64 MF");
  icmp[6] = 0x00;
  icmp[7] = 185;  // offset 1480
  EXPECT_EQ(Label(&c, icmp), "IP frag id=4608 off=1480 len=64");
  // ARP in an Ethernet frame
  std::vector<uint8_t> arp(42, 0);
  arp[12] = 0x08;
  arp[13] = 0x06;
  uint8_t body[] = {0, 1, 8, 0, 6, 4, 0, 2, 2, 0, 0, 0, 0, 2, 10, 0, 0, 2,
                    2, 0, 0, 0, 0, 1, 10, 0, 0, 1};
  std::memcpy(arp.data() + 14, body, sizeof body);
  EXPECT_EQ(Label(&c, arp, nullptr, TRACE_LINK_ETHERNET), "ARP 10.0.0.2 is-at 02:00:00:00:00:02");
  arp[21] = 1;  // request
  EXPECT_EQ(Label(&c, arp, nullptr, TRACE_LINK_ETHERNET), "ARP who-has 10.0.0.1 tell 10.0.0.2");
  // a short packet falls back to the tcpdump line, marked cut
  std::vector<uint8_t> cut(30, 0);
  cut[0] = 0x45;
  cut[3] = 60;
  cut[9] = 6;
  std::string l = Label(&c, cut);
  EXPECT_NE(l.find("IP"), std::string::npos) << l;
}

TEST(Label, GarbageNeverCrashes) {
  const uint32_t seed = 77;
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  label_ctx c;
  label_ctx_init(&c, false, LABEL_WIN_CHANGES);
  for (int i = 0; i < 20000; i++) {
    size_t len = rng() % 140;
    std::vector<uint8_t> b(len);
    for (auto& x : b) x = static_cast<uint8_t>(rng());
    if (len > 0 && rng() % 2) b[0] = 0x45;  // look like IPv4 half of the time
    if (len > 9 && rng() % 2) b[9] = static_cast<uint8_t>(std::vector<int>{1, 6, 17}[rng() % 3]);
    trace_event ev = Event(b, rng() % 2 ? TRACE_LINK_IP : TRACE_LINK_ETHERNET);
    if (rng() % 3 == 0) ev.wire_len = rng();  // a lying length
    pkt_info info;
    pkt_info_decode(&ev, &info);
    char out[PKT_LABEL_LEN];
    pkt_label(&c, &info, &ev, out, sizeof out, nullptr);
    ASSERT_LT(std::strlen(out), sizeof out);
  }
}

}  // namespace
