// open_url_test.cc — the "open a URL" scenario (apps/http/open_url.h) in TAP
// mode: the packets must come in the order of the seed's story — ARP, DNS,
// the handshake, GET, the response, the close — and the pcap must hold them.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "apps/http/open_url.h"
#include "stack/dump/dump.h"
#include "stack/phy/pcap.h"

namespace {

std::string TraceText(const trace* t) {
  char* buf = nullptr;
  size_t len = 0;
  FILE* f = open_memstream(&buf, &len);
  dump_trace(t, f);
  fclose(f);
  std::string s(buf, len);
  free(buf);
  return s;
}

TEST(OpenUrl, PhasesComeInTheSeedsOrder) {
  const uint64_t seed = 19;
  open_url_result run;
  ASSERT_EQ(open_url_run(seed, nullptr, &run), 0);
  ASSERT_EQ(run.error, 0);
  EXPECT_EQ(run.status, 200);
  EXPECT_NE(std::string(run.body_start).find("<!DOCTYPE html>"), std::string::npos);

  char steps[64][OPEN_URL_STEP_LEN];
  size_t n = open_url_steps(run.trace, steps, 64);
  std::vector<std::string> got(steps, steps + std::min<size_t>(n, 64));
  // Each phase, in order; packets in between (ACKs) are allowed.
  const std::vector<std::string> phases = {
      "arp who-has 10.0.0.2",   "arp 10.0.0.2 is-at",     "dns query www.tunlab.test",
      "dns answer www.tunlab.test", "tcp SYN",           "tcp SYN+ACK",
      "tcp ACK",                "http GET /",             "http HTTP/1.1 200",
      "tcp FIN+ACK",            "tcp FIN+ACK",
  };
  size_t at = 0;
  std::string listing;
  for (const auto& s : got) listing += "  " + s + "\n";
  for (const auto& want : phases) {
    while (at < got.size() && got[at] != want) at++;
    ASSERT_LT(at, got.size()) << "missing (or out of order): " << want << "\nseed " << seed
                              << "\nsteps:\n" << listing << "\ntrace:\n" << TraceText(run.trace);
    at++;
  }
  // The handshake is exactly three packets, straight after the DNS answer.
  size_t syn = 0;
  while (syn < got.size() && got[syn] != "tcp SYN") syn++;
  ASSERT_LT(syn + 2, got.size());
  EXPECT_EQ(got[syn - 1], "dns answer www.tunlab.test") << listing;
  EXPECT_EQ(got[syn + 1], "tcp SYN+ACK") << listing;
  EXPECT_EQ(got[syn + 2], "tcp ACK") << listing;

  // The pcap holds the client's view: one record per packet it sent or got.
  const char* tmp = getenv("TEST_TMPDIR");
  std::string path = std::string(tmp != nullptr ? tmp : "/tmp") + "/open_url.pcap";
  long records = pcap_write_trace(run.trace, path.c_str(), PCAP_LINKTYPE_ETHERNET, "client");
  EXPECT_GE(records, static_cast<long>(phases.size()));
  pcap_reader r;
  ASSERT_EQ(pcap_read_open(&r, path.c_str()), 0);
  EXPECT_EQ(r.linktype, static_cast<uint32_t>(PCAP_LINKTYPE_ETHERNET));
  pcap_record rec;
  long read = 0;
  while (pcap_read_next(&r, &rec) == 1) read++;
  pcap_read_close(&r);
  EXPECT_EQ(read, records);
  open_url_free(&run);
}

TEST(OpenUrl, SameSeedSameTrace) {
  open_url_result a, b;
  ASSERT_EQ(open_url_run(5, nullptr, &a), 0);
  ASSERT_EQ(open_url_run(5, nullptr, &b), 0);
  EXPECT_EQ(TraceText(a.trace), TraceText(b.trace));
  open_url_free(&a);
  open_url_free(&b);
}

TEST(OpenUrl, UnknownNameFailsAfterTheDnsAnswer) {
  open_url_result run;
  ASSERT_EQ(open_url_run(3, "http://nowhere.tunlab.test/", &run), 0);
  EXPECT_NE(run.error, 0);
  char steps[16][OPEN_URL_STEP_LEN];
  size_t n = open_url_steps(run.trace, steps, 16);
  ASSERT_GE(n, 4u);
  EXPECT_STREQ(steps[n - 1], "dns answer nowhere.tunlab.test") << "no TCP after NXDOMAIN";
  open_url_free(&run);
}

}  // namespace
