// fixtures.h — traces for the drawing tests: hand-built TCP exchanges with
// known numbers (the textbook handshake and close, a transfer with a loss),
// and real runs of two stacks on the simulated link (ping, UDP with loss).
#ifndef TUNLAB_TESTS_DRAW_FIXTURES_H
#define TUNLAB_TESTS_DRAW_FIXTURES_H

#include <cstdint>
#include <string>
#include <vector>

#include "stack/core/netdev.h"
#include "stack/core/trace.h"
#include "stack/phy/simlink.h"

namespace drawtest {

// A struct trace that frees itself.
struct Trace {
  Trace() { trace_init(&t, 0); }
  ~Trace() { trace_destroy(&t); }
  Trace(const Trace&) = delete;
  Trace& operator=(const Trace&) = delete;
  trace t;
};

constexpr uint32_t kClient = 0x0A000001;  // 10.0.0.1
constexpr uint32_t kServer = 0x0A000002;  // 10.0.0.2
constexpr uint16_t kClientPort = 40000;
constexpr uint16_t kServerPort = 80;

struct Seg {
  uint32_t src = kClient, dst = kServer;
  uint16_t sport = kClientPort, dport = kServerPort;
  uint32_t seq = 0, ack = 0;
  uint8_t flags = 0;
  uint16_t win = 65535;
  uint32_t len = 0;     // payload bytes
  uint16_t mss = 0;     // MSS option when non-zero
  int wscale = -1;      // window scale option when >= 0
};

// IPv4 + TCP header (+ options) + len zero bytes of payload.
std::vector<uint8_t> TcpBytes(const Seg& s);

// Record a packet sent by `from` at `t` and, unless `lost`, received by
// `to` at t + delay; a lost one gets the simulated link's LOST event.
void Send(trace* tr, uint64_t t, const char* from, const char* to, const Seg& s, uint64_t delay,
          bool lost = false);

// The textbook handshake, a request/response, the four-way close and
// TIME-WAIT (60 s), client ISN 1000, server ISN 5000, 1 ms each way. With
// lose_final_ack the client's last ACK is lost, the server retransmits its
// FIN after 200 ms and the client answers again.
void HandshakeAndClose(trace* tr, bool lose_final_ack);

// A bulk transfer client -> server: 8 segments of 1000 bytes in slow start,
// the 4th dropped by the link, three dupacks, a fast retransmit, with cwnd
// and ssthresh variables and a note, as a Reno sender records them.
void TransferWithLoss(trace* tr);

// Real runs on two stacks (tests/shim/pair.h), copied out of the world.
void PingRun(uint64_t seed, enum netdev_link link, int count, trace* out);
// Three UDP datagrams client -> server:7000, the second lost on the wire.
void UdpLossRun(uint64_t seed, trace* out);
// `count` UDP datagrams client -> server:7000 with these impairments on
// the client -> server direction (1 ms delay is added).
void UdpRunWith(uint64_t seed, const struct sim_impairments& imp, int count, trace* out);
// A real TCP connection between the two stacks (seed given): the client
// connects to server:80, sends 100 bytes, the server answers 300, the
// client closes first, then the server; run through TIME-WAIT. With
// lose_final_ack the client's last ACK is dropped on the wire. Returns
// false (and says why in *why) if a socket call failed.
bool TcpRun(uint64_t seed, bool lose_final_ack, trace* out, std::string* why);
// A real bulk transfer: the client sends `bytes` to server:80 over a link
// that loses packets client -> server with probability `loss` (seeded),
// the server reads everything. Returns false with *why on failure.
bool TcpBulkRun(uint64_t seed, size_t bytes, double loss, trace* out, std::string* why);
// A trace-script-like run: one traced node "stack" (10.0.0.2) talking to a
// peer nobody traces (192.0.2.1): a handshake the peer starts.
void ScriptLikeRun(trace* out);

// Text helpers.
std::string ReadFile(const std::string& path);
void WriteFile(const std::string& path, const std::string& text);
// Where a test may write files (TEST_TMPDIR under Bazel).
std::string TempPath(const std::string& name);
// Run a function that writes to a FILE* and return what it wrote.
template <typename F>
std::string Capture(F f);

}  // namespace drawtest

#include "tests/draw/fixtures_capture.h"

#endif
