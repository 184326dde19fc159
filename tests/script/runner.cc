// runner.cc — the main loop of the trace-script engine: settings, the stack
// on its capture device, virtual time, inbound and outbound packets, %state.
//
// The invariant that makes "nothing else was sent" checkable: packets the
// stack sends at virtual time t may wait in sent_ only while the script is
// still at t. Before the clock moves on, every one of them must have been
// matched by a `>` line; one left over is an unexpected packet.
#include <cerrno>
#include <cinttypes>
#include <cstring>

#include "stack/core/log.h"
#include "stack/socket/socket.h"
#include "stack/stack.h"
#include "stack/transport/tcp.h"
#include "stack/transport/tcp_state.h"
#include "tests/script/runner_internal.h"
#include "tests/script/script_parser.h"

namespace tscript {
namespace {

// `*` waits at most this long of virtual time for its packet.
constexpr int64_t kAnyTimeHorizon = 24LL * 3600 * 1000000;
// Timer firings per script before the engine calls the stack runaway.
constexpr uint64_t kMaxTimerSteps = 10000000;

std::string join(const std::vector<std::string>& v, const char* sep)
{
    std::string out;
    for (size_t i = 0; i < v.size(); i++)
        out += (i ? sep : "") + v[i];
    return out;
}

// State names as the script may write them: tcp_state_from_name's spellings,
// and SYN_RECEIVED / FIN-WAIT_1 style mixtures.
int state_from_name(const std::string& name)
{
    int s = tcp_state_from_name(name.c_str());
    if (s >= 0)
        return s;
    std::string dashed = name;
    for (char& c : dashed)
        c = c == '_' ? '-' : c;
    return tcp_state_from_name(dashed.c_str());
}

}  // namespace

Runner::Runner(const Script& script, const std::string& file, const RunOptions& opts)
    : script_(script), file_(file), opts_(opts)
{
    std::memset(&cap_, 0, sizeof cap_);
    trace_init(&trace_, 1);   // events go to our listener; keep none twice
}

Runner::~Runner()
{
    if (st_)
        stack_free(st_);
    if (cap_ready_)
        capdev_destroy(&cap_);
    trace_destroy(&trace_);
}

void Runner::fail(const std::string& message)
{
    std::string where = file_;
    if (current_)
        where += ":" + std::to_string(current_->line);
    std::string msg = where + ": " + message;
    if (current_)
        msg += "\n  script line: " + current_->text;
    throw ScriptFailure{msg};
}

// ---- settings ----

void Runner::configure()
{
    for (const auto& w : script_.warnings)
        warnings_ += w + "\n";
    for (const auto& o : script_.options) {
        const std::string& v = o.second;
        bool numeric = !v.empty() && v.size() < 10 && v.find_first_not_of("0123456789") ==
                                                          std::string::npos;
        if ((o.first == "tolerance_usecs" || o.first == "bind_port" ||
             o.first == "connect_port") && !numeric)
            throw ScriptFailure{file_ + ": --" + o.first + " needs a number"};
        if (o.first == "tolerance_usecs") {
            tolerance_ = std::stoll(v);
        } else if (o.first == "bind_port" || o.first == "connect_port") {
            long port = std::stol(v);
            if (port < 1 || port > 65535)
                throw ScriptFailure{file_ + ": --" + o.first + " must be 1..65535"};
            (o.first == "bind_port" ? bind_port_ : connect_port_) = uint16_t(port);
        } else {
            warnings_ += "option --" + o.first + " ignored (tunlab knows --tolerance_usecs, "
                         "--bind_port, --connect_port)\n";
        }
    }
    for (const auto& c : script_.config) {
        const Directive& d = c.second;
        if (d.name == "seed")
            seed_ = std::stoull(d.args[0]);
        else if (d.name == "msl")
            parse_seconds(d.args[0], &msl_);
        else if (d.name == "mtu")
            mtu_ = uint32_t(std::stoul(d.args[0]));
    }
    if (opts_.seed_given)
        seed_ = opts_.seed;
    // State names are checked before anything runs, with their line.
    for (const Event& e : script_.events) {
        if (e.kind == Event::kDirective && e.directive.name == "state" &&
            state_from_name(e.directive.args.back()) < 0) {
            current_ = &e;
            fail("unknown TCP state '" + e.directive.args.back() +
                 "' (ESTABLISHED, SYN_SENT, SYN_RECV, FIN_WAIT_1, FIN_WAIT_2, TIME_WAIT, "
                 "CLOSED, CLOSE_WAIT, LAST_ACK, LISTEN, CLOSING; RFC spellings work too)");
        }
    }
}

void Runner::start_stack()
{
    struct stack_config cfg;
    std::memset(&cfg, 0, sizeof cfg);
    cfg.name = "stack";
    cfg.seed = seed_;
    cfg.trace = &trace_;
    trace_set_listener(&trace_, &Runner::on_trace_event, this);
    st_ = stack_new(&cfg);
    if (!st_)
        throw ScriptFailure{file_ + ": stack_new failed (out of memory)"};
    capdev_init(&cap_, "tun0", NETDEV_LINK_IP, mtu_);
    cap_ready_ = true;
    netdev_set_trace(&cap_.dev, &trace_, "stack");
    if (!st_->tcp)
        throw ScriptFailure{file_ + ": the stack has no TCP"};
    int rc = stack_add_iface(st_, &cap_.dev, kStackAddr, kPrefixLen, 0);
    if (rc < 0)
        throw ScriptFailure{file_ + ": stack_add_iface failed: " + std::strerror(-rc)};
    if (msl_ > 0) {
        struct tcp_config tc = *tcp_get_config(st_->tcp);
        tc.msl = usec_t(msl_);
        tcp_set_config(st_->tcp, &tc);
    }
    drain();   // whatever the interface sent while coming up
    if (!sent_.empty())
        throw ScriptFailure{file_ + ": the stack sent a packet before the script began: " +
                            describe_sent(sent_.front())};
}

// ---- the main loop ----

RunResult Runner::run()
{
    RunResult result;
    try {
        configure();
        result.seed = seed_;
        start_stack();
        for (const Event& e : script_.events) {
            current_ = &e;
            run_event(e);
        }
        // A blocking call with an end time may outlive the last line: run
        // the clock to its end (it must return there, and nothing may be
        // sent meanwhile).
        if (pending_ && pending_->end != kNever) {
            current_ = pending_->ev;
            advance_to(pending_->end + tolerance_);
        }
        current_ = nullptr;
        if (!sent_.empty())
            fail("the stack sent a packet after the script's last line: " +
                 describe_sent(sent_.front()));
        if (pending_) {
            current_ = pending_->ev;
            fail("the blocking call never returned (the script ended at " + format_time(now_) +
                 ")");
        }
        result.passed = true;
    } catch (const ScriptFailure& f) {
        result.failure = f.message;
    }
    result.seed = seed_;
    result.trace = format_trace();
    result.warnings = warnings_;
    return result;
}

void Runner::window_of(const Event& e, int64_t* lo, int64_t* hi)
{
    const TimeSpec& t = e.time;
    switch (t.kind) {
    case TimeKind::kAbsolute: *lo = *hi = t.start_us; break;
    case TimeKind::kRelative: *lo = *hi = last_time_ + t.start_us; break;
    case TimeKind::kAny: *lo = now_; *hi = now_ + kAnyTimeHorizon; break;
    case TimeKind::kAbsoluteRange: *lo = t.start_us; *hi = t.end_us; break;
    case TimeKind::kRelativeRange:
        *lo = last_time_ + t.start_us;
        *hi = last_time_ + t.end_us;
        break;
    }
    if (*hi + tolerance_ < now_)
        fail("time goes backward: this line is at " + format_time(*hi) +
             " but the script is already at " + format_time(now_));
}

void Runner::run_event(const Event& e)
{
    format_pending();
    int64_t lo, hi;
    window_of(e, &lo, &hi);
    if (e.kind == Event::kPacket && !e.packet.inbound) {
        expect(e, lo, hi);
        last_time_ = now_;
        return;
    }
    advance_to(lo);
    last_time_ = now_;
    switch (e.kind) {
    case Event::kPacket: inject(e); break;
    case Event::kSyscall: start_call(e); break;
    case Event::kDirective: assert_state(e); break;
    }
}

// ---- virtual time ----

void Runner::set_now(int64_t t)
{
    if (t <= now_)
        return;
    if (!sent_.empty())
        fail("the stack sent a packet the script does not expect: " + describe_sent(sent_.front()) +
             "\n  (the script's next line is at " + format_time(t) + ")");
    now_ = t;
}

// Fire every timer due up to t, stopping to check a blocking call's end time.
void Runner::step_timers_to(int64_t t)
{
    for (;;) {
        usec_t d = stack_next_deadline(st_);
        if (d == USEC_NEVER || int64_t(d) > t)
            break;
        if (++timer_steps_ > kMaxTimerSteps)
            fail("the stack's timers fired more than " + std::to_string(kMaxTimerSteps) +
                 " times: runaway timer?");
        if (pending_ && pending_->end != kNever && int64_t(d) > pending_->end + tolerance_) {
            current_ = pending_->ev;
            fail("the blocking call did not return by " + format_time(pending_->end));
        }
        set_now(int64_t(d));
        stack_run_timers(st_, usec_t(now_));
        service();
    }
}

void Runner::advance_to(int64_t t)
{
    if (pending_ && pending_->end != kNever && t > pending_->end + tolerance_) {
        step_timers_to(pending_->end + tolerance_);
        if (pending_) {
            current_ = pending_->ev;
            fail("the blocking call did not return by " + format_time(pending_->end));
        }
    }
    step_timers_to(t);
    set_now(t);
}

// After anything that may make the stack send or wake a blocked call.
void Runner::service()
{
    for (int round = 0; round < 8; round++) {
        drain();
        if (!pending_)
            return;
        size_t before = sent_.size();
        poll_pending();
        if (sent_.size() == before && capdev_pending(&cap_) == 0)
            return;
    }
}

void Runner::drain()
{
    struct pkb* p;
    while ((p = capdev_pop(&cap_)) != nullptr) {
        SentPacket sp;
        sp.time = int64_t(p->rx_time);
        sp.decode_error = decode_segment(p->data, p->len, &sp.seg);
        pkb_free(p);
        if (sp.decode_error.empty()) {
            sp.flow = flow_of_segment(sp.seg, false);
            if (sp.flow >= 0)
                learn_isn(flows_[size_t(sp.flow)], sp.seg);
        }
        sent_.push_back(std::move(sp));
    }
    format_pending();
}

// ---- flows ----

// The stack's ISN: from its first SYN (or SYN,ACK) on the flow, or from the
// SYN,ACK that answers a reopening SYN (see Flow::reopen_pending).
void Runner::learn_isn(Flow& f, const Segment& seg)
{
    uint8_t flags = seg.tcp.flags;
    bool syn = flags & TCP_FLAG_SYN;
    if (f.reopen_pending) {
        if (syn && (flags & TCP_FLAG_ACK) && seg.tcp.ack == f.reopen_peer_isn + 1) {
            f.peer_isn = f.reopen_peer_isn;
            f.stack_isn = seg.tcp.seq;
            f.stack_isn_known = true;
            f.ts_val_map.clear();
        }
        f.reopen_pending = false;
    }
    if (syn && !f.stack_isn_known) {
        f.stack_isn_known = true;
        f.stack_isn = seg.tcp.seq;
    }
}

int Runner::find_flow(uint16_t peer_port, uint16_t stack_port, bool create)
{
    for (size_t i = 0; i < flows_.size(); i++) {
        if (flows_[i].peer_port == peer_port && flows_[i].stack_port == stack_port)
            return int(i);
    }
    for (size_t i = 0; i < flows_.size(); i++) {   // an active open not yet seen
        if (flows_[i].peer_port == peer_port && flows_[i].stack_port == 0 && stack_port != 0) {
            flows_[i].stack_port = stack_port;
            return int(i);
        }
    }
    if (!create)
        return -1;
    Flow f;
    f.peer_port = peer_port;
    f.stack_port = stack_port;
    flows_.push_back(f);
    return int(flows_.size() - 1);
}

int Runner::flow_of_segment(const Segment& seg, bool inbound)
{
    if (seg.src != (inbound ? kPeerAddr : kStackAddr) ||
        seg.dst != (inbound ? kStackAddr : kPeerAddr))
        return -1;
    uint16_t peer = inbound ? seg.tcp.src_port : seg.tcp.dst_port;
    uint16_t mine = inbound ? seg.tcp.dst_port : seg.tcp.src_port;
    return find_flow(peer, mine, false);
}

// The flow a packet line talks about: its own ports, or the script's
// connection (created by the first inbound line or by connect()).
int Runner::resolve_flow(const PacketSpec& spec)
{
    if (spec.has_ports) {
        uint16_t peer = spec.inbound ? spec.src_port : spec.dst_port;
        uint16_t mine = spec.inbound ? spec.dst_port : spec.src_port;
        return find_flow(peer, mine, true);
    }
    if (default_flow_ < 0) {
        if (!spec.inbound)
            fail("an outbound packet before any connection: inject a packet or connect() "
                 "first (or give ports: > 8080>40000 ...)");
        uint16_t mine = last_bound_port_ ? last_bound_port_ : bind_port_;
        default_flow_ = find_flow(kPeerEphemeralPort, mine, true);
    }
    return default_flow_;
}

int Runner::tcp_state(const Flow& f)
{
    if (!st_->tcp)
        fail("the stack has no TCP");
    return tcp_state_of(st_->tcp, kStackAddr, f.stack_port, kPeerAddr, f.peer_port);
}

// ---- packets ----

void Runner::inject(const Event& e)
{
    const PacketSpec& spec = e.packet;
    int fi = resolve_flow(spec);
    Flow& f = flows_[size_t(fi)];
    if (f.stack_port == 0)
        fail("the stack's port of this connection is not known yet");
    if (spec.flags & TCP_FLAG_SYN) {
        // A SYN that opens a new connection on ports whose old one is gone
        // starts over; one during a live connection keeps the old ISNs
        // (it is the "old duplicate SYN" a test sends on purpose).
        bool new_incarnation = !(spec.flags & TCP_FLAG_ACK) && f.peer_isn_known &&
                               tcp_state(f) == TCP_CLOSED;
        if (new_incarnation) {
            f.peer_isn_known = false;
            f.stack_isn_known = false;
        } else if (!(spec.flags & TCP_FLAG_ACK) && f.peer_isn_known && spec.seq != f.peer_isn) {
            // Maybe a reopening SYN: decided by the stack's answer (drain).
            f.reopen_pending = true;
            f.reopen_peer_isn = spec.seq;
        }
        if (!f.peer_isn_known) {
            f.peer_isn_known = true;
            f.peer_isn = spec.seq;
        }
    }
    std::vector<uint8_t> bytes = build_inbound(spec, f, ip_id_++);
    if (bytes.empty())
        fail("could not build this packet (options too long?)");
    if (bytes.size() > mtu_)
        fail("this packet is " + std::to_string(bytes.size()) + " bytes, more than the link's "
             "MTU (" + std::to_string(mtu_) + "): the device would drop it (use %mtu, or "
             "smaller segments)");
    if (capdev_inject(&cap_, bytes.data(), bytes.size(), usec_t(now_)) != 0)
        fail("out of memory injecting the packet");
    service();
}

std::string Runner::describe_sent(const SentPacket& sp) const
{
    std::string at = " (at " + format_time(sp.time) + ")";
    if (!sp.decode_error.empty())
        return "a packet that is not TCP/IPv4 (" + sp.decode_error + ")" + at;
    const Flow* f = sp.flow >= 0 ? &flows_[size_t(sp.flow)] : nullptr;
    return format_segment(sp.seg, false, f, sp.flow != default_flow_) + at;
}

void Runner::expect(const Event& e, int64_t lo, int64_t hi)
{
    int64_t limit = hi + tolerance_;
    // Nothing waiting: let time run, one timer deadline at a time, until the
    // stack sends something or the line's window closes.
    while (sent_.empty()) {
        usec_t d = stack_next_deadline(st_);
        if (d == USEC_NEVER || int64_t(d) > limit)
            break;
        step_timers_to(int64_t(d));
    }
    if (sent_.empty()) {
        std::string when = e.time.kind == TimeKind::kAny
                               ? "any time; nothing was sent while the stack had timers"
                               : (hi == lo ? format_time(lo)
                                           : format_time(lo) + "~" + format_time(hi)) +
                                     "; nothing was sent by " + format_time(limit);
        fail("expected packet was not sent: " + format_spec(e.packet) + "\n  expected at " +
             when);
    }
    SentPacket sp = sent_.front();
    sent_.pop_front();
    check_sent(e, sp, lo, hi);
}

void Runner::check_sent(const Event& e, const SentPacket& sp, int64_t lo, int64_t hi)
{
    const PacketSpec& want = e.packet;
    int fi = resolve_flow(want);
    const Flow& f = flows_[size_t(fi)];
    std::string expected = "  expected: " + format_spec(want) + "  (at " +
                           (hi == lo ? format_time(lo)
                                     : format_time(lo) + "~" + format_time(hi)) + ")";
    std::string actual = "  actual:   " + describe_sent(sp);
    if (!sp.decode_error.empty())
        fail("the stack sent something else\n" + expected + "\n" + actual);
    std::vector<std::string> diffs;
    if (sp.time < lo - tolerance_ || sp.time > hi + tolerance_)
        diffs.push_back("time");
    if (sp.seg.tcp.src_port != f.stack_port || sp.seg.tcp.dst_port != f.peer_port ||
        sp.seg.src != kStackAddr || sp.seg.dst != kPeerAddr) {
        char buf[96];
        snprintf(buf, sizeof buf, "ports %u>%u != %u>%u", unsigned(f.stack_port),
                 unsigned(f.peer_port), unsigned(sp.seg.tcp.src_port),
                 unsigned(sp.seg.tcp.dst_port));
        diffs.push_back(buf);
    } else {
        for (const std::string& d : compare_outbound(want, sp.seg, f))
            diffs.push_back(d);
    }
    if (!diffs.empty())
        fail("outbound packet does not match (" + join(diffs, ", ") + ")\n" + expected + "\n" +
             actual);
    // Remember what the script called the stack's TS val (for TS ecr).
    if (sp.seg.tcp.opt.has_timestamps) {
        for (const TcpOptionSpec& o : want.options) {
            if (o.kind == TcpOptionSpec::kTimestamp)
                flows_[size_t(fi)].ts_val_map[o.a] = sp.seg.tcp.opt.tsval;
        }
    }
}

// ---- %state ----

void Runner::assert_state(const Event& e)
{
    const Directive& d = e.directive;
    int want = state_from_name(d.args.back());
    int got;
    std::string what;
    if (d.args.size() == 2 && d.args[0].find('>') == std::string::npos) {
        int64_t fd = std::stoll(d.args[0]);
        auto it = fds_.find(fd);
        if (it == fds_.end())
            fail("%state " + d.args[0] + ": fd " + d.args[0] + " is not open in the script");
        int rc = socket_getsockopt(st_, it->second.stack_fd, SOCK_OPT_TCP_STATE, &got);
        if (rc < 0)
            fail("getsockopt(SOCK_OPT_TCP_STATE) failed: " + std::string(socket_strerror(rc)));
        what = "fd " + d.args[0];
    } else {
        int fi;
        if (d.args.size() == 2) {
            uint16_t peer, mine;
            parse_port_pair(d.args[0], &peer, &mine);
            fi = find_flow(peer, mine, false);
            if (fi < 0)
                fail("%state: no connection " + d.args[0] + " in this script");
        } else {
            fi = default_flow_;
            if (fi < 0)
                fail("%state: no connection yet (inject a packet or connect() first, or "
                     "name an fd: %state 3 LISTEN)");
        }
        const Flow& f = flows_[size_t(fi)];
        if (f.stack_port == 0)
            fail("%state: the stack's port of this connection is not known yet");
        got = tcp_state(f);
        char buf[64];
        snprintf(buf, sizeof buf, "connection %u>%u", unsigned(f.peer_port),
                 unsigned(f.stack_port));
        what = buf;
    }
    if (got != want)
        fail("state of the " + what + " is " + tcp_state_name(got) + ", script expects " +
             tcp_state_name(want));
    note("%state " + std::string(tcp_state_name(got)) + "  // asserted (" + what + ")");
}

// ---- entry points ----

RunResult run_script(const Script& script, const std::string& file, const RunOptions& opts)
{
    Runner r(script, file, opts);
    return r.run();
}

RunResult run_script_text(const std::string& text, const std::string& file,
                          const RunOptions& opts)
{
    Script s;
    ParseError err;
    if (!parse_script(text, &s, &err)) {
        RunResult r;
        r.failure = format_parse_error(file, text, err);
        r.seed = opts.seed_given ? opts.seed : kDefaultSeed;
        return r;
    }
    return run_script(s, file, opts);
}

}  // namespace tscript
