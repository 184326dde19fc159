// script_parser.cc — the .pkt reader (see script_parser.h).
//
// Three passes, each small:
//  1. strip_comments(): // and /* */ comments become spaces (line breaks
//     kept, so line numbers stay right); packetdrill's %{ Python }% blocks
//     are blanked with a warning.
//  2. logical lines: a line with an unclosed ( [ { is joined with the next.
//  3. each logical line is a header option (--x=y), a config directive
//     (%seed 7), a shell command (`...`, skipped with a warning), or an
//     event, parsed by a Cursor that throws ParseError at the first problem.
#include "tests/script/script_parser.h"

#include <cctype>
#include <cstdio>
#include <sstream>

#include "tests/script/script_cursor.h"

namespace tscript {

using parse_detail::Cursor;
using parse_detail::Fail;
using parse_detail::fail_at;

namespace {

constexpr int kMaxExprDepth = 16;       // nesting of [ { ( in arguments
constexpr int kMaxJoinedLines = 32;     // one event may span this many lines

// ---- pass 1: comments ----

// Returns text of the same length with comments replaced by spaces.
std::string strip_comments(const std::string& in, std::vector<std::string>* warnings)
{
    std::string out = in;
    size_t i = 0;
    int line = 1;
    while (i < out.size()) {
        char c = out[i];
        if (c == '\n') {
            line++;
            i++;
        } else if (c == '"' || c == '`') {
            // A string: comment markers inside it are text. It ends on the
            // same line (a newline inside is an error, reported here).
            size_t j = i + 1;
            while (j < out.size() && out[j] != c && out[j] != '\n') {
                if (out[j] == '\\' && j + 1 < out.size() && out[j + 1] != '\n')
                    j++;
                j++;
            }
            if (j >= out.size() || out[j] != c)
                fail_at(line, 0, std::string("unterminated ") +
                                     (c == '"' ? "string" : "`command`"));
            i = j + 1;
        } else if (c == '/' && i + 1 < out.size() && out[i + 1] == '/') {
            while (i < out.size() && out[i] != '\n')
                out[i++] = ' ';
        } else if (c == '/' && i + 1 < out.size() && out[i + 1] == '*') {
            int start_line = line;
            out[i] = out[i + 1] = ' ';
            i += 2;
            while (i < out.size() && !(out[i] == '*' && i + 1 < out.size() && out[i + 1] == '/')) {
                if (out[i] == '\n')
                    line++;
                else
                    out[i] = ' ';
                i++;
            }
            if (i >= out.size())
                fail_at(start_line, 0, "unterminated /* comment");
            out[i] = out[i + 1] = ' ';
            i += 2;
        } else if (c == '%' && i + 1 < out.size() && out[i + 1] == '{') {
            // packetdrill's Python post-processing: tunlab has no Python.
            int start_line = line;
            size_t end = out.find("}%", i + 2);
            if (end == std::string::npos)
                fail_at(start_line, 0, "unterminated %{ code block }%");
            for (size_t k = i; k < end + 2; k++) {
                if (out[k] == '\n')
                    line++;
                else
                    out[k] = ' ';
            }
            warnings->push_back("line " + std::to_string(start_line) +
                                ": %{ Python code }% block ignored (tunlab runs no Python)");
            i = end + 2;
        } else {
            i++;
        }
    }
    return out;
}

// ---- times ----

TimeSpec parse_time(Cursor& c)
{
    TimeSpec t;
    if (c.accept('*')) {
        t.kind = TimeKind::kAny;
        return t;
    }
    bool rel = c.accept('+');
    t.start_us = c.seconds("a time");
    t.kind = rel ? TimeKind::kRelative : TimeKind::kAbsolute;
    if (c.accept('~')) {
        bool rel2 = c.accept('+');
        if (rel != rel2)
            c.fail("a time range is either absolute (0.1~0.2) or relative (+0~+0.1)");
        t.end_us = c.seconds("the end of the time range");
        if (t.end_us < t.start_us)
            c.fail("time range is backwards");
        t.kind = rel ? TimeKind::kRelativeRange : TimeKind::kAbsoluteRange;
    }
    return t;
}

// ---- packets ----

uint8_t parse_flags(Cursor& c)
{
    if (c.at_keyword("udp") || c.at_keyword("icmp"))
        c.fail("only TCP packets are supported by tunlab's script engine");
    std::string f = c.token();
    if (f.empty())
        c.fail("expected TCP flags (S, S., ., P., F., R ...)");
    if (f == "-")
        return 0;
    uint8_t flags = 0;
    for (char ch : f) {
        uint8_t bit = 0;
        switch (ch) {
        case 'F': bit = kFlagFin; break;
        case 'S': bit = kFlagSyn; break;
        case 'R': bit = kFlagRst; break;
        case 'P': bit = kFlagPsh; break;
        case '.': bit = kFlagAck; break;
        case 'U': bit = kFlagUrg; break;
        case 'E': bit = kFlagEce; break;
        case 'W': bit = kFlagCwr; break;
        default:
            c.fail(std::string("invalid TCP flag '") + ch +
                   "' (flags are F S R P . U E W, or - for none)");
        }
        if (flags & bit)
            c.fail(std::string("TCP flag '") + ch + "' given twice");
        flags |= bit;
    }
    return flags;
}

size_t option_bytes(const TcpOptionSpec& o)
{
    switch (o.kind) {
    case TcpOptionSpec::kNop:
    case TcpOptionSpec::kEol: return 1;
    case TcpOptionSpec::kMss: return 4;
    case TcpOptionSpec::kWscale: return 3;
    case TcpOptionSpec::kSackOk: return 2;
    case TcpOptionSpec::kSack: return 2 + 8 * o.sack.size();
    case TcpOptionSpec::kTimestamp: return 10;
    }
    return 0;
}

void parse_options(Cursor& c, PacketSpec* p)
{
    // The '<' has been read.
    if (c.accept_str("...")) {
        c.expect('>', "after <...");
        p->any_options = true;
        return;
    }
    size_t total = 0;
    do {
        TcpOptionSpec o;
        std::string w = c.word("a TCP option (nop, eol, mss, wscale, sackOK, sack, TS)");
        if (w == "nop") {
            o.kind = TcpOptionSpec::kNop;
        } else if (w == "eol") {
            o.kind = TcpOptionSpec::kEol;
        } else if (w == "mss") {
            o.kind = TcpOptionSpec::kMss;
            o.a = uint32_t(c.number("the mss value", 65535));
        } else if (w == "wscale") {
            o.kind = TcpOptionSpec::kWscale;
            o.a = uint32_t(c.number("the window scale shift count", 255));
        } else if (w == "sackOK") {
            o.kind = TcpOptionSpec::kSackOk;
        } else if (w == "sack") {
            o.kind = TcpOptionSpec::kSack;
            while (c.peek() != ',' && c.peek() != '>' && c.peek() != '\0') {
                uint32_t l = uint32_t(c.number("a SACK left edge", UINT32_MAX));
                c.expect(':', "between the SACK block edges");
                uint32_t r = uint32_t(c.number("a SACK right edge", UINT32_MAX));
                o.sack.emplace_back(l, r);
                if (o.sack.size() > 4)
                    c.fail("at most 4 SACK blocks fit in the options");
            }
            if (o.sack.empty())
                c.fail("sack needs at least one block, like sack 1001:2001");
        } else if (w == "TS") {
            o.kind = TcpOptionSpec::kTimestamp;
            if (!c.accept_keyword("val"))
                c.fail("expected 'val' after TS (TS val 100 ecr 0)");
            o.a = uint32_t(c.number("the TS val", UINT32_MAX));
            if (!c.accept_keyword("ecr"))
                c.fail("expected 'ecr' after the TS val (TS val 100 ecr 0)");
            o.b = uint32_t(c.number("the TS ecr", UINT32_MAX));
        } else {
            c.fail("unknown TCP option '" + w +
                   "' (tunlab knows nop, eol, mss, wscale, sackOK, sack, TS)");
        }
        total += option_bytes(o);
        if (total > 40)
            c.fail("TCP options longer than 40 bytes");
        p->options.push_back(o);
    } while (c.accept(','));
    c.expect('>', "at the end of the TCP options");
    if (total % 4 != 0)
        c.fail("TCP options are not padded to a multiple of 4 bytes (" + std::to_string(total) +
               " bytes): add nop");
}

void parse_packet(Cursor& c, const TimeSpec& time, PacketSpec* p)
{
    char dir = c.peek();
    c.expect(dir, "");
    p->inbound = dir == '<';
    char ch = c.peek();
    if (ch == '(' || ch == '[')
        c.fail("IP-level fields like (ect0) or [tos 0x0] are not supported by tunlab");
    if (std::isdigit(static_cast<unsigned char>(ch))) {
        p->has_ports = true;
        p->src_port = uint16_t(c.number("the source port", 65535));
        if (c.here() != '>')
            c.fail("expected '>' between the ports (40000>8080), found " + c.found());
        c.expect('>', "");
        p->dst_port = uint16_t(c.number("the destination port", 65535));
    }
    p->flags = parse_flags(c);
    p->seq = uint32_t(c.number("the start sequence number", UINT32_MAX));
    c.expect(':', "after the start sequence number (1:1001(1000))");
    uint32_t end = uint32_t(c.number("the end sequence number", UINT32_MAX));
    c.expect('(', "before the payload length (1:1001(1000))");
    p->len = uint32_t(c.number("the payload length", 65535));
    c.expect(')', "after the payload length");
    if (uint32_t(p->seq + p->len) != end)
        c.fail("inconsistent TCP sequence numbers and payload size: " + std::to_string(p->seq) +
               " + " + std::to_string(p->len) + " != " + std::to_string(end));
    for (;;) {
        if (c.accept_keyword("ack")) {
            if (p->has_ack)
                c.fail("ack given twice");
            p->has_ack = true;
            p->ack = uint32_t(c.number("the ack number", UINT32_MAX));
        } else if (c.accept_keyword("win")) {
            if (p->has_win)
                c.fail("win given twice");
            p->has_win = true;
            p->win = uint16_t(c.number("the window", 65535));
        } else if (c.accept_keyword("urg")) {
            if (p->has_urg)
                c.fail("urg given twice");
            p->has_urg = true;
            p->urg = uint16_t(c.number("the urgent pointer", 65535));
        } else {
            break;
        }
    }
    if (c.accept('<'))
        parse_options(c, p);
    c.expect_end("after the packet (expected ack N, win N, urg N or <options>)");

    if (p->inbound) {
        if (p->any_options)
            c.fail("<...> for TCP options can only be used with outbound packets");
        if (!p->has_win)
            c.fail("window must be specified for inbound packets (win N)");
        if (time.kind == TimeKind::kAny || time.kind == TimeKind::kAbsoluteRange ||
            time.kind == TimeKind::kRelativeRange)
            c.fail("a time range or * can only be used with outbound packets");
    }
}

// ---- system calls ----

Expr parse_expr(Cursor& c, int depth);

void parse_expr_list(Cursor& c, char close, int depth, std::vector<Expr>* out)
{
    if (c.accept(close))
        return;
    do {
        out->push_back(parse_expr(c, depth + 1));
    } while (c.accept(','));
    c.expect(close, "to close the list");
}

Expr parse_primary(Cursor& c, int depth)
{
    if (depth > kMaxExprDepth)
        c.fail("expression nested too deeply");
    Expr e;
    char ch = c.peek();
    if (c.accept_str("...")) {
        e.kind = Expr::kEllipsis;
    } else if (ch == '-' || std::isdigit(static_cast<unsigned char>(ch))) {
        bool neg = c.accept('-');
        e.kind = Expr::kInt;
        e.num = int64_t(c.number("a number", uint64_t(INT64_MAX)));
        if (neg)
            e.num = -e.num;
    } else if (ch == '"') {
        e.kind = Expr::kString;
        e.text = c.quoted();
        c.accept_str("...");
    } else if (ch == '[') {
        c.expect('[', "");
        e.kind = Expr::kList;
        parse_expr_list(c, ']', depth, &e.items);
    } else if (ch == '{') {
        c.expect('{', "");
        e.kind = Expr::kStruct;
        parse_expr_list(c, '}', depth, &e.items);
    } else if (Cursor::is_word_char(ch)) {
        e.text = c.word("a name");
        if (c.accept('=')) {
            e.kind = Expr::kAssign;
            e.items.push_back(parse_expr(c, depth + 1));
        } else if (c.accept('(')) {
            e.kind = Expr::kCall;
            parse_expr_list(c, ')', depth, &e.items);
        } else {
            e.kind = Expr::kWord;
        }
    } else {
        c.fail("expected an argument (..., a number, a NAME, [..] or {..}), found " + c.found());
    }
    return e;
}

Expr parse_expr(Cursor& c, int depth)
{
    Expr first = parse_primary(c, depth);
    if (c.peek() != '|')
        return first;
    Expr e;
    e.kind = Expr::kOr;
    e.items.push_back(first);
    while (c.accept('|'))
        e.items.push_back(parse_primary(c, depth + 1));
    return e;
}

void parse_syscall(Cursor& c, const TimeSpec& time, SyscallSpec* s)
{
    if (c.accept_str("...")) {
        if (time.kind != TimeKind::kAbsolute && time.kind != TimeKind::kRelative)
            c.fail("a blocking call's start time must be a plain time (0.1...0.2 or +0...0.1)");
        s->blocking_end = true;
        s->end.kind = time.kind;
        s->end.start_us = c.seconds("the end time of the blocking call");
        if (time.kind == TimeKind::kAbsolute && s->end.start_us < time.start_us)
            c.fail("the blocking call ends before it starts");
    } else if (time.kind != TimeKind::kAbsolute && time.kind != TimeKind::kRelative) {
        c.fail("a time range or * can only be used with outbound packets");
    }
    s->name = c.word("a system call name");
    c.expect('(', "after the system call name");
    parse_expr_list(c, ')', 0, &s->args);
    c.expect('=', "and the expected result after the system call (= 0)");
    bool neg = c.accept('-');
    int64_t v = int64_t(c.number("the expected result", uint64_t(INT64_MAX)));
    s->result = neg ? -v : v;
    if (std::isalpha(static_cast<unsigned char>(c.peek()))) {
        s->errno_name = c.word("an errno name");
        if (s->errno_name[0] != 'E')
            c.fail("expected an errno name like EAGAIN, found '" + s->errno_name + "'");
        if (s->result != -1)
            c.fail("an errno is only expected with the result -1");
    }
    if (c.accept('(')) {   // a note, like (Operation now in progress): ignored
        int level = 1;
        while (level > 0 && !c.eof()) {
            char ch = c.peek();
            c.expect(ch, "");
            level += ch == '(' ? 1 : ch == ')' ? -1 : 0;
        }
        if (level > 0)
            c.fail("unclosed '(' in the note after the result");
    }
    c.expect_end("after the expected result");
}

// ---- directives ----

void check_directive(Cursor& c, const Directive& d, bool timed)
{
    const std::vector<std::string>& a = d.args;
    if (d.name != "state" && d.name != "seed" && d.name != "msl" && d.name != "mtu")
        c.fail("unknown directive %" + d.name + " (tunlab knows %state, %seed, %msl, %mtu)");
    if (d.name == "state") {
        if (!timed)
            c.fail("%state needs a time, like: +0 %state ESTABLISHED");
        if (a.empty() || a.size() > 2)
            c.fail("usage: %state [40000>8080 | FD] STATE_NAME");
        if (a.size() == 2) {
            uint16_t s, t;
            bool is_fd = !a[0].empty() && a[0].find_first_not_of("0123456789") ==
                                              std::string::npos && a[0].size() < 6;
            if (!is_fd && !parse_port_pair(a[0], &s, &t))
                c.fail("%state's first argument is a port pair like 40000>8080 or an fd");
        }
        return;
    }
    if (timed)
        c.fail("%" + d.name + " is a setting: write it without a time before the first event");
    if (d.name == "seed") {
        if (a.size() != 1 || a[0].empty() ||
            a[0].find_first_not_of("0123456789") != std::string::npos || a[0].size() > 19)
            c.fail("usage: %seed N (a decimal number)");
    } else if (d.name == "msl") {
        int64_t us;
        if (a.size() != 1 || !parse_seconds(a[0], &us) || us == 0)
            c.fail("usage: %msl SECONDS (like %msl 30 or %msl 0.5)");
    } else if (d.name == "mtu") {
        if (a.size() != 1 || a[0].empty() ||
            a[0].find_first_not_of("0123456789") != std::string::npos || a[0].size() > 5 ||
            std::stoi(a[0]) < 68 || std::stoi(a[0]) > 65535)
            c.fail("usage: %mtu N (68..65535)");
    }
}

Directive parse_directive(Cursor& c, bool timed)
{
    c.expect('%', "");
    if (!Cursor::is_word_char(c.here()))
        c.fail("expected a directive name right after '%'");
    Directive d;
    d.name = c.word("a directive name");
    while (!c.eof())
        d.args.push_back(c.token());
    check_directive(c, d, timed);
    return d;
}

// ---- events ----

void parse_event(Cursor& c, Event* ev)
{
    ev->time = parse_time(c);
    char ch = c.peek();
    if (ch == '<' || ch == '>') {
        ev->kind = Event::kPacket;
        parse_packet(c, ev->time, &ev->packet);
    } else if (ch == '%') {
        ev->kind = Event::kDirective;
        if (ev->time.kind != TimeKind::kAbsolute && ev->time.kind != TimeKind::kRelative)
            c.fail("a time range or * can only be used with outbound packets");
        ev->directive = parse_directive(c, true);
    } else if (ch == '.' || Cursor::is_word_char(ch)) {
        ev->kind = Event::kSyscall;
        parse_syscall(c, ev->time, &ev->call);
    } else if (ch == '`') {
        c.fail("a shell command cannot have a time in tunlab");
    } else {
        c.fail("expected a packet ('<' or '>'), a system call or a %directive after the time, "
               "found " + c.found());
    }
}

std::string trim(const std::string& s)
{
    size_t b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos)
        return "";
    size_t e = s.find_last_not_of(" \t\r\n");
    return s.substr(b, e - b + 1);
}

// Bracket balance of a line ((, [, { count +1; ), ], } count -1), outside strings.
int bracket_balance(const std::string& s)
{
    int level = 0;
    char quote = 0;
    for (char ch : s) {
        if (quote) {
            if (ch == quote)
                quote = 0;
        } else if (ch == '"' || ch == '`') {
            quote = ch;
        } else if (ch == '(' || ch == '[' || ch == '{') {
            level++;
        } else if (ch == ')' || ch == ']' || ch == '}') {
            level--;
        }
    }
    return level;
}

void parse_all(const std::string& text, Script* out)
{
    std::string clean = strip_comments(text, &out->warnings);
    std::vector<std::string> lines;
    std::istringstream in(clean);
    std::string l;
    while (std::getline(in, l))
        lines.push_back(l);

    for (size_t i = 0; i < lines.size(); i++) {
        int line_no = int(i) + 1;
        std::string logical = lines[i];
        int balance = bracket_balance(logical);
        size_t joined = 0;
        while (balance > 0 && i + 1 < lines.size() && joined < kMaxJoinedLines) {
            i++;
            joined++;
            logical += "\n" + lines[i];
            balance += bracket_balance(lines[i]);
        }
        if (balance > 0)
            fail_at(line_no, 0, "unclosed bracket: ( [ or { is never closed");
        std::string t = trim(logical);
        if (t.empty())
            continue;
        if (t.compare(0, 2, "--") == 0) {
            if (!out->events.empty())
                fail_at(line_no, 0, "--options must come before the first event");
            size_t eq = t.find('=');
            std::string name = trim(t.substr(2, eq == std::string::npos ? std::string::npos
                                                                        : eq - 2));
            std::string value = eq == std::string::npos ? "" : trim(t.substr(eq + 1));
            if (name.empty())
                fail_at(line_no, 1, "expected an option name after --");
            out->options.emplace_back(name, value);
            continue;
        }
        if (t[0] == '`') {
            out->warnings.push_back("line " + std::to_string(line_no) +
                                    ": shell command ignored (tunlab runs none): " + t);
            continue;
        }
        // The cursor reads the untrimmed line so that columns match the file.
        Cursor c(logical, line_no);
        if (t[0] == '%') {
            if (!out->events.empty())
                c.fail("settings like %" + t.substr(1, t.find(' ') - 1) +
                       " must come before the first event");
            out->config.emplace_back(line_no, parse_directive(c, false));
            continue;
        }
        Event ev;
        ev.line = line_no;
        ev.text = t;
        parse_event(c, &ev);
        out->events.push_back(std::move(ev));
    }
}

}  // namespace

bool parse_seconds(const std::string& s, int64_t* usec)
{
    if (s.empty())
        return false;
    try {
        Cursor c(s, 0);
        *usec = c.seconds("seconds");
        return c.eof();
    } catch (const Fail&) {
        return false;
    }
}

bool parse_port_pair(const std::string& s, uint16_t* src, uint16_t* dst)
{
    try {
        Cursor c(s, 0);
        *src = uint16_t(c.number("port", 65535));
        if (c.here() != '>')
            return false;
        c.expect('>', "");
        *dst = uint16_t(c.number("port", 65535));
        return c.eof();
    } catch (const Fail&) {
        return false;
    }
}

bool parse_script(const std::string& text, Script* out, ParseError* err)
{
    *out = Script();
    try {
        parse_all(text, out);
    } catch (const Fail& f) {
        *err = f.err;
        return false;
    }
    return true;
}

bool parse_event_line(const std::string& line, int line_no, Event* out, ParseError* err)
{
    *out = Event();
    out->line = line_no;
    out->text = line;
    try {
        Cursor c(line, line_no);
        parse_event(c, out);
    } catch (const Fail& f) {
        *err = f.err;
        return false;
    }
    return true;
}

std::string format_parse_error(const std::string& file, const std::string& text,
                               const ParseError& err)
{
    std::string out = file + ":" + std::to_string(err.line);
    if (err.column > 0)
        out += ":" + std::to_string(err.column);
    out += ": error: " + err.message + "\n";
    // Show the physical line and a caret under the column.
    std::istringstream in(text);
    std::string l;
    for (int n = 1; std::getline(in, l); n++) {
        if (n == err.line) {
            out += "    " + l + "\n";
            if (err.column > 0)
                out += "    " + std::string(size_t(err.column - 1), ' ') + "^\n";
            break;
        }
    }
    return out;
}

}  // namespace tscript
