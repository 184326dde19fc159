// fixtures.cc — traces for the drawing tests (see fixtures.h).
#include "tests/draw/fixtures.h"

#include <cerrno>
#include <cstdio>
#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "stack/net/icmp.h"
#include "stack/socket/socket.h"
#include "tests/shim/pair.h"
#include "tools/draw/trace_file.h"

namespace drawtest {
namespace {

constexpr uint8_t FIN = 0x01, SYN = 0x02, PSH = 0x08, ACK = 0x10;
constexpr uint64_t kMs = 1000;

void Put16(std::vector<uint8_t>& b, size_t at, uint16_t v) {
  b[at] = static_cast<uint8_t>(v >> 8);
  b[at + 1] = static_cast<uint8_t>(v);
}

void Put32(std::vector<uint8_t>& b, size_t at, uint32_t v) {
  Put16(b, at, static_cast<uint16_t>(v >> 16));
  Put16(b, at + 2, static_cast<uint16_t>(v));
}

void State(trace* tr, uint64_t t, const char* node, const char* subject, const char* from,
           const char* to) {
  trace_state(tr, t, node, subject, from, to);
}

const char kClientConn[] = "tcp 10.0.0.1:40000>10.0.0.2:80";
const char kServerConn[] = "tcp 10.0.0.2:80>10.0.0.1:40000";
const char kListener[] = "tcp 0.0.0.0:80>0.0.0.0:0";

// A segment from the server to the client.
Seg FromServer() {
  Seg s;
  s.src = kServer;
  s.dst = kClient;
  s.sport = kServerPort;
  s.dport = kClientPort;
  return s;
}

Seg Make(Seg s, uint32_t seq, uint32_t ack, uint8_t flags, uint32_t len = 0, uint16_t win = 65535) {
  s.seq = seq;
  s.ack = ack;
  s.flags = flags;
  s.len = len;
  s.win = win;
  return s;
}

void CopyTrace(const trace* from, trace* to) {
  for (size_t i = 0; i < from->count; i++) trace_file_record_event(to, &from->events[i]);
  to->dropped += from->dropped;
}

}  // namespace

std::vector<uint8_t> TcpBytes(const Seg& s) {
  size_t opt = (s.mss ? 4 : 0) + (s.wscale >= 0 ? 4 : 0);
  size_t tcp_len = 20 + opt;
  std::vector<uint8_t> b(20 + tcp_len + s.len, 0);
  b[0] = 0x45;
  Put16(b, 2, static_cast<uint16_t>(b.size()));
  Put16(b, 6, 0x4000);  // DF
  b[8] = 64;
  b[9] = 6;
  Put32(b, 12, s.src);
  Put32(b, 16, s.dst);
  size_t t = 20;
  Put16(b, t, s.sport);
  Put16(b, t + 2, s.dport);
  Put32(b, t + 4, s.seq);
  Put32(b, t + 8, s.ack);
  b[t + 12] = static_cast<uint8_t>((tcp_len / 4) << 4);
  b[t + 13] = s.flags;
  Put16(b, t + 14, s.win);
  size_t o = t + 20;
  if (s.mss) {
    b[o] = 2;
    b[o + 1] = 4;
    Put16(b, o + 2, s.mss);
    o += 4;
  }
  if (s.wscale >= 0) {
    b[o] = 1;  // NOP
    b[o + 1] = 3;
    b[o + 2] = 3;
    b[o + 3] = static_cast<uint8_t>(s.wscale);
  }
  return b;
}

void Send(trace* tr, uint64_t t, const char* from, const char* to, const Seg& s, uint64_t delay,
          bool lost) {
  std::vector<uint8_t> b = TcpBytes(s);
  std::string from_dev = std::string(from) + "-eth";
  std::string to_dev = std::string(to) + "-eth";
  trace_packet(tr, t, from, TRACE_PKT_OUT, from_dev.c_str(), TRACE_LINK_IP, b.data(), b.size());
  if (lost)
    trace_packet(tr, t, from, TRACE_PKT_LOST, from_dev.c_str(), TRACE_LINK_IP, b.data(),
                 b.size());
  else
    trace_packet(tr, t + delay, to, TRACE_PKT_IN, to_dev.c_str(), TRACE_LINK_IP, b.data(),
                 b.size());
}

void HandshakeAndClose(trace* tr, bool lose_final_ack) {
  const uint64_t d = kMs;
  Seg c, sv = FromServer();
  Seg syn = Make(c, 1000, 0, SYN);
  syn.mss = 1460;
  Seg synack = Make(sv, 5000, 1001, SYN | ACK);
  synack.mss = 1460;

  State(tr, 0, "server", kListener, "CLOSED", "LISTEN");
  State(tr, 0, "client", kClientConn, "CLOSED", "SYN_SENT");
  // The events of each instant are recorded in the order a stack records
  // them: arrival, state change, the answer. Later arrivals come later.
  trace_packet(tr, 0, "client", TRACE_PKT_OUT, "client-eth", TRACE_LINK_IP,
               TcpBytes(syn).data(), TcpBytes(syn).size());
  trace_packet(tr, 1 * d, "server", TRACE_PKT_IN, "server-eth", TRACE_LINK_IP,
               TcpBytes(syn).data(), TcpBytes(syn).size());
  State(tr, 1 * d, "server", kServerConn, "LISTEN", "SYN_RECV");
  Send(tr, 1 * d, "server", "client", synack, d);  // in at 2 ms
  State(tr, 2 * d, "client", kClientConn, "SYN_SENT", "ESTABLISHED");
  Send(tr, 2 * d, "client", "server", Make(c, 1001, 5001, ACK), d);
  State(tr, 3 * d, "server", kServerConn, "SYN_RECV", "ESTABLISHED");
  // a request and its response
  Send(tr, 5 * d, "client", "server", Make(c, 1001, 5001, PSH | ACK, 100), d);
  Send(tr, 6 * d, "server", "client", Make(sv, 5001, 1101, PSH | ACK, 300, 65435), d);
  Send(tr, 7 * d, "client", "server", Make(c, 1101, 5301, ACK), d);
  // the four-way close, the client first
  State(tr, 10 * d, "client", kClientConn, "ESTABLISHED", "FIN_WAIT_1");
  Send(tr, 10 * d, "client", "server", Make(c, 1101, 5301, FIN | ACK), d);
  State(tr, 11 * d, "server", kServerConn, "ESTABLISHED", "CLOSE_WAIT");
  Send(tr, 11 * d, "server", "client", Make(sv, 5301, 1102, ACK, 0, 65435), d);
  State(tr, 12 * d, "client", kClientConn, "FIN_WAIT_1", "FIN_WAIT_2");
  State(tr, 20 * d, "server", kServerConn, "CLOSE_WAIT", "LAST_ACK");
  Send(tr, 20 * d, "server", "client", Make(sv, 5301, 1102, FIN | ACK, 0, 65435), d);
  State(tr, 21 * d, "client", kClientConn, "FIN_WAIT_2", "TIME_WAIT");
  Seg last_ack = Make(c, 1102, 5302, ACK);
  if (!lose_final_ack) {
    Send(tr, 21 * d, "client", "server", last_ack, d);
    State(tr, 22 * d, "server", kServerConn, "LAST_ACK", "CLOSED");
    State(tr, 21 * d + 60000 * d, "client", kClientConn, "TIME_WAIT", "CLOSED");
    return;
  }
  Send(tr, 21 * d, "client", "server", last_ack, d, /*lost=*/true);
  // RFC 9293 §3.10.7.4: the retransmitted FIN is acknowledged again and
  // TIME-WAIT's 2 MSL timer restarts.
  Send(tr, 221 * d, "server", "client", Make(sv, 5301, 1102, FIN | ACK, 0, 65435), d);
  trace_note(tr, 222 * d, "client", kClientConn, "TIME-WAIT: FIN again, 2MSL timer restarted");
  Send(tr, 222 * d, "client", "server", last_ack, d);
  State(tr, 223 * d, "server", kServerConn, "LAST_ACK", "CLOSED");
  State(tr, 222 * d + 60000 * d, "client", kClientConn, "TIME_WAIT", "CLOSED");
}

void TransferWithLoss(trace* tr) {
  const uint64_t d = kMs;
  const uint32_t c_isn = 100000, s_isn = 900000;
  Seg c, sv = FromServer();
  auto data = [&](uint32_t n) { return Make(c, c_isn + 1 + 1000 * (n - 1), s_isn + 1, ACK, 1000); };
  auto ack = [&](uint32_t rel) { return Make(sv, s_isn + 1, c_isn + rel, ACK); };
  auto var = [&](uint64_t t, const char* name, int64_t v) {
    trace_var(tr, t, "client", kClientConn, name, v);
  };
  // One packet event; written in time order, as a stack records them.
  auto ev = [&](uint64_t t, const char* node, trace_kind kind, const Seg& s) {
    std::vector<uint8_t> b = TcpBytes(s);
    std::string dev = std::string(node) + "-eth";
    trace_packet(tr, t, node, kind, dev.c_str(), TRACE_LINK_IP, b.data(), b.size());
  };
  auto out = [&](uint64_t t, const Seg& s) {
    ev(t, s.src == kClient ? "client" : "server", TRACE_PKT_OUT, s);
  };
  auto in = [&](uint64_t t, const Seg& s) {
    ev(t, s.src == kClient ? "server" : "client", TRACE_PKT_IN, s);
  };
  Seg syn = Make(c, c_isn, 0, SYN);
  syn.mss = 1000;
  Seg synack = Make(sv, s_isn, c_isn + 1, SYN | ACK);
  synack.mss = 1000;

  out(0, syn);
  in(1 * d, syn);
  out(1 * d, synack);
  in(2 * d, synack);
  var(2 * d, "cwnd", 3000);  // an initial window of three segments
  var(2 * d, "ssthresh", 2147483647);
  out(2 * d, Make(c, c_isn + 1, s_isn + 1, ACK));
  for (uint32_t n = 1; n <= 3; n++) out(2 * d, data(n));
  in(3 * d, Make(c, c_isn + 1, s_isn + 1, ACK));
  for (uint32_t n = 1; n <= 3; n++) {
    in(3 * d, data(n));
    out(3 * d, ack(1 + 1000 * n));
  }
  // slow start: each ACK opens cwnd by one segment and lets two leave;
  // the link drops segment 5
  for (uint32_t n = 1; n <= 3; n++) {
    in(4 * d, ack(1 + 1000 * n));
    var(4 * d, "cwnd", 3000 + 1000 * n);
    for (uint32_t k = 2 * n + 2; k <= 2 * n + 3; k++) {
      out(4 * d, data(k));
      if (k == 5) ev(4 * d, "client", TRACE_PKT_LOST, data(k));
    }
  }
  for (uint32_t n : {4u, 6u, 7u, 8u, 9u}) {
    in(5 * d, data(n));
    out(5 * d, ack(4001));
  }
  // RFC 5681 §3.2: the third duplicate ACK triggers the fast retransmit
  in(6 * d, ack(4001));
  for (int k = 1; k <= 4; k++) {
    in(6 * d, ack(4001));
    if (k == 3) {
      trace_note(tr, 6 * d, "client", kClientConn, "3 dupacks: fast retransmit (RFC 5681 3.2)");
      var(6 * d, "ssthresh", 2500);
      var(6 * d, "cwnd", 5500);
      out(6 * d, data(5));
    } else if (k == 4) {
      var(6 * d, "cwnd", 6500);
    }
  }
  in(7 * d, data(5));
  out(7 * d, ack(9001));
  in(8 * d, ack(9001));
  var(8 * d, "cwnd", 2500);
}

void PingRun(uint64_t seed, enum netdev_link link, int count, trace* out) {
  shim_pair* pair = shim_pair_new(seed, link);
  if (pair == nullptr) return;
  for (int seq = 1; seq <= count; seq++) {
    icmp_ping_send(pair->client->icmp, SHIM_SERVER_ADDR, 42, static_cast<uint16_t>(seq), 56,
                   shim_now(pair));
    shim_run_for(pair, 10 * kMs);
  }
  CopyTrace(sim_world_trace(pair->world), out);
  shim_pair_free(pair);
}

void UdpLossRun(uint64_t seed, trace* out) {
  shim_pair* pair = shim_pair_new(seed, NETDEV_LINK_IP);
  if (pair == nullptr) return;
  int server_fd = socket_open(pair->server, SOCK_TYPE_DGRAM);
  sock_addr any = {0, 7000};
  socket_bind(pair->server, server_fd, &any);
  int client_fd = socket_open(pair->client, SOCK_TYPE_DGRAM);
  sock_addr to = {SHIM_SERVER_ADDR, 7000};
  const char msg[] = "hello";
  for (int i = 0; i < 3; i++) {
    sim_impairments imp = {};
    imp.delay = kMs;
    imp.loss = i == 1 ? 1.0 : 0.0;
    sim_link_set_impairments(pair->link, 0, &imp);
    socket_sendto(pair->client, client_fd, msg, sizeof msg, &to, shim_now(pair));
    shim_run_for(pair, 10 * kMs);
  }
  CopyTrace(sim_world_trace(pair->world), out);
  shim_pair_free(pair);
}

void UdpRunWith(uint64_t seed, const sim_impairments& imp, int count, trace* out) {
  shim_pair* pair = shim_pair_new(seed, NETDEV_LINK_IP);
  if (pair == nullptr) return;
  int server_fd = socket_open(pair->server, SOCK_TYPE_DGRAM);
  sock_addr any = {0, 7000};
  socket_bind(pair->server, server_fd, &any);
  int client_fd = socket_open(pair->client, SOCK_TYPE_DGRAM);
  sock_addr to = {SHIM_SERVER_ADDR, 7000};
  sim_impairments wire = imp;
  wire.delay = kMs;
  sim_link_set_impairments(pair->link, 0, &wire);
  const char msg[] = "hello";
  for (int i = 0; i < count; i++) {
    socket_sendto(pair->client, client_fd, msg, sizeof msg, &to, shim_now(pair));
    shim_run_for(pair, 10 * kMs);
  }
  CopyTrace(sim_world_trace(pair->world), out);
  shim_pair_free(pair);
}

bool TcpRun(uint64_t seed, bool lose_final_ack, trace* out, std::string* why) {
  shim_pair* pair = shim_pair_new(seed, NETDEV_LINK_IP);
  if (pair == nullptr) {
    *why = "shim_pair_new failed";
    return false;
  }
  stack* c = pair->client;
  stack* s = pair->server;
  bool ok = false;
  char buf[400] = {0};
  sock_addr any = {0, 80}, to = {SHIM_SERVER_ADDR, 80}, peer;
  int lfd = socket_open(s, SOCK_TYPE_STREAM), cfd = -1, afd = -1;
  if (lfd < 0 || socket_bind(s, lfd, &any) < 0 || socket_listen(s, lfd, 4, shim_now(pair)) < 0) {
    *why = "server socket/bind/listen failed";
    goto done;
  }
  cfd = socket_open(c, SOCK_TYPE_STREAM);
  if (cfd < 0 || socket_connect(c, cfd, &to, shim_now(pair)) != -EINPROGRESS) {
    *why = "client socket/connect failed";
    goto done;
  }
  shim_run_for(pair, 5 * kMs);
  afd = socket_accept(s, lfd, &peer, shim_now(pair));
  if (afd < 0) {
    *why = "accept failed: " + std::to_string(afd);
    goto done;
  }
  if (socket_send(c, cfd, buf, 100, shim_now(pair)) != 100) {
    *why = "client send failed";
    goto done;
  }
  shim_run_for(pair, 5 * kMs);
  if (socket_recv(s, afd, buf, sizeof buf, shim_now(pair)) != 100 ||
      socket_send(s, afd, buf, 300, shim_now(pair)) != 300) {
    *why = "server recv/send failed";
    goto done;
  }
  shim_run_for(pair, 5 * kMs);
  if (socket_recv(c, cfd, buf, sizeof buf, shim_now(pair)) != 300) {
    *why = "client recv failed";
    goto done;
  }
  socket_close(c, cfd, shim_now(pair));  // the active close
  shim_run_for(pair, 5 * kMs);
  if (socket_recv(s, afd, buf, sizeof buf, shim_now(pair)) != 0) {
    *why = "server did not see the end of the stream";
    goto done;
  }
  socket_close(s, afd, shim_now(pair));
  if (lose_final_ack) {
    // the server's FIN takes 1 ms; the client's ACK leaves as it arrives
    sim_impairments drop = {};
    drop.delay = kMs;
    drop.loss = 1.0;
    sim_link_set_impairments(pair->link, 0, &drop);
    shim_run_for(pair, kMs + kMs / 2);
    drop.loss = 0;
    sim_link_set_impairments(pair->link, 0, &drop);
  }
  shim_run_for(pair, 70 * 1000 * kMs);  // through TIME-WAIT (60 s)
  ok = true;  // the listener stays open: the trace ends with the server listening
done:
  CopyTrace(sim_world_trace(pair->world), out);
  shim_pair_free(pair);
  return ok;
}

bool TcpBulkRun(uint64_t seed, size_t bytes, double loss, trace* out, std::string* why) {
  shim_pair* pair = shim_pair_new(seed, NETDEV_LINK_IP);
  if (pair == nullptr) {
    *why = "shim_pair_new failed";
    return false;
  }
  stack* c = pair->client;
  stack* s = pair->server;
  bool ok = false;
  std::vector<char> buf(8192, 'x');
  size_t sent = 0, got = 0;
  sock_addr any = {0, 80}, to = {SHIM_SERVER_ADDR, 80}, peer;
  int lfd = socket_open(s, SOCK_TYPE_STREAM), cfd = -1, afd = -1;
  sim_impairments wire = {};
  wire.delay = kMs;
  wire.loss = loss;
  if (lfd < 0 || socket_bind(s, lfd, &any) < 0 || socket_listen(s, lfd, 4, shim_now(pair)) < 0) {
    *why = "server socket/bind/listen failed";
    goto done;
  }
  cfd = socket_open(c, SOCK_TYPE_STREAM);
  if (cfd < 0 || socket_connect(c, cfd, &to, shim_now(pair)) != -EINPROGRESS) {
    *why = "client socket/connect failed";
    goto done;
  }
  shim_run_for(pair, 5 * kMs);
  afd = socket_accept(s, lfd, &peer, shim_now(pair));
  if (afd < 0) {
    *why = "accept failed: " + std::to_string(afd);
    goto done;
  }
  sim_link_set_impairments(pair->link, 0, &wire);  // data direction only
  // bounded: 20 s of virtual time in 1 ms steps
  for (int step = 0; step < 20000 && got < bytes; step++) {
    if (sent < bytes) {
      size_t want = std::min(buf.size(), bytes - sent);
      ssize_t n = socket_send(c, cfd, buf.data(), want, shim_now(pair));
      if (n > 0) sent += static_cast<size_t>(n);
    }
    ssize_t r;
    while ((r = socket_recv(s, afd, buf.data(), buf.size(), shim_now(pair))) > 0)
      got += static_cast<size_t>(r);
    shim_run_for(pair, kMs);
  }
  if (got != bytes) {
    *why = "the server got " + std::to_string(got) + " of " + std::to_string(bytes) + " bytes";
    goto done;
  }
  ok = true;
done:
  CopyTrace(sim_world_trace(pair->world), out);
  shim_pair_free(pair);
  return ok;
}

void ScriptLikeRun(trace* out) {
  Seg peer;
  peer.src = 0xC0000201;  // 192.0.2.1
  peer.dst = kServer;
  peer.sport = 50000;
  Seg me = FromServer();
  me.dst = peer.src;
  me.dport = 50000;
  auto pkt = [&](uint64_t t, trace_kind kind, const Seg& s) {
    std::vector<uint8_t> b = TcpBytes(s);
    trace_packet(out, t, "stack", kind, "tun0", TRACE_LINK_IP, b.data(), b.size());
  };
  const char subject[] = "tcp 10.0.0.2:80>192.0.2.1:50000";
  trace_state(out, 0, "stack", "tcp 0.0.0.0:80>0.0.0.0:0", "CLOSED", "LISTEN");
  pkt(100 * kMs, TRACE_PKT_IN, Make(peer, 0, 0, SYN));
  trace_state(out, 100 * kMs, "stack", subject, "LISTEN", "SYN_RECV");
  pkt(100 * kMs, TRACE_PKT_OUT, Make(me, 7000, 1, SYN | ACK));
  pkt(200 * kMs, TRACE_PKT_IN, Make(peer, 1, 7001, ACK));
  trace_state(out, 200 * kMs, "stack", subject, "SYN_RECV", "ESTABLISHED");
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

std::string TempPath(const std::string& name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  return std::string(dir ? dir : "/tmp") + "/" + name;
}

}  // namespace drawtest
