// script_parser_test.cc — the .pkt reader: packetdrill's notation read
// right, and hostile input answered with a clear error and its line number,
// never a crash.
#include <gtest/gtest.h>

#include <string>

#include "tests/script/script_parser.h"

namespace tscript {
namespace {

Script must_parse(const std::string& text)
{
    Script s;
    ParseError err;
    bool ok = parse_script(text, &s, &err);
    EXPECT_TRUE(ok) << "line " << err.line << ":" << err.column << ": " << err.message;
    return s;
}

ParseError must_fail(const std::string& text)
{
    Script s;
    ParseError err;
    EXPECT_FALSE(parse_script(text, &s, &err)) << "parsed:\n" << text;
    EXPECT_FALSE(err.message.empty());
    return err;
}

Event one_event(const std::string& line)
{
    Script s = must_parse(line);
    EXPECT_EQ(s.events.size(), 1u);
    return s.events.empty() ? Event() : s.events[0];
}

TEST(ScriptParserTimes, PacketdrillTimeForms)
{
    Event e = one_event("0.100 close(3) = 0");
    EXPECT_EQ(e.time.kind, TimeKind::kAbsolute);
    EXPECT_EQ(e.time.start_us, 100000);

    e = one_event("+.1 close(3) = 0");
    EXPECT_EQ(e.time.kind, TimeKind::kRelative);
    EXPECT_EQ(e.time.start_us, 100000);

    e = one_event("+2 close(3) = 0");
    EXPECT_EQ(e.time.start_us, 2000000);

    e = one_event("* > . 1:1(0) ack 1");
    EXPECT_EQ(e.time.kind, TimeKind::kAny);

    e = one_event("0.1~0.25 > . 1:1(0) ack 1");
    EXPECT_EQ(e.time.kind, TimeKind::kAbsoluteRange);
    EXPECT_EQ(e.time.start_us, 100000);
    EXPECT_EQ(e.time.end_us, 250000);

    e = one_event("+0~+0.000001 > . 1:1(0) ack 1");
    EXPECT_EQ(e.time.kind, TimeKind::kRelativeRange);
    EXPECT_EQ(e.time.end_us, 1);
}

TEST(ScriptParserPackets, InboundSynWithOptions)
{
    Event e = one_event("+0 < S 0:0(0) win 32792 <mss 1000,sackOK,nop,nop,nop,wscale 7>");
    ASSERT_EQ(e.kind, Event::kPacket);
    const PacketSpec& p = e.packet;
    EXPECT_TRUE(p.inbound);
    EXPECT_EQ(p.flags, kFlagSyn);
    EXPECT_EQ(p.seq, 0u);
    EXPECT_EQ(p.len, 0u);
    EXPECT_FALSE(p.has_ack);
    ASSERT_TRUE(p.has_win);
    EXPECT_EQ(p.win, 32792);
    ASSERT_EQ(p.options.size(), 6u);
    EXPECT_EQ(p.options[0].kind, TcpOptionSpec::kMss);
    EXPECT_EQ(p.options[0].a, 1000u);
    EXPECT_EQ(p.options[1].kind, TcpOptionSpec::kSackOk);
    EXPECT_EQ(p.options[5].kind, TcpOptionSpec::kWscale);
    EXPECT_EQ(p.options[5].a, 7u);
}

TEST(ScriptParserPackets, OutboundForms)
{
    Event e = one_event("+0 > S. 0:0(0) ack 1 <...>");
    EXPECT_FALSE(e.packet.inbound);
    EXPECT_EQ(e.packet.flags, kFlagSyn | kFlagAck);
    EXPECT_TRUE(e.packet.has_ack);
    EXPECT_EQ(e.packet.ack, 1u);
    EXPECT_TRUE(e.packet.any_options);
    EXPECT_FALSE(e.packet.has_win);

    e = one_event("+0 > P. 1:1001(1000) ack 1 win 257");
    EXPECT_EQ(e.packet.flags, kFlagPsh | kFlagAck);
    EXPECT_EQ(e.packet.seq, 1u);
    EXPECT_EQ(e.packet.len, 1000u);
    EXPECT_TRUE(e.packet.options.empty());
    EXPECT_FALSE(e.packet.any_options);

    e = one_event("+0 > F. 1:1(0) ack 2");
    EXPECT_EQ(e.packet.flags, kFlagFin | kFlagAck);
    e = one_event("+0 > R 2:2(0)");
    EXPECT_EQ(e.packet.flags, kFlagRst);
    e = one_event("+0 > R. 0:0(0) ack 1");
    EXPECT_EQ(e.packet.flags, kFlagRst | kFlagAck);
    e = one_event("+0 < - 1:1(0) win 100");
    EXPECT_EQ(e.packet.flags, 0);
}

TEST(ScriptParserPackets, PortsTimestampsSack)
{
    Event e = one_event(
        "+0 < 40001>8080 . 1:1(0) ack 1 win 257 <nop,nop,TS val 100 ecr 7,nop,nop,sack 1:2 5:9>");
    EXPECT_TRUE(e.packet.has_ports);
    EXPECT_EQ(e.packet.src_port, 40001);
    EXPECT_EQ(e.packet.dst_port, 8080);
    ASSERT_EQ(e.packet.options.size(), 6u);
    EXPECT_EQ(e.packet.options[2].kind, TcpOptionSpec::kTimestamp);
    EXPECT_EQ(e.packet.options[2].a, 100u);
    EXPECT_EQ(e.packet.options[2].b, 7u);
    ASSERT_EQ(e.packet.options[5].sack.size(), 2u);
    EXPECT_EQ(e.packet.options[5].sack[1].first, 5u);
    EXPECT_EQ(e.packet.options[5].sack[1].second, 9u);
}

TEST(ScriptParserPackets, SequenceWrapIsAllowed)
{
    Event e = one_event("+0 < . 4294967295:99(100) ack 1 win 100");
    EXPECT_EQ(e.packet.seq, 4294967295u);
    EXPECT_EQ(e.packet.len, 100u);
}

TEST(ScriptParserSyscalls, CommonCalls)
{
    Event e = one_event("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3");
    ASSERT_EQ(e.kind, Event::kSyscall);
    EXPECT_EQ(e.call.name, "socket");
    ASSERT_EQ(e.call.args.size(), 3u);
    EXPECT_EQ(e.call.args[0].kind, Expr::kEllipsis);
    EXPECT_EQ(e.call.args[1].kind, Expr::kWord);
    EXPECT_EQ(e.call.args[1].text, "SOCK_STREAM");
    EXPECT_EQ(e.call.result, 3);

    e = one_event("+0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0");
    ASSERT_EQ(e.call.args.size(), 5u);
    EXPECT_EQ(e.call.args[3].kind, Expr::kList);
    ASSERT_EQ(e.call.args[3].items.size(), 1u);
    EXPECT_EQ(e.call.args[3].items[0].num, 1);

    e = one_event("+0 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)");
    EXPECT_EQ(e.call.result, -1);
    EXPECT_EQ(e.call.errno_name, "EINPROGRESS");

    e = one_event("+0 fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0");
    ASSERT_EQ(e.call.args.size(), 3u);
    EXPECT_EQ(e.call.args[2].kind, Expr::kOr);
    EXPECT_EQ(e.call.args[2].items.size(), 2u);

    e = one_event("+0 fcntl(3, F_GETFL) = 0x802 (flags O_RDWR|O_NONBLOCK)");
    EXPECT_EQ(e.call.result, 0x802);

    e = one_event("+0 getsockopt(3, SOL_SOCKET, SO_ERROR, [0], [4]) = 0");
    EXPECT_EQ(e.call.args[3].kind, Expr::kList);

    e = one_event("+0 setsockopt(4, SOL_SOCKET, SO_LINGER, {onoff=1, linger=0}, 8) = 0");
    ASSERT_EQ(e.call.args[3].kind, Expr::kStruct);
    ASSERT_EQ(e.call.args[3].items.size(), 2u);
    EXPECT_EQ(e.call.args[3].items[0].kind, Expr::kAssign);
    EXPECT_EQ(e.call.args[3].items[0].text, "onoff");

    e = one_event(
        "+0 bind(3, {sa_family=AF_INET, sin_port=htons(7), sin_addr=inet_addr(\"10.0.0.2\")}, 16)"
        " = 0");
    ASSERT_EQ(e.call.args[1].kind, Expr::kStruct);
    EXPECT_EQ(e.call.args[1].items[2].items[0].kind, Expr::kCall);
    EXPECT_EQ(e.call.args[1].items[2].items[0].items[0].text, "10.0.0.2");
}

TEST(ScriptParserSyscalls, BlockingEndTime)
{
    Event e = one_event("+.1...0.200 connect(3, ..., ...) = 0");
    EXPECT_TRUE(e.call.blocking_end);
    EXPECT_EQ(e.time.start_us, 100000);
    EXPECT_EQ(e.call.end.kind, TimeKind::kRelative);
    EXPECT_EQ(e.call.end.start_us, 200000);

    e = one_event("+0...0.000 read(4, ..., 1000) = 1000");
    EXPECT_TRUE(e.call.blocking_end);
    EXPECT_EQ(e.call.end.start_us, 0);
}

TEST(ScriptParserDirectives, StateAndSettings)
{
    Script s = must_parse(
        "%seed 42\n"
        "%msl 0.5\n"
        "%mtu 1400\n"
        "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
        "+0 %state 3 CLOSED\n"
        "+0 %state ESTABLISHED\n"
        "+0 %state 40001>8080 SYN_RECV\n");
    ASSERT_EQ(s.config.size(), 3u);
    EXPECT_EQ(s.config[0].second.name, "seed");
    EXPECT_EQ(s.config[0].second.args[0], "42");
    EXPECT_EQ(s.config[1].first, 2);
    ASSERT_EQ(s.events.size(), 4u);
    EXPECT_EQ(s.events[1].kind, Event::kDirective);
    EXPECT_EQ(s.events[1].directive.args.size(), 2u);
    EXPECT_EQ(s.events[3].directive.args[0], "40001>8080");
}

TEST(ScriptParserLines, CommentsOptionsAndSkippedLines)
{
    Script s = must_parse(
        "// a comment\n"
        "--tolerance_usecs=10000\n"
        "`../common/defaults.sh`\n"
        "/* a block\n"
        "   comment */ 0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3   // trailing\n"
        "%{ assert tcpi_state == 1 }%\n"
        "+0 setsockopt(3, SOL_SOCKET,\n"
        "              SO_REUSEADDR, [1], 4) = 0\n");
    ASSERT_EQ(s.options.size(), 1u);
    EXPECT_EQ(s.options[0].first, "tolerance_usecs");
    EXPECT_EQ(s.options[0].second, "10000");
    ASSERT_EQ(s.events.size(), 2u);
    EXPECT_EQ(s.events[0].line, 5);
    EXPECT_EQ(s.events[1].line, 7);   // a call spanning two lines keeps its first line
    EXPECT_EQ(s.warnings.size(), 2u);   // the shell command and the Python block
}

// ---- hostile input: every bad line is an error with its line number ----

struct BadLine {
    const char* text;
    int line;
    const char* words;   // part of the message
};

class ScriptParserRejects : public ::testing::TestWithParam<BadLine> {};

TEST_P(ScriptParserRejects, WithLineAndReason)
{
    const BadLine& b = GetParam();
    ParseError err = must_fail(b.text);
    EXPECT_EQ(err.line, b.line) << err.message;
    EXPECT_NE(err.message.find(b.words), std::string::npos)
        << "message: " << err.message << "\nwanted: " << b.words;
}

const BadLine kBadLines[] = {
    {"0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 < S 0:0(0) <mss 1000>", 2,
     "window must be specified"},
    {"+0 < S 0:5(0) win 100", 1, "inconsistent"},
    {"+0 < S 0:0 win 100", 1, "expected '('"},
    {"+0 < X 0:0(0) win 100", 1, "invalid TCP flag 'X'"},
    {"+0 < SS 0:0(0) win 100", 1, "given twice"},
    {"+0 < S 0:0(0) win 100 <mss 1000,wscale 7>", 1, "padded"},
    {"+0 < S 0:0(0) win 100 <mss 99999>", 1, "out of range"},
    {"+0 < S 0:0(0) win 70000", 1, "out of range"},
    {"+0 < S 99999999999:0(0) win 1", 1, "out of range"},
    {"+0 < S 0:0(0) win 100 <foo 3>", 1, "unknown TCP option"},
    {"+0 < S 0:0(0) win 100 <...>", 1, "only be used with outbound"},
    {"* < S 0:0(0) win 100", 1, "outbound"},
    {"0.1~0.2 close(3) = 0", 1, "outbound"},
    {"+0.1~0.2 > . 1:1(0)", 1, "either absolute"},
    {"0.2~0.1 > . 1:1(0)", 1, "backwards"},
    {"-1 close(3) = 0", 1, "negative time"},
    {"0.0000001 close(3) = 0", 1, "finer than a microsecond"},
    {"999999999999 close(3) = 0", 1, "too large"},
    {"+0 close(3)", 1, "expected result"},
    {"+0 close(3 = 0", 1, "unclosed bracket"},
    {"+0 close(3) = 0 junk", 1, "expected an errno name"},
    {"+0 close(3) = 0 (note) junk", 1, "unexpected"},
    {"+0 connect(3, ..., ...) = 0 EINPROGRESS", 1, "only expected with the result -1"},
    {"+0 frobnicate", 1, "expected '('"},
    {"hello", 1, "expected a time"},
    {"+0", 1, "expected a packet"},
    {"+0 > udp (100)", 1, "only TCP"},
    {"+0 > (ect0) S 0:0(0)", 1, "IP-level"},
    {"+0 %state", 1, "usage: %state"},
    {"+0 %state a b c", 1, "usage: %state"},
    {"+0 %state foo>bar X", 1, "port pair"},
    {"+0 %bogus 1", 1, "unknown directive"},
    {"%seed x", 1, "usage: %seed"},
    {"%msl -1", 1, "usage: %msl"},
    {"%mtu 10", 1, "usage: %mtu"},
    {"%state ESTABLISHED", 1, "needs a time"},
    {"0 close(3) = 0\n%seed 4", 2, "before the first event"},
    {"0 close(3) = 0\n--tolerance_usecs=4", 2, "before the first event"},
    {"/* never closed\n0 close(3) = 0", 1, "unterminated /*"},
    {"0 bind(3, \"abc, 1) = 0", 1, "unterminated string"},
    {"%{ print(1)", 1, "unterminated %{"},
    {"0 close(3) = 0\n\n  +0 > S 0:0(0) win", 3, "expected the window"},
    {"+0 write(4, [[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]], 1) = 1", 1, "nested too deeply"},
    {"+0 < S 0:0(0) win 1 <sack 1:2 3:4 5:6 7:8 9:10>", 1, "at most 4"},
    {"+0 < S 0:0(0) win 1 <TS 1 ecr 2>", 1, "expected 'val'"},
    {"+0 < 40000 S 0:0(0) win 1", 1, "between the ports"},
    {"+0 read(4, ..., 10) = 99999999999999999999", 1, "out of range"},
};

INSTANTIATE_TEST_SUITE_P(Hostile, ScriptParserRejects, ::testing::ValuesIn(kBadLines));

TEST(ScriptParserHostile, ErrorNamesFileLineAndColumn)
{
    std::string text = "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 < S 0:0(0) win 1 <mss>\n";
    Script s;
    ParseError err;
    ASSERT_FALSE(parse_script(text, &s, &err));
    std::string msg = format_parse_error("x.pkt", text, err);
    EXPECT_EQ(msg.rfind("x.pkt:2:", 0), 0u) << msg;
    EXPECT_NE(msg.find("the mss value"), std::string::npos) << msg;
    EXPECT_NE(msg.find("^"), std::string::npos) << msg;
}

TEST(ScriptParserHostile, BinaryGarbageAndLongLinesDoNotCrash)
{
    // Deterministic garbage: every byte value, long lines, odd brackets.
    std::string text;
    uint32_t x = 12345;
    for (int i = 0; i < 20000; i++) {
        x = x * 1103515245u + 12345u;
        text.push_back(char(x >> 16));
    }
    Script s;
    ParseError err;
    (void)parse_script(text, &s, &err);   // must return, either way
    std::string brackets(5000, '(');
    EXPECT_FALSE(parse_script(brackets, &s, &err));
    std::string deep = "+0 write(4, " + std::string(3000, '[') + "1" + std::string(3000, ']') +
                       ", 1) = 1";
    EXPECT_FALSE(parse_script(deep, &s, &err));
    std::string longline = "+0 < S 0:0(0) win 1 <" + std::string(100000, 'n') + ">";
    EXPECT_FALSE(parse_script(longline, &s, &err));
}

TEST(ScriptParserHostile, EveryPrefixOfAGoodScriptParsesOrFailsCleanly)
{
    const std::string good =
        "--tolerance_usecs=100\n"
        "%seed 7\n"
        "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
        "+0 setsockopt(3, SOL_SOCKET, SO_LINGER, {onoff=1, linger=0}, 8) = 0\n"
        "+0 < 40000>8080 S 0:0(0) win 32792 <mss 1000,nop,wscale 7>\n"
        "+0 > S. 0:0(0) ack 1 <mss 1460,nop,nop,sackOK,nop,wscale 7>\n"
        "+.1...0.2 read(4, ..., 1000) = -1 EAGAIN (Resource temporarily unavailable)\n"
        "0.3~0.4 > P. 1:1001(1000) ack 1 <nop,nop,TS val 1 ecr 2>\n"
        "+0 %state 4 ESTABLISHED\n";
    ASSERT_EQ(must_parse(good).events.size(), 7u);
    for (size_t n = 0; n <= good.size(); n++) {
        Script s;
        ParseError err;
        if (!parse_script(good.substr(0, n), &s, &err)) {
            EXPECT_GE(err.line, 1);
            EXPECT_FALSE(err.message.empty());
        }
    }
}

}  // namespace
}  // namespace tscript
