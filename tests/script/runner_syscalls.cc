// runner_syscalls.cc — the system calls of a script, run against the
// stack's socket API (stack/socket/socket.h).
//
// Descriptors: a script names sockets by the numbers it expects
// (`socket(...) = 3`, `accept(3, ...) = 4`); the engine maps each to the
// stack's own descriptor, so scripts do not depend on how the stack numbers
// them.
//
// Blocking: the tunlab API never blocks. A call on a descriptor without
// O_NONBLOCK that answers -EAGAIN (accept, read, write) or -EINPROGRESS
// (connect) is *pending*: the script goes on with its next lines, and the
// engine tries the call again after every injected packet and every timer,
// until it completes; then its result is checked. packetdrill's
// `0.1...0.2 read(...)` form also checks when it returned. A call still
// pending when the script ends fails the script.
#include <cerrno>
#include <climits>
#include <cstring>

#include "stack/socket/socket.h"
#include "stack/stack.h"
#include "tests/script/runner_internal.h"
#include "tests/script/script_symbols.h"

namespace tscript {
namespace {

constexpr size_t kMaxIo = 16 * 1024 * 1024;   // one read/write moves at most this much

CallResult ok(int64_t v)
{
    CallResult r;
    r.ret = v;
    return r;
}

// A tunlab return value (>= 0, or a negative errno) as a syscall result.
CallResult from_rc(int64_t rc)
{
    CallResult r;
    if (rc < 0) {
        r.ret = -1;
        r.err = int(-rc);
    } else {
        r.ret = rc;
    }
    return r;
}

bool is_ellipsis(const Expr& e) { return e.kind == Expr::kEllipsis; }

// The text of the call as written: "read(4, ..., 1000)".
std::string call_text(const Event& e)
{
    const std::string& t = e.text;
    size_t start = t.find(e.call.name + "(");
    if (start == std::string::npos)
        return e.call.name + "(...)";
    int level = 0;
    for (size_t i = start; i < t.size(); i++) {
        if (t[i] == '(')
            level++;
        else if (t[i] == ')' && --level == 0)
            return t.substr(start, i - start + 1);
    }
    return t.substr(start);
}

std::string result_text(int64_t ret, const std::string& err)
{
    return std::to_string(ret) + (err.empty() ? "" : " " + err);
}

}  // namespace

// ---- descriptors and arguments ----

FdState* Runner::fd_state(int64_t script_fd)
{
    auto it = fds_.find(script_fd);
    return it == fds_.end() ? nullptr : &it->second;
}

// An fd the script never opened is passed as -1: the stack answers EBADF.
int Runner::stack_fd(int64_t script_fd) const
{
    auto it = fds_.find(script_fd);
    return it == fds_.end() ? -1 : it->second.stack_fd;
}

int64_t Runner::eval(const Expr& e, const char* what)
{
    switch (e.kind) {
    case Expr::kInt: return e.num;
    case Expr::kWord: {
        int64_t v;
        if (symbol_value(e.text, &v))
            return v;
        fail(std::string("unknown name '") + e.text + "' as " + what);
    }
    case Expr::kOr: {
        int64_t v = 0;
        for (const Expr& i : e.items)
            v |= eval(i, what);
        return v;
    }
    case Expr::kList:
        if (e.items.size() == 1)
            return eval(e.items[0], what);
        break;
    case Expr::kCall:
        if (e.text == "htons" && e.items.size() == 1)
            return eval(e.items[0], what);
        break;
    default: break;
    }
    fail(std::string("expected a number for ") + what);
}

// ---- the call cycle ----

void Runner::start_call(const Event& e)
{
    if (pending_) {
        fail("a blocking call from line " + std::to_string(pending_->ev->line) +
             " has not returned yet (one blocking call at a time)");
    }
    auto pc = std::make_unique<PendingCall>();
    pc->ev = &e;
    pc->start = now_;
    if (e.call.blocking_end)
        pc->end = e.call.end.kind == TimeKind::kRelative ? last_time_ - e.time.start_us +
                                                               e.call.end.start_us
                                                         : e.call.end.start_us;
    CallResult r = attempt(*pc);
    if (r.would_block) {
        note(call_text(e) + " ...  // blocks");
        pending_ = std::move(pc);
        service();
        return;
    }
    finish_call(*pc, r);
    service();
}

void Runner::poll_pending()
{
    if (!pending_)
        return;
    CallResult r = attempt(*pending_);
    if (r.would_block)
        return;
    std::unique_ptr<PendingCall> pc = std::move(pending_);
    const Event* saved = current_;
    current_ = pc->ev;
    finish_call(*pc, r);
    current_ = saved;
}

void Runner::finish_call(PendingCall& pc, const CallResult& r)
{
    const SyscallSpec& want = pc.ev->call;
    std::string got_err = r.ret == -1 ? errno_name(r.err) : "";
    std::string line = call_text(*pc.ev) + " = " + result_text(r.ret, got_err);
    if (!r.detail.empty())
        line += "  // " + r.detail;
    if (now_ != pc.start)
        line += "  // returned after blocking since " + format_time(pc.start);
    note(line);
    bool same = r.ret == want.result;
    if (same && r.ret == -1 && !want.errno_name.empty())
        same = errno_value(want.errno_name) == r.err;
    if (!same)
        fail(call_text(*pc.ev) + " returned " + result_text(r.ret, got_err) +
             ", script expects " + result_text(want.result, want.errno_name));
    if (pc.end != kNever && (now_ < pc.end - tolerance_ || now_ > pc.end + tolerance_))
        fail("the blocking call returned at " + format_time(now_) + ", script expects " +
             format_time(pc.end));
}

CallResult Runner::attempt(PendingCall& pc)
{
    const std::string& n = pc.ev->call.name;
    if (n == "socket") return do_socket(pc);
    if (n == "bind") return do_bind(pc);
    if (n == "listen") return do_listen(pc);
    if (n == "accept" || n == "accept4") return do_accept(pc);
    if (n == "connect") return do_connect(pc);
    if (n == "write" || n == "send") return do_write(pc);
    if (n == "read" || n == "recv") return do_read(pc);
    if (n == "close") return do_close(pc);
    if (n == "shutdown") return do_shutdown(pc);
    if (n == "setsockopt") return do_setsockopt(pc);
    if (n == "getsockopt") return do_getsockopt(pc);
    if (n == "fcntl") return do_fcntl(pc);
    fail("unsupported system call '" + n + "' (tunlab runs socket, bind, listen, accept, "
         "connect, write, send, read, recv, close, shutdown, setsockopt, getsockopt, fcntl)");
}

// Would a blocking fd wait on this answer?
static bool blocks(const FdState* fd, int64_t rc, int wait_errno)
{
    return fd && !fd->nonblocking && rc == -wait_errno;
}

void Runner::link_fd_to_flow(FdState* fd, bool new_connection)
{
    struct sock_addr local, peer;
    if (socket_getsockname(st_, fd->stack_fd, &local) < 0 ||
        socket_getpeername(st_, fd->stack_fd, &peer) < 0 || peer.port == 0)
        return;
    int fi = find_flow(peer.port, local.port, true);
    if (new_connection) {
        flows_[size_t(fi)].peer_isn_known = false;
        flows_[size_t(fi)].stack_isn_known = false;
    }
    fd->flow = fi;
}

// ---- one function per call ----

CallResult Runner::do_socket(PendingCall& pc)
{
    const std::vector<Expr>& a = pc.ev->call.args;
    if (a.size() != 3)
        fail("socket() takes 3 arguments");
    int64_t domain = is_ellipsis(a[0]) ? 2 : eval(a[0], "the domain");
    int64_t type = eval(a[1], "the socket type");
    if (domain != 2)
        fail("only AF_INET sockets are supported");
    int rc = socket_open(st_, int(type & 0xf));
    CallResult r = from_rc(rc);
    if (rc >= 0) {
        int64_t script_fd = pc.ev->call.result >= 0 ? pc.ev->call.result : 1000 + rc;
        if (fds_.count(script_fd))
            fail("fd " + std::to_string(script_fd) + " is already open in the script");
        FdState fd;
        fd.stack_fd = rc;
        fd.nonblocking = (type & kONonblock) != 0;
        fds_[script_fd] = fd;
        r.ret = script_fd;
        if (script_fd != rc)
            r.detail = "the stack's fd " + std::to_string(rc);
    }
    return r;
}

// bind(fd, ..., ...) binds kScriptPort (or --bind_port) on every address;
// {sa_family=AF_INET, sin_port=htons(P), sin_addr=inet_addr("A")} works too.
static bool sockaddr_arg(const Expr& e, struct sock_addr* out, std::string* err)
{
    if (e.kind == Expr::kEllipsis)
        return true;
    if (e.kind != Expr::kStruct) {
        *err = "an address is ... or {sa_family=AF_INET, sin_port=htons(P), sin_addr=...}";
        return false;
    }
    for (const Expr& f : e.items) {
        if (f.kind != Expr::kAssign || f.items.size() != 1)
            continue;
        const Expr& v = f.items[0];
        if (f.text == "sin_port") {
            if (v.kind != Expr::kCall || v.text != "htons" || v.items.size() != 1 ||
                v.items[0].kind != Expr::kInt || v.items[0].num < 0 || v.items[0].num > 65535) {
                *err = "sin_port is htons(0..65535)";
                return false;
            }
            out->port = uint16_t(v.items[0].num);
        }
        if (f.text == "sin_addr" && v.kind == Expr::kCall && v.text == "inet_addr" &&
            v.items.size() == 1 && v.items[0].kind == Expr::kString) {
            unsigned a, b, c, d;
            char extra;
            if (sscanf(v.items[0].text.c_str(), "%u.%u.%u.%u%c", &a, &b, &c, &d, &extra) != 4 ||
                a > 255 || b > 255 || c > 255 || d > 255) {
                *err = "bad IPv4 address \"" + v.items[0].text + "\"";
                return false;
            }
            out->ip = a << 24 | b << 16 | c << 8 | d;
        }
    }
    return true;
}

CallResult Runner::do_bind(PendingCall& pc)
{
    const std::vector<Expr>& a = pc.ev->call.args;
    if (a.size() != 3)
        fail("bind() takes 3 arguments");
    struct sock_addr addr = {0, bind_port_};
    std::string err;
    if (!sockaddr_arg(a[1], &addr, &err))
        fail(err);
    int rc = socket_bind(st_, stack_fd(eval(a[0], "the fd")), &addr);
    if (rc == 0)
        last_bound_port_ = addr.port;
    return from_rc(rc);
}

CallResult Runner::do_listen(PendingCall& pc)
{
    const std::vector<Expr>& a = pc.ev->call.args;
    if (a.size() != 2)
        fail("listen() takes 2 arguments");
    int64_t backlog = eval(a[1], "the backlog");
    if (backlog < INT_MIN || backlog > INT_MAX)
        fail("backlog out of range");
    return from_rc(socket_listen(st_, stack_fd(eval(a[0], "the fd")), int(backlog),
                                 usec_t(now_)));
}

CallResult Runner::do_accept(PendingCall& pc)
{
    const std::vector<Expr>& a = pc.ev->call.args;
    if (a.size() < 3)
        fail("accept() takes 3 arguments");
    FdState* lfd = fd_state(eval(a[0], "the fd"));
    struct sock_addr peer = {0, 0};
    int rc = socket_accept(st_, lfd ? lfd->stack_fd : -1, &peer, usec_t(now_));
    if (blocks(lfd, rc, EAGAIN)) {
        CallResult r;
        r.would_block = true;
        return r;
    }
    CallResult r = from_rc(rc);
    if (rc >= 0) {
        int64_t script_fd = pc.ev->call.result >= 0 ? pc.ev->call.result : 1000 + rc;
        if (fds_.count(script_fd))
            fail("accept() returned a connection, but fd " + std::to_string(script_fd) +
                 " is already open in the script");
        FdState fd;
        fd.stack_fd = rc;
        fds_[script_fd] = fd;
        link_fd_to_flow(&fds_[script_fd], false);
        r.ret = script_fd;
    }
    return r;
}

CallResult Runner::do_connect(PendingCall& pc)
{
    const std::vector<Expr>& a = pc.ev->call.args;
    if (a.size() != 3)
        fail("connect() takes 3 arguments");
    FdState* fd = fd_state(eval(a[0], "the fd"));
    if (pc.connect_started) {
        // A blocking connect waits for the handshake's end: writable or an error.
        int ev = socket_events(st_, fd->stack_fd);
        if (ev >= 0 && !(ev & (SOCK_POLLOUT | SOCK_POLLERR | SOCK_POLLHUP))) {
            CallResult r;
            r.would_block = true;
            return r;
        }
        int err = 0;
        socket_getsockopt(st_, fd->stack_fd, SOCK_OPT_ERROR, &err);
        return from_rc(err > 0 ? -err : err);
    }
    struct sock_addr addr = {kPeerAddr, connect_port_};
    std::string err;
    if (!sockaddr_arg(a[1], &addr, &err))
        fail(err);
    int rc = socket_connect(st_, fd ? fd->stack_fd : -1, &addr, usec_t(now_));
    if (fd && (rc == 0 || rc == -EINPROGRESS)) {
        // A new connection: the script's default one from now on.
        struct sock_addr local;
        if (socket_getsockname(st_, fd->stack_fd, &local) == 0) {
            int fi = find_flow(addr.port, local.port, true);
            flows_[size_t(fi)].peer_isn_known = false;
            flows_[size_t(fi)].stack_isn_known = false;
            fd->flow = fi;
            default_flow_ = fi;
        }
    }
    if (blocks(fd, rc, EINPROGRESS)) {
        pc.connect_started = true;
        CallResult r;
        r.would_block = true;
        return r;
    }
    return from_rc(rc);
}

CallResult Runner::do_write(PendingCall& pc)
{
    const std::vector<Expr>& a = pc.ev->call.args;
    if (a.size() < 3)
        fail(pc.ev->call.name + "() takes at least 3 arguments");
    FdState* fd = fd_state(eval(a[0], "the fd"));
    int64_t count = eval(a[2], "the byte count");
    if (count < 0 || uint64_t(count) > kMaxIo)
        fail("byte count out of range (0.." + std::to_string(kMaxIo) + ")");
    uint64_t want = uint64_t(count) - pc.done;
    std::vector<uint8_t> buf(want);
    uint64_t offset = fd ? fd->written : 0;
    for (uint64_t i = 0; i < want; i++)   // stream offset k is relative seq k + 1
        buf[i] = stream_byte(false, uint32_t(offset + 1 + i));
    ssize_t rc = socket_send(st_, fd ? fd->stack_fd : -1, buf.data(), want, usec_t(now_));
    if (rc > 0 && fd) {
        fd->written += uint64_t(rc);
        pc.done += uint64_t(rc);
    }
    bool blocking = fd && !fd->nonblocking;
    if (blocking && pc.done < uint64_t(count) && (rc > 0 || rc == -EAGAIN)) {
        CallResult r;
        r.would_block = true;
        return r;
    }
    if (rc < 0 && pc.done > 0)   // an error after some bytes: they count
        return ok(int64_t(pc.done));
    return rc < 0 ? from_rc(rc) : ok(int64_t(pc.done));
}

CallResult Runner::do_read(PendingCall& pc)
{
    const std::vector<Expr>& a = pc.ev->call.args;
    if (a.size() < 3)
        fail(pc.ev->call.name + "() takes at least 3 arguments");
    FdState* fd = fd_state(eval(a[0], "the fd"));
    int64_t count = eval(a[2], "the byte count");
    if (count < 0 || uint64_t(count) > kMaxIo)
        fail("byte count out of range (0.." + std::to_string(kMaxIo) + ")");
    std::vector<uint8_t> buf(size_t(count) + 1);
    ssize_t rc = socket_recv(st_, fd ? fd->stack_fd : -1, buf.data(), size_t(count),
                             usec_t(now_));
    if (blocks(fd, rc, EAGAIN)) {
        CallResult r;
        r.would_block = true;
        return r;
    }
    if (rc > 0 && fd) {
        // The bytes must be the peer's, in order: a reassembly bug shows here.
        for (ssize_t i = 0; i < rc; i++) {
            uint32_t rel = uint32_t(fd->read + 1 + uint64_t(i));
            if (buf[size_t(i)] != stream_byte(true, rel))
                fail("read() returned wrong data: byte " + std::to_string(fd->read + uint64_t(i)) +
                     " of the stream is not the byte the peer sent at seq " +
                     std::to_string(rel));
        }
        fd->read += uint64_t(rc);
    }
    return from_rc(rc);
}

CallResult Runner::do_close(PendingCall& pc)
{
    const std::vector<Expr>& a = pc.ev->call.args;
    if (a.size() != 1)
        fail("close() takes 1 argument");
    int64_t script_fd = eval(a[0], "the fd");
    int rc = socket_close(st_, stack_fd(script_fd), usec_t(now_));
    fds_.erase(script_fd);   // like close(2): the descriptor is gone either way
    return from_rc(rc);
}

CallResult Runner::do_shutdown(PendingCall& pc)
{
    const std::vector<Expr>& a = pc.ev->call.args;
    if (a.size() != 2)
        fail("shutdown() takes 2 arguments");
    int64_t how = eval(a[1], "how");
    if (how < INT_MIN || how > INT_MAX)
        fail("shutdown's how is out of range");
    return from_rc(socket_shutdown(st_, stack_fd(eval(a[0], "the fd")), int(how),
                                   usec_t(now_)));
}

static const OptionName* find_option(const Expr& name)
{
    return name.kind == Expr::kWord ? option_by_name(name.text) : nullptr;
}

CallResult Runner::do_setsockopt(PendingCall& pc)
{
    const std::vector<Expr>& a = pc.ev->call.args;
    if (a.size() != 5)
        fail("setsockopt() takes 5 arguments");
    const OptionName* o = find_option(a[2]);
    if (!o || o->opt == SOCK_OPT_ERROR)
        fail("unsupported socket option for setsockopt (tunlab has SO_REUSEADDR, SO_RCVBUF, "
             "SO_SNDBUF, SO_KEEPALIVE, SO_LINGER, TCP_NODELAY, TCP_KEEPIDLE, TCP_KEEPINTVL, "
             "TCP_KEEPCNT, TCP_USER_TIMEOUT)");
    int64_t level = eval(a[1], "the level");
    if (level != o->level && !(o->level == 6 && level == 6))
        fail(std::string(o->name) + " belongs to level " +
             (o->level == 1 ? "SOL_SOCKET" : "IPPROTO_TCP"));
    int64_t value;
    if (o->opt == SOCK_OPT_LINGER_ZERO) {
        // {onoff=1, linger=0}: close() sends RST. Other lingers are not modelled.
        int64_t onoff = -1, linger = -1;
        if (a[3].kind == Expr::kStruct) {
            for (const Expr& f : a[3].items) {
                if (f.kind == Expr::kAssign && f.text == "onoff")
                    onoff = eval(f.items[0], "onoff");
                if (f.kind == Expr::kAssign && f.text == "linger")
                    linger = eval(f.items[0], "linger");
            }
        }
        if (onoff < 0 || linger < 0)
            fail("SO_LINGER takes {onoff=N, linger=N}");
        if (onoff && linger != 0)
            fail("tunlab models SO_LINGER only with linger=0 (close sends RST)");
        value = onoff ? 1 : 0;
    } else {
        value = eval(a[3], "the option value");
    }
    if (value < INT_MIN || value > INT_MAX)
        fail("option value out of range");
    return from_rc(socket_setsockopt(st_, stack_fd(eval(a[0], "the fd")), o->opt, int(value),
                                     usec_t(now_)));
}

CallResult Runner::do_getsockopt(PendingCall& pc)
{
    const std::vector<Expr>& a = pc.ev->call.args;
    if (a.size() != 5)
        fail("getsockopt() takes 5 arguments");
    const OptionName* o = find_option(a[2]);
    if (!o || o->opt == SOCK_OPT_LINGER_ZERO)
        fail("unsupported socket option for getsockopt");
    int value = 0;
    int rc = socket_getsockopt(st_, stack_fd(eval(a[0], "the fd")), o->opt, &value);
    if (rc < 0)
        return from_rc(rc);
    if (o->opt == SOCK_OPT_ERROR && value < 0)
        value = -value;   // SO_ERROR reads as a positive errno, as on Linux
    if (!is_ellipsis(a[3])) {
        int64_t want = eval(a[3], "the expected option value");
        if (want != value) {
            std::string shown = o->opt == SOCK_OPT_ERROR && value ? errno_name(value)
                                                                  : std::to_string(value);
            fail(std::string("getsockopt(") + o->name + ") gave [" + shown +
                 "], script expects [" + std::to_string(want) + "]");
        }
    }
    CallResult r = ok(rc);
    r.detail = std::string(o->name) + " is " + std::to_string(value);
    return r;
}

CallResult Runner::do_fcntl(PendingCall& pc)
{
    const std::vector<Expr>& a = pc.ev->call.args;
    if (a.size() < 2)
        fail("fcntl() takes 2 or 3 arguments");
    FdState* fd = fd_state(eval(a[0], "the fd"));
    int64_t cmd = eval(a[1], "the command");
    if (!fd)
        return from_rc(-EBADF);
    if (cmd == 3)   // F_GETFL
        return ok(kORdwr | (fd->nonblocking ? kONonblock : 0));
    if (cmd == 4) {   // F_SETFL
        if (a.size() != 3)
            fail("fcntl(fd, F_SETFL, flags) takes 3 arguments");
        fd->nonblocking = (eval(a[2], "the flags") & kONonblock) != 0;
        return ok(0);
    }
    fail("fcntl supports F_GETFL and F_SETFL only");
}

}  // namespace tscript
