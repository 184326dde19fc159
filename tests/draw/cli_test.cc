// The tunlab-draw command: bad arguments exit 2 with the usage, a broken
// input exits 1 naming the file and line, good input gives the drawing.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <string>

#include "stack/phy/pcap.h"
#include "tests/draw/fixtures.h"
#include "tests/draw/xml_check.h"
#include "tools/draw/ladder.h"
#include "tools/draw/trace_file.h"

namespace {

using drawtest::Trace;

struct Result {
  int status = -1;
  std::string out, err;
};

// Run tunlab-draw (a data dependency, found in the runfiles) with `args`
// as a shell word list.
Result Draw(const std::string& args) {
  static int n = 0;
  std::string out = drawtest::TempPath("out" + std::to_string(n));
  std::string err = drawtest::TempPath("err" + std::to_string(n++));
  std::string cmd = "tools/draw/tunlab-draw " + args + " >" + out + " 2>" + err;
  int raw = std::system(cmd.c_str());
  Result r;
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  r.out = drawtest::ReadFile(out);
  r.err = drawtest::ReadFile(err);
  return r;
}

std::string SavedTrace(const std::string& name, void (*fill)(trace*)) {
  Trace t;
  fill(&t.t);
  std::string path = drawtest::TempPath(name);
  EXPECT_EQ(trace_file_save(&t.t, path.c_str()), 0);
  return path;
}

void Handshake(trace* t) { drawtest::HandshakeAndClose(t, false); }
void Transfer(trace* t) { drawtest::TransferWithLoss(t); }

TEST(Cli, BadArgumentsExitTwoWithUsage) {
  std::string tr = SavedTrace("h.trace", Handshake);
  const struct {
    std::string args, says;
  } cases[] = {
      {"", "no command given"},
      {"draw --trace " + tr, "unknown command 'draw'"},
      {"ladder", "give exactly one input"},
      {"ladder --trace " + tr + " --pcap x.pcap", "give exactly one input"},
      {"ladder --trace", "--trace needs a value"},
      {"ladder --trace " + tr + " --trace " + tr, "--trace given twice"},
      {"ladder --trace " + tr + " --frobnicate", "unknown option '--frobnicate'"},
      {"ladder ladder-text --trace " + tr, "one command only"},
      {"ladder --trace " + tr + " --win sometimes", "--win takes changes, always or never"},
      {"seqplot --trace " + tr + " --nodes a,b", "--nodes and --notes apply to ladders"},
      {"ladder --trace " + tr + " --conn '10.0.0.1>10.0.0.2'", "--conn must look like"},
      {"ladder --trace " + tr + " --nodes client,ghost", "--nodes: nothing happens at node 'ghost'"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE("tunlab-draw " + c.args);
    Result r = Draw(c.args);
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_NE(r.err.find(c.says), std::string::npos) << r.err;
    EXPECT_EQ(r.out, "");
  }
  Result help = Draw("--help");
  EXPECT_EQ(help.status, 0);
  EXPECT_NE(help.out.find("usage: tunlab-draw"), std::string::npos);
}

TEST(Cli, BrokenInputExitsOneNamingTheLine) {
  std::string bad = drawtest::TempPath("bad.trace");
  drawtest::WriteFile(bad, std::string(TRACE_FILE_MAGIC) +
                               "\n# a comment\n0.000000 \"c\" out \"d\" ip 4 45zz0004\n");
  std::string svg = drawtest::TempPath("never.svg");
  Result r = Draw("ladder --trace " + bad + " -o " + svg);
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find(bad + ":3: bad hex digit 'z'"), std::string::npos) << r.err;
  EXPECT_EQ(drawtest::ReadFile(svg), "");  // no half-written picture left

  r = Draw("ladder --trace " + drawtest::TempPath("absent.trace"));
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("No such file"), std::string::npos) << r.err;

  std::string junk = drawtest::TempPath("junk.pcap");
  drawtest::WriteFile(junk, "not a pcap");
  r = Draw("ladder --pcap " + junk);
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("not a pcap file"), std::string::npos) << r.err;

  // a good file without what the command needs
  r = Draw("cwnd --trace " + SavedTrace("h2.trace", Handshake));
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("no \"cwnd\""), std::string::npos) << r.err;
}

TEST(Cli, DrawsEveryKind) {
  std::string h = SavedTrace("h3.trace", Handshake);
  std::string t = SavedTrace("t.trace", Transfer);
  std::string svg = drawtest::TempPath("ladder.svg");

  Result r = Draw("ladder --trace " + h + " -o " + svg + " --title 'Handshake'");
  ASSERT_EQ(r.status, 0) << r.err;
  drawtest::XmlDoc doc = drawtest::ParseXml(drawtest::ReadFile(svg));
  ASSERT_TRUE(doc.ok()) << doc.error;
  EXPECT_EQ(drawtest::ByClass(doc, "arrow").size(), 10u);

  // the text ladder on stdout is the library's text
  r = Draw("ladder-text --trace " + h);
  ASSERT_EQ(r.status, 0) << r.err;
  Trace ht;
  Handshake(&ht.t);
  ladder_options opt = {};
  ladder l;
  char err[256];
  ASSERT_EQ(ladder_build(&ht.t, &opt, &l, err, sizeof err), 0);
  EXPECT_EQ(r.out, drawtest::Capture([&](FILE* f) { ladder_write_text(&l, f); }));
  ladder_free(&l);

  r = Draw("ladder-text --trace " + h + " --absolute --win always");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("SYN seq=1000 win=65535"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ACK ack=5001 win=65535"), std::string::npos) << r.out;

  for (const char* cmd : {"seqplot", "cwnd"}) {
    r = Draw(std::string(cmd) + " --trace " + t + " --conn '10.0.0.1:40000>10.0.0.2:80'");
    ASSERT_EQ(r.status, 0) << cmd << ": " << r.err;
    EXPECT_TRUE(drawtest::ParseXml(r.out).ok()) << cmd;
  }

  r = Draw("dump --trace " + h);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("client  out   IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [S]"), std::string::npos)
      << r.out;
}

TEST(Cli, PcapInputSaysItHasOneCapturePoint) {
  Trace run;
  drawtest::PingRun(2, NETDEV_LINK_IP, 2, &run.t);
  std::string pcap = drawtest::TempPath("c.pcap");
  ASSERT_EQ(pcap_write_trace(&run.t, pcap.c_str(), PCAP_LINKTYPE_RAW, "client"), 4);
  Result r = Draw("ladder-text --pcap " + pcap);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("one capture point"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("10.0.0.1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ICMP echo reply seq=2"), std::string::npos) << r.out;
}

}  // namespace
