// http_bulk_interop_test.cc — 50 MiB through the stack's HTTP server to
// curl on the kernel side over a real TUN device, in the test's own
// namespace, byte-identical (sha256sum); and the same file back through the
// stack's own HTTP client from python's http.server. Prints the rates: the
// figure depends on TCP's flow and congestion control (issue 7), so it is
// reported, not asserted beyond a generous time bound.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "apps/daemon/http_get.h"
#include "tests/interop/interop.h"

namespace {

constexpr long kBytes = 50L * 1024 * 1024;

std::string TmpDir() {
  const char* dir = getenv("TEST_TMPDIR");
  return dir != nullptr ? dir : "/tmp";
}

std::string Sha256(const std::string& path) {
  return interop::Run("sha256sum " + path).output.substr(0, 64);
}

TEST(HttpBulkInterop, FiftyMebibytesBothWaysWithIdenticalHashes) {
  std::string www = TmpDir() + "/www";
  interop::Run("mkdir -p " + www + " && head -c " + std::to_string(kBytes) +
               " /dev/urandom > " + www + "/big.bin");
  daemon_config cfg = interop::TunConfig();
  cfg.www_root = www.c_str();
  std::string why;
  struct daemon* d = interop::StartDaemon(cfg, &why);
  if (d == nullptr) GTEST_SKIP() << why;

  // Stack -> kernel: curl downloads from the stack's HTTP server.
  std::string got = TmpDir() + "/got.bin";
  auto start = std::chrono::steady_clock::now();
  auto r = interop::Run("curl -sS -m 110 -o " + got + " -w %{size_download} http://10.0.0.2/big.bin");
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, std::to_string(kBytes));
  EXPECT_EQ(Sha256(got), Sha256(www + "/big.bin"));
  printf("stack -> curl: 50 MiB in %.2f s = %.1f MB/s\n", secs, kBytes / secs / 1e6);

  // Kernel -> stack: the stack's client from python's http.server.
  interop::Run("cd " + www + " && (/usr/bin/python3 -m http.server 8000 --bind 10.0.0.1 >" +
               TmpDir() + "/http.log 2>&1 & echo $! > " + TmpDir() + "/http.pid)");
  interop::Run("for i in 1 2 3 4 5 6 7 8 9 10; do curl -s -m 1 -o /dev/null http://10.0.0.1:8000/ && break; sleep 0.3; done");
  http_get_options opt = {};
  std::string fetched = TmpDir() + "/fetched.bin";
  opt.output_path = fetched.c_str();
  const char* urls[] = {"http://10.0.0.1:8000/big.bin"};
  start = std::chrono::steady_clock::now();
  int rc = http_get_run(d, &opt, urls, 1, stdout);
  secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(rc, 0);
  EXPECT_EQ(Sha256(fetched), Sha256(www + "/big.bin"));
  printf("python -> stack client: 50 MiB in %.2f s = %.1f MB/s\n", secs, kBytes / secs / 1e6);
  interop::Run("kill $(cat " + TmpDir() + "/http.pid) 2>/dev/null");
  daemon_free(d);
}

}  // namespace
