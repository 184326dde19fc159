// SYN flood against the daemon's HTTP port over TUN (issue 11, RFC 4987):
// a raw-socket sender inside the test's own network namespace sends 50,000
// SYNs with spoofed sources (10.0.0.3-254, the kernel side's neighbours on
// tun0's /24; their SYN+ACKs come back to a namespace that does not forward,
// so nothing leaves it) to 10.0.0.2:80 while curl fetches a page.
//   cookies on:  curl succeeds during the flood; cookies are counted;
//   cookies off: the SYN cache fills and the counters say so.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>

#include "stack/core/byteorder.h"
#include "stack/socket/tl_socket.h"
#include "stack/core/rng.h"
#include "stack/transport/tcp.h"
#include "stack/transport/tcp_hdr.h"
#include "tests/interop/interop.h"

namespace {

constexpr unsigned kSyns = 50000;
constexpr uint64_t kSeed = 0x5F100D;

struct daemon* g_daemon = nullptr;
std::string g_skip_reason;

struct FloodResult {
  unsigned sent = 0;
  double seconds = 0;
};

// kSyns IPv4+TCP SYNs to 10.0.0.2:80 from spoofed neighbours, through a raw
// socket (IP_HDRINCL). Bounded in count; returns what it sent.
FloodResult Flood(uint64_t seed) {
  FloodResult res;
  int fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
  if (fd < 0) return res;
  struct rng r;
  rng_seed(&r, seed);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_addr.s_addr = htonl(0x0A000002);
  auto start = std::chrono::steady_clock::now();
  for (unsigned i = 0; i < kSyns; i++) {
    uint8_t b[44] = {};
    uint32_t src = 0x0A000003 + rng_below(&r, 252);
    b[0] = 0x45;
    be16_write(b + 2, sizeof b);
    b[8] = 64;
    b[9] = 6;
    be32_write(b + 12, src);
    be32_write(b + 16, 0x0A000002);
    uint8_t* t = b + 20;
    be16_write(t, (uint16_t)(1024 + rng_below(&r, 60000)));
    be16_write(t + 2, 80);
    be32_write(t + 4, rng_u32(&r));
    t[12] = 6 << 4;   // 24 bytes: the header and an MSS option
    t[13] = 0x02;     // SYN
    be16_write(t + 14, 64240);
    t[20] = 2;
    t[21] = 4;
    be16_write(t + 22, 1460);
    be16_write(t + 16, tcp_checksum(t, 24, src, 0x0A000002));
    // The kernel fills the IP checksum for IP_HDRINCL.
    for (int tries = 0; tries < 100; tries++) {
      if (sendto(fd, b, sizeof b, 0, (const sockaddr*)&to, sizeof to) == (ssize_t)sizeof b) {
        res.sent++;
        break;
      }
      std::this_thread::sleep_for(std::chrono::microseconds(100));   // ENOBUFS: let tun0 drain
    }
  }
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  close(fd);
  return res;
}

tcp_stats Stats() {
  struct tl_stack* tl = daemon_tl(g_daemon);
  tl_stack_lock(tl);
  tcp_stats s = *tcp_get_stats(daemon_stack(g_daemon)->tcp);
  tl_stack_unlock(tl);
  return s;
}

void SetCookies(bool on) {
  struct tl_stack* tl = daemon_tl(g_daemon);
  tl_stack_lock(tl);
  struct tcp* tcp = daemon_stack(g_daemon)->tcp;
  tcp_config cfg = *tcp_get_config(tcp);
  cfg.syncookies = on;
  tcp_set_config(tcp, &cfg);
  tl_stack_unlock(tl);
}

class SynFlood : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    g_daemon = interop::StartDaemon(interop::TunConfig(), &g_skip_reason);
    if (g_daemon == nullptr) return;
    if (!interop::HaveTool("curl")) g_skip_reason = "curl missing";
  }
  static void TearDownTestSuite() {
    daemon_free(g_daemon);
    g_daemon = nullptr;
  }
  void SetUp() override {
    if (g_daemon == nullptr || !g_skip_reason.empty()) GTEST_SKIP() << g_skip_reason;
  }
};

TEST_F(SynFlood, CurlGetsThroughWithCookiesOn) {
  SCOPED_TRACE(::testing::Message() << "seed " << kSeed);
  SetCookies(true);
  tcp_stats before = Stats();
  FloodResult fr;
  std::thread sender([&] { fr = Flood(kSeed); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));   // the queue is full by now
  interop::CommandResult curl =
      interop::Run("curl -sS -m 5 -o /dev/null -w \"%{http_code} %{time_total}\" http://10.0.0.2/");
  tcp_stats during = Stats();
  sender.join();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  tcp_stats after = Stats();
  EXPECT_EQ(curl.exit_code, 0) << curl.output;
  EXPECT_EQ(curl.output.substr(0, 3), "200") << curl.output;
  EXPECT_EQ(fr.sent, kSyns) << "the raw socket could not send them all";
  EXPECT_GT(during.syncookies_sent, before.syncookies_sent) << "curl ran during the flood";
  EXPECT_GT(after.syncookies_sent - before.syncookies_sent, 1000u);
  EXPECT_GT(after.syncache_overflowed, before.syncache_overflowed);
  std::printf("cookies on: %u SYNs in %.2f s (%.0f SYNs/s), cookies sent %llu, queue "
              "overflowed %llu, curl (code, time) %s\n",
              fr.sent, fr.seconds, fr.sent / (fr.seconds > 0 ? fr.seconds : 1),
              (unsigned long long)(after.syncookies_sent - before.syncookies_sent),
              (unsigned long long)(after.syncache_overflowed - before.syncache_overflowed),
              curl.output.c_str());
}

TEST_F(SynFlood, CookiesOffTheQueueFillsAndSynsAreDropped) {
  SCOPED_TRACE(::testing::Message() << "seed " << kSeed + 1);
  SetCookies(false);
  tcp_stats before = Stats();
  FloodResult fr = Flood(kSeed + 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  tcp_stats after = Stats();
  EXPECT_EQ(fr.sent, kSyns);
  EXPECT_EQ(after.syncookies_sent, before.syncookies_sent);
  EXPECT_GT(after.syn_queue_full - before.syn_queue_full, 1000u) << "SYNs dropped: queue full";
  EXPECT_GT(after.syncache_overflowed, before.syncache_overflowed);
  std::printf("cookies off: %u SYNs in %.2f s, SYNs dropped (queue full) %llu, added %llu\n",
              fr.sent, fr.seconds,
              (unsigned long long)(after.syn_queue_full - before.syn_queue_full),
              (unsigned long long)(after.syncache_added - before.syncache_added));
  SetCookies(true);
}

}  // namespace
