// The SVG ladder (tools/draw/ladder.h): well-formed XML (our own checker
// and xmllint when installed), one arrow per packet that arrived, one X per
// packet lost, states in trace order down each timeline, arrows slanted by
// the delay, idle stretches compressed.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "stack/dump/dump.h"
#include "stack/phy/pcap.h"
#include "tests/draw/fixtures.h"
#include "tests/draw/xml_check.h"
#include "tools/draw/draw_input.h"
#include "tools/draw/ladder.h"
#include "tools/draw/plots.h"

namespace {

using drawtest::ByClass;
using drawtest::HasClass;
using drawtest::Trace;
using drawtest::XmlDoc;
using drawtest::XmlElement;

std::string TraceText(const trace* t) {
  return drawtest::Capture([&](FILE* f) { dump_trace(t, f); });
}

struct Drawn {
  std::string svg;
  XmlDoc doc;
  ladder model = {};
};

// Build and draw; checks well-formedness with both checkers.
void Draw(const trace* t, const ladder_options& opt, Drawn* d, const std::string& name) {
  char err[256];
  ASSERT_EQ(ladder_build(t, &opt, &d->model, err, sizeof err), 0) << err;
  d->svg = drawtest::Capture([&](FILE* f) { EXPECT_EQ(ladder_write_svg(&d->model, f), 0); });
  d->doc = drawtest::ParseXml(d->svg);
  ASSERT_TRUE(d->doc.ok()) << d->doc.error << "\n" << d->svg;
  EXPECT_EQ(d->doc.elements[0].name, "svg");
  EXPECT_EQ(d->doc.elements[0].attrs.at("xmlns"), "http://www.w3.org/2000/svg");
  std::string path = drawtest::TempPath(name + ".svg");
  drawtest::WriteFile(path, d->svg);
  bool ran = false;
  std::string lint = drawtest::XmlLint(path, &ran);
  EXPECT_EQ(lint, "") << "xmllint on " << path;
  if (!ran) std::printf("(xmllint not installed: only the built-in checker ran)\n");
  // self-contained: nothing fetched from elsewhere
  EXPECT_EQ(d->svg.find("href"), std::string::npos);
  EXPECT_EQ(d->svg.find("<script"), std::string::npos);
  EXPECT_EQ(d->svg.find("@import"), std::string::npos);
}

size_t CountKind(const trace* t, trace_kind kind) {
  size_t n = 0;
  for (size_t i = 0; i < t->count; i++) n += t->events[i].kind == kind;
  return n;
}

double Num(const XmlElement* e, const char* attr) { return std::atof(e->attrs.at(attr).c_str()); }

// The <text> inside a group.
std::string ChildText(const XmlDoc& doc, const XmlElement* group) {
  int index = static_cast<int>(group - doc.elements.data());
  for (const XmlElement& e : doc.elements)
    if (e.parent == index && e.name == "text") return e.text;
  return "";
}

// Delivered arrows are the <line class="arrow"> without "lost".
void ExpectOneArrowPerPacket(const trace* t, const Drawn& d) {
  size_t outs = CountKind(t, TRACE_PKT_OUT), lost = CountKind(t, TRACE_PKT_LOST);
  size_t ins = CountKind(t, TRACE_PKT_IN);
  std::vector<const XmlElement*> arrows = ByClass(d.doc, "arrow");
  size_t delivered = 0, lost_arrows = 0;
  for (const XmlElement* a : arrows) {
    EXPECT_EQ(a->name, "line");
    if (HasClass(*a, "lost"))
      lost_arrows++;
    else
      delivered++;
  }
  // every packet the link carried arrived once (no duplicates here), so
  // each receive is one arrow and each drop one X
  EXPECT_EQ(delivered, ins);
  EXPECT_EQ(lost_arrows, lost);
  EXPECT_EQ(ByClass(d.doc, "lost-marker").size(), lost);
  EXPECT_EQ(delivered + lost_arrows, outs);
  EXPECT_EQ(d.model.arrow_count, outs);
}

// TRACE_STATE events of each node, in trace order, are the state boxes of
// that node's timeline from top to bottom.
void ExpectStatesInOrder(const trace* t, const Drawn& d) {
  std::map<std::string, std::vector<std::string>> want;
  for (size_t i = 0; i < t->count; i++) {
    const trace_event& ev = t->events[i];
    if (ev.kind != TRACE_STATE) continue;
    std::string text = ev.text;
    std::string to = text.substr(text.find(" -> ") + 4);
    std::string subject = ev.subject;
    want[ev.node].push_back(subject.rfind("tcp ", 0) == 0 ? to : subject + ": " + to);
  }
  std::map<std::string, std::vector<std::string>> got;
  std::map<std::string, double> last_y;
  for (const XmlElement* g : ByClass(d.doc, "state")) {
    std::string node = g->attrs.at("data-node");
    double y = Num(g, "data-y");
    if (last_y.count(node)) {
      EXPECT_GT(y, last_y[node]) << "state " << ChildText(d.doc, g) << " at " << node;
    }
    last_y[node] = y;
    got[node].push_back(ChildText(d.doc, g));
  }
  EXPECT_EQ(got, want);
}

TEST(LadderSvg, HandshakeAndClose) {
  Trace t;
  drawtest::HandshakeAndClose(&t.t, false);
  SCOPED_TRACE(TraceText(&t.t));
  Drawn d;
  ladder_options opt = {};
  opt.title = "handshake & <close>";
  Draw(&t.t, opt, &d, "handshake");
  ExpectOneArrowPerPacket(&t.t, d);
  ExpectStatesInOrder(&t.t, d);
  EXPECT_NE(d.svg.find("handshake &amp; &lt;close&gt;"), std::string::npos);

  // textbook labels, relative sequence numbers
  std::vector<std::string> labels;
  for (const XmlElement* e : ByClass(d.doc, "label")) labels.push_back(e->text);
  ASSERT_GE(labels.size(), 3u);
  EXPECT_EQ(labels[0], "SYN seq=0 win=65535 mss=1460");
  EXPECT_EQ(labels[1], "SYN+ACK seq=0 ack=1 win=65535 mss=1460");
  EXPECT_EQ(labels[2], "ACK ack=1");

  // client on the left, as in textbooks: it sent first
  std::vector<const XmlElement*> nodes = ByClass(d.doc, "node");
  ASSERT_EQ(nodes.size(), 2u);
  EXPECT_EQ(nodes[0]->attrs.at("data-node"), "client");

  // Every packet took 1 ms and no idle gap interrupts a flight: on a
  // linear scale all arrows slant down by the same height.
  double drop = -1;
  for (const XmlElement* a : ByClass(d.doc, "arrow")) {
    double dy = Num(a, "y2") - Num(a, "y1");
    EXPECT_GT(dy, 20) << "an arrow that does not slant";
    if (drop < 0) drop = dy;
    EXPECT_NEAR(dy, drop, 0.5);
  }

  // TIME-WAIT's 60 s is a marked gap, a few rows tall, not a mile of paper
  bool found = false;
  for (const XmlElement* g : ByClass(d.doc, "gap")) {
    std::string text = ChildText(d.doc, g);
    found = found || text == "59.999 s later";
  }
  EXPECT_TRUE(found);
  double height = std::atof(d.doc.elements[0].attrs.at("height").c_str());
  EXPECT_LT(height, 2000);
  ladder_free(&d.model);
}

TEST(LadderSvg, LostFinalAckEndsInAnXBetweenTheTimelines) {
  Trace t;
  drawtest::HandshakeAndClose(&t.t, true);
  SCOPED_TRACE(TraceText(&t.t));
  Drawn d;
  Draw(&t.t, ladder_options{}, &d, "lost_final_ack");
  ExpectOneArrowPerPacket(&t.t, d);
  ExpectStatesInOrder(&t.t, d);
  std::vector<const XmlElement*> nodes = ByClass(d.doc, "timeline");
  ASSERT_GE(nodes.size(), 2u);
  double x_client = Num(nodes[0], "x1"), x_server = Num(nodes[1], "x1");
  for (const XmlElement* a : ByClass(d.doc, "arrow")) {
    if (!HasClass(*a, "lost")) continue;
    double x2 = Num(a, "x2");
    EXPECT_GT(x2, x_client + 20);
    EXPECT_LT(x2, x_server - 20);
    EXPECT_GT(Num(a, "y2"), Num(a, "y1"));  // it was on its way down
  }
  // the retransmitted FIN says so
  bool retx = false;
  for (const XmlElement* e : ByClass(d.doc, "label")) retx = retx || e->text == "FIN seq=301 ack=102 (retx)";
  EXPECT_TRUE(retx);
  ladder_free(&d.model);
}

TEST(LadderSvg, RealRunsOnTheSimulatedLink) {
  const uint64_t seed = 5;
  SCOPED_TRACE("seed " + std::to_string(seed));
  Trace ping, udp;
  drawtest::PingRun(seed, NETDEV_LINK_ETHERNET, 3, &ping.t);
  drawtest::UdpLossRun(seed, &udp.t);
  for (const trace* t : {&ping.t, &udp.t}) {
    SCOPED_TRACE(TraceText(t));
    Drawn d;
    Draw(t, ladder_options{}, &d, t == &ping.t ? "ping" : "udp");
    ExpectOneArrowPerPacket(t, d);
    ExpectStatesInOrder(t, d);
    ladder_free(&d.model);
  }
  EXPECT_EQ(CountKind(&udp.t, TRACE_PKT_LOST), 1u);
}

TEST(LadderSvg, RealTcpRuns) {
  const uint64_t seed = 7;
  SCOPED_TRACE("seed " + std::to_string(seed));
  for (bool lose : {false, true}) {
    Trace t;
    std::string why;
    ASSERT_TRUE(drawtest::TcpRun(seed, lose, &t.t, &why)) << why;
    SCOPED_TRACE(TraceText(&t.t));
    Drawn d;
    Draw(&t.t, ladder_options{}, &d, lose ? "tcp_lost" : "tcp");
    ExpectOneArrowPerPacket(&t.t, d);
    ExpectStatesInOrder(&t.t, d);
    EXPECT_EQ(ByClass(d.doc, "lost-marker").size(), lose ? 1u : 0u);
    std::vector<std::string> labels;
    for (const XmlElement* e : ByClass(d.doc, "label")) labels.push_back(e->text);
    ASSERT_GE(labels.size(), 3u);
    EXPECT_EQ(labels[0].rfind("SYN seq=0", 0), 0u) << labels[0];
    EXPECT_EQ(labels[1].rfind("SYN+ACK seq=0 ack=1", 0), 0u) << labels[1];
    // The first window after the SYNs is scaled (RFC 7323, on by default):
    // the 1 MiB receive buffer, a change the label shows.
    EXPECT_EQ(labels[2], "ACK ack=1 win=1048576");
    ladder_free(&d.model);
  }
}

TEST(LadderSvg, DuplicatesAndCorruptedCopies) {
  const uint64_t seed = 9;
  SCOPED_TRACE("seed " + std::to_string(seed));
  sim_impairments dup = {};
  dup.duplicate = 1.0;
  Trace t;
  drawtest::UdpRunWith(seed, dup, 2, &t.t);
  SCOPED_TRACE(TraceText(&t.t));
  Drawn d;
  Draw(&t.t, ladder_options{}, &d, "dup");
  EXPECT_EQ(ByClass(d.doc, "duplicate").size(), 2u);
  EXPECT_EQ(ByClass(d.doc, "arrow").size(), CountKind(&t.t, TRACE_PKT_IN));
  for (const XmlElement* g : ByClass(d.doc, "duplicate"))
    EXPECT_NE(ChildText(d.doc, g).find("(dup)"), std::string::npos);
  ladder_free(&d.model);

  sim_impairments bad = {};
  bad.corrupt = 1.0;
  Trace c;
  drawtest::UdpRunWith(seed, bad, 2, &c.t);
  SCOPED_TRACE(TraceText(&c.t));
  Drawn dc;
  Draw(&c.t, ladder_options{}, &dc, "corrupt");
  size_t corrupted = 0;
  for (size_t k = 0; k < dc.model.arrow_count; k++) {
    corrupted += dc.model.arrows[k].corrupted;
    EXPECT_NE(dc.model.arrows[k].kind, LADDER_LOST);
  }
  EXPECT_EQ(corrupted, 2u);
  ladder_free(&dc.model);
}

TEST(LadderSvg, NodesOptionOrdersAndChecksTimelines) {
  Trace t;
  drawtest::HandshakeAndClose(&t.t, false);
  Drawn d;
  ladder_options opt = {};
  opt.nodes = "server,client";
  Draw(&t.t, opt, &d, "reversed");
  std::vector<const XmlElement*> nodes = ByClass(d.doc, "node");
  ASSERT_EQ(nodes.size(), 2u);
  EXPECT_EQ(nodes[0]->attrs.at("data-node"), "server");
  ladder_free(&d.model);

  for (const char* bad : {"client,nobody", "", "client,", "0123456789abcdefg"}) {
    ladder l;
    char err[256];
    opt.nodes = bad;
    EXPECT_EQ(ladder_build(&t.t, &opt, &l, err, sizeof err), -EINVAL) << bad;
    EXPECT_EQ(std::string(err).rfind("--nodes", 0), 0u) << err;
  }
}

TEST(LadderSvg, ConnOptionKeepsOneConnection) {
  Trace t;
  drawtest::HandshakeAndClose(&t.t, false);
  drawtest::UdpLossRun(3, &t.t);
  ladder_options opt = {};
  opt.conn = "10.0.0.1:40000>10.0.0.2:80";
  Drawn d;
  Draw(&t.t, opt, &d, "conn");
  for (size_t k = 0; k < d.model.arrow_count; k++)
    EXPECT_EQ(std::string(d.model.arrows[k].label).find("UDP"), std::string::npos);
  Trace tcp_only;
  drawtest::HandshakeAndClose(&tcp_only.t, false);
  EXPECT_EQ(d.model.arrow_count, CountKind(&tcp_only.t, TRACE_PKT_OUT));
  ladder_free(&d.model);

  ladder l;
  char err[256];
  opt.conn = "10.0.0.1:40001>10.0.0.2:80";  // not in the trace: say so
  EXPECT_EQ(ladder_build(&t.t, &opt, &l, err, sizeof err), -EINVAL);
  EXPECT_NE(std::string(err).find("no packet or state of this connection"), std::string::npos) << err;
  opt.conn = "10.0.0.1:40000-10.0.0.2:80";
  EXPECT_EQ(ladder_build(&t.t, &opt, &l, err, sizeof err), -EINVAL);
  EXPECT_NE(std::string(err).find("--conn"), std::string::npos) << err;
}

// A pcap has one capture point: nodes are addresses and arrows are level.
TEST(LadderSvg, PcapInputGivesLevelArrowsBetweenAddresses) {
  const uint64_t seed = 4;
  SCOPED_TRACE("seed " + std::to_string(seed));
  Trace run;
  drawtest::PingRun(seed, NETDEV_LINK_IP, 2, &run.t);
  std::string path = drawtest::TempPath("ping.pcap");
  long records = pcap_write_trace(&run.t, path.c_str(), PCAP_LINKTYPE_RAW, "client");
  ASSERT_EQ(records, 4);
  Trace t;
  char err[256];
  size_t skipped = 99;
  ASSERT_EQ(draw_load_pcap(path.c_str(), &t.t, &skipped, err, sizeof err), 0) << err;
  EXPECT_EQ(skipped, 0u);
  Drawn d;
  ladder_options opt = {};
  opt.caption = DRAW_PCAP_CAPTION;
  Draw(&t.t, opt, &d, "pcap");
  ASSERT_EQ(d.model.node_count, 2u);
  EXPECT_STREQ(d.model.nodes[0].name, "10.0.0.1");
  EXPECT_STREQ(d.model.nodes[1].name, "10.0.0.2");
  std::vector<const XmlElement*> arrows = ByClass(d.doc, "arrow");
  EXPECT_EQ(arrows.size(), 4u);
  for (const XmlElement* a : arrows) EXPECT_DOUBLE_EQ(Num(a, "y1"), Num(a, "y2"));
  EXPECT_NE(d.svg.find("one capture point"), std::string::npos);
  ladder_free(&d.model);

  EXPECT_LT(draw_load_pcap(drawtest::TempPath("missing.pcap").c_str(), &t.t, nullptr, err, sizeof err), 0);
  drawtest::WriteFile(drawtest::TempPath("junk.pcap"), "this is not a capture file at all");
  EXPECT_EQ(draw_load_pcap(drawtest::TempPath("junk.pcap").c_str(), &t.t, nullptr, err, sizeof err),
            -EPROTO);
  EXPECT_NE(std::string(err).find("not a pcap file"), std::string::npos) << err;
}

// A trace script's run: one traced node; its peer gets a timeline named by
// its address, and the packets are level (seen at the node only).
TEST(LadderSvg, UntracedPeerGetsAnAddressTimeline) {
  Trace t;
  drawtest::ScriptLikeRun(&t.t);
  Drawn d;
  Draw(&t.t, ladder_options{}, &d, "script");
  ASSERT_EQ(d.model.node_count, 2u);
  EXPECT_STREQ(d.model.nodes[1].name, "192.0.2.1");
  EXPECT_TRUE(d.model.nodes[1].from_address);
  std::vector<const XmlElement*> arrows = ByClass(d.doc, "arrow");
  ASSERT_EQ(arrows.size(), 3u);
  for (const XmlElement* a : arrows) {
    EXPECT_FALSE(HasClass(*a, "lost"));
    EXPECT_DOUBLE_EQ(Num(a, "y1"), Num(a, "y2"));
  }
  ExpectStatesInOrder(&t.t, d);
  ladder_free(&d.model);
}

TEST(LadderSvg, HostileTextStaysWellFormed) {
  Trace t;
  trace_state(&t.t, 0, "<a&b>", "arp \"x\" 'y'", "]]>", "<!--");
  trace_note(&t.t, 1, "<a&b>", "s", "\x01\x7f\xff & < >");
  uint8_t junk[60];
  for (size_t i = 0; i < sizeof junk; i++) junk[i] = static_cast<uint8_t>(i * 37 + 1);
  trace_packet(&t.t, 2, "<a&b>", TRACE_PKT_OUT, "d", TRACE_LINK_ETHERNET, junk, sizeof junk);
  trace_packet(&t.t, 3, "n\"q", TRACE_PKT_IN, "d", TRACE_LINK_ETHERNET, junk, sizeof junk);
  Drawn d;
  ladder_options opt = {};
  opt.notes = true;
  opt.title = "]]> <svg> &amp;";
  Draw(&t.t, opt, &d, "hostile");
  EXPECT_EQ(ByClass(d.doc, "note").size(), 1u);
  ladder_free(&d.model);

  Trace empty;
  Drawn e;
  Draw(&empty.t, ladder_options{}, &e, "empty");
  EXPECT_EQ(e.model.arrow_count, 0u);
  ladder_free(&e.model);
}

// The checker the tests lean on must itself say no to broken XML.
TEST(XmlCheck, RejectsMalformedDocuments) {
  const char* bad[] = {
      "",
      "<svg>",
      "<svg></g>",
      "<svg><g></svg></g>",
      "<svg a=1/>",
      "<svg a=\"1\" a=\"2\"/>",
      "<svg>&nbsp;</svg>",
      "<svg>a & b</svg>",
      "<svg/><svg/>",
      "text<svg/>",
      "<svg a=\"<\"/>",
      "<svg><!-- open </svg>",
      "<1svg/>",
  };
  for (const char* doc : bad) EXPECT_FALSE(drawtest::ParseXml(doc).ok()) << doc;
  XmlDoc good = drawtest::ParseXml(
      "<?xml version=\"1.0\"?>\n<svg a='x &amp; y'><!-- c --><g class=\"p q\">t&lt;&#65;</g></svg>\n");
  ASSERT_TRUE(good.ok()) << good.error;
  ASSERT_EQ(good.elements.size(), 2u);
  EXPECT_EQ(good.elements[0].attrs.at("a"), "x & y");
  EXPECT_EQ(good.elements[1].text, "t<A");
  EXPECT_TRUE(HasClass(good.elements[1], "q"));
  EXPECT_EQ(good.elements[1].parent, 0);
}

// Random traces (any kinds, nodes, times out of order, garbage bytes,
// real-looking segments): every drawing is well-formed or a clean error.
TEST(LadderSvg, RandomTracesNeverCrash) {
  const uint32_t seed = 424242;
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  const char* nodes[] = {"client", "server", "r<1>", ""};
  for (int round = 0; round < 60; round++) {
    Trace t;
    size_t n = 1 + rng() % 120;
    uint64_t now = rng() % 1000;
    for (size_t i = 0; i < n; i++) {
      now = rng() % 10 == 0 ? now - std::min<uint64_t>(now, rng() % 5000) : now + rng() % 3000;
      if (rng() % 50 == 0) now += 90000000;  // a long idle stretch
      const char* node = nodes[rng() % 4];
      switch (rng() % 6) {
        case 0: trace_state(&t.t, now, node, rng() % 2 ? "tcp 10.0.0.1:40000>10.0.0.2:80" : "arp x", "A", "B"); break;
        case 1: trace_note(&t.t, now, node, "s", "note %u", static_cast<unsigned>(rng())); break;
        case 2: trace_var(&t.t, now, node, "tcp 10.0.0.1:40000>10.0.0.2:80", rng() % 2 ? "cwnd" : "ssthresh",
                          static_cast<int64_t>(rng()) - 1000); break;
        default: {
          std::vector<uint8_t> b;
          if (rng() % 2) {
            drawtest::Seg s;
            if (rng() % 2) std::swap(s.src, s.dst), std::swap(s.sport, s.dport);
            s.seq = rng() % 5000;
            s.ack = rng() % 5000;
            s.flags = static_cast<uint8_t>(rng());
            s.len = rng() % 1500;
            s.wscale = rng() % 3 ? -1 : static_cast<int>(rng() % 20);
            b = drawtest::TcpBytes(s);
          } else {
            b.resize(rng() % 140);
            for (auto& x : b) x = static_cast<uint8_t>(rng());
          }
          trace_kind kind = static_cast<trace_kind>(rng() % 3);
          trace_packet(&t.t, now, node, kind, "d", rng() % 4 ? TRACE_LINK_IP : TRACE_LINK_ETHERNET,
                       b.empty() ? nullptr : b.data(), b.size());
        }
      }
    }
    SCOPED_TRACE("round " + std::to_string(round) + "\n" + TraceText(&t.t));
    ladder_options opt = {};
    opt.notes = rng() % 2;
    opt.absolute = rng() % 2;
    opt.window = static_cast<label_window>(rng() % 3);
    ladder l;
    char err[256];
    ASSERT_EQ(ladder_build(&t.t, &opt, &l, err, sizeof err), 0) << err;
    std::string svg = drawtest::Capture([&](FILE* f) { ASSERT_EQ(ladder_write_svg(&l, f), 0); });
    XmlDoc doc = drawtest::ParseXml(svg);
    ASSERT_TRUE(doc.ok()) << doc.error;
    drawtest::Capture([&](FILE* f) { ASSERT_EQ(ladder_write_text(&l, f), 0); });
    ladder_free(&l);
    plot_options popt = {};
    seqplot sp;
    if (seqplot_build(&t.t, &popt, &sp, err, sizeof err) == 0) {
      ASSERT_TRUE(drawtest::ParseXml(drawtest::Capture([&](FILE* f) { seqplot_write_svg(&sp, &popt, f); })).ok());
      seqplot_free(&sp);
    }
    cwnd_plot cp;
    if (cwnd_plot_build(&t.t, &popt, &cp, err, sizeof err) == 0) {
      ASSERT_TRUE(drawtest::ParseXml(drawtest::Capture([&](FILE* f) { cwnd_plot_write_svg(&cp, &popt, f); })).ok());
      cwnd_plot_free(&cp);
    }
  }
}

}  // namespace
