// The time-sequence and cwnd plots (tools/draw/plots.h): one mark per data
// segment, retransmissions and drops marked, a monotonic ACK line, the
// window line scaled, cwnd and ssthresh steps with the loss signals in the
// order they happened.
#include <gtest/gtest.h>

#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "stack/dump/dump.h"
#include "tests/draw/fixtures.h"
#include "tests/draw/xml_check.h"
#include "tools/draw/plots.h"

namespace {

using drawtest::ByClass;
using drawtest::Trace;
using drawtest::XmlDoc;
using drawtest::XmlElement;

constexpr uint8_t SYN = 0x02, ACK = 0x10;

std::string TraceText(const trace* t) {
  return drawtest::Capture([&](FILE* f) { dump_trace(t, f); });
}

XmlDoc Checked(const std::string& svg, const std::string& name) {
  XmlDoc doc = drawtest::ParseXml(svg);
  EXPECT_TRUE(doc.ok()) << doc.error << "\n" << svg;
  std::string path = drawtest::TempPath(name + ".svg");
  drawtest::WriteFile(path, svg);
  bool ran = false;
  EXPECT_EQ(drawtest::XmlLint(path, &ran), "");
  return doc;
}

// "x1,y1 x2,y2 ..." of a polyline.
std::vector<std::pair<double, double>> Points(const XmlElement* e) {
  std::vector<std::pair<double, double>> out;
  std::istringstream in(e->attrs.at("points"));
  std::string p;
  while (in >> p) {
    size_t comma = p.find(',');
    out.push_back({std::atof(p.substr(0, comma).c_str()), std::atof(p.substr(comma + 1).c_str())});
  }
  return out;
}

TEST(SeqPlot, TransferWithLoss) {
  Trace t;
  drawtest::TransferWithLoss(&t.t);
  SCOPED_TRACE(TraceText(&t.t));
  plot_options opt = {};
  seqplot p;
  char err[256];
  ASSERT_EQ(seqplot_build(&t.t, &opt, &p, err, sizeof err), 0) << err;

  // the client sends the data: the plot chose that direction by itself
  EXPECT_EQ(p.conn.a_ip, drawtest::kClient);
  EXPECT_EQ(p.conn.a_port, drawtest::kClientPort);
  EXPECT_STREQ(p.node, "client");
  // nine segments and one retransmission, all with data; plus the SYN
  EXPECT_EQ(seqplot_data_segments(&p), 10u);
  ASSERT_EQ(p.seg_count, 11u);
  EXPECT_EQ(p.segs[0].start, 0u);  // the SYN, relative to the ISN
  size_t retx = 0;
  for (size_t i = 0; i < p.seg_count; i++)
    if (p.segs[i].retransmission) {
      retx++;
      EXPECT_EQ(p.segs[i].start, 4001u);
      EXPECT_EQ(p.segs[i].end, 5001u);
    }
  EXPECT_EQ(retx, 1u);
  ASSERT_EQ(p.drop_count, 1u);
  EXPECT_EQ(p.drops[0].start, 4001u);

  // the cumulative ACK never goes back; four duplicates of 4001
  size_t dups = 0;
  for (size_t i = 1; i < p.ack_count; i++) {
    EXPECT_GE(p.acks[i].ack, p.acks[i - 1].ack) << "ack " << i;
    dups += p.acks[i].duplicate;
  }
  EXPECT_EQ(dups, 4u);
  EXPECT_EQ(p.acks[p.ack_count - 1].ack, 9001u);
  EXPECT_EQ(p.acks[p.ack_count - 1].window_edge, 9001u + 65535u);

  std::string svg = drawtest::Capture([&](FILE* f) { EXPECT_EQ(seqplot_write_svg(&p, &opt, f), 0); });
  XmlDoc doc = Checked(svg, "seqplot");
  EXPECT_EQ(ByClass(doc, "segment").size(), seqplot_data_segments(&p));
  EXPECT_EQ(ByClass(doc, "retransmission").size(), 1u);
  EXPECT_EQ(ByClass(doc, "drop").size(), 1u);
  EXPECT_EQ(ByClass(doc, "syn").size(), 1u);
  EXPECT_EQ(ByClass(doc, "dupack").size(), 4u);
  // on screen too the ACK line only climbs (y grows downward) and moves right
  std::vector<const XmlElement*> ack_line = ByClass(doc, "ack-line");
  ASSERT_EQ(ack_line.size(), 1u);
  std::vector<std::pair<double, double>> pts = Points(ack_line[0]);
  ASSERT_GT(pts.size(), 4u);
  for (size_t i = 1; i < pts.size(); i++) {
    EXPECT_GE(pts[i].first, pts[i - 1].first - 1e-9) << "point " << i;
    EXPECT_LE(pts[i].second, pts[i - 1].second + 1e-9) << "point " << i;
  }
  EXPECT_EQ(ByClass(doc, "window-line").size(), 1u);
  // the 64 KB window would squash 9 KB of data: the window line is cut
  EXPECT_NE(svg.find("ACK + window (cut)"), std::string::npos);
  // tick labels on both axes
  EXPECT_GT(ByClass(doc, "tick").size(), 6u);
  seqplot_free(&p);
}

TEST(SeqPlot, OptionsAndErrors) {
  Trace t;
  drawtest::TransferWithLoss(&t.t);
  char err[256];
  seqplot p;

  plot_options absolute = {};
  absolute.absolute = true;
  ASSERT_EQ(seqplot_build(&t.t, &absolute, &p, err, sizeof err), 0) << err;
  EXPECT_EQ(p.segs[0].start, 100000u);
  seqplot_free(&p);

  plot_options reverse = {};
  reverse.conn = "10.0.0.2:80>10.0.0.1:40000";
  ASSERT_EQ(seqplot_build(&t.t, &reverse, &p, err, sizeof err), 0) << err;
  EXPECT_STREQ(p.node, "server");
  EXPECT_EQ(seqplot_data_segments(&p), 0u);  // the server sent only its SYN
  EXPECT_EQ(p.seg_count, 1u);
  seqplot_free(&p);

  plot_options bad = {};
  bad.conn = "10.0.0.2:80";
  EXPECT_EQ(seqplot_build(&t.t, &bad, &p, err, sizeof err), -EINVAL);
  EXPECT_NE(std::string(err).find("--conn"), std::string::npos) << err;
  bad.conn = "10.9.9.9:1>10.0.0.1:40000";
  EXPECT_EQ(seqplot_build(&t.t, &bad, &p, err, sizeof err), -EINVAL);
  EXPECT_NE(std::string(err).find("no packet of connection"), std::string::npos) << err;

  Trace ping;
  drawtest::PingRun(1, NETDEV_LINK_IP, 1, &ping.t);
  EXPECT_EQ(seqplot_build(&ping.t, &bad, &p, err, sizeof err), -EINVAL);
  plot_options none = {};
  EXPECT_EQ(seqplot_build(&ping.t, &none, &p, err, sizeof err), -EINVAL);
  EXPECT_NE(std::string(err).find("no TCP segment"), std::string::npos) << err;
}

// RFC 7323: with the option in both SYNs, later windows are scaled.
TEST(SeqPlot, WindowScaleAndReceiverView) {
  Trace t;
  drawtest::Seg syn;
  syn.seq = 0;
  syn.flags = SYN;
  syn.wscale = 7;
  drawtest::Seg synack;
  synack.src = drawtest::kServer;
  synack.dst = drawtest::kClient;
  synack.sport = drawtest::kServerPort;
  synack.dport = drawtest::kClientPort;
  synack.seq = 500;
  synack.ack = 1;
  synack.flags = SYN | ACK;
  synack.wscale = 7;
  drawtest::Seg data = syn;
  data.flags = ACK;
  data.wscale = -1;
  data.seq = 1;
  data.ack = 501;
  data.len = 1000;
  drawtest::Seg ack = synack;
  ack.flags = ACK;
  ack.wscale = -1;
  ack.seq = 501;
  ack.ack = 1001;
  ack.win = 512;
  // only the receiver's view: the data arrive at the server, its ACKs leave
  auto at_server = [&](uint64_t time, trace_kind kind, const drawtest::Seg& s) {
    std::vector<uint8_t> b = drawtest::TcpBytes(s);
    trace_packet(&t.t, time, "server", kind, "eth", TRACE_LINK_IP, b.data(), b.size());
  };
  at_server(0, TRACE_PKT_IN, syn);
  at_server(0, TRACE_PKT_OUT, synack);
  at_server(2000, TRACE_PKT_IN, data);
  at_server(2000, TRACE_PKT_OUT, ack);
  plot_options opt = {};
  seqplot p;
  char err[256];
  ASSERT_EQ(seqplot_build(&t.t, &opt, &p, err, sizeof err), 0) << err;
  EXPECT_STREQ(p.node, "server");
  ASSERT_EQ(p.ack_count, 2u);
  EXPECT_EQ(p.acks[0].window_edge, 1u + 65535u);         // a SYN's window is not scaled
  EXPECT_EQ(p.acks[1].window_edge, 1001u + (512u << 7));  // later ones are
  seqplot_free(&p);
}

TEST(CwndPlot, StepsAndLossSignalsInOrder) {
  Trace t;
  drawtest::TransferWithLoss(&t.t);
  SCOPED_TRACE(TraceText(&t.t));
  plot_options opt = {};
  cwnd_plot p;
  char err[256];
  ASSERT_EQ(cwnd_plot_build(&t.t, &opt, &p, err, sizeof err), 0) << err;
  EXPECT_STREQ(p.node, "client");
  EXPECT_STREQ(p.subject, "tcp 10.0.0.1:40000>10.0.0.2:80");
  ASSERT_EQ(p.cwnd_count, 7u);
  EXPECT_EQ(p.cwnd[0].value, 3000);
  EXPECT_EQ(p.cwnd[6].value, 2500);
  ASSERT_EQ(p.ssthresh_count, 2u);
  EXPECT_GE(p.ssthresh[0].value, CWND_PLOT_INFINITE);
  EXPECT_EQ(p.ssthresh[1].value, 2500);

  // the link dropped first; the sender noticed (note, retransmission) later
  usec_t drop = 0, retx = 0, note = 0;
  for (size_t i = 0; i < p.event_count; i++) {
    if (p.events[i].kind == CWND_EV_DROP) drop = p.events[i].time;
    if (p.events[i].kind == CWND_EV_RETX) retx = p.events[i].time;
    if (p.events[i].kind == CWND_EV_NOTE) note = p.events[i].time;
  }
  EXPECT_EQ(p.event_count, 3u);
  EXPECT_GT(drop, 0u);
  EXPECT_LT(drop, retx);
  EXPECT_EQ(note, retx);

  std::string svg = drawtest::Capture([&](FILE* f) { EXPECT_EQ(cwnd_plot_write_svg(&p, &opt, f), 0); });
  XmlDoc doc = Checked(svg, "cwnd");
  EXPECT_EQ(ByClass(doc, "cwnd-line").size(), 1u);
  // ssthresh starts "infinite": its line begins only when it comes down
  std::vector<const XmlElement*> ss = ByClass(doc, "ssthresh-line");
  ASSERT_EQ(ss.size(), 1u);
  std::vector<const XmlElement*> cw = ByClass(doc, "cwnd-line");
  EXPECT_GT(Points(ss[0]).front().first, Points(cw[0]).front().first);
  EXPECT_EQ(ByClass(doc, "drop").size(), 1u);
  EXPECT_EQ(ByClass(doc, "retx").size(), 1u);
  EXPECT_EQ(ByClass(doc, "loss-note").size(), 1u);
  // step lines: each step is a horizontal then a vertical move
  std::vector<std::pair<double, double>> pts = Points(cw[0]);
  for (size_t i = 1; i < pts.size(); i++)
    EXPECT_TRUE(pts[i].first == pts[i - 1].first || pts[i].second == pts[i - 1].second)
        << "point " << i;
  cwnd_plot_free(&p);
}

// tunlab's TCP records an unset ssthresh as -1.
TEST(CwndPlot, NegativeSsthreshMeansNotSetYet) {
  Trace t;
  const char subject[] = "tcp 10.0.0.1:40000>10.0.0.2:80";
  trace_var(&t.t, 0, "client", subject, "cwnd", 14600);
  trace_var(&t.t, 0, "client", subject, "ssthresh", -1);
  trace_var(&t.t, 5000, "client", subject, "cwnd", 29200);
  trace_var(&t.t, 9000, "client", subject, "ssthresh", 14600);
  trace_var(&t.t, 9000, "client", subject, "cwnd", 14600);
  plot_options opt = {};
  cwnd_plot p;
  char err[256];
  ASSERT_EQ(cwnd_plot_build(&t.t, &opt, &p, err, sizeof err), 0) << err;
  EXPECT_TRUE(cwnd_plot_ssthresh_unset(p.ssthresh[0].value));
  EXPECT_FALSE(cwnd_plot_ssthresh_unset(p.ssthresh[1].value));
  std::string svg = drawtest::Capture([&](FILE* f) { EXPECT_EQ(cwnd_plot_write_svg(&p, &opt, f), 0); });
  XmlDoc doc = Checked(svg, "cwnd_unset");
  std::vector<const XmlElement*> ss = ByClass(doc, "ssthresh-line");
  ASSERT_EQ(ss.size(), 1u);
  std::vector<const XmlElement*> cw = ByClass(doc, "cwnd-line");
  ASSERT_EQ(cw.size(), 1u);
  // the ssthresh line starts at 9 ms, at the height cwnd has then
  EXPECT_GT(Points(ss[0]).front().first, Points(cw[0]).front().first);
  EXPECT_DOUBLE_EQ(Points(ss[0]).front().second, Points(cw[0]).back().second);
  cwnd_plot_free(&p);
}

// Payload bytes of a TCP/IPv4 packet event, decoded here by hand so the
// test does not lean on the decoder it checks.
uint32_t TcpPayload(const trace_event& ev) {
  if (ev.link != TRACE_LINK_IP || ev.cap_len < 40 || ev.bytes[9] != 6) return 0;
  uint32_t total = (ev.bytes[2] << 8) | ev.bytes[3];
  uint32_t ihl = (ev.bytes[0] & 15) * 4u;
  uint32_t doff = (ev.bytes[ihl + 12] >> 4) * 4u;
  return total > ihl + doff ? total - ihl - doff : 0;
}

// A real bulk transfer over a lossy link (tunlab's TCP, seed printed):
// whatever TCP does, the plots must account for every segment and drop.
TEST(Plots, RealBulkTransferOverALossyLink) {
  const uint64_t seed = 7;
  SCOPED_TRACE("seed " + std::to_string(seed));
  Trace t;
  std::string why;
  ASSERT_TRUE(drawtest::TcpBulkRun(seed, 100000, 0.05, &t.t, &why)) << why;
  size_t data_out = 0, data_lost = 0;
  for (size_t i = 0; i < t.t.count; i++) {
    const trace_event& ev = t.t.events[i];
    bool from_client = std::string(ev.node) == "client";
    if (ev.kind == TRACE_PKT_OUT && from_client && TcpPayload(ev) > 0) data_out++;
    if (ev.kind == TRACE_PKT_LOST && from_client && TcpPayload(ev) > 0) data_lost++;
  }
  ASSERT_GT(data_lost, 0u) << "the seed no longer loses a segment; pick another";

  plot_options opt = {};
  seqplot p;
  char err[256];
  ASSERT_EQ(seqplot_build(&t.t, &opt, &p, err, sizeof err), 0) << err;
  EXPECT_STREQ(p.node, "client");
  EXPECT_EQ(seqplot_data_segments(&p), data_out);
  EXPECT_EQ(p.drop_count, data_lost);
  size_t retx = 0;
  for (size_t i = 0; i < p.seg_count; i++) retx += p.segs[i].retransmission;
  EXPECT_GE(retx, data_lost);  // every lost segment was sent again
  for (size_t i = 1; i < p.ack_count; i++) EXPECT_GE(p.acks[i].ack, p.acks[i - 1].ack) << i;
  ASSERT_GT(p.ack_count, 0u);
  EXPECT_EQ(p.acks[p.ack_count - 1].ack, 100001u);  // all of it acknowledged
  XmlDoc doc = Checked(drawtest::Capture([&](FILE* f) { seqplot_write_svg(&p, &opt, f); }), "bulk_seq");
  EXPECT_EQ(ByClass(doc, "segment").size(), data_out);
  seqplot_free(&p);

  cwnd_plot c;
  ASSERT_EQ(cwnd_plot_build(&t.t, &opt, &c, err, sizeof err), 0) << err;
  EXPECT_GT(c.cwnd_count, 5u);
  usec_t first_drop = 0, first_retx = 0;
  for (size_t i = 0; i < c.event_count; i++) {
    if (c.events[i].kind == CWND_EV_DROP && first_drop == 0) first_drop = c.events[i].time;
    if (c.events[i].kind == CWND_EV_RETX && first_retx == 0) first_retx = c.events[i].time;
  }
  EXPECT_GT(first_drop, 0u);
  EXPECT_LT(first_drop, first_retx);  // the link drops first, the sender reacts later
  bool ssthresh_set = false;
  for (size_t i = 0; i < c.ssthresh_count; i++)
    ssthresh_set = ssthresh_set || !cwnd_plot_ssthresh_unset(c.ssthresh[i].value);
  EXPECT_TRUE(ssthresh_set);
  Checked(drawtest::Capture([&](FILE* f) { cwnd_plot_write_svg(&c, &opt, f); }), "bulk_cwnd");
  cwnd_plot_free(&c);
}

TEST(CwndPlot, Errors) {
  Trace t;
  drawtest::HandshakeAndClose(&t.t, false);  // no variables
  plot_options opt = {};
  cwnd_plot p;
  char err[256];
  EXPECT_EQ(cwnd_plot_build(&t.t, &opt, &p, err, sizeof err), -EINVAL);
  EXPECT_NE(std::string(err).find("no \"cwnd\""), std::string::npos) << err;
  opt.conn = "nonsense";
  EXPECT_EQ(cwnd_plot_build(&t.t, &opt, &p, err, sizeof err), -EINVAL);
  EXPECT_NE(std::string(err).find("--conn"), std::string::npos) << err;
}

}  // namespace
