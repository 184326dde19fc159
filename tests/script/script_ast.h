// script_ast.h — a parsed trace script: what each line of a .pkt file says.
//
// The notation is packetdrill's (github.com/google/packetdrill), so that a
// person who knows packetdrill reads these scripts at once:
//
//   0   socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
//   +0  bind(3, ..., ...) = 0
//   +0  listen(3, 1) = 0
//   +0  < S 0:0(0) win 32792 <mss 1000,nop,wscale 7>
//   +0  > S. 0:0(0) ack 1 <...>
//   +.1 < . 1:1(0) ack 1 win 257
//   +0  %state ESTABLISHED               (tunlab's own, marked with '%')
//
// The parser (script_parser.h) fills these plain structs; the runner
// (script_runner.h) executes them against a stack. Nothing here knows about
// the stack.
#ifndef TUNLAB_TESTS_SCRIPT_SCRIPT_AST_H
#define TUNLAB_TESTS_SCRIPT_SCRIPT_AST_H

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace tscript {

// When a line happens. packetdrill's five forms:
//   0.100        absolute (seconds since the script's first line)
//   +0.1         relative to the previous line
//   *            any time (outbound packets only)
//   0.1~0.2      absolute range (outbound packets only)
//   +0~+0.1      relative range (outbound packets only)
enum class TimeKind { kAbsolute, kRelative, kAny, kAbsoluteRange, kRelativeRange };

struct TimeSpec {
    TimeKind kind = TimeKind::kAbsolute;
    int64_t start_us = 0;   // microseconds
    int64_t end_us = 0;     // ranges only
};

// One TCP option as written in <...>.
struct TcpOptionSpec {
    enum Kind { kNop, kEol, kMss, kWscale, kSackOk, kSack, kTimestamp };
    Kind kind = kNop;
    uint32_t a = 0;   // mss value, wscale shift, TS val
    uint32_t b = 0;   // TS ecr
    std::vector<std::pair<uint32_t, uint32_t>> sack;   // SACK blocks, left:right
};

// Flag bits use the wire values (tcp_hdr.h TCP_FLAG_*).
constexpr uint8_t kFlagFin = 0x01, kFlagSyn = 0x02, kFlagRst = 0x04, kFlagPsh = 0x08,
                  kFlagAck = 0x10, kFlagUrg = 0x20, kFlagEce = 0x40, kFlagCwr = 0x80;

// `< S 0:0(0) win 32792 <mss 1000>` or `> P. 1:1001(1000) ack 1`.
struct PacketSpec {
    bool inbound = true;           // '<' : the script injects; '>' : the stack must send
    bool has_ports = false;        // packetdrill's optional "src>dst" port pair
    uint16_t src_port = 0, dst_port = 0;
    uint8_t flags = 0;
    uint32_t seq = 0;              // start sequence number, script space
    uint32_t len = 0;              // payload bytes
    bool has_ack = false;
    uint32_t ack = 0;
    bool has_win = false;
    uint16_t win = 0;
    bool has_urg = false;
    uint16_t urg = 0;
    bool any_options = false;      // <...>: the options are not checked
    std::vector<TcpOptionSpec> options;   // empty and !any_options: no options
};

// A system call argument or result, as written.
struct Expr {
    enum Kind { kEllipsis, kInt, kWord, kString, kList, kStruct, kOr, kAssign, kCall };
    Kind kind = kEllipsis;
    int64_t num = 0;           // kInt
    std::string text;          // kWord, kString, kAssign (the name), kCall (the function)
    std::vector<Expr> items;   // kList [..], kStruct {..}, kOr a|b, kAssign value, kCall args
};

// `connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)`.
struct SyscallSpec {
    std::string name;
    std::vector<Expr> args;
    bool blocking_end = false;   // packetdrill's "start...end" form
    TimeSpec end;                // end time (same kind as the line's start)
    int64_t result = 0;
    std::string errno_name;      // "" when no errno is expected
};

// tunlab's additions: a line whose action starts with '%'.
struct Directive {
    std::string name;                 // "state", "seed", "msl", "mtu"
    std::vector<std::string> args;
};

struct Event {
    enum Kind { kPacket, kSyscall, kDirective };
    int line = 0;            // 1-based line in the file
    std::string text;        // the line as written (comments removed, trimmed)
    TimeSpec time;
    Kind kind = kPacket;
    PacketSpec packet;
    SyscallSpec call;
    Directive directive;
};

struct Script {
    // `--name=value` lines before the first event (packetdrill's in-script options).
    std::vector<std::pair<std::string, std::string>> options;
    // Untimed '%' lines before the first event (%seed, %msl, %mtu).
    std::vector<std::pair<int, Directive>> config;
    std::vector<Event> events;
    // Lines the engine skips, with why (shell commands, Python blocks).
    std::vector<std::string> warnings;
};

}  // namespace tscript

#endif
