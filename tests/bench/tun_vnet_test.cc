// The offload TUN device (stack/phy/tun_vnet.h) under the real stack and
// the real kernel, in a network namespace of the test's own: 4 MiB each way
// arrive exactly, the kernel's large segments are taken (their checksums
// finished), and the stack's segments leave joined. Skips without root.
//
// One thread: the test alternates the event loop (loop_run_until a few
// milliseconds) with non-blocking kernel socket calls, bounded in time.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "stack/phy/loop.h"
#include "stack/phy/tun_vnet.h"
#include "stack/phy/tuntap.h"
#include "stack/socket/socket.h"
#include "stack/stack.h"
#include "stack/transport/tcp.h"
#include "tests/phy/netns.h"

namespace {

constexpr uint32_t kKernel = 0x0a000001, kStack = 0x0a000002;
constexpr size_t kBytes = 4u << 20;
constexpr usec_t kLimit = 20 * USEC_PER_SEC;

uint8_t Pattern(size_t i) { return (uint8_t)(i * 31 + (i >> 11)); }

void RunTimers(void* ctx, usec_t now) { stack_run_timers((stack*)ctx, now); }
usec_t NextDeadline(void* ctx) { return stack_next_deadline((stack*)ctx); }
const loop_ops kOps = {nullptr, nullptr, RunTimers, NextDeadline, nullptr};

class TunVnet : public ::testing::Test {
 protected:
  void SetUp() override {
    char why[256];
    if (netns_enter_private(why, sizeof why) < 0) GTEST_SKIP() << why;
    int rc = tun_vnet_open(&dev_, "tvnet0");
    if (rc == -EPERM || rc == -EACCES || rc == -ENOENT)
      GTEST_SKIP() << "no TUN device: " << strerror(-rc);
    ASSERT_EQ(rc, 0) << strerror(-rc);
    opened_ = true;
    EXPECT_EQ(dev_.mtu, (uint32_t)TUN_VNET_MTU);
    ASSERT_EQ(tuntap_configure_kernel(dev_.name, kKernel, 24, TUNTAP_DEFAULT_MTU), 0);
    stack_config sc = {"stack", 7, nullptr};
    st_ = stack_new(&sc);
    ASSERT_NE(st_, nullptr);
    tcp_config tc = *tcp_get_config(st_->tcp);
    tc.mss = TUNTAP_DEFAULT_MTU - 40;  // segments for the wire, not for the device
    tcp_set_config(st_->tcp, &tc);
    ASSERT_GE(stack_add_iface(st_, &dev_, kStack, 24, loop_clock_now()), 0);
    loop_ = loop_new(&kOps, st_);
    ASSERT_NE(loop_, nullptr);
    ASSERT_EQ(loop_add_device(loop_, &dev_), 0);
    ASSERT_EQ(loop_set_flush(loop_, &dev_, tun_vnet_flush), 0);
    start_ = loop_clock_now();
  }
  void TearDown() override {
    if (kfd_ >= 0) close(kfd_);
    if (klisten_ >= 0) close(klisten_);
    loop_free(loop_);
    stack_free(st_);
    if (opened_) netdev_close(&dev_);
  }
  // Run the stack for a few milliseconds.
  void Step() { ASSERT_EQ(loop_run_until(loop_, loop_clock_now() + 2000), 0); }
  bool TimeLeft() const { return loop_clock_now() - start_ < kLimit; }
  usec_t Now() const { return loop_clock_now(); }

  netdev dev_{};
  bool opened_ = false;
  stack* st_ = nullptr;
  loop* loop_ = nullptr;
  usec_t start_ = 0;
  int kfd_ = -1, klisten_ = -1;
};

int KernelSocket() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  return fd;
}

sockaddr_in Addr(uint32_t ip, uint16_t port) {
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(ip);
  sin.sin_port = htons(port);
  return sin;
}

TEST_F(TunVnet, KernelSegmentsOfUpTo64KiBArriveWholeAndExact) {
  int lfd = socket_open(st_, SOCK_TYPE_STREAM);
  sock_addr any = {0, 5001};
  ASSERT_EQ(socket_bind(st_, lfd, &any), 0);
  ASSERT_EQ(socket_listen(st_, lfd, 4, Now()), 0);
  kfd_ = KernelSocket();
  sockaddr_in to = Addr(kStack, 5001);
  ASSERT_TRUE(connect(kfd_, (sockaddr*)&to, sizeof to) == 0 || errno == EINPROGRESS);

  std::vector<uint8_t> out(kBytes), in;
  for (size_t i = 0; i < kBytes; i++) out[i] = Pattern(i);
  size_t sent = 0;
  int cfd = -1;
  bool eof = false;
  uint8_t buf[65536];
  while (!eof && TimeLeft()) {
    Step();
    if (sent < kBytes) {
      ssize_t n = send(kfd_, out.data() + sent, kBytes - sent, MSG_NOSIGNAL);
      if (n > 0) sent += (size_t)n;
      if (sent == kBytes) shutdown(kfd_, SHUT_WR);
    }
    if (cfd < 0) cfd = socket_accept(st_, lfd, nullptr, Now());
    for (ssize_t n; cfd >= 0 && (n = socket_recv(st_, cfd, buf, sizeof buf, Now())) != -EAGAIN;) {
      if (n <= 0) {
        eof = n == 0;
        ASSERT_EQ(n, 0) << socket_strerror((int)n);
        break;
      }
      in.insert(in.end(), buf, buf + n);
    }
  }
  ASSERT_TRUE(eof) << "received " << in.size() << " of " << kBytes << " bytes in time";
  ASSERT_EQ(in.size(), kBytes);
  EXPECT_TRUE(in == out) << "the bytes differ";
  struct tun_vnet_stats vs = tun_vnet_stats(&dev_);
  EXPECT_GT(vs.rx_large, 0u) << "the kernel sent no segment over 1500 bytes";
  EXPECT_GT(vs.rx_csum_finished, 0u);
  EXPECT_EQ(vs.rx_bad_header, 0u);
  EXPECT_EQ(dev_.stats.rx_dropped, 0u);
  socket_close(st_, cfd, Now());
  socket_close(st_, lfd, Now());
}

TEST_F(TunVnet, TheStacksSegmentsLeaveJoinedAndArriveExact) {
  klisten_ = KernelSocket();
  int one = 1;
  setsockopt(klisten_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in at = Addr(kKernel, 5002);
  ASSERT_EQ(bind(klisten_, (sockaddr*)&at, sizeof at), 0);
  ASSERT_EQ(listen(klisten_, 4), 0);
  int fd = socket_open(st_, SOCK_TYPE_STREAM);
  sock_addr to = {kKernel, 5002};
  int rc = socket_connect(st_, fd, &to, Now());
  ASSERT_TRUE(rc == 0 || rc == -EINPROGRESS) << socket_strerror(rc);

  std::vector<uint8_t> out(kBytes), in;
  for (size_t i = 0; i < kBytes; i++) out[i] = Pattern(i);
  size_t sent = 0;
  bool shut = false, eof = false;
  uint8_t buf[65536];
  while (!eof && TimeLeft()) {
    Step();
    while (sent < kBytes) {
      ssize_t n = socket_send(st_, fd, out.data() + sent, kBytes - sent, Now());
      if (n <= 0) break;
      sent += (size_t)n;
    }
    if (sent == kBytes && !shut) shut = socket_shutdown(st_, fd, SOCK_SHUT_WR, Now()) == 0;
    if (kfd_ < 0) kfd_ = accept4(klisten_, nullptr, nullptr, SOCK_NONBLOCK);
    for (ssize_t n; kfd_ >= 0 && (n = read(kfd_, buf, sizeof buf)) != 0;) {
      if (n < 0) break;  // EAGAIN
      in.insert(in.end(), buf, buf + n);
    }
    if (kfd_ >= 0 && in.size() == kBytes && shut) {
      char c;
      eof = read(kfd_, &c, 1) == 0;
    }
  }
  ASSERT_TRUE(eof) << "the kernel read " << in.size() << " of " << kBytes << " bytes in time";
  EXPECT_TRUE(in == out) << "the bytes differ";
  struct tun_vnet_stats vs = tun_vnet_stats(&dev_);
  EXPECT_GT(vs.tx_joined_packets, 0u) << "no run of segments was joined";
  EXPECT_GE(vs.tx_joined_segments, 2 * vs.tx_joined_packets);
  EXPECT_EQ(vs.tx_errors, 0u);
  EXPECT_EQ(dev_.stats.tx_dropped, 0u);
  socket_close(st_, fd, Now());
}

}  // namespace
