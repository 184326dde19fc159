// framing_codec_test.cc — the three codecs of apps/framing against every way
// TCP may cut a stream: all two-way splits of a message stream, then random
// multi-way splits (seeded; the seed is printed on failure), and the limits
// (an oversize length, a missing delimiter) as clear, sticky errors.
#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "apps/framing/framing.h"

namespace {

using Messages = std::vector<std::string>;

// A stream of messages of awkward sizes: empty, 1 byte, around the header
// size, and large, with bytes that look like lengths and delimiters... but
// never the delimiter itself (the codec refuses that, tested below).
Messages SampleMessages(const framing_config& cfg) {
  Messages m = {"", "a", "abc", "abcd", "hello, world", std::string(300, 'x'),
                std::string("\x00\x00\x00\x05zz", 7), std::string(1000, '\x7f')};
  if (cfg.kind == FRAMING_FIXED)
    for (auto& s : m) s.resize(cfg.fixed_len, '\0');  // a record is always full
  return m;
}

std::string Encode(const framing_config& cfg, const Messages& msgs) {
  std::string stream;
  std::vector<uint8_t> buf(framing_encoded_size(&cfg, 2000) + 16);
  for (const auto& m : msgs) {
    ssize_t n = framing_encode(&cfg, m.data(), m.size(), buf.data(), buf.size());
    EXPECT_GT(n, 0) << "encoding a " << m.size() << "-byte message";
    if (n > 0) stream.append(reinterpret_cast<char*>(buf.data()), static_cast<size_t>(n));
  }
  return stream;
}

// Feed the stream cut at `cuts` (sorted offsets), collect the messages.
// Returns the decoder's error (0 if none).
int Decode(const framing_config& cfg, const std::string& stream, const std::vector<size_t>& cuts,
           Messages* out) {
  framing_decoder d;
  EXPECT_EQ(framing_decoder_init(&d, &cfg), 0);
  size_t from = 0;
  int err = 0;
  std::vector<size_t> ends = cuts;
  ends.push_back(stream.size());
  for (size_t end : ends) {
    while (from < end && err == 0) {
      from += framing_feed(&d, stream.data() + from, end - from);
      const uint8_t* msg;
      size_t len;
      int rc;
      while ((rc = framing_next(&d, &msg, &len)) == 1)
        out->emplace_back(reinterpret_cast<const char*>(msg), len);
      if (rc < 0) err = rc;
    }
  }
  EXPECT_EQ(framing_pending(&d), err == 0 ? 0u : framing_pending(&d));
  framing_decoder_free(&d);
  return err;
}

std::vector<framing_config> AllCodecs() {
  return {framing_length_prefix(2000), framing_fixed(16), framing_delimiter('\n', 2000)};
}

TEST(FramingCodec, EveryTwoWaySplitGivesBackTheMessages) {
  for (const auto& cfg : AllCodecs()) {
    SCOPED_TRACE(framing_kind_name(cfg.kind));
    Messages msgs = SampleMessages(cfg);
    std::string stream = Encode(cfg, msgs);
    for (size_t cut = 0; cut <= stream.size(); cut++) {
      Messages got;
      ASSERT_EQ(Decode(cfg, stream, {cut}, &got), 0) << "split at byte " << cut;
      ASSERT_EQ(got, msgs) << "split at byte " << cut << " of " << stream.size();
    }
  }
}

TEST(FramingCodec, OneByteAtATime) {
  for (const auto& cfg : AllCodecs()) {
    SCOPED_TRACE(framing_kind_name(cfg.kind));
    Messages msgs = SampleMessages(cfg);
    std::string stream = Encode(cfg, msgs);
    std::vector<size_t> cuts;
    for (size_t i = 1; i < stream.size(); i++) cuts.push_back(i);
    Messages got;
    ASSERT_EQ(Decode(cfg, stream, cuts, &got), 0);
    EXPECT_EQ(got, msgs);
  }
}

TEST(FramingCodec, RandomMultiWaySplits) {
  const uint64_t seed = 20261125;
  std::mt19937_64 rng(seed);
  for (const auto& cfg : AllCodecs()) {
    Messages msgs = SampleMessages(cfg);
    std::string stream = Encode(cfg, msgs);
    for (int round = 0; round < 500; round++) {
      std::vector<size_t> cuts;
      size_t pieces = 1 + rng() % 20;
      for (size_t i = 0; i < pieces; i++) cuts.push_back(rng() % (stream.size() + 1));
      std::sort(cuts.begin(), cuts.end());
      std::string where;
      for (size_t c : cuts) where += std::to_string(c) + " ";
      Messages got;
      ASSERT_EQ(Decode(cfg, stream, cuts, &got), 0)
          << framing_kind_name(cfg.kind) << " seed " << seed << " round " << round << " cuts "
          << where;
      ASSERT_EQ(got, msgs) << framing_kind_name(cfg.kind) << " seed " << seed << " round "
                           << round << " cuts " << where;
    }
  }
}

TEST(FramingCodec, LengthPrefixIsBigEndian) {
  framing_config cfg = framing_length_prefix(100);
  uint8_t out[16];
  ASSERT_EQ(framing_encode(&cfg, "hi!", 3, out, sizeof(out)), 7);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(out), 7), std::string("\0\0\0\x03hi!", 7));
}

TEST(FramingCodec, OversizeLengthIsAClearStickyError) {
  framing_config cfg = framing_length_prefix(1000);
  framing_decoder d;
  ASSERT_EQ(framing_decoder_init(&d, &cfg), 0);
  // 0xFFFFFFFF: a hostile 4 GiB length must fail at once, before any payload.
  const uint8_t hostile[] = {0xff, 0xff, 0xff, 0xff, 'x'};
  EXPECT_EQ(framing_feed(&d, hostile, sizeof(hostile)), sizeof(hostile));
  const uint8_t* msg;
  size_t len;
  EXPECT_EQ(framing_next(&d, &msg, &len), -EMSGSIZE);
  EXPECT_NE(std::string(framing_error_text(&d)).find("exceeds the limit of 1000"),
            std::string::npos)
      << framing_error_text(&d);
  // Sticky: the framing is lost, nothing more is taken or given.
  EXPECT_EQ(framing_feed(&d, "abc", 3), 0u);
  EXPECT_EQ(framing_next(&d, &msg, &len), -EMSGSIZE);
  framing_decoder_free(&d);

  // The limit itself is accepted; one more byte is not.
  std::string ok = Encode(cfg, {std::string(1000, 'a')});
  Messages got;
  EXPECT_EQ(Decode(cfg, ok, {}, &got), 0);
  const uint8_t over[] = {0, 0, 0x03, 0xe9};  // 1001
  ASSERT_EQ(framing_decoder_init(&d, &cfg), 0);
  framing_feed(&d, over, 4);
  EXPECT_EQ(framing_next(&d, &msg, &len), -EMSGSIZE);
  framing_decoder_free(&d);
}

TEST(FramingCodec, MissingDelimiterAtTheLimitIsAClearError) {
  framing_config cfg = framing_delimiter('\n', 64);
  framing_decoder d;
  ASSERT_EQ(framing_decoder_init(&d, &cfg), 0);
  std::string line(64, 'a');  // exactly the limit: still waiting for '\n'
  EXPECT_EQ(framing_feed(&d, line.data(), line.size()), line.size());
  const uint8_t* msg;
  size_t len;
  EXPECT_EQ(framing_next(&d, &msg, &len), 0);
  EXPECT_EQ(framing_feed(&d, "a", 1), 1u);  // the 65th byte, still no delimiter
  EXPECT_EQ(framing_next(&d, &msg, &len), -EMSGSIZE);
  EXPECT_NE(std::string(framing_error_text(&d)).find("no delimiter within 65 bytes"),
            std::string::npos)
      << framing_error_text(&d);
  framing_decoder_free(&d);

  // 64 bytes and the delimiter is the largest message there is.
  Messages got;
  EXPECT_EQ(Decode(cfg, line + "\n", {10}, &got), 0);
  EXPECT_EQ(got, Messages{line});
}

TEST(FramingCodec, EncoderRefusesWhatTheDecoderCouldNotSeparate) {
  framing_config delim = framing_delimiter('\n', 100);
  framing_config fixed = framing_fixed(8);
  framing_config len = framing_length_prefix(10);
  uint8_t out[64];
  EXPECT_EQ(framing_encode(&delim, "a\nb", 3, out, sizeof(out)), -EINVAL);
  EXPECT_EQ(framing_encode(&fixed, "123456789", 9, out, sizeof(out)), -EMSGSIZE);
  EXPECT_EQ(framing_encode(&len, "12345678901", 11, out, sizeof(out)), -EMSGSIZE);
  EXPECT_EQ(framing_encode(&len, "1234", 4, out, 5), -ENOSPC);
  // A short fixed record is padded with zero bytes.
  ASSERT_EQ(framing_encode(&fixed, "ab", 2, out, sizeof(out)), 8);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(out), 8), std::string("ab\0\0\0\0\0\0", 8));
  framing_config bad = framing_length_prefix(0);
  framing_decoder d;
  EXPECT_EQ(framing_decoder_init(&d, &bad), -EINVAL);
}

TEST(FramingCodec, FeedStopsWhenAWholeFrameIsHeld) {
  // Two fixed records fed at once into a one-record buffer: the decoder
  // takes the first, and the rest after a pop.
  framing_config cfg = framing_fixed(4);
  framing_decoder d;
  ASSERT_EQ(framing_decoder_init(&d, &cfg), 0);
  EXPECT_EQ(framing_feed(&d, "abcdefgh", 8), 4u);
  const uint8_t* msg;
  size_t len;
  ASSERT_EQ(framing_next(&d, &msg, &len), 1);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(msg), len), "abcd");
  EXPECT_EQ(framing_feed(&d, "efgh", 4), 4u);
  ASSERT_EQ(framing_next(&d, &msg, &len), 1);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(msg), len), "efgh");
  EXPECT_EQ(d.messages, 2u);
  framing_decoder_free(&d);
}

}  // namespace
