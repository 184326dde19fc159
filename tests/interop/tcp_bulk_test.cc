// Bulk TCP over a real TUN device (issue 7), in the test's own network
// namespace: 100 MiB each way between the kernel and the stack.
//
//   1. the kernel's nc sends 100 MiB to the stack's discard server (port 9):
//      the server's byte counter must say exactly 100 MiB;
//   2. the kernel's nc sends 100 MiB of random bytes to the stack's echo
//      server (port 7) and keeps what comes back: sha256 of both equal;
//   3. the stack (a tl_* sender thread: this test) sends a 100 MiB random
//      file to a kernel nc server that writes it to a file: sha256 equal.
// Each prints its MB/s. Window scaling is on (the default): the stack's
// 1 MiB receive buffer is announced with wscale 5.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <thread>
#include <vector>

#include "apps/discard/discard.h"
#include "apps/tcp_echo/tcp_echo.h"
#include "stack/phy/loop.h"
#include "stack/socket/tl_socket.h"
#include "tests/interop/interop.h"

namespace {

constexpr uint64_t kBytes = 100ull << 20;  // 100 MiB
const std::string kBytesText = std::to_string(kBytes);

struct daemon* g_daemon = nullptr;
std::string g_skip_reason;
struct discard* g_discard = nullptr;
struct tcp_echo* g_echo = nullptr;
std::string g_source;  // 100 MiB of random bytes, made once

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

double MBps(uint64_t bytes, double seconds) {
  return seconds > 0 ? bytes / 1e6 / seconds : 0;
}

// "hash  file" -> "hash"
std::string Sha256(const std::string& path) {
  interop::CommandResult r = interop::Run("sha256sum " + path);
  if (r.exit_code != 0 || r.output.size() < 64) return "sha256sum failed: " + r.output;
  return r.output.substr(0, 64);
}

uint64_t FileSize(const std::string& path) {
  std::ifstream f(path, std::ios::binary | std::ios::ate);
  return f ? static_cast<uint64_t>(f.tellg()) : 0;
}

class TcpBulkTun : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    g_daemon = interop::StartDaemon(interop::TunConfigNoServices(), &g_skip_reason);
    if (g_daemon == nullptr) return;
    if (!interop::HaveTool("nc") || !interop::HaveTool("sha256sum")) {
      g_skip_reason = "nc or sha256sum missing (./tunlab test installs netcat-openbsd)";
      return;
    }
    struct tl_stack* tl = daemon_tl(g_daemon);
    tl_stack_lock(tl);
    int rc1 = discard_service_start(daemon_stack(g_daemon), DISCARD_PORT, &g_discard);
    int rc2 = tcp_echo_service_start(daemon_stack(g_daemon), 7, &g_echo);
    tl_stack_unlock(tl);
    if (rc1 < 0 || rc2 < 0) {
      g_skip_reason = "";  // a real failure, not a skip
      ADD_FAILURE() << "services: discard " << rc1 << ", echo " << rc2;
      return;
    }
    g_source = interop::WriteTempFile("bulk_source.bin", "");
    interop::CommandResult r =
        interop::Run("head -c " + kBytesText + " /dev/urandom > " + g_source);
    if (r.exit_code != 0 || FileSize(g_source) != kBytes)
      ADD_FAILURE() << "cannot make the 100 MiB source file: " << r.output;
  }
  static void TearDownTestSuite() {
    if (g_daemon != nullptr) {
      struct tl_stack* tl = daemon_tl(g_daemon);
      tl_stack_lock(tl);
      if (g_discard != nullptr) discard_service_stop(g_discard, loop_clock_now());
      if (g_echo != nullptr) tcp_echo_service_stop(g_echo, loop_clock_now());
      tl_stack_unlock(tl);
    }
    g_discard = nullptr;
    g_echo = nullptr;
    daemon_free(g_daemon);
    g_daemon = nullptr;
  }
  void SetUp() override {
    if (g_daemon == nullptr || !g_skip_reason.empty()) GTEST_SKIP() << g_skip_reason;
    ASSERT_TRUE(g_discard != nullptr && g_echo != nullptr);
  }
  static uint64_t DiscardBytes() {
    struct tl_stack* tl = daemon_tl(g_daemon);
    tl_stack_lock(tl);
    uint64_t b = discard_stats(g_discard)->bytes;
    tl_stack_unlock(tl);
    return b;
  }
};

TEST_F(TcpBulkTun, KernelSends100MiBToTheDiscardServer) {
  uint64_t before = DiscardBytes();
  auto t0 = std::chrono::steady_clock::now();
  // -N: shut down the sending side at EOF, so the server sees the end.
  interop::CommandResult r =
      interop::Run("head -c " + kBytesText + " /dev/zero | nc -N -w 10 10.0.0.2 9");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  // nc is done when the kernel has queued the last byte; wait (bounded) for
  // the stack to have read it all.
  for (int i = 0; i < 200 && DiscardBytes() - before < kBytes; i++)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  double s = Seconds(t0);
  EXPECT_EQ(DiscardBytes() - before, kBytes);
  std::printf("kernel -> stack discard: %llu bytes in %.2f s = %.1f MB/s\n",
              static_cast<unsigned long long>(kBytes), s, MBps(kBytes, s));
}

TEST_F(TcpBulkTun, KernelSends100MiBThroughTheEchoServerHashesEqual) {
  std::string back = interop::WriteTempFile("bulk_echoed.bin", "");
  auto t0 = std::chrono::steady_clock::now();
  // nc writes the file and reads the echo at the same time; -N half-closes
  // at the end of the file, the echo server then finishes and closes.
  interop::CommandResult r =
      interop::Run("nc -N -w 10 10.0.0.2 7 < " + g_source + " > " + back);
  double s = Seconds(t0);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(FileSize(back), kBytes);
  std::string sent = Sha256(g_source), echoed = Sha256(back);
  EXPECT_EQ(sent, echoed);
  std::printf("kernel -> stack echo -> kernel: %llu bytes each way in %.2f s = %.1f MB/s; "
              "sha256 %s\n",
              static_cast<unsigned long long>(kBytes), s, MBps(kBytes, s), echoed.c_str());
}

TEST_F(TcpBulkTun, Stack100MiBToAKernelServerHashesEqual) {
  std::string received = interop::WriteTempFile("bulk_received.bin", "");
  // The kernel server: nc keeps what it receives; bounded by timeout and -w.
  interop::CommandResult server = interop::Run(
      "timeout 110 nc -l -w 10 10.0.0.1 5001 > " + received + " 2>/dev/null &"
      " echo $! > " + received + ".pid; sleep 0.3");
  ASSERT_EQ(server.exit_code, 0) << server.output;

  std::ifstream src(g_source, std::ios::binary);
  ASSERT_TRUE(src) << g_source;
  struct tl_stack* tl = daemon_tl(g_daemon);
  int fd = tl_socket(tl, SOCK_TYPE_STREAM);
  ASSERT_GE(fd, 0);
  sock_addr kernel = {0x0A000001, 5001};
  ASSERT_EQ(tl_connect(tl, fd, &kernel), 0) << strerror(errno);

  auto t0 = std::chrono::steady_clock::now();
  std::vector<char> buf(256 * 1024);
  uint64_t sent = 0;
  while (sent < kBytes && Seconds(t0) < 100) {
    src.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    size_t n = static_cast<size_t>(src.gcount());
    if (n == 0) break;
    ssize_t w = tl_send(tl, fd, buf.data(), n);
    ASSERT_EQ(w, static_cast<ssize_t>(n)) << "after " << sent << " bytes: " << strerror(errno);
    sent += n;
  }
  ASSERT_EQ(tl_close(tl, fd), 0);
  EXPECT_EQ(sent, kBytes);

  // The kernel's nc ends when the stack's FIN arrives (after the last byte).
  interop::CommandResult wait = interop::Run(
      "for i in $(seq 1 200); do kill -0 $(cat " + received +
      ".pid) 2>/dev/null || exit 0; sleep 0.1; done; exit 1");
  double s = Seconds(t0);
  EXPECT_EQ(wait.exit_code, 0) << "nc still running";
  EXPECT_EQ(FileSize(received), kBytes);
  std::string want = Sha256(g_source), got = Sha256(received);
  EXPECT_EQ(want, got);
  std::printf("stack -> kernel nc: %llu bytes in %.2f s = %.1f MB/s; sha256 %s\n",
              static_cast<unsigned long long>(sent), s, MBps(sent, s), got.c_str());
}

}  // namespace
