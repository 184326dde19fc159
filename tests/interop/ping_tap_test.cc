// TAP mode (issue 4): the stack sees Ethernet frames and must answer ARP
// before the kernel can ping it; and it resolves the kernel's MAC before its
// own ping leaves. The capture shows ARP request/reply, then ICMP.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "apps/daemon/ping.h"
#include "stack/dump/dump.h"
#include "stack/phy/pcap.h"
#include "tests/interop/interop.h"

namespace {

struct daemon* g_daemon = nullptr;
std::string g_skip_reason;
std::string g_pcap_path;

class PingTap : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const char* dir = getenv("TEST_TMPDIR");
    g_pcap_path = std::string(dir ? dir : "/tmp") + "/tap.pcap";
    daemon_config cfg = interop::TapConfig();
    cfg.pcap_path = g_pcap_path.c_str();
    g_daemon = interop::StartDaemon(cfg, &g_skip_reason);
    if (g_daemon != nullptr && !interop::HaveTool("ping"))
      g_skip_reason = "ping is not installed (./tunlab test installs iputils-ping)";
  }
  static void TearDownTestSuite() {
    daemon_free(g_daemon);
    g_daemon = nullptr;
  }
  void SetUp() override {
    if (g_daemon == nullptr || !g_skip_reason.empty()) GTEST_SKIP() << g_skip_reason;
  }
};

// Every packet of the capture, as tcpdump -e would print it.
std::vector<std::string> CaptureLines() {
  std::vector<std::string> lines;
  pcap_reader r;
  if (pcap_read_open(&r, g_pcap_path.c_str()) < 0) return lines;
  pcap_record rec;
  while (pcap_read_next(&r, &rec) > 0) {
    char line[512];
    dump_packet(TRACE_LINK_ETHERNET, rec.bytes, rec.cap_len, rec.wire_len, line, sizeof(line));
    lines.push_back(line);
  }
  pcap_read_close(&r);
  return lines;
}

TEST_F(PingTap, KernelPingsAfterArp) {
  interop::CommandResult r = interop::Run("ping -c 3 -i 0.2 -W 2 10.0.1.2");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find(" 0% packet loss"), std::string::npos) << r.output;

  // The kernel's neighbour table holds the stack's MAC.
  interop::CommandResult neigh = interop::Run("ip neigh show dev tap0");
  EXPECT_NE(neigh.output.find("10.0.1.2 lladdr 02:00:00:00:01:02"), std::string::npos)
      << neigh.output;

  // On the wire: who-has 10.0.1.2, the stack's reply, then the echoes.
  std::vector<std::string> lines = CaptureLines();
  size_t who_has = lines.size(), is_at = lines.size(), echo = lines.size();
  for (size_t i = 0; i < lines.size(); i++) {
    if (who_has == lines.size() && lines[i].find("Request who-has 10.0.1.2") != std::string::npos)
      who_has = i;
    if (is_at == lines.size() && lines[i].find("Reply 10.0.1.2 is-at 02:00:00:00:01:02") !=
                                     std::string::npos)
      is_at = i;
    if (echo == lines.size() && lines[i].find("ICMP echo request") != std::string::npos)
      echo = i;
  }
  std::string all;
  for (const std::string& l : lines) all += l + "\n";
  ASSERT_LT(who_has, lines.size()) << all;
  ASSERT_LT(is_at, lines.size()) << all;
  ASSERT_LT(echo, lines.size()) << all;
  EXPECT_LT(who_has, is_at) << all;
  EXPECT_LT(is_at, echo) << all;
}

TEST_F(PingTap, StackResolvesTheKernelBeforeItsPing) {
  struct ping_result r = ping_run(g_daemon, 0x0A000101, 2, 56, stdout);
  EXPECT_EQ(r.received, 2);
  std::string cache = interop::Report(g_daemon, "arp");
  EXPECT_NE(cache.find("10.0.1.1"), std::string::npos) << cache;
}

}  // namespace
