// tcp_hdr_test — the TCP header on the wire: parse, emit, the options in
// Linux's layout, the checksum, and hostile input (RFC 9293 §3.1, MUST-7;
// RFC 7323 §2.3).
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "stack/core/pkb.h"
#include "stack/transport/tcp_hdr.h"
#include "stack/transport/tcp_state.h"

namespace {

// A 20-byte header plus `opt` (already padded by the caller) plus `data`.
std::vector<uint8_t> Header(const std::vector<uint8_t> &opt, int data_offset = -1,
                            size_t data = 0)
{
    std::vector<uint8_t> b(20 + opt.size() + data, 0);
    b[0] = 0x9c;   // port 40000
    b[1] = 0x40;
    b[3] = 7;
    b[7] = 1;       // seq 1
    int doff = data_offset >= 0 ? data_offset : (int)(20 + opt.size()) / 4;
    b[12] = (uint8_t)(doff << 4);
    b[13] = TCP_FLAG_SYN;
    b[14] = 0xff;
    b[15] = 0xff;
    if (!opt.empty())
        memcpy(b.data() + 20, opt.data(), opt.size());
    return b;
}

TEST(TcpHdr, ParsesTheFixedFields)
{
    std::vector<uint8_t> b = Header({}, -1, 3);
    b[13] = TCP_FLAG_ACK | TCP_FLAG_PSH;
    tcp_hdr h;
    ASSERT_EQ(tcp_hdr_parse(b.data(), b.size(), &h), TCP_HDR_OK);
    EXPECT_EQ(h.src_port, 40000);
    EXPECT_EQ(h.dst_port, 7);
    EXPECT_EQ(h.seq, 1u);
    EXPECT_EQ(h.data_offset, 5);
    EXPECT_EQ(h.flags, TCP_FLAG_ACK | TCP_FLAG_PSH);
    EXPECT_EQ(h.window, 65535);
    EXPECT_EQ(h.payload_len, 3u);
    EXPECT_EQ(h.payload, b.data() + 20);
}

TEST(TcpHdr, ParsesEveryKnownOptionInWireOrder)
{
    // mss 1460, sackOK, TS val 7 ecr 9, nop, wscale 7 — a Linux SYN.
    std::vector<uint8_t> opt = {2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 7,
                                0, 0, 0, 9,      1, 3, 3, 7};
    std::vector<uint8_t> b = Header(opt);
    tcp_hdr h;
    ASSERT_EQ(tcp_hdr_parse(b.data(), b.size(), &h), TCP_HDR_OK);
    EXPECT_TRUE(h.opt.has_mss);
    EXPECT_EQ(h.opt.mss, 1460);
    EXPECT_TRUE(h.opt.sack_permitted);
    EXPECT_TRUE(h.opt.has_timestamps);
    EXPECT_EQ(h.opt.tsval, 7u);
    EXPECT_EQ(h.opt.tsecr, 9u);
    EXPECT_TRUE(h.opt.has_wscale);
    EXPECT_EQ(h.opt.wscale, 7);
    char text[128];
    tcp_options_format(&h.opt, text, sizeof text);
    EXPECT_STREQ(text, "<mss 1460,sackOK,TS val 7 ecr 9,nop,wscale 7>");

    // Emitting the parsed struct gives back the same bytes.
    pkb *p = pkb_alloc(PKB_DEFAULT_HEADROOM, 0);
    ASSERT_EQ(tcp_hdr_emit(p, &h), 0);
    ASSERT_EQ(p->len, b.size());
    EXPECT_EQ(0, memcmp(p->data, b.data(), b.size()));
    pkb_free(p);
}

TEST(TcpHdr, SackBlocksAndUnknownOptionsRoundTrip)
{
    // nop, nop, sack 100:200 300:400, kind 30 len 4 (MPTCP-like, unknown).
    std::vector<uint8_t> opt = {1, 1, 5, 18, 0, 0, 0, 100, 0, 0, 0, 200,
                                0, 0, 1, 44, 0, 0, 1, 144, 30, 4, 0xab, 0xcd};
    std::vector<uint8_t> b = Header(opt);
    tcp_hdr h;
    ASSERT_EQ(tcp_hdr_parse(b.data(), b.size(), &h), TCP_HDR_OK);
    ASSERT_EQ(h.opt.sack_count, 2);
    EXPECT_EQ(h.opt.sack[1].left, 300u);
    EXPECT_EQ(h.opt.sack[1].right, 400u);
    ASSERT_EQ(h.opt.raw_count, 1);
    EXPECT_EQ(h.opt.raw[0].kind, 30);
    EXPECT_EQ(h.opt.raw[0].data[1], 0xcd);
    pkb *p = pkb_alloc(PKB_DEFAULT_HEADROOM, 0);
    ASSERT_EQ(tcp_hdr_emit(p, &h), 0);
    ASSERT_EQ(p->len, b.size());
    EXPECT_EQ(0, memcmp(p->data, b.data(), b.size()));
    pkb_free(p);
}

TEST(TcpHdr, StandardLayoutIsLinuxs)
{
    tcp_hdr h;
    tcp_hdr_init(&h);
    h.opt.has_mss = true;
    h.opt.mss = 1460;
    h.opt.sack_permitted = true;
    h.opt.has_wscale = true;
    h.opt.wscale = 7;
    char text[128];
    tcp_options_format(&h.opt, text, sizeof text);
    EXPECT_STREQ(text, "<mss 1460,nop,nop,sackOK,nop,wscale 7>");
    EXPECT_EQ(tcp_options_len(&h.opt), 12);

    tcp_hdr_init(&h);
    h.opt.has_mss = true;
    h.opt.mss = 536;
    pkb *p = pkb_alloc(PKB_DEFAULT_HEADROOM, 4);
    memcpy(pkb_put(p, 4), "data", 4);
    ASSERT_EQ(tcp_hdr_emit(p, &h), 0);
    EXPECT_EQ(p->len, 24u + 4u);
    EXPECT_EQ(p->data[12] >> 4, 6);   // data offset 6 words
    EXPECT_EQ(p->data[20], TCP_OPT_MSS);
    EXPECT_EQ(be16_read(p->data + 22), 536);
    EXPECT_EQ(0, memcmp(p->data + 24, "data", 4));
    pkb_free(p);
}

TEST(TcpHdr, OddOptionsArePaddedWithZeros)
{
    tcp_hdr h;
    tcp_hdr_init(&h);
    h.opt.layout_len = 3;   // an explicit layout: wscale, nop, nop = 5 bytes -> 8
    h.opt.layout[0] = TCP_OPT_WSCALE;
    h.opt.layout[1] = TCP_OPT_NOP;
    h.opt.layout[2] = TCP_OPT_NOP;
    h.opt.wscale = 2;
    pkb *p = pkb_alloc(PKB_DEFAULT_HEADROOM, 0);
    ASSERT_EQ(tcp_hdr_emit(p, &h), 0);
    ASSERT_EQ(p->len, 28u);
    const uint8_t want[8] = {3, 3, 2, 1, 1, 0, 0, 0};
    EXPECT_EQ(0, memcmp(p->data + 20, want, 8));
    pkb_free(p);
}

TEST(TcpHdr, TooManyOptionBytesIsAnError)
{
    tcp_hdr h;
    tcp_hdr_init(&h);
    h.opt.layout_len = 11;
    for (int i = 0; i < 11; i++)
        h.opt.layout[i] = TCP_OPT_MSS;   // 44 bytes
    pkb *p = pkb_alloc(PKB_DEFAULT_HEADROOM, 0);
    EXPECT_EQ(tcp_hdr_emit(p, &h), -EMSGSIZE);
    EXPECT_EQ(p->len, 0u);
    pkb_free(p);
}

// ---- hostile input ----

TEST(TcpHdrHostile, ShorterThanTwentyBytes)
{
    std::vector<uint8_t> b = Header({});
    tcp_hdr h;
    for (size_t n = 0; n < 20; n++)
        EXPECT_EQ(tcp_hdr_parse(b.data(), n, &h), TCP_HDR_ERR_SHORT) << n;
}

TEST(TcpHdrHostile, DataOffsetBelowFive)
{
    for (int doff = 0; doff < 5; doff++) {
        std::vector<uint8_t> b = Header({}, doff);
        tcp_hdr h;
        EXPECT_EQ(tcp_hdr_parse(b.data(), b.size(), &h), TCP_HDR_ERR_OFFSET) << doff;
    }
}

TEST(TcpHdrHostile, DataOffsetBeyondTheSegment)
{
    // Data offset 15 (60 bytes) in a 24-byte segment.
    std::vector<uint8_t> b = Header({1, 1, 1, 1}, 15);
    tcp_hdr h;
    EXPECT_EQ(tcp_hdr_parse(b.data(), b.size(), &h), TCP_HDR_ERR_OFFSET);
}

TEST(TcpHdrHostile, OptionLengthZeroOrOne)
{
    tcp_hdr h;
    std::vector<uint8_t> zero = Header({2, 0, 0, 0});
    EXPECT_EQ(tcp_hdr_parse(zero.data(), zero.size(), &h), TCP_HDR_ERR_OPTION);
    std::vector<uint8_t> one = Header({1, 1, 30, 1});
    EXPECT_EQ(tcp_hdr_parse(one.data(), one.size(), &h), TCP_HDR_ERR_OPTION);
}

TEST(TcpHdrHostile, OptionRunsPastTheHeader)
{
    tcp_hdr h;
    // Timestamps claim 10 bytes with only 4 left in the header; the payload
    // behind it must not be read as options.
    std::vector<uint8_t> b = Header({1, 1, 8, 10}, -1, 8);
    EXPECT_EQ(tcp_hdr_parse(b.data(), b.size(), &h), TCP_HDR_ERR_OPTION);
    // A kind with no room for its length byte.
    std::vector<uint8_t> c = Header({1, 1, 1, 2});
    EXPECT_EQ(tcp_hdr_parse(c.data(), c.size(), &h), TCP_HDR_ERR_OPTION);
}

TEST(TcpHdrHostile, KnownKindWithWrongLengthIsIgnored)
{
    tcp_hdr h;
    std::vector<uint8_t> b = Header({2, 3, 5, 1});   // MSS with length 3
    ASSERT_EQ(tcp_hdr_parse(b.data(), b.size(), &h), TCP_HDR_OK);
    EXPECT_FALSE(h.opt.has_mss);
    EXPECT_EQ(h.opt.ignored, 1);
}

// Found by the tcp_hdr fuzzer (tests/fuzz/open_crashes/tcp_hdr/): two SACK
// options used to put both block lists in one array while the layout named
// SACK twice, so emit wrote 52 option bytes and failed with -EMSGSIZE.
TEST(TcpHdrHostile, SecondSackOptionIsIgnoredAndTheHeaderEmitsAgain)
{
    std::vector<uint8_t> opt = {5, 10, 0, 0, 0, 1, 0, 0, 0, 2,   // SACK 1:2
                                5, 26, 0, 0, 0, 3, 0, 0, 0, 4,   // SACK 3:4 5:6 7:8
                                0, 0, 0, 5, 0, 0, 0, 6, 0, 0, 0, 7, 0, 0, 0, 8,
                                0, 0, 0, 0};                      // EOL, padding
    std::vector<uint8_t> b = Header(opt);
    ASSERT_EQ(b.size(), 60u);
    tcp_hdr h;
    ASSERT_EQ(tcp_hdr_parse(b.data(), b.size(), &h), TCP_HDR_OK);
    EXPECT_EQ(h.opt.ignored, 1);
    ASSERT_EQ(h.opt.sack_count, 1);   // the first option's block
    EXPECT_EQ(h.opt.sack[0].left, 1u);
    EXPECT_EQ(h.opt.sack[0].right, 2u);

    pkb *p = pkb_alloc(TCP_HDR_MAX_LEN, 0);
    ASSERT_NE(p, nullptr);
    ASSERT_EQ(tcp_hdr_emit(p, &h), 0);
    tcp_hdr again;
    ASSERT_EQ(tcp_hdr_parse(p->data, p->len, &again), TCP_HDR_OK);
    EXPECT_EQ(again.opt.ignored, 0);
    ASSERT_EQ(again.opt.sack_count, 1);
    EXPECT_EQ(again.opt.sack[0].left, 1u);
    EXPECT_EQ(again.opt.sack[0].right, 2u);
    char text[128];
    tcp_options_format(&h.opt, text, sizeof text);
    EXPECT_STREQ(text, "<sack 1:2,eol>");
    pkb_free(p);
}

TEST(TcpHdrHostile, SecondMssOptionIsIgnored)
{
    tcp_hdr h;
    std::vector<uint8_t> b = Header({2, 4, 0x05, 0xb4, 2, 4, 0x02, 0x18});   // 1460, then 536
    ASSERT_EQ(tcp_hdr_parse(b.data(), b.size(), &h), TCP_HDR_OK);
    EXPECT_EQ(h.opt.mss, 1460);
    EXPECT_EQ(h.opt.ignored, 1);
    EXPECT_EQ(h.opt.layout_len, 1);
}

TEST(TcpHdrHostile, MssZeroIsTreatedAsAbsent)
{
    tcp_hdr h;
    std::vector<uint8_t> b = Header({2, 4, 0, 0});
    ASSERT_EQ(tcp_hdr_parse(b.data(), b.size(), &h), TCP_HDR_OK);
    EXPECT_FALSE(h.opt.has_mss);
    EXPECT_TRUE(h.opt.mss_zero);
}

TEST(TcpHdrHostile, WindowScaleAboveFourteenIsClamped)
{
    tcp_hdr h;
    std::vector<uint8_t> b = Header({1, 3, 3, 15});
    ASSERT_EQ(tcp_hdr_parse(b.data(), b.size(), &h), TCP_HDR_OK);
    EXPECT_TRUE(h.opt.has_wscale);
    EXPECT_EQ(h.opt.wscale, 14);
    EXPECT_EQ(h.opt.wscale_on_wire, 15);
}

TEST(TcpHdrHostile, EndOfOptionListStopsParsing)
{
    tcp_hdr h;
    // EOL, then bytes that would be a bad option if parsed.
    std::vector<uint8_t> b = Header({0, 2, 0, 0});
    ASSERT_EQ(tcp_hdr_parse(b.data(), b.size(), &h), TCP_HDR_OK);
    EXPECT_FALSE(h.opt.has_mss);
}

TEST(TcpChecksum, VerifiesAndDetectsCorruption)
{
    std::vector<uint8_t> b = Header({2, 4, 5, 0xb4}, -1, 5);
    uint32_t src = 0x0a000001, dst = 0x0a000002;
    be16_write(b.data() + 16, tcp_checksum(b.data(), b.size(), src, dst));
    EXPECT_TRUE(tcp_checksum_ok(b.data(), b.size(), src, dst));
    EXPECT_FALSE(tcp_checksum_ok(b.data(), b.size(), src, dst + 1));   // pseudo-header counts
    b[25] ^= 0x10;
    EXPECT_FALSE(tcp_checksum_ok(b.data(), b.size(), src, dst));
}

TEST(TcpFlags, PrintLikePacketdrill)
{
    char b[12];
    tcp_flags_format(TCP_FLAG_SYN, b, sizeof b);
    EXPECT_STREQ(b, "S");
    tcp_flags_format(TCP_FLAG_SYN | TCP_FLAG_ACK, b, sizeof b);
    EXPECT_STREQ(b, "S.");
    tcp_flags_format(TCP_FLAG_FIN | TCP_FLAG_ACK | TCP_FLAG_PSH, b, sizeof b);
    EXPECT_STREQ(b, "FP.");
    tcp_flags_format(TCP_FLAG_RST, b, sizeof b);
    EXPECT_STREQ(b, "R");
}

TEST(TcpState, NamesAndTransitions)
{
    EXPECT_STREQ(tcp_state_name(TCP_SYN_RECV), "SYN_RECV");
    EXPECT_STREQ(tcp_state_ss_name(TCP_ESTABLISHED), "ESTAB");
    EXPECT_EQ(tcp_state_from_name("SYN-RECEIVED"), TCP_SYN_RECV);
    EXPECT_EQ(tcp_state_from_name("TIME_WAIT"), TCP_TIME_WAIT);
    EXPECT_EQ(tcp_state_from_name("nonsense"), -1);
    EXPECT_EQ(TCP_TIME_WAIT, 6);   // /proc/net/tcp's st column
    EXPECT_TRUE(tcp_state_transition_legal(TCP_FIN_WAIT_1, TCP_CLOSING));
    EXPECT_TRUE(tcp_state_transition_legal(TCP_SYN_SENT, TCP_SYN_RECV));
    EXPECT_FALSE(tcp_state_transition_legal(TCP_LISTEN, TCP_ESTABLISHED));
    EXPECT_FALSE(tcp_state_transition_legal(TCP_TIME_WAIT, TCP_ESTABLISHED));
    EXPECT_FALSE(tcp_state_transition_legal(0, TCP_CLOSED));
}

}  // namespace
