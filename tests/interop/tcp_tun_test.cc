// TCP against the kernel over TUN (issue 6): the kernel's nc talks to the
// stack's echo server and closes first (so the kernel holds TIME-WAIT), and
// the stack connects to a kernel nc server, sends, closes first, and its own
// connection listing shows TIME-WAIT and then nothing (CLOSED).
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "stack/socket/tl_socket.h"
#include "stack/transport/tcp.h"
#include "tests/interop/interop.h"

namespace {

struct daemon* g_daemon = nullptr;
std::string g_skip_reason;
constexpr uint64_t kMslUsec = 1000 * 1000;  // 1 s, so 2MSL passes within the test

class TcpTun : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    g_daemon = interop::StartDaemon(interop::TunConfig(), &g_skip_reason);
    if (g_daemon == nullptr) return;
    if (!interop::HaveTool("nc") || !interop::HaveTool("ss")) {
      g_skip_reason = "nc or ss missing (./tunlab test installs netcat-openbsd and iproute2)";
      return;
    }
    struct tl_stack* tl = daemon_tl(g_daemon);
    tl_stack_lock(tl);
    struct tcp* tcp = daemon_stack(g_daemon)->tcp;
    struct tcp_config cfg = *tcp_get_config(tcp);
    cfg.msl = kMslUsec;
    tcp_set_config(tcp, &cfg);
    tl_stack_unlock(tl);
  }
  static void TearDownTestSuite() {
    daemon_free(g_daemon);
    g_daemon = nullptr;
  }
  void SetUp() override {
    if (g_daemon == nullptr || !g_skip_reason.empty()) GTEST_SKIP() << g_skip_reason;
  }
};

TEST_F(TcpTun, KernelNetcatTalksToTheEchoServerAndHoldsTimeWait) {
  // nc sends two lines, prints what comes back, and closes 1 s after its
  // input ends: the kernel sends the first FIN (the active closer).
  interop::CommandResult r =
      interop::Run("printf \"hello\\nlayer four\\n\" | nc -q 1 -w 5 10.0.0.2 7");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, "hello\nlayer four\n");

  // The active closer holds TIME-WAIT (the seed's 2MSL): the kernel here.
  interop::CommandResult ss = interop::Run("ss -tan state time-wait");
  EXPECT_NE(ss.output.find("10.0.0.2:7"), std::string::npos) << ss.output;
}

TEST_F(TcpTun, StackConnectsToAKernelServerAndClosesFirst) {
  std::string received = interop::WriteTempFile("nc_received.txt", "");
  // A kernel server that keeps what it receives; bounded by its -w and timeout.
  interop::CommandResult server = interop::Run(
      "timeout 20 nc -l -w 5 10.0.0.1 5000 > " + received + " 2>/dev/null &"
      " sleep 0.3");
  ASSERT_EQ(server.exit_code, 0) << server.output;

  struct tl_stack* tl = daemon_tl(g_daemon);
  int fd = tl_socket(tl, SOCK_TYPE_STREAM);
  ASSERT_GE(fd, 0);
  sock_addr kernel = {0x0A000001, 5000};
  ASSERT_EQ(tl_connect(tl, fd, &kernel), 0) << strerror(errno);
  const char msg[] = "sent by the tunlab stack\n";
  ASSERT_EQ(tl_send(tl, fd, msg, sizeof(msg) - 1), static_cast<ssize_t>(sizeof(msg) - 1));
  ASSERT_EQ(tl_close(tl, fd), 0);

  // The stack closed first, so the stack holds TIME-WAIT for 2 x MSL ...
  std::string listing;
  for (int i = 0; i < 20; i++) {
    listing = interop::Report(g_daemon, "sockets");
    if (listing.find("TIME-WAIT") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_NE(listing.find("TIME-WAIT"), std::string::npos) << listing;
  EXPECT_NE(listing.find("10.0.0.1:5000"), std::string::npos) << listing;

  // ... and then the connection is gone (CLOSED).
  std::this_thread::sleep_for(std::chrono::microseconds(2 * kMslUsec + 500 * 1000));
  listing = interop::Report(g_daemon, "sockets");
  EXPECT_EQ(listing.find("10.0.0.1:5000"), std::string::npos) << listing;

  std::ifstream in(received);
  std::stringstream got;
  got << in.rdbuf();
  EXPECT_EQ(got.str(), "sent by the tunlab stack\n");
}

}  // namespace
