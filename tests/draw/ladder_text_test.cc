// The text ladder (tools/draw/ladder.h): fixed scenarios match golden files
// under tests/draw/golden/, and every line keeps the timelines in their
// columns.
//
// After an intended change of the output, look at the new text (the
// failure prints it), then refresh the files:
//   bazel test //tests/draw:ladder_text_test --spawn_strategy=standalone
//       --test_env=TUNLAB_GOLDEN_DIR=$PWD/tests/draw/golden   (one command)
#include <gtest/gtest.h>

#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "stack/dump/dump.h"
#include "tests/draw/fixtures.h"
#include "tools/draw/ladder.h"

namespace {

using drawtest::Trace;

std::string TextLadder(const trace* t, const ladder_options& opt, ladder* model) {
  char err[256];
  EXPECT_EQ(ladder_build(t, &opt, model, err, sizeof err), 0) << err;
  return drawtest::Capture([&](FILE* f) { EXPECT_EQ(ladder_write_text(model, f), 0); });
}

void ExpectGolden(const std::string& name, const std::string& actual, const trace* t) {
  const char* dir = std::getenv("TUNLAB_GOLDEN_DIR");
  if (dir != nullptr) drawtest::WriteFile(std::string(dir) + "/" + name, actual);
  std::string want = drawtest::ReadFile("tests/draw/golden/" + name);
  ASSERT_FALSE(want.empty()) << "missing golden file tests/draw/golden/" << name;
  EXPECT_EQ(actual, want) << "the ladder of " << name << " changed; it is now:\n"
                          << actual << "\nfrom the trace:\n"
                          << drawtest::Capture([&](FILE* f) { dump_trace(t, f); });
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

TEST(LadderText, HandshakeAndCloseMatchesGolden) {
  Trace t;
  drawtest::HandshakeAndClose(&t.t, false);
  ladder_options opt = {};
  opt.title = "TCP: three-way handshake, a request, four-way close";
  ladder model;
  std::string text = TextLadder(&t.t, opt, &model);
  ExpectGolden("handshake.txt", text, &t.t);
  ladder_free(&model);
}

TEST(LadderText, LostFinalAckMatchesGolden) {
  Trace t;
  drawtest::HandshakeAndClose(&t.t, true);
  ladder_options opt = {};
  opt.title = "TIME-WAIT: the final ACK is lost";
  opt.notes = true;
  ladder model;
  ExpectGolden("lost_final_ack.txt", TextLadder(&t.t, opt, &model), &t.t);
  ladder_free(&model);
}

TEST(LadderText, TransferWithLossMatchesGolden) {
  Trace t;
  drawtest::TransferWithLoss(&t.t);
  ladder model;
  ExpectGolden("transfer.txt", TextLadder(&t.t, ladder_options{}, &model), &t.t);
  ladder_free(&model);
}

// A real run: two stacks on the simulated link, seed 7, the second UDP
// datagram dropped.
TEST(LadderText, UdpRunWithLossMatchesGolden) {
  const uint64_t seed = 7;
  SCOPED_TRACE("seed " + std::to_string(seed));
  Trace t;
  drawtest::UdpLossRun(seed, &t.t);
  ladder_options opt = {};
  opt.window = LABEL_WIN_NEVER;
  ladder model;
  ExpectGolden("udp_loss.txt", TextLadder(&t.t, opt, &model), &t.t);
  ladder_free(&model);
}

// The handshake and close of the real TCP (stack/transport), seed 7: the
// figure the slides show. A change in TCP's behaviour shows up here first.
TEST(LadderText, RealTcpHandshakeAndCloseMatchesGolden) {
  const uint64_t seed = 7;
  SCOPED_TRACE("seed " + std::to_string(seed));
  Trace t;
  std::string why;
  ASSERT_TRUE(drawtest::TcpRun(seed, false, &t.t, &why)) << why;
  ladder_options opt = {};
  opt.title = "TCP (real run, seed 7): handshake, a request, four-way close";
  ladder model;
  ExpectGolden("tcp_real.txt", TextLadder(&t.t, opt, &model), &t.t);
  ladder_free(&model);
}

TEST(LadderText, TimelinesStayInTheirColumns) {
  Trace t;
  drawtest::HandshakeAndClose(&t.t, true);
  ladder model;
  std::string text = TextLadder(&t.t, ladder_options{}, &model);
  std::vector<std::string> lines = Lines(text);
  ASSERT_GT(lines.size(), 3u);
  // the header names the nodes; find the two timeline columns on a state line
  size_t first = std::string::npos, second = std::string::npos;
  for (const std::string& l : lines) {
    size_t a = l.find('|');
    if (a == std::string::npos) continue;
    size_t b = l.find('|', a + 1);
    if (b == std::string::npos) continue;
    first = a;
    second = b;
    break;
  }
  ASSERT_NE(first, std::string::npos);
  size_t arrows = 0, lost = 0, gaps = 0;
  for (size_t i = 1; i < lines.size(); i++) {
    const std::string& l = lines[i];
    if (l.empty() || l[0] == '#') continue;
    ASSERT_GT(l.size(), second) << "line " << i << ": " << l;
    char a = l[first], b = l[second];
    EXPECT_TRUE(a == '|' || a == ':') << "line " << i << ": " << l;
    EXPECT_TRUE(b == '|' || b == ':') << "line " << i << ": " << l;
    std::string between = l.substr(first + 1, second - first - 1);
    if (l.find("->|") != std::string::npos || l.find("|<-") != std::string::npos) arrows++;
    if (between.find('X') != std::string::npos) {
      lost++;
      EXPECT_NE(l.find("lost", second), std::string::npos) << l;
    }
    gaps += a == ':';
  }
  size_t outs = 0, losses = 0;
  for (size_t i = 0; i < t.t.count; i++) {
    outs += t.t.events[i].kind == TRACE_PKT_OUT;
    losses += t.t.events[i].kind == TRACE_PKT_LOST;
  }
  EXPECT_EQ(arrows + lost, outs) << text;
  EXPECT_EQ(lost, losses) << text;
  EXPECT_GE(gaps, 2u) << text;  // before the FIN retransmission, and TIME-WAIT
  ladder_free(&model);
}

TEST(LadderText, EmptyTraceSaysSo) {
  Trace t;
  ladder model;
  std::string text = TextLadder(&t.t, ladder_options{}, &model);
  EXPECT_NE(text.find("nothing to draw"), std::string::npos);
  ladder_free(&model);
}

}  // namespace
