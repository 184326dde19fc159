// The kernel pings the stack over TUN (issue 3): small, fragmented (4000 and
// 60000 bytes: the kernel fragments, the stack reassembles and answers with
// fragments), and a bounded flood; and the stack pings the kernel.
#include <gtest/gtest.h>

#include "apps/daemon/ping.h"
#include "tests/interop/interop.h"

namespace {

struct daemon* g_daemon = nullptr;
std::string g_skip_reason;

class PingTun : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    g_daemon = interop::StartDaemon(interop::TunConfig(), &g_skip_reason);
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
  // ping, and assert 0% loss; the output is printed on failure.
  void ExpectNoLoss(const std::string& args) {
    interop::CommandResult r = interop::Run("ping " + args + " 10.0.0.2");
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find(" 0% packet loss"), std::string::npos) << r.output;
  }
};

TEST_F(PingTun, FiveEchoes) { ExpectNoLoss("-c 5 -i 0.2 -W 2"); }

TEST_F(PingTun, FourThousandBytesAreFragmentedAndReassembled) {
  ExpectNoLoss("-c 3 -i 0.2 -W 2 -s 4000");
}

TEST_F(PingTun, SixtyThousandBytes) { ExpectNoLoss("-c 3 -i 0.2 -W 2 -s 60000"); }

TEST_F(PingTun, FloodOfFiveThousand) { ExpectNoLoss("-f -c 5000 -w 60"); }

TEST_F(PingTun, StackPingsTheKernel) {
  struct ping_result r = ping_run(g_daemon, 0x0A000001, 3, 56, stdout);
  EXPECT_EQ(r.sent, 3);
  EXPECT_EQ(r.received, 3);
  EXPECT_GT(r.rtt_max_ms, 0.0);
}

TEST_F(PingTun, CountersSawTheEchoes) {
  std::string stats = interop::Report(g_daemon, "stats");
  EXPECT_NE(stats.find("echo"), std::string::npos) << stats;
}

}  // namespace
