// http_server_test.cc — the HTTP server of apps/http on two simulated stacks
// in virtual time: pages and files, persistent and short connections
// (RFC 9112 §9.3), pipelining, every error status with the server still
// serving afterwards, the idle timeout, the request limit, the 503 when
// busy, and a document root nobody climbs out of.
#include <fstream>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/http/http_sim.h"

namespace {

using namespace httptest;

constexpr uint64_t kSeed = 9110;

std::string TempRoot(const std::string& name) {
  const char* tmp = getenv("TEST_TMPDIR");
  std::string root = std::string(tmp != nullptr ? tmp : "/tmp") + "/" + name;
  mkdir(root.c_str(), 0755);
  std::ofstream(root + "/a.txt") << "file a\n";
  std::ofstream(root + "/b.txt") << "file b, a little longer\n";
  mkdir((root + "/dir").c_str(), 0755);
  std::ofstream(root + "/dir/index.html") << "<p>dir index</p>\n";
  std::ofstream(root + "/.secret") << "hidden\n";
  std::ofstream(std::string(tmp != nullptr ? tmp : "/tmp") + "/outside.txt") << "outside\n";
  symlink((std::string(tmp != nullptr ? tmp : "/tmp") + "/outside.txt").c_str(),
          (root + "/link.txt").c_str());
  return root;
}

TEST(HttpServer, IndexHeadAndStatus) {
  World w(kSeed);
  ASSERT_EQ(w.StartServer(nullptr), 0);
  Conn c(&w);
  c.Send(Get("/"));
  auto rs = SplitResponses(c.Read());
  ASSERT_EQ(rs.size(), 1u) << w.Dump();
  EXPECT_EQ(rs[0].status, 200);
  EXPECT_NE(rs[0].body.find("served by your TCP/IP stack"), std::string::npos);
  EXPECT_NE(rs[0].head.find("Connection: keep-alive"), std::string::npos);
  size_t get_length = rs[0].body.size();

  // HEAD: the same Content-Length, no body (RFC 9110 §9.3.2).
  c.Send("HEAD / HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string raw = c.Read();
  rs = SplitResponses(raw, true);
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].h.content_length, get_length);
  EXPECT_EQ(raw.size(), rs[0].head.size()) << "HEAD must not carry a body";

  c.Send(Get("/status"));
  rs = SplitResponses(c.Read());
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_NE(rs[0].body.find("ESTAB"), std::string::npos) << rs[0].body;
  EXPECT_NE(rs[0].body.find("10.0.0.2:80"), std::string::npos) << rs[0].body;
  c.Send(Get("/status.html"));
  rs = SplitResponses(c.Read());
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_NE(rs[0].head.find("text/html"), std::string::npos);
  EXPECT_NE(rs[0].body.find("<pre>"), std::string::npos);
  EXPECT_EQ(w.stats().accepted, 1u);
  EXPECT_EQ(w.stats().requests, 4u);
  EXPECT_EQ(w.stats().reused, 3u);
}

// Count lines of the status page that show an ESTABLISHED connection to :80.
int Port80Connections(const std::string& status) {
  int n = 0;
  size_t pos = 0;
  while ((pos = status.find("ESTAB", pos)) != std::string::npos) {
    size_t eol = status.find('\n', pos);
    if (status.substr(pos, eol - pos).find("10.0.0.2:80 ") != std::string::npos) n++;
    pos = eol;
  }
  return n;
}

TEST(HttpServer, Http11KeepsOneConnectionForTwoRequests) {
  World w(kSeed);
  ASSERT_EQ(w.StartServer(nullptr), 0);
  Conn c(&w);
  c.Send(Get("/"));
  c.Read();
  c.Send(Get("/status"));
  auto rs = SplitResponses(c.Read());
  ASSERT_EQ(rs.size(), 1u);
  // The stack's own view, taken while serving the second request: one connection.
  EXPECT_EQ(Port80Connections(rs[0].body), 1) << rs[0].body;
  EXPECT_FALSE(c.eof());
  EXPECT_EQ(w.stats().accepted, 1u);
}

TEST(HttpServer, Http10IsAShortConnection) {
  World w(kSeed);
  ASSERT_EQ(w.StartServer(nullptr), 0);
  Conn c(&w);
  c.Send("GET / HTTP/1.0\r\n\r\n");
  auto rs = SplitResponses(c.Read(100));
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_NE(rs[0].head.find("Connection: close"), std::string::npos) << rs[0].head;
  EXPECT_TRUE(c.eof()) << "the server closes after a 1.0 response\n" << w.Dump();
  uint16_t port = c.LocalPort();
  c.Close();
  w.Run(usec_from_msec(50));
  // The server closed first, so its end waits in TIME-WAIT.
  EXPECT_EQ(tcp_state_of(w.p()->server->tcp, SHIM_SERVER_ADDR, 80, SHIM_CLIENT_ADDR, port),
            TCP_TIME_WAIT)
      << w.Dump();

  // HTTP/1.0 with "Connection: keep-alive" stays open.
  Conn k(&w);
  k.Send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  rs = SplitResponses(k.Read(100));
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_NE(rs[0].head.find("Connection: keep-alive"), std::string::npos);
  EXPECT_FALSE(k.eof());

  // HTTP/1.1 with "Connection: close" closes.
  Conn x(&w);
  x.Send(Get("/", "Connection: close\r\n"));
  rs = SplitResponses(x.Read(100));
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_TRUE(x.eof());
}

TEST(HttpServer, PipelinedRequestsAreAnsweredInOrder) {
  World w(kSeed);
  http_server_config cfg;
  http_server_config_default(&cfg);
  std::string root = TempRoot("pipeline");
  cfg.www_root = root.c_str();
  ASSERT_EQ(w.StartServer(&cfg), 0);
  Conn c(&w);
  c.Send(Get("/a.txt") + Get("/missing") + Get("/b.txt") + Get("/dir/") + Get("/a.txt"));
  auto rs = SplitResponses(c.Read(200));
  ASSERT_EQ(rs.size(), 5u) << w.Dump();
  EXPECT_EQ(rs[0].body, "file a\n");
  EXPECT_EQ(rs[1].status, 404);  // a 404 does not end the connection
  EXPECT_EQ(rs[2].body, "file b, a little longer\n");
  EXPECT_EQ(rs[3].body, "<p>dir index</p>\n");
  EXPECT_EQ(rs[4].body, "file a\n");
  EXPECT_NE(rs[0].head.find("text/plain"), std::string::npos);
  EXPECT_FALSE(c.eof());
}

TEST(HttpServer, DocumentRootCannotBeLeft) {
  World w(kSeed);
  http_server_config cfg;
  http_server_config_default(&cfg);
  std::string root = TempRoot("traversal");
  cfg.www_root = root.c_str();
  ASSERT_EQ(w.StartServer(&cfg), 0);
  struct Case {
    const char* target;
    int status;
  } cases[] = {
      {"/../outside.txt", 400},       {"/%2e%2e/outside.txt", 400},
      {"/dir/%2E%2E/%2e%2e/outside.txt", 400}, {"/link.txt", 404},
      {"/.secret", 404},              {"/a.txt%00.html", 400},
      {"http://x/../outside.txt", 400}, {"/a.txt", 200},
  };
  for (const auto& k : cases) {
    Conn c(&w);
    c.Send(std::string("GET ") + k.target + " HTTP/1.1\r\nHost: x\r\n\r\n");
    auto rs = SplitResponses(c.Read(100));
    ASSERT_EQ(rs.size(), 1u) << k.target;
    EXPECT_EQ(rs[0].status, k.status) << k.target;
    EXPECT_EQ(rs[0].body.find("outside"), std::string::npos) << k.target;
  }
}

TEST(HttpServer, MalformedRequestsGetTheirStatusAndTheServerGoesOn) {
  World w(kSeed);
  ASSERT_EQ(w.StartServer(nullptr), 0);
  struct Case {
    const char* name;
    std::string request;
    int status;
    bool closes;
  } cases[] = {
      {"garbage", "\x16\x03\x01 hello garbage\r\n\r\n", 400, true},
      {"missing Host", "GET / HTTP/1.1\r\n\r\n", 400, true},
      {"bad version", "GET / HTTP/3.0\r\nHost: x\r\n\r\n", 505, true},
      {"oversized header", Get("/", "X-Big: " + std::string(HTTP_MAX_HEAD, 'x') + "\r\n"), 431, true},
      {"long target", Get("/" + std::string(HTTP_MAX_TARGET + 10, 'x')), 414, true},
      {"body too large", Get("/", "Content-Length: 100000\r\n"), 413, true},
      {"chunked request", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 411, true},
      {"POST", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc", 405, false},
      {"unknown method", "BREW / HTTP/1.1\r\nHost: x\r\n\r\n", 501, false},
      {"not found", Get("/nope"), 404, false},
  };
  for (const auto& k : cases) {
    Conn c(&w);
    c.Send(k.request);
    std::string raw = c.Read(300);
    auto rs = SplitResponses(raw);
    ASSERT_GE(rs.size(), 1u) << k.name << ": " << raw;
    EXPECT_EQ(rs[0].status, k.status) << k.name;
    EXPECT_EQ(c.eof(), k.closes) << k.name;
    EXPECT_FALSE(c.reset()) << k.name << ": the error must arrive, not a reset";
    if (k.status == 405) {
      EXPECT_NE(rs[0].head.find("Allow: GET, HEAD"), std::string::npos);
    }
    // The server still serves, on a fresh connection.
    Conn ok(&w);
    ok.Send(Get("/"));
    auto good = SplitResponses(ok.Read());
    ASSERT_EQ(good.size(), 1u) << "after " << k.name;
    EXPECT_EQ(good[0].status, 200) << "after " << k.name;
  }
}

TEST(HttpServer, GetWithABodyIsReadPast) {
  World w(kSeed);
  ASSERT_EQ(w.StartServer(nullptr), 0);
  Conn c(&w);
  c.Send(Get("/nope", "Content-Length: 5\r\n") + "hello" + Get("/"));
  auto rs = SplitResponses(c.Read(100));
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_EQ(rs[0].status, 404);
  EXPECT_EQ(rs[1].status, 200);
}

TEST(HttpServer, IdleKeepAliveConnectionIsClosedAfterTheTimeout) {
  World w(kSeed);
  http_server_config cfg;
  http_server_config_default(&cfg);
  cfg.idle_timeout = usec_from_sec(3);
  ASSERT_EQ(w.StartServer(&cfg), 0);
  Conn c(&w);
  c.Send(Get("/"));
  ASSERT_EQ(SplitResponses(c.Read()).size(), 1u);
  c.Read(2500);
  EXPECT_FALSE(c.eof()) << "closed before the idle timeout";
  c.Read(1000);
  EXPECT_TRUE(c.eof()) << "still open after the idle timeout";
  EXPECT_EQ(w.stats().idle_closed, 1u);

  // Half a request when the timer fires: 408, then close (RFC 9110 §15.5.9).
  Conn h(&w);
  h.Send("GET / HTTP/1.1\r\nHo");
  auto rs = SplitResponses(h.Read(4000));
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].status, 408);
  EXPECT_TRUE(h.eof());
}

TEST(HttpServer, RequestLimitClosesTheConnection) {
  World w(kSeed);
  http_server_config cfg;
  http_server_config_default(&cfg);
  cfg.max_requests = 3;
  ASSERT_EQ(w.StartServer(&cfg), 0);
  Conn c(&w);
  c.Send(Get("/") + Get("/") + Get("/") + Get("/"));
  auto rs = SplitResponses(c.Read(200));
  ASSERT_EQ(rs.size(), 3u) << "the fourth request is never answered on this connection";
  EXPECT_NE(rs[2].head.find("Connection: close"), std::string::npos);
  // "max" counts the requests still allowed after this one.
  EXPECT_NE(rs[1].head.find("max=1"), std::string::npos) << rs[1].head;
  EXPECT_TRUE(c.eof());
  EXPECT_EQ(w.stats().limit_closed, 1u);
}

TEST(HttpServer, BusyServerAnswers503) {
  World w(kSeed);
  http_server_config cfg;
  http_server_config_default(&cfg);
  cfg.max_conns = 2;
  ASSERT_EQ(w.StartServer(&cfg), 0);
  Conn a(&w), b(&w), c(&w);
  auto rs = SplitResponses(c.Read(100));
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].status, 503);
  EXPECT_NE(rs[0].head.find("Retry-After: 1"), std::string::npos);
  EXPECT_TRUE(c.eof());
  EXPECT_EQ(w.stats().overload_503, 1u);
  a.Send(Get("/"));
  EXPECT_EQ(SplitResponses(a.Read()).size(), 1u) << "the first two are served";
}

TEST(HttpServer, LargeFileArrivesIntact) {
  World w(kSeed);
  http_server_config cfg;
  http_server_config_default(&cfg);
  std::string root = TempRoot("large");
  std::string data(3 * 1024 * 1024 + 17, '\0');
  uint32_t x = 12345;
  for (auto& ch : data) {
    x = x * 1103515245u + 12345u;
    ch = static_cast<char>(x >> 24);
  }
  std::ofstream(root + "/big.bin", std::ios::binary) << data;
  cfg.www_root = root.c_str();
  ASSERT_EQ(w.StartServer(&cfg), 0);
  Conn c(&w);
  c.Send(Get("/big.bin"));
  std::string raw;
  for (int i = 0; i < 100 && raw.size() < data.size(); i++) raw += c.Read(100);
  auto rs = SplitResponses(raw);
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].h.content_length, data.size());
  EXPECT_NE(rs[0].head.find("application/octet-stream"), std::string::npos);
  EXPECT_TRUE(rs[0].body == data) << "body differs (" << rs[0].body.size() << " bytes)";
}

}  // namespace
