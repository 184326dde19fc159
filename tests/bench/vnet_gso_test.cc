// The offload device's packet surgery (stack/phy/vnet_gso.h): which TCP
// segments may be joined, what the joined packet's headers say, and
// finishing a checksum the kernel left undone. No device: bytes only.
//
// (These tests sit in tests/bench with the benchmark work that added the
// offload mode; tests/phy belongs to the physical layer's owner.)
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "stack/core/byteorder.h"
#include "stack/core/checksum.h"
#include "stack/core/pkb.h"
#include "stack/phy/vnet_gso.h"

namespace {

constexpr uint32_t kSrc = 0x0a000002, kDst = 0x0a000001;

struct Seg {
  uint32_t seq = 1000, ack = 5000;
  uint16_t sport = 49152, dport = 5201, window = 65535;
  uint8_t flags = 0x10;  // ACK
  size_t payload = 1460;
  uint8_t ttl = 64;
  uint16_t frag = 0x4000;  // DF
  uint8_t proto = 6;
  std::vector<uint8_t> options;
  uint8_t fill = 0;
};

// An IPv4 + TCP packet with valid checksums, payload bytes fill, fill+1, ...
pkb* Build(const Seg& s) {
  size_t thl = 20 + s.options.size();
  size_t len = 20 + thl + s.payload;
  pkb* p = pkb_alloc(PKB_DEFAULT_HEADROOM, len);
  uint8_t* b = pkb_put(p, len);
  memset(b, 0, len);
  b[0] = 0x45;
  be16_write(b + 2, (uint16_t)len);
  be16_write(b + 4, (uint16_t)(s.seq & 0xffff));  // a varying IP id
  be16_write(b + 6, s.frag);
  b[8] = s.ttl;
  b[9] = s.proto;
  be32_write(b + 12, kSrc);
  be32_write(b + 16, kDst);
  be16_write(b + 10, checksum_inet(b, 20));
  uint8_t* t = b + 20;
  be16_write(t, s.sport);
  be16_write(t + 2, s.dport);
  be32_write(t + 4, s.seq);
  be32_write(t + 8, s.ack);
  t[12] = (uint8_t)((thl / 4) << 4);
  t[13] = s.flags;
  be16_write(t + 14, s.window);
  if (!s.options.empty()) memcpy(t + 20, s.options.data(), s.options.size());
  for (size_t i = 0; i < s.payload; i++) t[thl + i] = (uint8_t)(s.fill + i);
  uint32_t sum = checksum_pseudo_ipv4(kSrc, kDst, 6, (uint16_t)(thl + s.payload));
  be16_write(t + 16, checksum_finish(checksum_add(sum, t, thl + s.payload)));
  return p;
}

// A run of n contiguous full segments, the last `last` bytes long.
std::vector<pkb*> MakeRun(size_t n, size_t last = 1460, Seg base = Seg()) {
  std::vector<pkb*> v;
  for (size_t i = 0; i < n; i++) {
    Seg s = base;
    s.seq = base.seq + (uint32_t)(i * base.payload);
    s.payload = i + 1 == n ? last : base.payload;
    s.fill = (uint8_t)(i * 7);
    v.push_back(Build(s));
  }
  return v;
}

void FreeAll(std::vector<pkb*>& v) {
  for (pkb* p : v) pkb_free(p);
  v.clear();
}

// What the kernel does with NEEDS_CSUM: finish the sum from csum_start.
bool TcpChecksumValid(const std::vector<uint8_t>& pkt) {
  size_t ihl = (pkt[0] & 0x0f) * 4;
  uint32_t sum = checksum_pseudo_ipv4(be32_read(&pkt[12]), be32_read(&pkt[16]), 6,
                                      (uint16_t)(pkt.size() - ihl));
  return checksum_finish(checksum_add(sum, &pkt[ihl], pkt.size() - ihl)) == 0;
}

TEST(VnetGso, CandidatesAreTcpSegmentsWithPayloadAndOnlyAckOrPsh) {
  const struct {
    const char* what;
    Seg seg;
    bool ok;
  } cases[] = {
      {"ACK with data", Seg(), true},
      {"ACK+PSH with data", [] { Seg s; s.flags = 0x18; return s; }(), true},
      {"pure ACK", [] { Seg s; s.payload = 0; return s; }(), false},
      {"SYN", [] { Seg s; s.flags = 0x12; return s; }(), false},
      {"FIN", [] { Seg s; s.flags = 0x11; return s; }(), false},
      {"RST", [] { Seg s; s.flags = 0x14; return s; }(), false},
      {"UDP", [] { Seg s; s.proto = 17; return s; }(), false},
      {"a fragment", [] { Seg s; s.frag = 0x2000; return s; }(), false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    pkb* p = Build(c.seg);
    EXPECT_EQ(vnet_gso_candidate(p), c.ok);
    pkb_free(p);
  }
  pkb* p = Build(Seg());
  pkb_trim(p, p->len - 1);  // total length no longer matches the buffer
  EXPECT_FALSE(vnet_gso_candidate(p));
  pkb_free(p);
}

TEST(VnetGso, ContiguousSegmentsOfOneConnectionFormOneRun) {
  auto v = MakeRun(10, 700);
  EXPECT_EQ(vnet_gso_run_length(v.data(), v.size()), 10u);
  EXPECT_EQ(vnet_gso_run_length(v.data(), 4), 4u);
  EXPECT_EQ(vnet_gso_run_length(v.data(), 0), 0u);
  FreeAll(v);
}

TEST(VnetGso, ARunEndsWhereSegmentsDiffer) {
  const struct {
    const char* what;
    void (*change)(Seg&);
  } cases[] = {
      {"a gap in the sequence", [](Seg& s) { s.seq += 1; }},
      {"another ack", [](Seg& s) { s.ack += 1; }},
      {"another window", [](Seg& s) { s.window -= 1; }},
      {"another port", [](Seg& s) { s.sport += 1; }},
      {"another TTL", [](Seg& s) { s.ttl -= 1; }},
      {"other options", [](Seg& s) { s.options = {1, 1, 1, 1}; }},
      {"a FIN", [](Seg& s) { s.flags = 0x11; }},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    auto v = MakeRun(3);
    Seg s;
    s.seq = 1000 + 3 * 1460;
    c.change(s);
    v.push_back(Build(s));
    EXPECT_EQ(vnet_gso_run_length(v.data(), v.size()), 3u);
    FreeAll(v);
  }
}

TEST(VnetGso, OnlyTheLastSegmentOfARunMayBeShort) {
  auto v = MakeRun(3, 500);  // 1460, 1460, 500
  Seg s;
  s.seq = 1000 + 2 * 1460 + 500;
  v.push_back(Build(s));  // continues the stream, but after a short one
  EXPECT_EQ(vnet_gso_run_length(v.data(), v.size()), 3u);
  FreeAll(v);
}

TEST(VnetGso, ARunStopsAtSixtyFourSegmentsAndAtTheDatagramLimit) {
  Seg small;
  small.payload = 100;
  auto v = MakeRun(70, 100, small);
  EXPECT_EQ(vnet_gso_run_length(v.data(), v.size()), (size_t)VNET_GSO_MAX_SEGS);
  FreeAll(v);
  // 40 + 44 * 1460 = 64,280 bytes fits; a 45th segment would pass 65,535.
  v = MakeRun(50);
  EXPECT_EQ(vnet_gso_run_length(v.data(), v.size()), 44u);
  FreeAll(v);
}

TEST(VnetGso, TheJoinedPacketIsWhatTheSegmentsSaid) {
  auto v = MakeRun(5, 300);
  v[2]->data[20 + 13] |= 0x08;  // PSH in the middle segment
  uint8_t hdr[VNET_GSO_MAX_HDR];
  struct vnet_hdr vh;
  size_t hl = vnet_gso_build(v.data(), v.size(), hdr, &vh);
  ASSERT_EQ(hl, 40u);
  size_t total = 40 + 4 * 1460 + 300;
  EXPECT_EQ(be16_read(hdr + 2), total);
  EXPECT_EQ(checksum_inet(hdr, 20), 0) << "IP header checksum recomputed";
  EXPECT_EQ(be32_read(hdr + 20 + 4), 1000u) << "the first segment's sequence number";
  EXPECT_EQ(hdr[20 + 13], 0x18) << "ACK, and PSH from any segment";
  EXPECT_EQ(vh.flags, VNET_HDR_F_NEEDS_CSUM);
  EXPECT_EQ(vh.gso_type, VNET_HDR_GSO_TCPV4);
  EXPECT_EQ(vh.hdr_len, 40);
  EXPECT_EQ(vh.gso_size, 1460);
  EXPECT_EQ(vh.csum_start, 20);
  EXPECT_EQ(vh.csum_offset, 16);

  // The kernel's view: headers + payloads in order; finishing the checksum
  // as NEEDS_CSUM asks gives a valid segment carrying every byte.
  std::vector<uint8_t> pkt(hdr, hdr + hl);
  for (pkb* p : v) pkt.insert(pkt.end(), p->data + 40, p->data + p->len);
  ASSERT_EQ(pkt.size(), total);
  ASSERT_EQ(vnet_finish_checksum(&vh, pkt.data(), pkt.size()), 0);
  EXPECT_TRUE(TcpChecksumValid(pkt));
  EXPECT_EQ(pkt[40], 0);                // first payload byte of segment 0
  EXPECT_EQ(pkt[40 + 1460], 7);         // ... of segment 1 (fill 7)
  EXPECT_EQ(pkt[40 + 4 * 1460], 28);    // ... of segment 4 (fill 28)
  FreeAll(v);
}

TEST(VnetGso, FinishingAChecksumTheKernelLeftUndone) {
  pkb* p = Build(Seg());
  std::vector<uint8_t> pkt(p->data, p->data + p->len);
  pkb_free(p);
  ASSERT_TRUE(TcpChecksumValid(pkt));
  // The kernel's CHECKSUM_PARTIAL: only the pseudo-header sum in the field.
  uint32_t pseudo = checksum_pseudo_ipv4(kSrc, kDst, 6, (uint16_t)(pkt.size() - 20));
  be16_write(&pkt[36], (uint16_t)~checksum_finish(pseudo));
  ASSERT_FALSE(TcpChecksumValid(pkt));

  struct vnet_hdr none = {};
  EXPECT_EQ(vnet_finish_checksum(&none, pkt.data(), pkt.size()), 0);
  EXPECT_FALSE(TcpChecksumValid(pkt)) << "no NEEDS_CSUM: left alone";

  struct vnet_hdr h = {};
  h.flags = VNET_HDR_F_NEEDS_CSUM;
  h.csum_start = 20;
  h.csum_offset = 16;
  EXPECT_EQ(vnet_finish_checksum(&h, pkt.data(), pkt.size()), 0);
  EXPECT_TRUE(TcpChecksumValid(pkt));

  // Offsets outside the packet are refused, and nothing is written.
  std::vector<uint8_t> before = pkt;
  for (auto [start, offset] : {std::pair<int, int>{(int)pkt.size(), 0},
                               {20, (int)pkt.size()}, {(int)pkt.size() - 1, 0}}) {
    h.csum_start = (uint16_t)start;
    h.csum_offset = (uint16_t)offset;
    SCOPED_TRACE("start " + std::to_string(start) + " offset " + std::to_string(offset));
    EXPECT_EQ(vnet_finish_checksum(&h, pkt.data(), pkt.size()), -EINVAL);
    EXPECT_EQ(pkt, before);
  }
}

}  // namespace
