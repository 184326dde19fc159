// Sequence-number comparisons across the 2^32 wrap (RFC 1982, RFC 9293 §3.4),
// and the byte-order helpers they are read with.
#include <gtest/gtest.h>

#include "stack/core/byteorder.h"
#include "stack/core/seq.h"

namespace {

TEST(Seq, ComparesAcrossTheWrap)
{
    EXPECT_TRUE(seq_lt(0xFFFFFFF0u, 0x10u));    // a plain < says the opposite
    EXPECT_FALSE(seq_lt(0x10u, 0xFFFFFFF0u));
    EXPECT_TRUE(seq_gt(0x10u, 0xFFFFFFF0u));
    EXPECT_TRUE(seq_le(0xFFFFFFFFu, 0u));
    EXPECT_TRUE(seq_ge(0u, 0xFFFFFFFFu));
    EXPECT_EQ(seq_diff(0x10u, 0xFFFFFFF0u), 0x20);
    EXPECT_EQ(seq_diff(0xFFFFFFF0u, 0x10u), -0x20);
}

TEST(Seq, EqualIsNeitherLessNorGreater)
{
    EXPECT_FALSE(seq_lt(5u, 5u));
    EXPECT_FALSE(seq_gt(5u, 5u));
    EXPECT_TRUE(seq_le(5u, 5u));
    EXPECT_TRUE(seq_ge(5u, 5u));
}

TEST(Seq, HalfTheSpaceAheadStillCountsAsAhead)
{
    EXPECT_TRUE(seq_lt(0u, 0x7FFFFFFFu));
    EXPECT_TRUE(seq_lt(0x80000000u, 0xFFFFFFFFu));
    EXPECT_TRUE(seq_lt(0xFFFFFFFFu, 0x7FFFFFFEu));
}

TEST(Seq, WindowAtTheWrap)
{
    // window [0xFFFFFFF0, 0x10): 32 sequence numbers straddling zero
    const uint32_t lo = 0xFFFFFFF0u, hi = 0x10u;
    EXPECT_TRUE(seq_in_window(0xFFFFFFF0u, lo, hi));   // lo is inside
    EXPECT_TRUE(seq_in_window(0xFFFFFFFFu, lo, hi));
    EXPECT_TRUE(seq_in_window(0u, lo, hi));
    EXPECT_TRUE(seq_in_window(0xFu, lo, hi));
    EXPECT_FALSE(seq_in_window(0x10u, lo, hi));        // hi is outside
    EXPECT_FALSE(seq_in_window(0xFFFFFFEFu, lo, hi));
    EXPECT_FALSE(seq_in_window(0x1000u, lo, hi));
    EXPECT_FALSE(seq_in_window(5u, 5u, 5u));            // an empty window holds nothing

    EXPECT_TRUE(seq_between(0x10u, lo, hi));           // closed at both ends
    EXPECT_TRUE(seq_between(lo, lo, hi));
    EXPECT_FALSE(seq_between(0x11u, lo, hi));
}

TEST(Seq, MaxAndMinFollowTheWrap)
{
    EXPECT_EQ(seq_max(0xFFFFFFF0u, 0x10u), 0x10u);
    EXPECT_EQ(seq_min(0xFFFFFFF0u, 0x10u), 0xFFFFFFF0u);
}

TEST(ByteOrder, ReadsAndWritesBigEndianAtAnyAddress)
{
    uint8_t buf[7] = {0};
    be32_write(buf + 1, 0x0A000102u);     // odd address
    EXPECT_EQ(buf[1], 0x0A);
    EXPECT_EQ(buf[4], 0x02);
    EXPECT_EQ(be32_read(buf + 1), 0x0A000102u);
    be16_write(buf + 5, 0xBEEF);
    EXPECT_EQ(buf[5], 0xBE);
    EXPECT_EQ(buf[6], 0xEF);
    EXPECT_EQ(be16_read(buf + 5), 0xBEEF);
}

}  // namespace
