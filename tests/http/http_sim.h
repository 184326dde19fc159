// http_sim.h — what the HTTP suites in virtual time share: two stacks on a
// simulated link (tests/shim/pair.h), the HTTP server on the server stack,
// and a raw TCP client on the client stack that sends exact bytes and
// collects the answer, so a test controls every byte of a request.
#ifndef TUNLAB_TESTS_HTTP_HTTP_SIM_H
#define TUNLAB_TESTS_HTTP_HTTP_SIM_H

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "apps/http/http_parser.h"
#include "apps/http/http_server.h"
#include "stack/socket/socket.h"
#include "stack/transport/tcp.h"
#include "tests/shim/pair.h"

namespace httptest {

class World {
 public:
  explicit World(uint64_t seed, enum netdev_link link = NETDEV_LINK_IP)
      : pair_(shim_pair_new(seed, link)) {}
  ~World() {
    http_server_service_stop(server_, now());
    shim_pair_free(pair_);
  }
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  shim_pair* p() const { return pair_; }
  usec_t now() const { return shim_now(pair_); }
  void Run(usec_t delta) { shim_run_for(pair_, delta); }

  // Start the server (cfg may be nullptr: defaults).
  int StartServer(const http_server_config* cfg) {
    return http_server_service_start(pair_->server, cfg, &server_);
  }
  http_server* server() const { return server_; }
  const http_server_stats& stats() const { return *http_server_get_stats(server_); }

  std::string Dump() const {
    char* buf = nullptr;
    size_t len = 0;
    FILE* f = open_memstream(&buf, &len);
    shim_pair_dump(pair_, f);
    fclose(f);
    std::string s(buf, len);
    free(buf);
    return s.size() > 20000 ? s.substr(s.size() - 20000) : s;
  }

 private:
  shim_pair* pair_;
  http_server* server_ = nullptr;
};

// A client connection with exact bytes in and out.
class Conn {
 public:
  Conn(World* w, uint16_t port = 80) : w_(w) {
    fd_ = socket_open(w->p()->client, SOCK_TYPE_STREAM);
    sock_addr to = {SHIM_SERVER_ADDR, port};
    socket_connect(w->p()->client, fd_, &to, w->now());
    w->Run(usec_from_msec(10));
  }
  ~Conn() { Close(); }
  void Close() {
    if (fd_ >= 0) socket_close(w_->p()->client, fd_, w_->now());
    fd_ = -1;
  }
  int fd() const { return fd_; }
  uint16_t LocalPort() const {
    sock_addr a{};
    socket_getsockname(w_->p()->client, fd_, &a);
    return a.port;
  }

  void Send(const std::string& bytes) {
    size_t off = 0;
    for (int i = 0; off < bytes.size() && i < 10000; i++) {
      ssize_t n = socket_send(w_->p()->client, fd_, bytes.data() + off, bytes.size() - off,
                              w_->now());
      if (n > 0) off += static_cast<size_t>(n);
      else w_->Run(usec_from_msec(1));
    }
  }
  // Read for `ms` virtual milliseconds (or until EOF); returns what came.
  std::string Read(int ms = 50) {
    std::string got;
    char buf[16384];
    for (int i = 0; i < ms && !eof_; i++) {
      w_->Run(usec_from_msec(1));
      ssize_t n;
      while ((n = socket_recv(w_->p()->client, fd_, buf, sizeof(buf), w_->now())) > 0)
        got.append(buf, static_cast<size_t>(n));
      if (n == 0) eof_ = true;
      if (n < 0 && n != -EAGAIN) {
        eof_ = true;
        reset_ = true;
      }
    }
    return got;
  }
  bool eof() const { return eof_; }
  bool reset() const { return reset_; }

 private:
  World* w_;
  int fd_ = -1;
  bool eof_ = false;
  bool reset_ = false;
};

struct Response {
  int status = 0;
  std::string head;
  std::string body;
  http_response_head h{};
};

// Split a byte string into responses (Content-Length framed).
inline std::vector<Response> SplitResponses(const std::string& bytes, bool head_only = false) {
  std::vector<Response> out;
  size_t pos = 0;
  while (pos < bytes.size()) {
    Response r;
    int n = http_parse_response(reinterpret_cast<const uint8_t*>(bytes.data()) + pos,
                                bytes.size() - pos, &r.h);
    if (n <= 0) break;
    r.status = r.h.status;
    r.head = bytes.substr(pos, static_cast<size_t>(n));
    pos += static_cast<size_t>(n);
    size_t len = head_only ? 0 : static_cast<size_t>(r.h.content_length);
    r.body = bytes.substr(pos, len);
    pos += len;
    out.push_back(r);
  }
  return out;
}

inline std::string Get(const std::string& path, const std::string& extra = "") {
  return "GET " + path + " HTTP/1.1\r\nHost: 10.0.0.2\r\n" + extra + "\r\n";
}

}  // namespace httptest

#endif
