// make_figures.cc — write the test scenarios' traces and their drawings to
// a directory, to look at them (and as an example of the library's use):
//
//   bazel run //tests/draw:make_figures -- /tmp/figures
#include <cstdio>
#include <string>
#include <cstdio>

#include "tests/draw/fixtures.h"
#include "tools/draw/ladder.h"
#include "tools/draw/plots.h"
#include "tools/draw/trace_file.h"

namespace {

void Ladder(const trace* t, const std::string& base, const char* title, const char* nodes) {
  ladder_options opt = {};
  opt.title = title;
  opt.nodes = nodes;
  ladder l;
  char err[200];
  if (ladder_build(t, &opt, &l, err, sizeof err) < 0) {
    std::fprintf(stderr, "%s: %s\n", base.c_str(), err);
    return;
  }
  FILE* f = std::fopen((base + ".svg").c_str(), "w");
  ladder_write_svg(&l, f);
  std::fclose(f);
  f = std::fopen((base + ".txt").c_str(), "w");
  ladder_write_text(&l, f);
  std::fclose(f);
  ladder_free(&l);
  trace_file_save(t, (base + ".trace").c_str());
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir = argc > 1 ? argv[1] : ".";
  {
    drawtest::Trace t;
    drawtest::HandshakeAndClose(&t.t, false);
    Ladder(&t.t, dir + "/handshake", "TCP: three-way handshake, a request, four-way close",
           nullptr);
  }
  {
    drawtest::Trace t;
    drawtest::HandshakeAndClose(&t.t, true);
    Ladder(&t.t, dir + "/lost_final_ack", "TIME-WAIT: the final ACK is lost", nullptr);
  }
  {
    drawtest::Trace t;
    drawtest::TransferWithLoss(&t.t);
    Ladder(&t.t, dir + "/transfer", "Slow start, a loss, fast retransmit", nullptr);
    plot_options popt = {};
    char err[200];
    seqplot sp;
    if (seqplot_build(&t.t, &popt, &sp, err, sizeof err) == 0) {
      FILE* f = std::fopen((dir + "/transfer_seq.svg").c_str(), "w");
      seqplot_write_svg(&sp, &popt, f);
      std::fclose(f);
      seqplot_free(&sp);
    } else {
      std::fprintf(stderr, "seqplot: %s\n", err);
    }
    cwnd_plot cp;
    if (cwnd_plot_build(&t.t, &popt, &cp, err, sizeof err) == 0) {
      FILE* f = std::fopen((dir + "/transfer_cwnd.svg").c_str(), "w");
      cwnd_plot_write_svg(&cp, &popt, f);
      std::fclose(f);
      cwnd_plot_free(&cp);
    } else {
      std::fprintf(stderr, "cwnd: %s\n", err);
    }
  }
  for (bool lose : {false, true}) {
    drawtest::Trace t;
    std::string why;
    if (!drawtest::TcpRun(7, lose, &t.t, &why)) std::fprintf(stderr, "tcp run: %s\n", why.c_str());
    Ladder(&t.t, dir + (lose ? "/tcp_real_lost_ack" : "/tcp_real"),
           lose ? "TCP (real run): the final ACK is lost" : "TCP (real run): handshake, data, close",
           nullptr);
  }
  {
    drawtest::Trace t;
    std::string why;
    if (!drawtest::TcpBulkRun(7, 100000, 0.05, &t.t, &why)) std::fprintf(stderr, "bulk: %s\n", why.c_str());
    trace_file_save(&t.t, (dir + "/tcp_bulk.trace").c_str());
    plot_options popt = {};
    char err[200];
    seqplot sp;
    if (seqplot_build(&t.t, &popt, &sp, err, sizeof err) == 0) {
      FILE* f = std::fopen((dir + "/tcp_bulk_seq.svg").c_str(), "w");
      seqplot_write_svg(&sp, &popt, f);
      std::fclose(f);
      seqplot_free(&sp);
    }
    cwnd_plot cp;
    if (cwnd_plot_build(&t.t, &popt, &cp, err, sizeof err) == 0) {
      FILE* f = std::fopen((dir + "/tcp_bulk_cwnd.svg").c_str(), "w");
      cwnd_plot_write_svg(&cp, &popt, f);
      std::fclose(f);
      cwnd_plot_free(&cp);
    }
  }
  {
    drawtest::Trace t;
    drawtest::PingRun(7, NETDEV_LINK_ETHERNET, 2, &t.t);
    Ladder(&t.t, dir + "/ping_tap", "ping over Ethernet (ARP first)", nullptr);
  }
  {
    drawtest::Trace t;
    drawtest::UdpLossRun(7, &t.t);
    Ladder(&t.t, dir + "/udp_loss", "UDP: the second datagram is lost", nullptr);
  }
  return 0;
}
