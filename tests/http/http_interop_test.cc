// http_interop_test.cc — the kernel's HTTP tools against the stack's HTTP
// server (the daemon's built-in port 80) over a real TUN device, and the
// stack's HTTP client against python's http.server with names from dnsmasq,
// all inside the test's own network namespace (tests/interop):
//
//   curl, ab, python3 ── tun0 10.0.0.1 ══ 10.0.0.2 tunlab: HTTP server, `get` client
//
// curl gets the index; two URLs in one curl share one connection (curl says
// "Re-using existing connection" and the stack's own /status, taken during
// the second request, lists one connection); --http1.0 gets a short
// connection; malformed requests get their status and the server goes on;
// ab -n 2000 -c 50 completes without a failed request; the stack's client
// fetches a file from the kernel side byte-identical.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "apps/daemon/http_get.h"
#include "stack/phy/loop.h"
#include "tests/interop/interop.h"

namespace {

struct daemon* g_daemon = nullptr;
std::string g_skip;
std::string g_www;   // the document root the daemon serves
std::string g_kernel_dir;  // what python's http.server serves

bool has(const std::string& text, const std::string& what) {
  return text.find(what) != std::string::npos;
}

std::string TmpDir() {
  const char* dir = getenv("TEST_TMPDIR");
  return dir != nullptr ? dir : "/tmp";
}

class HttpInterop : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    g_www = TmpDir() + "/www";
    g_kernel_dir = TmpDir() + "/kernel_files";
    interop::Run("mkdir -p " + g_www + " " + g_kernel_dir);
    interop::WriteTempFile("www/hello.txt", "hello from the stack\n");
    interop::Run("head -c 3000000 /dev/urandom > " + g_kernel_dir + "/random.bin");
    daemon_config cfg = interop::TunConfig();
    cfg.www_root = g_www.c_str();
    g_daemon = interop::StartDaemon(cfg, &g_skip);
    if (g_daemon == nullptr) return;
    if (!interop::HaveTool("curl")) g_skip = "curl is not installed";
  }
  static void TearDownTestSuite() {
    // The kernel-side servers, if a test stopped before killing them.
    interop::Run("for f in " + TmpDir() + "/http.pid " + TmpDir() +
                 "/dnsmasq.pid; do [ -f $f ] && kill $(cat $f) 2>/dev/null; rm -f $f; done");
    daemon_free(g_daemon);
    g_daemon = nullptr;
  }
  void SetUp() override {
    if (g_daemon == nullptr || !g_skip.empty()) GTEST_SKIP() << g_skip;
  }
};

// Lines of a /status page showing an established connection to port 80.
int EstablishedOnPort80(const std::string& status) {
  int n = 0;
  size_t pos = 0;
  while ((pos = status.find("\nESTAB", pos)) != std::string::npos) {
    size_t eol = status.find('\n', pos + 1);
    if (has(status.substr(pos, eol - pos), "10.0.0.2:80 ")) n++;
    pos = eol;
  }
  return n;
}

TEST_F(HttpInterop, CurlGetsTheIndex) {
  auto r = interop::Run("curl -sS -m 10 http://10.0.0.2/");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(has(r.output, "This page was served by your TCP/IP stack")) << r.output;
  EXPECT_TRUE(has(r.output, "hello.txt")) << "the index lists the document root\n" << r.output;
  r = interop::Run("curl -sS -m 10 http://10.0.0.2/hello.txt");
  EXPECT_EQ(r.output, "hello from the stack\n");
  r = interop::Run("curl -sS -m 10 -o /dev/null -w %{http_code} http://10.0.0.2/nope");
  EXPECT_EQ(r.output, "404");
}

TEST_F(HttpInterop, TwoUrlsInOneCurlShareOneConnection) {
  auto r = interop::Run("curl -v -sS -m 10 http://10.0.0.2/ http://10.0.0.2/status");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  // curl 7.88's words for keep-alive at work.
  EXPECT_TRUE(has(r.output, "Re-using existing connection")) << r.output;
  // The stack's own connection view, taken while it served the second
  // request: exactly one connection on port 80.
  EXPECT_EQ(EstablishedOnPort80(r.output), 1) << r.output;
}

TEST_F(HttpInterop, Http10GetsAShortConnection) {
  auto r = interop::Run("curl -v -sS -m 10 --http1.0 http://10.0.0.2/status http://10.0.0.2/status");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_FALSE(has(r.output, "Re-using existing connection")) << r.output;
  EXPECT_TRUE(has(r.output, "< Connection: close")) << r.output;
  // The second /status shows the first connection closed by the stack: the
  // side that closes first waits in TIME-WAIT, and that is 10.0.0.2:80.
  size_t second = r.output.rfind("tunlab status:");
  ASSERT_NE(second, std::string::npos) << r.output;
  std::string view = r.output.substr(second);
  bool time_wait_on_80 = false;
  size_t pos = 0;
  while ((pos = view.find("TIME-WAIT", pos)) != std::string::npos) {
    size_t eol = view.find('\n', pos);
    if (has(view.substr(pos, eol - pos), "10.0.0.2:80 ")) time_wait_on_80 = true;
    pos = eol;
  }
  EXPECT_TRUE(time_wait_on_80) << view;
  EXPECT_EQ(EstablishedOnPort80(view), 1) << view;
}

// Send raw bytes with python (a socket, no HTTP library) and print what came back.
interop::CommandResult RawRequest(const std::string& name, const std::string& python_bytes) {
  std::string script =
      "import socket\n"
      "s = socket.create_connection((\"10.0.0.2\", 80), timeout=5)\n"
      "s.sendall(" + python_bytes + ")\n"
      "data = b\"\"\n"
      "try:\n"
      "    while True:\n"
      "        chunk = s.recv(65536)\n"
      "        if not chunk:\n"
      "            break\n"
      "        data += chunk\n"
      "except Exception as e:\n"
      "    print(\"error:\", type(e).__name__)\n"
      "print(data.split(b\"\\r\\n\")[0].decode(errors=\"replace\"))\n";
  std::string path = interop::WriteTempFile(name + ".py", script);
  return interop::Run("/usr/bin/python3 " + path);
}

TEST_F(HttpInterop, MalformedRequestsGetTheRightStatusAndTheServerGoesOn) {
  struct Case {
    const char* name;
    std::string bytes;
    const char* status_line;
  } cases[] = {
      {"garbage", "b\"\\x00\\x01 not http at all\\r\\n\\r\\n\"", "HTTP/1.1 400 Bad Request"},
      {"oversized_header", "b\"GET / HTTP/1.1\\r\\nHost: x\\r\\nX-Big: \" + b\"a\" * 20000 + b\"\\r\\n\\r\\n\"",
       "HTTP/1.1 431 Request Header Fields Too Large"},
      {"missing_host", "b\"GET / HTTP/1.1\\r\\n\\r\\n\"", "HTTP/1.1 400 Bad Request"},
      {"bad_version", "b\"GET / HTTP/2.0\\r\\nHost: x\\r\\n\\r\\n\"", "HTTP/1.1 505 HTTP Version Not Supported"},
      {"long_target", "b\"GET /\" + b\"a\" * 5000 + b\" HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n\"", "HTTP/1.1 414 URI Too Long"},
      {"post", "b\"POST / HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 2\\r\\nConnection: close\\r\\n\\r\\nhi\"",
       "HTTP/1.1 405 Method Not Allowed"},
      {"traversal", "b\"GET /../../etc/passwd HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n\"",
       "HTTP/1.1 400 Bad Request"},
  };
  for (const auto& k : cases) {
    auto r = RawRequest(k.name, k.bytes);
    EXPECT_TRUE(has(r.output, k.status_line)) << k.name << ":\n" << r.output;
    EXPECT_FALSE(has(r.output, "error:")) << k.name << ": a reset instead of the response\n"
                                          << r.output;
    auto ok = interop::Run("curl -sS -m 10 -o /dev/null -w %{http_code} http://10.0.0.2/");
    EXPECT_EQ(ok.output, "200") << "after " << k.name;
  }
}

TEST_F(HttpInterop, AbLoadCompletesWithoutFailures) {
  if (!interop::HaveTool("ab")) GTEST_SKIP() << "ab is not installed (apt: apache2-utils)";
  // ab speaks HTTP/1.0 without keep-alive: 2000 connections, 50 at a time.
  auto r = interop::Run("ab -n 2000 -c 50 -s 10 http://10.0.0.2/hello.txt");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(has(r.output, "Complete requests:      2000")) << r.output;
  EXPECT_TRUE(has(r.output, "Failed requests:        0")) << r.output;
  size_t rps = r.output.find("Requests per second:");
  if (rps != std::string::npos)
    printf("ab -n 2000 -c 50: %s\n", r.output.substr(rps, r.output.find('\n', rps) - rps).c_str());
  // And with keep-alive (-k): the requests share connections.
  r = interop::Run("ab -k -n 2000 -c 50 -s 10 http://10.0.0.2/hello.txt");
  EXPECT_TRUE(has(r.output, "Failed requests:        0")) << r.output;
  EXPECT_TRUE(has(r.output, "Keep-Alive requests:    ")) << r.output;
  rps = r.output.find("Requests per second:");
  if (rps != std::string::npos)
    printf("ab -k -n 2000 -c 50: %s\n", r.output.substr(rps, r.output.find('\n', rps) - rps).c_str());
  // Afterwards the server still answers.
  auto ok = interop::Run("curl -sS -m 10 -o /dev/null -w %{http_code} http://10.0.0.2/");
  EXPECT_EQ(ok.output, "200");
}

std::string Sha256(const std::string& path) {
  auto r = interop::Run("sha256sum " + path);
  return r.output.substr(0, 64);
}

TEST_F(HttpInterop, StackClientFetchesFromPythonWithNamesFromDnsmasq) {
  if (!interop::HaveTool("dnsmasq")) GTEST_SKIP() << "dnsmasq is not installed (apt: dnsmasq-base)";
  std::string tmp = TmpDir();
  // The kernel side: a web server and a DNS server for kernel.tunlab.test,
  // both on 10.0.0.1 inside this namespace only.
  auto up = interop::Run("cd " + g_kernel_dir +
                         " && (/usr/bin/python3 -m http.server 8000 --bind 10.0.0.1 >" + tmp +
                         "/http.log 2>&1 & echo $! > " + tmp + "/http.pid)");
  ASSERT_EQ(up.exit_code, 0) << up.output;
  auto dns = interop::Run("dnsmasq -C /dev/null --user= --group= --no-resolv --no-hosts "
                          "--address=/kernel.tunlab.test/10.0.0.1 --listen-address=10.0.0.1 "
                          "--bind-interfaces --pid-file=" + tmp + "/dnsmasq.pid");
  ASSERT_EQ(dns.exit_code, 0) << dns.output;
  interop::Run("for i in 1 2 3 4 5 6 7 8 9 10; do curl -s -m 1 -o /dev/null http://10.0.0.1:8000/ && break; sleep 0.3; done");

  http_get_options opt = {};
  opt.dns_server = 0x0A000001;  // 10.0.0.1, where dnsmasq listens
  opt.verbose = true;
  std::string saved = tmp + "/fetched.bin";
  opt.output_path = saved.c_str();
  const char* urls[] = {"http://kernel.tunlab.test:8000/random.bin"};
  char* text = nullptr;
  size_t len = 0;
  FILE* out = open_memstream(&text, &len);
  int rc = http_get_run(g_daemon, &opt, urls, 1, out);
  fclose(out);
  std::string log(text, len);
  free(text);
  EXPECT_EQ(rc, 0) << log;
  EXPECT_TRUE(has(log, "resolved kernel.tunlab.test to 10.0.0.1")) << log;
  EXPECT_TRUE(has(log, "HTTP 200, 3000000 bytes")) << log;
  EXPECT_EQ(Sha256(saved), Sha256(g_kernel_dir + "/random.bin")) << log;

  // The control command, as ./tunlab get sends it: a literal address, body to the stream.
  interop::WriteTempFile("kernel_files/small.txt", "small file on the kernel side\n");
  char command[] = "http://10.0.0.1:8000/small.txt";
  out = open_memstream(&text, &len);
  http_get_command(g_daemon, command, out);
  fclose(out);
  EXPECT_EQ(std::string(text, len), "small file on the kernel side\n");
  free(text);

}

}  // namespace
