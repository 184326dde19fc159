// http_parser_test.cc — the RFC 9112 parser of apps/http with good and
// hostile input: request heads (every status the server derives from a
// head), response heads, the chunked coding under every split, request
// targets that try to climb out of the document root, URLs, and seeded
// random garbage (never a crash, always a defined answer).
#include <cerrno>
#include <cstring>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "apps/http/http_client.h"
#include "apps/http/http_parser.h"

namespace {

int Parse(const std::string& text, http_request* req) {
  return http_parse_request(reinterpret_cast<const uint8_t*>(text.data()), text.size(), req);
}

int Parse(const std::string& text) {
  http_request req;
  return Parse(text, &req);
}

TEST(HttpRequest, SimpleGet) {
  std::string text = "GET /index.html HTTP/1.1\r\nHost: 10.0.0.2\r\nUser-Agent: t\r\n\r\nNEXT";
  http_request req;
  ASSERT_EQ(Parse(text, &req), static_cast<int>(text.size() - 4));
  EXPECT_STREQ(req.method, "GET");
  EXPECT_STREQ(req.target, "/index.html");
  EXPECT_EQ(req.minor, 1);
  EXPECT_TRUE(req.has_host);
  EXPECT_STREQ(req.host, "10.0.0.2");
  EXPECT_FALSE(req.conn_close);
  EXPECT_EQ(req.fields, 2u);
}

TEST(HttpRequest, IncompleteIsZeroAtEveryPrefix) {
  std::string text = "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n";
  for (size_t n = 0; n < text.size(); n++)
    EXPECT_EQ(Parse(text.substr(0, n)), 0) << "prefix of " << n << " bytes";
  http_request req;
  EXPECT_EQ(Parse(text, &req), static_cast<int>(text.size()));
  EXPECT_EQ(req.minor, 0);
  EXPECT_TRUE(req.conn_keep_alive);
}

TEST(HttpRequest, ConnectionOptionsAndBareLf) {
  http_request req;
  ASSERT_GT(Parse("GET / HTTP/1.1\nHost: a\nConnection: foo, Close\n\n", &req), 0);
  EXPECT_TRUE(req.conn_close);
  // RFC 9112 §2.2: a few empty lines before the request-line are ignored.
  EXPECT_GT(Parse("\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"), 0);
}

TEST(HttpRequest, Statuses) {
  struct Case {
    const char* name;
    std::string text;
    int want;
  } cases[] = {
      {"no Host in 1.1", "GET / HTTP/1.1\r\n\r\n", -400},
      {"Host is optional in 1.0", "GET / HTTP/1.0\r\n\r\n", 18},
      {"two Hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", -400},
      {"garbage", "hello there\r\n\r\n", -400},
      {"no version", "GET /\r\nHost: a\r\n\r\n", -400},
      {"two spaces", "GET  / HTTP/1.1\r\nHost: a\r\n\r\n", -400},
      {"lower-case version", "GET / http/1.1\r\nHost: a\r\n\r\n", -400},
      {"HTTP/2.0", "GET / HTTP/2.0\r\nHost: a\r\n\r\n", -505},
      {"HTTP/0.9 major 0", "GET / HTTP/0.9\r\nHost: a\r\n\r\n", -505},
      {"HTTP/1.2 is 1.1", "GET / HTTP/1.2\r\nHost: a\r\n\r\n", 27},
      {"bad version digits", "GET / HTTP/1.x\r\nHost: a\r\n\r\n", -400},
      {"space before colon", "GET / HTTP/1.1\r\nHost : a\r\n\r\n", -400},
      {"obs-fold", "GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n  2\r\n\r\n", -400},
      {"NUL in a value", std::string("GET / HTTP/1.1\r\nHost: a\0b\r\n\r\n", 29), -400},
      {"bare CR", "GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n", -400},
      {"no colon", "GET / HTTP/1.1\r\nHost a\r\n\r\n", -400},
      {"bad Content-Length", "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1x\r\n\r\n", -400},
      {"two lengths", "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
       -400},
      {"CL and TE", "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
       -400},
      {"TE alone", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n", -411},
      {"body too large", "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 65537\r\n\r\n", -413},
      {"huge length", "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\n",
       -400},
      {"long method", "ABCDEFGHIJKLMNOPQRSTUVWXYZ / HTTP/1.1\r\nHost: a\r\n\r\n", -501},
      {"bad method", "G(T / HTTP/1.1\r\nHost: a\r\n\r\n", -400},
      {"too many empty lines", "\r\n\r\n\r\n\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", -400},
  };
  for (const auto& c : cases) EXPECT_EQ(Parse(c.text), c.want) << c.name;
}

TEST(HttpRequest, Limits) {
  // A target over HTTP_MAX_TARGET: 414, even before the line is complete.
  std::string long_target = "GET /" + std::string(HTTP_MAX_TARGET + 100, 'a');
  EXPECT_EQ(Parse(long_target), -414);
  EXPECT_EQ(Parse(long_target + " HTTP/1.1\r\nHost: a\r\n\r\n"), -414);
  // Exactly the limit is fine.
  std::string max_target = "GET /" + std::string(HTTP_MAX_TARGET - 1, 'a') + " HTTP/1.1\r\nHost: a\r\n\r\n";
  EXPECT_GT(Parse(max_target), 0);
  // A head over HTTP_MAX_HEAD without its end: 431 (RFC 6585 §5).
  std::string big = "GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + std::string(HTTP_MAX_HEAD, 'b');
  EXPECT_EQ(Parse(big), -431);
  EXPECT_EQ(Parse(big + "\r\n\r\n"), -431);
  // Too many field lines: 431.
  std::string many = "GET / HTTP/1.1\r\nHost: a\r\n";
  for (int i = 0; i < HTTP_MAX_FIELDS; i++) many += "X: 1\r\n";
  EXPECT_EQ(Parse(many + "\r\n"), -431);
  // A garbage line with no spaces running past the limit: 400, not 414.
  EXPECT_EQ(Parse(std::string(HTTP_MAX_HEAD + 10, 'z')), -400);
}

TEST(HttpRequest, SeededGarbageNeverCrashesAndAlwaysAnswers) {
  const uint64_t seed = 9112;
  std::mt19937_64 rng(seed);
  const std::string base = "GET /a%20b?x=1 HTTP/1.1\r\nHost: h\r\nConnection: close\r\nContent-Length: 3\r\n\r\nabc";
  for (int i = 0; i < 20000; i++) {
    std::string s = base;
    int edits = 1 + static_cast<int>(rng() % 8);
    for (int e = 0; e < edits; e++) {
      size_t pos = rng() % (s.size() + 1);
      switch (rng() % 3) {
        case 0: if (pos < s.size()) s[pos] = static_cast<char>(rng()); break;
        case 1: s.insert(pos, 1, static_cast<char>(rng())); break;
        default: if (pos < s.size()) s.erase(pos, 1 + rng() % 4); break;
      }
    }
    http_request req;
    int rc = Parse(s, &req);
    ASSERT_TRUE(rc >= 0 || rc == -400 || rc == -411 || rc == -413 || rc == -414 ||
                rc == -431 || rc == -501 || rc == -505)
        << "seed " << seed << " case " << i << " rc " << rc;
    ASSERT_LE(rc, static_cast<int>(s.size())) << "seed " << seed << " case " << i;
    if (rc > 0) {
      char path[HTTP_MAX_TARGET + 1];
      int prc = http_target_to_path(req.target, path, sizeof(path));
      ASSERT_TRUE(prc == 0 || prc == -400 || prc == -404 || prc == -414) << "case " << i;
      if (prc == 0) {
        ASSERT_EQ(std::strstr(path, ".."), nullptr) << req.target;
      }
    }
  }
}

TEST(HttpTarget, PathsStayUnderTheRoot) {
  struct Case {
    const char* target;
    int rc;
    const char* path;
  } cases[] = {
      {"/", 0, "/"},
      {"/index.html?x=1#f", 0, "/index.html"},
      {"/a//b/./c", 0, "/a/b/c"},
      {"/dir/", 0, "/dir/"},
      {"/a%20b", 0, "/a b"},
      {"http://10.0.0.2/x/y", 0, "/x/y"},
      {"HTTP://host", 0, "/"},
      {"/../etc/passwd", -400, nullptr},
      {"/a/../../etc/passwd", -400, nullptr},
      {"/%2e%2e/etc/passwd", -400, nullptr},
      {"/.%2E/etc/passwd", -400, nullptr},
      {"/a%2f..%2f..%2fetc", -400, nullptr},
      {"/..", -400, nullptr},
      {"/a%00.html", -400, nullptr},
      {"/a%zz", -400, nullptr},
      {"/a%2", -400, nullptr},
      {"/.git/config", -404, nullptr},
      {"/a/.hidden", -404, nullptr},
      {"relative", -400, nullptr},
      {"*", -400, nullptr},
      {"/%252e%252e/x", 0, "/%2e%2e/x"},  // decoded once only: a harmless name
  };
  for (const auto& c : cases) {
    char path[256];
    int rc = http_target_to_path(c.target, path, sizeof(path));
    EXPECT_EQ(rc, c.rc) << c.target;
    if (rc == 0 && c.path != nullptr) {
      EXPECT_STREQ(path, c.path) << c.target;
    }
  }
  char small[4];
  EXPECT_EQ(http_target_to_path("/abcdef", small, sizeof(small)), -414);
}

int ParseResponse(const std::string& text, http_response_head* r) {
  return http_parse_response(reinterpret_cast<const uint8_t*>(text.data()), text.size(), r);
}

TEST(HttpResponse, HeadsAndFraming) {
  http_response_head r;
  std::string ok = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello";
  ASSERT_EQ(ParseResponse(ok, &r), static_cast<int>(ok.size() - 5));
  EXPECT_EQ(r.status, 200);
  EXPECT_STREQ(r.reason, "OK");
  EXPECT_TRUE(r.has_content_length);
  EXPECT_EQ(r.content_length, 5u);
  EXPECT_STREQ(r.content_type, "text/plain");

  ASSERT_GT(ParseResponse("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 9\r\n\r\n", &r), 0);
  EXPECT_TRUE(r.chunked);
  EXPECT_FALSE(r.has_content_length);  // chunked wins (RFC 9112 §6.3)
  EXPECT_EQ(r.minor, 0);

  ASSERT_GT(ParseResponse("HTTP/1.1 404 \r\nConnection: close\r\n\r\n", &r), 0);
  EXPECT_EQ(r.status, 404);
  EXPECT_TRUE(r.conn_close);

  EXPECT_EQ(ParseResponse("HTTP/1.1 200 OK\r\nContent-Len", &r), 0);
  EXPECT_EQ(ParseResponse("HTTP/1.1 2x0 OK\r\n\r\n", &r), -EPROTO);
  EXPECT_EQ(ParseResponse("HTTP/2 200 OK\r\n\r\n", &r), -EPROTO);
  EXPECT_EQ(ParseResponse("ICY 200 OK\r\n\r\n", &r), -EPROTO);
  EXPECT_EQ(ParseResponse("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", &r), -EPROTO);
  EXPECT_EQ(ParseResponse("HTTP/1.1 200 OK\r\nX: " + std::string(HTTP_MAX_HEAD, 'x'), &r),
            -EMSGSIZE);
}

// Decode a chunked body fed in pieces cut at `cut`.
int DecodeChunked(const std::string& body, size_t cut, std::string* out, bool* done) {
  http_chunked c;
  http_chunked_init(&c);
  size_t pos = 0;
  for (size_t end : {cut, body.size()}) {
    while (pos < end && !c.done) {
      size_t used;
      const uint8_t* data;
      size_t len;
      int rc = http_chunked_step(&c, reinterpret_cast<const uint8_t*>(body.data()) + pos,
                                 end - pos, &used, &data, &len);
      if (rc < 0) return rc;
      out->append(reinterpret_cast<const char*>(data), len);
      pos += used;
    }
  }
  *done = c.done;
  return 0;
}

TEST(HttpChunked, EverySplitDecodesTheSameBody) {
  const std::string body =
      "5\r\nhello\r\n1;ext=1\r\n,\r\n9\r\n 01234567\r\n0\r\nTrailer: x\r\n\r\n";
  for (size_t cut = 0; cut <= body.size(); cut++) {
    std::string out;
    bool done = false;
    ASSERT_EQ(DecodeChunked(body, cut, &out, &done), 0) << "cut " << cut;
    EXPECT_EQ(out, "hello, 01234567") << "cut " << cut;
    EXPECT_TRUE(done) << "cut " << cut;
  }
}

TEST(HttpChunked, Malformed) {
  std::string out;
  bool done;
  EXPECT_EQ(DecodeChunked("zz\r\n", 0, &out, &done), -EPROTO);
  EXPECT_EQ(DecodeChunked("\r\n", 0, &out, &done), -EPROTO);
  EXPECT_EQ(DecodeChunked("3\r\nabcX\r\n", 0, &out, &done), -EPROTO);  // no CRLF after data
  EXPECT_EQ(DecodeChunked("1000000000000000\r\n", 0, &out, &done), -EPROTO);  // 2^64: too big
  EXPECT_EQ(DecodeChunked("1;" + std::string(5000, 'e') + "\r\n", 0, &out, &done), -EPROTO);
  out.clear();
  EXPECT_EQ(DecodeChunked("3\r\nab", 2, &out, &done), 0);  // incomplete is not an error
  EXPECT_FALSE(done);
  EXPECT_EQ(out, "ab");
}

TEST(HttpUrl, Parts) {
  http_url u;
  ASSERT_EQ(http_url_parse("http://www.tunlab.test/index.html?x=1#top", &u), 0);
  EXPECT_STREQ(u.host, "www.tunlab.test");
  EXPECT_EQ(u.port, 80);
  EXPECT_STREQ(u.path, "/index.html?x=1");
  ASSERT_EQ(http_url_parse("HTTP://10.0.0.1:8000", &u), 0);
  EXPECT_STREQ(u.host, "10.0.0.1");
  EXPECT_EQ(u.port, 8000);
  EXPECT_STREQ(u.path, "/");
  ASSERT_EQ(http_url_parse("http://h?q", &u), 0);
  EXPECT_STREQ(u.path, "/?q");
  EXPECT_EQ(http_url_parse("https://example.test/", &u), -EPROTONOSUPPORT);
  EXPECT_EQ(http_url_parse("www.tunlab.test", &u), -EINVAL);
  EXPECT_EQ(http_url_parse("http:///x", &u), -EINVAL);
  EXPECT_EQ(http_url_parse("http://h:0/", &u), -EINVAL);
  EXPECT_EQ(http_url_parse("http://h:65536/", &u), -EINVAL);
  EXPECT_EQ(http_url_parse("http://h:/", &u), -EINVAL);
  EXPECT_EQ(http_url_parse("http://user@h/", &u), -EINVAL);
  EXPECT_EQ(http_url_parse("http://h/a b", &u), -EINVAL);
  EXPECT_EQ(http_url_parse(("http://h/" + std::string(HTTP_MAX_TARGET + 5, 'a')).c_str(), &u),
            -EINVAL);
}

}  // namespace
