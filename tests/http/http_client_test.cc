// http_client_test.cc — the HTTP client of apps/http against the server (and
// against hand-written responses) on two simulated stacks: DNS first, one
// kept connection for several URLs, a new one when the server closes, the
// three ways a body ends (Content-Length, chunked, the close), the errors,
// and a reader that pauses (can_take) without losing a byte.
#include <fstream>
#include <map>
#include <string>
#include <sys/stat.h>

#include "apps/dns/dns_resolver.h"
#include "apps/dns/dns_server.h"
#include "apps/http/http_client.h"
#include "tests/http/http_sim.h"

namespace {

using namespace httptest;

constexpr uint64_t kSeed = 7230;

struct Sink {
  std::map<size_t, std::string> bodies;
  std::vector<std::string> notes;
  bool done = false;
  bool paused = false;
  size_t pause_every = 0;  // pause after this many bytes (0: never)
  size_t since_pause = 0;
};

const http_client_ops kOps = {
    nullptr,
    [](void* ctx, size_t i, const uint8_t* d, size_t n) {
      auto* s = static_cast<Sink*>(ctx);
      s->bodies[i].append(reinterpret_cast<const char*>(d), n);
      s->since_pause += n;
      if (s->pause_every != 0 && s->since_pause >= s->pause_every) s->paused = true;
      return 0;
    },
    [](void* ctx) { return !static_cast<Sink*>(ctx)->paused; },
    [](void* ctx, const char* t) { static_cast<Sink*>(ctx)->notes.push_back(t); },
    [](void* ctx) { static_cast<Sink*>(ctx)->done = true; },
};

std::string Root() {
  const char* tmp = getenv("TEST_TMPDIR");
  std::string root = std::string(tmp != nullptr ? tmp : "/tmp") + "/client_www";
  mkdir(root.c_str(), 0755);
  std::ofstream(root + "/a.txt") << "alpha\n";
  std::ofstream(root + "/b.txt") << "beta\n";
  return root;
}

std::string Notes(const Sink& s) {
  std::string all;
  for (const auto& n : s.notes) all += "  " + n + "\n";
  return all;
}

// Run until the client is done (at most `ms` virtual milliseconds).
void RunUntilDone(World& w, Sink& s, int ms = 10000) {
  for (int i = 0; i < ms && !s.done; i++) w.Run(usec_from_msec(1));
}

TEST(HttpClient, ResolvesThenFetchesSeveralUrlsOverOneConnection) {
  World w(kSeed);
  std::string root = Root();
  http_server_config cfg;
  http_server_config_default(&cfg);
  cfg.www_root = root.c_str();
  ASSERT_EQ(w.StartServer(&cfg), 0);
  dns_server* dns = nullptr;
  ASSERT_EQ(dns_server_service_start(w.p()->server, 53, nullptr, &dns), 0);

  Sink s;
  http_client_config cc = {SHIM_SERVER_ADDR, 0, 0, false};
  const char* urls[] = {"http://www.tunlab.test/a.txt", "http://www.tunlab.test/b.txt",
                        "http://www.tunlab.test/missing"};
  http_client* cl = nullptr;
  ASSERT_EQ(http_client_start(w.p()->client, &cc, urls, 3, &kOps, &s, w.now(), &cl), 0);
  RunUntilDone(w, s);
  ASSERT_TRUE(s.done) << Notes(s);
  EXPECT_EQ(http_client_result(cl, 0)->status, 200);
  EXPECT_EQ(s.bodies[0], "alpha\n");
  EXPECT_EQ(s.bodies[1], "beta\n");
  EXPECT_EQ(http_client_result(cl, 2)->status, 404);
  EXPECT_EQ(http_client_result(cl, 2)->error, 0);
  EXPECT_EQ(http_client_connections(cl), 1u) << Notes(s);
  EXPECT_EQ(http_client_result(cl, 2)->connection, 1u);
  EXPECT_EQ(w.stats().accepted, 1u);
  EXPECT_NE(Notes(s).find("resolved www.tunlab.test to 10.0.0.2"), std::string::npos) << Notes(s);
  http_client_free(cl, w.now());
  dns_server_service_stop(dns, w.now());
}

TEST(HttpClient, OpensANewConnectionWhenTheServerCloses) {
  World w(kSeed);
  http_server_config cfg;
  http_server_config_default(&cfg);
  cfg.max_requests = 1;  // every response says "Connection: close"
  ASSERT_EQ(w.StartServer(&cfg), 0);
  Sink s;
  http_client_config cc = {0, 0, 0, false};
  const char* urls[] = {"http://10.0.0.2/", "http://10.0.0.2/status", "http://10.0.0.2/"};
  http_client* cl = nullptr;
  ASSERT_EQ(http_client_start(w.p()->client, &cc, urls, 3, &kOps, &s, w.now(), &cl), 0);
  RunUntilDone(w, s);
  ASSERT_TRUE(s.done);
  for (size_t i = 0; i < 3; i++) EXPECT_EQ(http_client_result(cl, i)->status, 200) << i;
  EXPECT_EQ(http_client_connections(cl), 3u) << Notes(s);
  http_client_free(cl, w.now());
}

// A one-shot server on port 8080 that answers the first request with
// `response` and then closes (so "until the close" bodies end too).
void ServeOnce(World& w, const std::string& response, Sink& s, http_client* cl) {
  (void)cl;
  int lfd = socket_open(w.p()->server, SOCK_TYPE_STREAM);
  sock_addr any = {0, 8080};
  ASSERT_EQ(socket_bind(w.p()->server, lfd, &any), 0);
  ASSERT_EQ(socket_listen(w.p()->server, lfd, 4, w.now()), 0);
  int cfd = -1;
  std::string req;
  for (int i = 0; i < 5000 && !s.done; i++) {
    w.Run(usec_from_msec(1));
    if (cfd < 0) cfd = socket_accept(w.p()->server, lfd, nullptr, w.now());
    if (cfd < 0) continue;
    char buf[2048];
    ssize_t n = socket_recv(w.p()->server, cfd, buf, sizeof(buf), w.now());
    if (n > 0) req.append(buf, static_cast<size_t>(n));
    if (req.find("\r\n\r\n") != std::string::npos) {
      socket_send(w.p()->server, cfd, response.data(), response.size(), w.now());
      socket_close(w.p()->server, cfd, w.now());
      req.clear();
      cfd = -2;  // answered: accept no more
    }
  }
  socket_close(w.p()->server, lfd, w.now());
}

TEST(HttpClient, BodyEndsByLengthChunkedOrClose) {
  struct Case {
    const char* name;
    std::string response;
    std::string body;
  } cases[] = {
      {"chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                  "4\r\nWiki\r\n6;x=y\r\npedia \r\nE\r\nin \r\n\r\nchunks.\r\n0\r\nT: 1\r\n\r\n",
       "Wikipedia in \r\n\r\nchunks."},
      {"until close", "HTTP/1.0 200 OK\r\n\r\nthe body ends when the server closes", 
       "the body ends when the server closes"},
      {"interim 100 then length", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc",
       "abc"},
  };
  for (const auto& k : cases) {
    World w(kSeed);
    Sink s;
    http_client_config cc = {0, 0, 0, false};
    const char* urls[] = {"http://10.0.0.2:8080/x"};
    http_client* cl = nullptr;
    ASSERT_EQ(http_client_start(w.p()->client, &cc, urls, 1, &kOps, &s, w.now(), &cl), 0);
    ServeOnce(w, k.response, s, cl);
    ASSERT_TRUE(s.done) << k.name << "\n" << Notes(s);
    EXPECT_EQ(http_client_result(cl, 0)->error, 0) << k.name << "\n" << Notes(s);
    EXPECT_EQ(http_client_result(cl, 0)->status, 200) << k.name;
    EXPECT_EQ(s.bodies[0], k.body) << k.name;
    http_client_free(cl, w.now());
  }
}

TEST(HttpClient, Errors) {
  World w(kSeed);
  dns_server* dns = nullptr;
  ASSERT_EQ(dns_server_service_start(w.p()->server, 53, nullptr, &dns), 0);
  http_client_config cc = {SHIM_SERVER_ADDR, 0, 0, false};

  // No such name: NXDOMAIN from the server.
  Sink a;
  const char* nx[] = {"http://nope.tunlab.test/"};
  http_client* cl = nullptr;
  ASSERT_EQ(http_client_start(w.p()->client, &cc, nx, 1, &kOps, &a, w.now(), &cl), 0);
  RunUntilDone(w, a);
  ASSERT_TRUE(a.done);
  EXPECT_EQ(http_client_result(cl, 0)->error, -EHOSTUNREACH) << Notes(a);
  EXPECT_TRUE(http_client_result(cl, 0)->resolve_failed);
  http_client_free(cl, w.now());

  // Nobody listens on port 80: the RST says so.
  Sink b;
  const char* refused[] = {"http://10.0.0.2/"};
  ASSERT_EQ(http_client_start(w.p()->client, &cc, refused, 1, &kOps, &b, w.now(), &cl), 0);
  RunUntilDone(w, b);
  ASSERT_TRUE(b.done);
  EXPECT_EQ(http_client_result(cl, 0)->error, -ECONNREFUSED) << Notes(b);
  http_client_free(cl, w.now());

  // Refused at the start: two hosts, https, nonsense.
  const char* two_hosts[] = {"http://a.test/", "http://b.test/"};
  EXPECT_EQ(http_client_start(w.p()->client, &cc, two_hosts, 2, &kOps, &b, w.now(), &cl), -EINVAL);
  const char* https[] = {"https://a.test/"};
  EXPECT_EQ(http_client_start(w.p()->client, &cc, https, 1, &kOps, &b, w.now(), &cl),
            -EPROTONOSUPPORT);

  // A garbage response is -EPROTO, not a crash.
  Sink c;
  const char* bad[] = {"http://10.0.0.2:8080/"};
  ASSERT_EQ(http_client_start(w.p()->client, &cc, bad, 1, &kOps, &c, w.now(), &cl), 0);
  ServeOnce(w, "SSH-2.0-OpenSSH\r\n\r\n", c, cl);
  ASSERT_TRUE(c.done);
  EXPECT_EQ(http_client_result(cl, 0)->error, -EPROTO);
  http_client_free(cl, w.now());
  dns_server_service_stop(dns, w.now());
}

TEST(HttpClient, APausedReaderLosesNothing) {
  World w(kSeed);
  std::string root = Root();
  std::string data(600 * 1024, '\0');
  for (size_t i = 0; i < data.size(); i++) data[i] = static_cast<char>(i * 7 + i / 1000);
  std::ofstream(root + "/big.bin", std::ios::binary) << data;
  http_server_config cfg;
  http_server_config_default(&cfg);
  cfg.www_root = root.c_str();
  ASSERT_EQ(w.StartServer(&cfg), 0);
  Sink s;
  s.pause_every = 50000;
  http_client_config cc = {0, 0, 0, false};
  const char* urls[] = {"http://10.0.0.2/big.bin"};
  http_client* cl = nullptr;
  ASSERT_EQ(http_client_start(w.p()->client, &cc, urls, 1, &kOps, &s, w.now(), &cl), 0);
  int pauses = 0;
  for (int i = 0; i < 20000 && !s.done; i++) {
    w.Run(usec_from_msec(1));
    if (s.paused && i % 20 == 0) {  // the reader catches up every 20 ms
      pauses++;
      s.paused = false;
      s.since_pause = 0;
      http_client_resume(cl, w.now());
    }
  }
  ASSERT_TRUE(s.done) << Notes(s);
  EXPECT_GT(pauses, 5);
  EXPECT_TRUE(s.bodies[0] == data) << s.bodies[0].size() << " bytes";
  http_client_free(cl, w.now());
}

}  // namespace
