// script_packet_test.cc — packets between the script's notation and the
// wire: what build_inbound() puts on the wire decodes back to the line; the
// sequence-number mapping follows packetdrill's rules; compare_outbound()
// notices every kind of difference, the payload included.
#include <gtest/gtest.h>

#include <string>

#include "tests/script/script_packet.h"
#include "tests/script/script_parser.h"

namespace tscript {
namespace {

PacketSpec spec_of(const std::string& line)
{
    Event e;
    ParseError err;
    EXPECT_TRUE(parse_event_line(line, 1, &e, &err)) << err.message;
    return e.packet;
}

Flow flow(uint32_t peer_isn, uint32_t stack_isn)
{
    Flow f;
    f.peer_port = 40000;
    f.stack_port = 8080;
    f.peer_isn_known = true;
    f.peer_isn = peer_isn;
    f.stack_isn_known = true;
    f.stack_isn = stack_isn;
    return f;
}

Segment decode(const std::vector<uint8_t>& bytes)
{
    Segment s;
    std::string err = decode_segment(bytes.data(), bytes.size(), &s);
    EXPECT_EQ(err, "");
    return s;
}

TEST(ScriptPacket, InboundRoundTripWithMapping)
{
    Flow f = flow(1000, 0xfffffff0u);   // the stack's numbers wrap
    PacketSpec p = spec_of("+0 < P. 1:101(100) ack 5 win 257 <nop,nop,TS val 7 ecr 9>");
    Segment s = decode(build_inbound(p, f, 1));
    EXPECT_TRUE(s.ip_checksum_ok);
    EXPECT_TRUE(s.tcp_checksum_ok);
    EXPECT_EQ(s.src, kPeerAddr);
    EXPECT_EQ(s.dst, kStackAddr);
    EXPECT_EQ(s.tcp.src_port, 40000);
    EXPECT_EQ(s.tcp.dst_port, 8080);
    EXPECT_EQ(s.tcp.seq, 1001u);               // relative to the peer's ISN
    EXPECT_EQ(s.tcp.ack, 0xfffffff5u);         // relative to the stack's ISN
    EXPECT_EQ(s.payload_len, 100u);
    EXPECT_EQ(s.bytes[s.payload_offset], stream_byte(true, 1));
    EXPECT_EQ(format_segment(s, true, &f, false),
              "< P. 1:101(100) ack 5 win 257 <nop,nop,TS val 7 ecr 9>");
}

TEST(ScriptPacket, SynNumbersAreTheScriptsOwn)
{
    Flow f;
    f.peer_port = 40000;
    f.stack_port = 8080;
    Segment s = decode(build_inbound(spec_of("+0 < S 90:90(0) win 100 <mss 1000>"), f, 1));
    EXPECT_EQ(s.tcp.seq, 90u);
    EXPECT_EQ(format_segment(s, true, nullptr, true), "< 40000>8080 S 90:90(0) win 100 <mss 1000>");
}

// The stack's SYN,ACK to `< S 90:90(0)` as the wire has it, turned around.
Segment synack(uint32_t iss, uint32_t ack)
{
    Flow peer_view;   // build it as if sent by the stack: swap roles by hand
    peer_view.peer_port = 8080;
    peer_view.stack_port = 40000;
    PacketSpec p = spec_of("+0 < S. 0:0(0) ack 0 win 65535 <mss 1460>");
    p.seq = iss;
    p.ack = ack;
    std::vector<uint8_t> b = build_inbound(p, peer_view, 1);
    // Swap the addresses (and fix the checksums) so it reads as outbound.
    Segment s = decode(b);
    s.src = kStackAddr;
    s.dst = kPeerAddr;
    s.tcp_checksum_ok = true;
    return s;
}

TEST(ScriptPacket, OutboundSynAckAckIsAbsoluteLikePacketdrill)
{
    Flow f = flow(90, 7777);
    Segment s = synack(7777, 91);
    EXPECT_TRUE(compare_outbound(spec_of("+0 > S. 0:0(0) ack 91 <mss 1460>"), s, f).empty());
    std::vector<std::string> d = compare_outbound(spec_of("+0 > S. 0:0(0) ack 1 <mss 1460>"), s, f);
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0], "ack 1 != 91");
}

TEST(ScriptPacket, CompareFindsEachDifference)
{
    Flow f = flow(90, 7777);
    Segment s = synack(7777, 91);
    auto diffs = [&](const char* line) { return compare_outbound(spec_of(line), s, f); };
    EXPECT_EQ(diffs("+0 > S 0:0(0) ack 91 <mss 1460>")[0], "flags S != S.");
    EXPECT_EQ(diffs("+0 > S. 5:5(0) ack 91 <mss 1460>")[0], "seq 5 != 0");
    EXPECT_EQ(diffs("+0 > S. 0:10(10) ack 91 <mss 1460>")[0], "length 10 != 0");
    EXPECT_EQ(diffs("+0 > S. 0:0(0) ack 91 win 100 <mss 1460>")[0], "win 100 != 65535");
    EXPECT_EQ(diffs("+0 > S. 0:0(0) ack 91 <mss 1000>")[0], "mss 1000 != 1460");
    EXPECT_EQ(diffs("+0 > S. 0:0(0) ack 91")[0], "options");
    EXPECT_EQ(diffs("+0 > S. 0:0(0) ack 91 <nop,nop,sackOK>")[0], "options");
    EXPECT_TRUE(diffs("+0 > S. 0:0(0) ack 91 <...>").empty());
    EXPECT_TRUE(diffs("+0 > S. 0:0(0) <...>").empty());   // ack not given: not checked
    s.tcp_checksum_ok = false;
    EXPECT_EQ(diffs("+0 > S. 0:0(0) ack 91 <...>")[0], "bad TCP checksum");
}

TEST(ScriptPacket, PayloadMustBeWhatTheApplicationWrote)
{
    // An outbound data segment: build it as the peer would, then relabel.
    Flow as_peer;
    as_peer.peer_port = 8080;
    as_peer.stack_port = 40000;
    as_peer.peer_isn_known = true;
    as_peer.peer_isn = 7777;
    PacketSpec p = spec_of("+0 < P. 1:11(10) ack 0 win 100");
    p.ack = 91;
    Segment s = decode(build_inbound(p, as_peer, 1));
    s.src = kStackAddr;
    s.dst = kPeerAddr;
    s.tcp_checksum_ok = true;
    // The engine's outbound pattern differs from the peer's: rewrite it.
    for (size_t i = 0; i < 10; i++)
        s.bytes[s.payload_offset + i] = stream_byte(false, uint32_t(1 + i));
    Flow f = flow(90, 7777);
    EXPECT_TRUE(compare_outbound(spec_of("+0 > P. 1:11(10) ack 1"), s, f).empty());
    s.bytes[s.payload_offset + 4] ^= 1;
    std::vector<std::string> d = compare_outbound(spec_of("+0 > P. 1:11(10) ack 1"), s, f);
    ASSERT_EQ(d.size(), 1u);
    EXPECT_NE(d[0].find("payload byte at seq 5"), std::string::npos) << d[0];
}

TEST(ScriptPacket, StreamPatternHasNoShortPeriod)
{
    // A segment delivered at the wrong offset must not look right.
    for (uint32_t shift : {1u, 26u, 100u, 256u, 1000u, 1460u, 65536u}) {
        int same = 0;
        for (uint32_t i = 1; i <= 2000; i++)
            same += stream_byte(true, i) == stream_byte(true, i + shift);
        EXPECT_LT(same, 40) << "shift " << shift;
    }
    int same = 0;
    for (uint32_t i = 1; i <= 2000; i++)
        same += stream_byte(true, i) == stream_byte(false, i);
    EXPECT_LT(same, 40);
}

TEST(ScriptPacket, DecodeRejectsWhatIsNotTcp)
{
    Segment s;
    std::vector<uint8_t> b = build_inbound(spec_of("+0 < . 1:1(0) ack 1 win 1"), flow(0, 0), 1);
    EXPECT_NE(decode_segment(b.data(), 10, &s), "");
    b[9] = 17;   // UDP
    EXPECT_NE(decode_segment(b.data(), b.size(), &s).find("not TCP"), std::string::npos);
    b[9] = 6;
    b[0] = 0x65;   // IPv6 version nibble
    EXPECT_NE(decode_segment(b.data(), b.size(), &s).find("not IPv4"), std::string::npos);
    b[0] = 0x4f;   // IHL 60 > length
    EXPECT_NE(decode_segment(b.data(), b.size(), &s), "");
}

TEST(ScriptPacket, TimestampEchoIsMapped)
{
    Flow f = flow(0, 0);
    f.ts_val_map[100] = 123456789;
    Segment s = decode(build_inbound(spec_of("+0 < . 1:1(0) ack 1 win 1 <nop,nop,TS val 5 ecr 100>"), f, 1));
    EXPECT_EQ(s.tcp.opt.tsecr, 123456789u);
    EXPECT_EQ(s.tcp.opt.tsval, 5u);
}

}  // namespace
}  // namespace tscript
