// script_engine_test.cc — the engine must catch a stack that does not do
// what the script says: a missing, extra, late or different packet, a wrong
// system call result, a wrong state, a blocking call that never returns.
// Each case runs a small script against the real stack and checks the
// verdict and the words of the report.
#include <gtest/gtest.h>

#include <string>

#include "tests/script/script_runner.h"

namespace tscript {
namespace {

// The common start: a listener on 8080 and a peer's SYN at 0.1.
const char kListen[] =
    "0    socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
    "+0   bind(3, ..., ...) = 0\n"
    "+0   listen(3, 1) = 0\n"
    "+.1  < S 0:0(0) win 32792 <mss 1000,nop,wscale 7>\n";

RunResult run(const std::string& text, uint64_t seed = 0)
{
    RunOptions opts;
    if (seed) {
        opts.seed_given = true;
        opts.seed = seed;
    }
    return run_script_text(text, "test.pkt", opts);
}

void expect_pass(const RunResult& r)
{
    EXPECT_TRUE(r.passed) << r.failure << "\nseed " << r.seed << "\n" << r.trace;
}

void expect_fail(const RunResult& r, const std::string& words)
{
    EXPECT_FALSE(r.passed) << "passed, trace:\n" << r.trace;
    EXPECT_NE(r.failure.find(words), std::string::npos)
        << "wanted \"" << words << "\" in:\n" << r.failure;
}

TEST(ScriptEngine, HandshakePasses)
{
    RunResult r = run(std::string(kListen) +
                      "+0   > S. 0:0(0) ack 1 <...>\n"
                      "+.1  < . 1:1(0) ack 1 win 257\n"
                      "+0   accept(3, ..., ...) = 4\n"
                      "+0   %state ESTABLISHED\n");
    expect_pass(r);
    // The trace shows both directions and the state changes, in script notation.
    EXPECT_NE(r.trace.find("0.100000 < S 0:0(0) win 32792 <mss 1000,nop,wscale 7>"),
              std::string::npos) << r.trace;
    EXPECT_NE(r.trace.find("0.100000 > S. 0:0(0) ack 1"), std::string::npos) << r.trace;
    EXPECT_NE(r.trace.find("%state ESTABLISHED  // SYN_RECV -> ESTABLISHED"), std::string::npos)
        << r.trace;
    EXPECT_NE(r.trace.find("accept(3, ..., ...) = 4"), std::string::npos) << r.trace;
}

TEST(ScriptEngine, SequenceNumbersAreRelativeWhateverTheSeed)
{
    const std::string script = std::string(kListen) +
                               "+0   > S. 0:0(0) ack 1 <...>\n"
                               "+.1  < . 1:1(0) ack 1 win 257\n"
                               "+0   %state ESTABLISHED\n";
    for (uint64_t seed : {1u, 2u, 77u, 123456789u})
        expect_pass(run(script, seed));
}

TEST(ScriptEngine, SameSeedSameTrace)
{
    const std::string script = std::string(kListen) + "+0 > S. 0:0(0) ack 1 <...>\n";
    RunResult a = run(script, 5), b = run(script, 5);
    expect_pass(a);
    EXPECT_EQ(a.trace, b.trace);
    EXPECT_EQ(a.seed, 5u);
}

TEST(ScriptEngine, MissingPacketFails)
{
    RunResult r = run(std::string(kListen) +
                      "+0   > S. 0:0(0) ack 1 <...>\n"
                      "+.1  < . 1:1(0) ack 1 win 257\n"
                      "+0   > . 1:1(0) ack 1\n");   // the stack sends nothing here
    expect_fail(r, "test.pkt:7: expected packet was not sent");
    EXPECT_NE(r.failure.find("> . 1:1(0) ack 1"), std::string::npos) << r.failure;
}

TEST(ScriptEngine, UnexpectedPacketFails)
{
    // The SYN-ACK is never expected; moving the clock on must notice it.
    RunResult r = run(std::string(kListen) + "+.1  %state SYN_RECV\n");
    expect_fail(r, "the stack sent a packet the script does not expect: > S. 0:0(0) ack 1");
    EXPECT_NE(r.failure.find("test.pkt:5"), std::string::npos) << r.failure;
}

TEST(ScriptEngine, LeftoverPacketAtTheEndFails)
{
    RunResult r = run(kListen);
    expect_fail(r, "after the script's last line");
}

TEST(ScriptEngine, WrongFieldFailsWithExpectedAndActual)
{
    RunResult r = run(std::string(kListen) + "+0 > S. 0:0(0) ack 2 <...>\n");
    expect_fail(r, "outbound packet does not match (ack 2 != 1)");
    EXPECT_NE(r.failure.find("expected: > S. 0:0(0) ack 2 <...>"), std::string::npos)
        << r.failure;
    EXPECT_NE(r.failure.find("actual:   > S. 0:0(0) ack 1 win"), std::string::npos)
        << r.failure;
}

TEST(ScriptEngine, WrongOptionsFail)
{
    RunResult r = run(std::string(kListen) + "+0 > S. 0:0(0) ack 1 <mss 1234,nop,wscale 5>\n");
    expect_fail(r, "mss 1234 !=");
    r = run(std::string(kListen) + "+0 > S. 0:0(0) ack 1\n");   // no options written: none allowed
    expect_fail(r, "options");
}

TEST(ScriptEngine, WrongTimeFails)
{
    // Sent at 0.1, expected at 0.2.
    RunResult r = run(std::string(kListen) + "+.1 > S. 0:0(0) ack 1 <...>\n");
    expect_fail(r, "(time)");
    // A range that covers it passes; a tolerance that covers it passes.
    expect_pass(run(std::string(kListen) + "+0~+.1 > S. 0:0(0) ack 1 <...>\n"));
    expect_pass(run("--tolerance_usecs=100000\n" + std::string(kListen) +
                    "+.1 > S. 0:0(0) ack 1 <...>\n"));
}

TEST(ScriptEngine, AnyTimeWaitsForTheNextPacket)
{
    // The SYN,ACK is retransmitted 1 s later; `*` finds it wherever it is.
    RunResult r = run(std::string(kListen) +
                      "+0   > S. 0:0(0) ack 1 <...>\n"
                      "*    > S. 0:0(0) ack 1 <...>\n"
                      "+0   %state SYN_RECV\n");
    expect_pass(r);
    EXPECT_NE(r.trace.find("1.100000 > S. 0:0(0) ack 1"), std::string::npos) << r.trace;
    // Nothing ever comes: the stack gives up, its timers run out, `*` fails.
    r = run("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
            "+0 %state 3 CLOSED\n"
            "*  > . 1:1(0) ack 1\n");
    expect_fail(r, "expected packet was not sent");
}

TEST(ScriptEngine, WrongResultFails)
{
    RunResult r = run("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
                      "+0 listen(3, 1) = -1 EINVAL\n");
    expect_fail(r, "listen(3, 1) returned 0, script expects -1 EINVAL");
    r = run("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
            "+0 close(7) = 0\n");
    expect_fail(r, "returned -1 EBADF, script expects 0");
}

TEST(ScriptEngine, WrongStateFails)
{
    RunResult r = run(std::string(kListen) +
                      "+0 > S. 0:0(0) ack 1 <...>\n"
                      "+0 %state ESTABLISHED\n");
    expect_fail(r, "is SYN_RECV, script expects ESTABLISHED");
    r = run("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 %state 3 BOGUS\n");
    expect_fail(r, "unknown TCP state 'BOGUS'");
}

TEST(ScriptEngine, BlockingAcceptWaitsForTheHandshake)
{
    expect_pass(run("0    socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
                    "+0   bind(3, ..., ...) = 0\n"
                    "+0   listen(3, 1) = 0\n"
                    "+0...0.200 accept(3, ..., ...) = 4\n"
                    "+.1  < S 0:0(0) win 32792 <mss 1000,nop,wscale 7>\n"
                    "+0   > S. 0:0(0) ack 1 <...>\n"
                    "+.1  < . 1:1(0) ack 1 win 257\n"
                    "+0   %state 4 ESTABLISHED\n"));
    // Declared to return at 0.3 but returns at 0.2.
    RunResult r = run("0    socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
                      "+0   bind(3, ..., ...) = 0\n"
                      "+0   listen(3, 1) = 0\n"
                      "+0...0.300 accept(3, ..., ...) = 4\n"
                      "+.1  < S 0:0(0) win 32792 <mss 1000,nop,wscale 7>\n"
                      "+0   > S. 0:0(0) ack 1 <...>\n"
                      "+.1  < . 1:1(0) ack 1 win 257\n");
    expect_fail(r, "returned at 0.200000, script expects 0.300000");
    EXPECT_NE(r.failure.find("test.pkt:4"), std::string::npos) << r.failure;
}

TEST(ScriptEngine, BlockingCallThatNeverReturnsFails)
{
    RunResult r = run("0    socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
                      "+0   bind(3, ..., ...) = 0\n"
                      "+0   listen(3, 1) = 0\n"
                      "+0   accept(3, ..., ...) = 4\n"
                      "+1   %state 3 LISTEN\n");
    expect_fail(r, "test.pkt:4: the blocking call never returned");
}

TEST(ScriptEngine, NonBlockingCallReturnsEagain)
{
    expect_pass(run("0    socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
                    "+0   fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0\n"
                    "+0   fcntl(3, F_GETFL) = 0x802 (flags O_RDWR|O_NONBLOCK)\n"
                    "+0   bind(3, ..., ...) = 0\n"
                    "+0   listen(3, 1) = 0\n"
                    "+0   accept(3, ..., ...) = -1 EAGAIN (Resource temporarily unavailable)\n"));
}

TEST(ScriptEngine, ParseErrorsAreReportedWithTheLine)
{
    RunResult r = run("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 < S 0:0(0)\n");
    expect_fail(r, "test.pkt:2:");
    EXPECT_NE(r.failure.find("window must be specified"), std::string::npos) << r.failure;
}

TEST(ScriptEngine, UnsupportedCallsAndOptionsAreClearErrors)
{
    expect_fail(run("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 poll(3) = 0\n"),
                "unsupported system call 'poll'");
    expect_fail(run("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
                    "+0 setsockopt(3, SOL_TCP, TCP_CONGESTION, \"cubic\", 5) = 0\n"),
                "unsupported socket option");
}

TEST(ScriptEngine, TimeGoingBackwardFails)
{
    expect_fail(run("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
                    "1 %state 3 CLOSED\n"
                    "0.5 %state 3 CLOSED\n"),
                "time goes backward");
}

}  // namespace
}  // namespace tscript
