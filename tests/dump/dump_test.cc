// dump: tunlab's trace lines read like `tcpdump -n -S -t` (and `-e` for
// Ethernet). The strongest check is tcpdump itself: write the same packets to
// a pcap file and compare line by line, when tcpdump is installed.
#include "stack/dump/dump.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "stack/core/byteorder.h"
#include "stack/core/checksum.h"
#include "stack/phy/pcap.h"

namespace {

std::vector<uint8_t> Ipv4(uint8_t proto, const std::vector<uint8_t>& payload,
                          uint16_t frag_field = 0x4000) {
  std::vector<uint8_t> p(20 + payload.size());
  p[0] = 0x45;
  be16_write(&p[2], static_cast<uint16_t>(p.size()));
  be16_write(&p[4], 0x1234);
  be16_write(&p[6], frag_field);
  p[8] = 64;
  p[9] = proto;
  const uint8_t src[4] = {10, 0, 0, 1}, dst[4] = {10, 0, 0, 2};
  std::copy(src, src + 4, &p[12]);
  std::copy(dst, dst + 4, &p[16]);
  be16_write(&p[10], checksum_inet(p.data(), 20));
  std::copy(payload.begin(), payload.end(), p.begin() + 20);
  return p;
}

std::vector<uint8_t> TcpSyn() {
  std::vector<uint8_t> t(24 + 0);
  be16_write(&t[0], 40000);
  be16_write(&t[2], 80);
  be32_write(&t[4], 1000);
  t[12] = 6 << 4;  // 24-byte header: one option
  t[13] = 0x02;
  be16_write(&t[14], 65535);
  t[20] = 2;  // MSS 1460
  t[21] = 4;
  be16_write(&t[22], 1460);
  return t;
}

std::vector<uint8_t> TcpData() {
  std::vector<uint8_t> t(20 + 5, 'x');
  be16_write(&t[0], 5555);
  be16_write(&t[2], 40000);
  be32_write(&t[4], 5000);
  be32_write(&t[8], 1001);
  t[12] = 5 << 4;
  t[13] = 0x18;  // PSH|ACK
  be16_write(&t[14], 512);
  be16_write(&t[16], 0);
  be16_write(&t[18], 0);
  return t;
}

std::vector<uint8_t> Echo() {
  std::vector<uint8_t> e(8 + 56, 0xab);
  e[0] = 8;
  e[1] = 0;
  be16_write(&e[2], 0);
  be16_write(&e[4], 7);
  be16_write(&e[6], 3);
  be16_write(&e[2], checksum_inet(e.data(), e.size()));
  return e;
}

std::vector<uint8_t> Udp() {
  std::vector<uint8_t> u(8 + 5, 'y');
  be16_write(&u[0], 5000);
  be16_write(&u[2], 7);
  be16_write(&u[4], 13);
  be16_write(&u[6], 0);
  return u;
}

std::vector<uint8_t> ArpRequest() {
  std::vector<uint8_t> f(14 + 28, 0);
  for (int i = 0; i < 6; i++) f[i] = 0xff;
  const uint8_t mac[6] = {0x02, 0, 0, 0, 0, 0x01};
  std::copy(mac, mac + 6, &f[6]);
  be16_write(&f[12], 0x0806);
  uint8_t* a = &f[14];
  be16_write(a, 1);
  be16_write(a + 2, 0x0800);
  a[4] = 6;
  a[5] = 4;
  be16_write(a + 6, 1);
  std::copy(mac, mac + 6, a + 8);
  const uint8_t spa[4] = {10, 0, 1, 1}, tpa[4] = {10, 0, 1, 2};
  std::copy(spa, spa + 4, a + 14);
  std::copy(tpa, tpa + 4, a + 24);
  f.resize(60, 0);  // padded to the Ethernet minimum
  return f;
}

std::string Dump(enum trace_link link, const std::vector<uint8_t>& pkt) {
  char line[512];
  dump_packet(link, pkt.data(), pkt.size(), pkt.size(), line, sizeof(line));
  return line;
}

TEST(Dump, TcpSynLooksLikeTcpdump) {
  EXPECT_EQ(Dump(TRACE_LINK_IP, Ipv4(6, TcpSyn())),
            "IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [S], seq 1000, win 65535, "
            "options [mss 1460], length 0");
}

TEST(Dump, TcpDataShowsRangeAndAck) {
  EXPECT_EQ(Dump(TRACE_LINK_IP, Ipv4(6, TcpData())),
            "IP 10.0.0.1.5555 > 10.0.0.2.40000: Flags [P.], seq 5000:5005, ack 1001, "
            "win 512, length 5");
}

TEST(Dump, IcmpEcho) {
  EXPECT_EQ(Dump(TRACE_LINK_IP, Ipv4(1, Echo())),
            "IP 10.0.0.1 > 10.0.0.2: ICMP echo request, id 7, seq 3, length 64");
}

TEST(Dump, ArpRequestInAFrame) {
  EXPECT_EQ(Dump(TRACE_LINK_ETHERNET, ArpRequest()),
            "02:00:00:00:00:01 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 60: "
            "Request who-has 10.0.1.2 tell 10.0.1.1, length 28");
}

TEST(Dump, TruncatedAndHostileInputNeverOverflows) {
  std::vector<uint8_t> syn = Ipv4(6, TcpSyn());
  for (size_t cap = 0; cap <= syn.size(); cap++) {
    char line[64];  // small on purpose: the line must be cut, not overflow
    size_t n = dump_packet(TRACE_LINK_IP, syn.data(), cap, syn.size(), line, sizeof(line));
    EXPECT_LT(n, sizeof(line));
  }
  std::vector<uint8_t> bad = syn;
  bad[20 + 12] = 0xf0;  // data offset 60 bytes, far beyond the segment
  EXPECT_NE(Dump(TRACE_LINK_IP, bad).find("[|tcp]"), std::string::npos);
  bad = syn;
  bad[20 + 21] = 0;  // option length 0
  EXPECT_NE(Dump(TRACE_LINK_IP, bad).find("bad opt"), std::string::npos);
}

// The same packets through the real tcpdump, when it is installed.
TEST(Dump, MatchesRealTcpdump) {
  if (system("command -v tcpdump >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "tcpdump is not installed (./tunlab test installs it)";
  struct Case {
    enum trace_link link;
    std::vector<uint8_t> bytes;
  };
  std::vector<Case> cases = {
      {TRACE_LINK_IP, Ipv4(6, TcpSyn())}, {TRACE_LINK_IP, Ipv4(6, TcpData())},
      {TRACE_LINK_IP, Ipv4(1, Echo())},   {TRACE_LINK_IP, Ipv4(17, Udp())},
  };
  const char* dir = getenv("TEST_TMPDIR");
  std::string path = std::string(dir ? dir : "/tmp") + "/dump_ip.pcap";
  struct pcap_writer w;
  ASSERT_EQ(pcap_writer_open(&w, path.c_str(), TRACE_LINK_IP), 0);
  for (const Case& c : cases)
    ASSERT_EQ(pcap_writer_write(&w, 0, c.bytes.data(), c.bytes.size(), c.bytes.size()), 0);
  ASSERT_EQ(pcap_writer_close(&w), 0);

  std::string cmd = "tcpdump -n -S -t -r " + path + " 2>&1 | grep -v '^reading from'";
  FILE* out = popen(cmd.c_str(), "r");
  ASSERT_NE(out, nullptr);
  char line[512];
  for (const Case& c : cases) {
    ASSERT_NE(fgets(line, sizeof(line), out), nullptr);
    std::string theirs(line);
    if (!theirs.empty() && theirs.back() == '\n') theirs.pop_back();
    EXPECT_EQ(Dump(c.link, c.bytes), theirs);
  }
  pclose(out);
}

}  // namespace
