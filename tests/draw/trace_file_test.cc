// The trace file format (tools/draw/trace_file.h): what is written reads
// back as the same events, and a hostile file is an error naming its line,
// never a crash.
#include <gtest/gtest.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>

#include "stack/dump/dump.h"
#include "tests/draw/fixtures.h"
#include "tools/draw/trace_file.h"

namespace {

using drawtest::Capture;
using drawtest::Trace;

std::string Written(const trace* t) {
  return Capture([&](FILE* f) { EXPECT_EQ(trace_file_write(t, f), 0); });
}

// Read `text` as a trace file named "t". Returns the reader's result.
int ReadText(const std::string& text, trace* t, std::string* err) {
  FILE* f = std::tmpfile();
  if (f == nullptr) return -EIO;
  std::fwrite(text.data(), 1, text.size(), f);
  std::rewind(f);
  char msg[256];
  int rc = trace_file_read(f, "t", t, msg, sizeof msg);
  std::fclose(f);
  *err = msg;
  return rc;
}

// Every field of two events, with a readable difference.
void ExpectSameEvent(const trace_event& a, const trace_event& b, size_t i) {
  char la[768], lb[768];
  dump_event(&a, la, sizeof la);
  dump_event(&b, lb, sizeof lb);
  SCOPED_TRACE("event " + std::to_string(i) + "\n  wrote: " + la + "\n  read:  " + lb);
  EXPECT_EQ(a.time, b.time);
  EXPECT_EQ(a.kind, b.kind);
  EXPECT_STREQ(a.node, b.node);
  EXPECT_STREQ(a.subject, b.subject);
  EXPECT_STREQ(a.text, b.text);
  EXPECT_EQ(a.value, b.value);
  EXPECT_EQ(a.link, b.link);
  EXPECT_EQ(a.wire_len, b.wire_len);
  EXPECT_EQ(a.cap_len, b.cap_len);
  EXPECT_EQ(std::memcmp(a.bytes, b.bytes, sizeof a.bytes), 0);
}

void ExpectRoundTrip(const trace* original) {
  std::string text = Written(original);
  Trace back;
  std::string err;
  ASSERT_EQ(ReadText(text, &back.t, &err), 0) << err << "\n" << text;
  ASSERT_EQ(back.t.count, original->count) << text;
  EXPECT_EQ(back.t.dropped, original->dropped);
  for (size_t i = 0; i < original->count; i++)
    ExpectSameEvent(original->events[i], back.t.events[i], i);
  // and writing again gives the same text
  EXPECT_EQ(Written(&back.t), text);
}

TEST(TraceFile, RealRunsRoundTrip) {
  const uint64_t seed = 11;
  SCOPED_TRACE("seed " + std::to_string(seed));
  Trace ping, udp;
  drawtest::PingRun(seed, NETDEV_LINK_ETHERNET, 2, &ping.t);
  drawtest::UdpLossRun(seed, &udp.t);
  ASSERT_GT(ping.t.count, 10u);
  ASSERT_GT(udp.t.count, 4u);
  ExpectRoundTrip(&ping.t);
  ExpectRoundTrip(&udp.t);
}

TEST(TraceFile, HandBuiltTcpRoundTrips) {
  Trace t;
  drawtest::HandshakeAndClose(&t.t, true);
  drawtest::TransferWithLoss(&t.t);
  ExpectRoundTrip(&t.t);
}

TEST(TraceFile, OddFieldsRoundTrip) {
  Trace t;
  trace_state(&t.t, 0, "", "tcp \"quoted\" \\ back", "A", "B -> C");
  trace_note(&t.t, 1, "n", "tab\there", "newline\nand \x01 control, \xe4\xb8\xad utf-8, ->");
  trace_var(&t.t, 2, "client", "s", "min", INT64_MIN);
  trace_var(&t.t, 3, "client", "s", "max", INT64_MAX);
  trace_packet(&t.t, 4, "client", TRACE_PKT_OUT, "dev", TRACE_LINK_IP, nullptr, 0);
  uint8_t big[2000];
  for (size_t i = 0; i < sizeof big; i++) big[i] = static_cast<uint8_t>(i * 7);
  trace_packet(&t.t, 5, "client", TRACE_PKT_LOST, "dev", TRACE_LINK_ETHERNET, big, sizeof big);
  trace_packet(&t.t, UINT64_MAX, "server", TRACE_PKT_IN, "dev", static_cast<trace_link>(42), big,
               7);
  // a state text without an arrow, and a packet that kept fewer bytes than
  // it could (a pcap with a short snap length)
  trace_state(&t.t, 6, "x", "s", "FROM", "TO");
  std::snprintf(t.t.events[t.t.count - 1].text, TRACE_TEXT_LEN, "no arrow here");
  trace_packet(&t.t, 7, "x", TRACE_PKT_IN, "dev", TRACE_LINK_IP, big, 1500);
  t.t.events[t.t.count - 1].cap_len = 40;
  std::memset(t.t.events[t.t.count - 1].bytes + 40, 0, TRACE_PKT_BYTES - 40);
  t.t.dropped = 12;
  ExpectRoundTrip(&t.t);
}

TEST(TraceFile, RecorderLimitAppliesWhenReading) {
  Trace full;
  drawtest::HandshakeAndClose(&full.t, false);
  ASSERT_GT(full.t.count, 5u);
  trace small;
  trace_init(&small, 5);
  std::string err;
  ASSERT_EQ(ReadText(Written(&full.t), &small, &err), 0) << err;
  EXPECT_EQ(small.count, 5u);
  EXPECT_EQ(small.dropped, full.t.count - 5);
  trace_destroy(&small);
}

TEST(TraceFile, SaveAndLoadByPath) {
  Trace t, back;
  drawtest::HandshakeAndClose(&t.t, false);
  std::string path = drawtest::TempPath("saved.trace");
  ASSERT_EQ(trace_file_save(&t.t, path.c_str()), 0);
  char err[256];
  ASSERT_EQ(trace_file_load(path.c_str(), &back.t, err, sizeof err), 0) << err;
  EXPECT_EQ(back.t.count, t.t.count);
  EXPECT_EQ(trace_file_load("/nonexistent/x.trace", &back.t, err, sizeof err), -ENOENT);
  EXPECT_NE(std::string(err).find("/nonexistent/x.trace"), std::string::npos) << err;
}

struct Bad {
  const char* name;
  std::string text;
  const char* expect;  // a piece of the message, with its line number
};

TEST(TraceFile, HostileFilesAreErrorsWithTheLine) {
  const std::string head = std::string(TRACE_FILE_MAGIC) + "\n";
  const std::string ok_pkt = "0.000000 \"c\" out \"d\" ip 4 45000004";
  std::string long_line = head + "# " + std::string(5000, 'a') + "\n";
  std::string nul_line = head + "0.000000 \"c\" note \"s\" \"a";
  nul_line += '\0';
  nul_line += "b\"\n";
  const Bad cases[] = {
      {"empty", "", "t:1: not a tunlab trace file"},
      {"other magic", "tunlab-trace 2\n", "t:1: not a tunlab trace file"},
      {"truncated packet", head + "0.000000 \"c\" out \"d\" ip 60\n", "t:2: line ends before the packet bytes"},
      {"truncated string", head + "0.000000 \"cli", "t:2: unterminated string in node"},
      {"no kind", head + "0.000000 \"c\"\n", "t:2: line ends before the kind"},
      {"bad hex", head + "0.000000 \"c\" out \"d\" ip 4 4500zz04\n", "t:2: bad hex digit 'z'"},
      {"odd hex", head + "0.000000 \"c\" out \"d\" ip 4 4500000\n", "t:2: odd number of hex digits"},
      {"129 bytes", head + "0.000000 \"c\" out \"d\" ip 200 " + std::string(258, 'a') + "\n",
       "t:2: packet bytes: more than 128 bytes"},
      {"huge length", head + "0.000000 \"c\" out \"d\" ip 99999999999 00\n", "t:2: packet length out of range"},
      {"more bytes than the packet", head + "0.000000 \"c\" out \"d\" ip 2 000000\n",
       "t:2: 3 packet bytes kept but the packet is only 2 long"},
      {"bad link", head + "0.000000 \"c\" out \"d\" tun 4 45000004\n", "t:2: link type must be ip, eth or a number"},
      {"node too long", head + "0.000000 \"0123456789abcdef\" note \"s\" \"x\"\n", "t:2: node longer than 15 bytes"},
      {"subject too long", head + "0.000000 \"c\" note \"" + std::string(64, 's') + "\" \"x\"\n",
       "t:2: subject longer than 63 bytes"},
      {"bad escape", head + "0.000000 \"c\" note \"s\" \"a\\qb\"\n", "t:2: unknown escape '\\q'"},
      {"zero byte escape", head + "0.000000 \"c\" note \"s\" \"a\\x00\"\n", "t:2: \\x00 in text"},
      {"short escape", head + "0.000000 \"c\" note \"s\" \"a\\x4\"\n", "t:2: bad \\x escape in text"},
      {"unquoted node", head + "0.000000 client note \"s\" \"x\"\n", "t:2: node must be a quoted string"},
      {"unknown kind", head + "0.000000 \"c\" sent \"s\" \"x\"\n", "t:2: unknown event kind 'sent'"},
      {"time without micros", head + "1.5 \"c\" note \"s\" \"x\"\n", "t:2: time must be seconds.microseconds"},
      {"negative time", head + "-1.000000 \"c\" note \"s\" \"x\"\n", "t:2: time is not a decimal number"},
      {"time overflow", head + "18446744073710.000000 \"c\" note \"s\" \"x\"\n", "t:2: time out of range"},
      {"value overflow", head + "0.000000 \"c\" var \"s\" \"cwnd\" 9223372036854775808\n", "t:2: value out of range"},
      {"value missing", head + "0.000000 \"c\" var \"s\" \"cwnd\"\n", "t:2: line ends before the value"},
      {"trailing text", head + ok_pkt + " extra\n", "t:2: unexpected text after the event"},
      {"line too long", long_line, "t:2: line longer than 4096 bytes"},
      {"NUL byte", nul_line, "t:2: NUL byte in line"},
      {"after dropped", head + "dropped 3\n" + ok_pkt + "\n", "t:3: nothing may follow the 'dropped' line"},
      {"bad dropped", head + "dropped many\n", "t:2: dropped count is not a decimal number"},
      {"line count skips comments", head + "# c\n\n" + ok_pkt + "\n" + ok_pkt + " x\n", "t:5: unexpected text"},
  };
  for (const Bad& c : cases) {
    SCOPED_TRACE(c.name);
    Trace t;
    std::string err;
    EXPECT_EQ(ReadText(c.text, &t.t, &err), -EPROTO);
    EXPECT_NE(err.find(c.expect), std::string::npos) << "message: " << err;
  }
}

TEST(TraceFile, ExtremeValuesThatAreValid) {
  const std::string text = std::string(TRACE_FILE_MAGIC) +
                           "\n18446744073709.551615 \"c\" var \"s\" \"v\" -9223372036854775808\n"
                           "0.000000\t\"c\"\tout\t\"d\"\teth\t4294967295\t-\n";
  Trace t;
  std::string err;
  ASSERT_EQ(ReadText(text, &t.t, &err), 0) << err;
  ASSERT_EQ(t.t.count, 2u);
  EXPECT_EQ(t.t.events[0].time, UINT64_MAX);
  EXPECT_EQ(t.t.events[0].value, INT64_MIN);
  EXPECT_EQ(t.t.events[1].wire_len, UINT32_MAX);
  EXPECT_EQ(t.t.events[1].cap_len, 0);
  EXPECT_EQ(t.t.events[1].link, TRACE_LINK_ETHERNET);
}

// Random damage to a valid file: every outcome is a clean result or a
// clean error (the sanitizer builds watch for anything worse).
TEST(TraceFile, RandomDamageNeverCrashes) {
  const uint32_t seed = 20240611;
  SCOPED_TRACE("seed " + std::to_string(seed));
  Trace src;
  drawtest::HandshakeAndClose(&src.t, true);
  trace_note(&src.t, 1, "c", "s", "a \"note\" with \\ escapes");
  const std::string good = Written(&src.t);
  std::mt19937 rng(seed);
  int errors = 0;
  for (int round = 0; round < 1500; round++) {
    std::string text = good;
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; e++) {
      size_t at = rng() % text.size();
      switch (rng() % 4) {
        case 0: text[at] = static_cast<char>(rng() % 256); break;
        case 1: text.erase(at, 1 + rng() % 20); break;
        case 2: text.insert(at, std::string(1 + rng() % 8, "0a\"\\ x-#\n"[rng() % 9])); break;
        case 3: text.resize(at); break;
      }
      if (text.empty()) text = "x";
    }
    Trace t;
    std::string err;
    int rc = ReadText(text, &t.t, &err);
    ASSERT_TRUE(rc == 0 || rc == -EPROTO) << "round " << round << " rc " << rc;
    if (rc < 0) {
      errors++;
      ASSERT_EQ(err.rfind("t:", 0), 0u) << "round " << round << ": " << err;
    }
    for (size_t i = 0; i < t.t.count; i++) ASSERT_LE(t.t.events[i].cap_len, TRACE_PKT_BYTES);
  }
  EXPECT_GT(errors, 500);  // the damage was noticed, not silently accepted
}

}  // namespace
