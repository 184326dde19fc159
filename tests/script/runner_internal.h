// runner_internal.h — the Runner class behind run_script(), shared by its
// source files:
//   runner.cc          setup, the main loop, virtual time, packets, %state
//   runner_syscalls.cc the system calls, fd mapping, blocking calls
//   runner_trace.cc    recording and printing the trace
// Not for use outside tests/script.
#ifndef TUNLAB_TESTS_SCRIPT_RUNNER_INTERNAL_H
#define TUNLAB_TESTS_SCRIPT_RUNNER_INTERNAL_H

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "stack/core/trace.h"
#include "stack/phy/capdev.h"
#include "tests/script/script_ast.h"
#include "tests/script/script_packet.h"
#include "tests/script/script_runner.h"

struct stack;

namespace tscript {

// Thrown to stop the script; run() turns it into RunResult::failure.
struct ScriptFailure {
    std::string message;
};

constexpr int64_t kNever = INT64_MAX;

// A packet the stack sent, waiting to be matched by a `>` line.
struct SentPacket {
    int64_t time = 0;
    std::string decode_error;   // not TCP/IPv4: can never match
    Segment seg;
    int flow = -1;              // index in flows_, -1 if none fits
};

// A descriptor the script uses (the number it expects) and its stack fd.
struct FdState {
    int stack_fd = -1;
    bool nonblocking = false;
    int flow = -1;           // the connection, once known (connect/accept)
    uint64_t written = 0;    // bytes the script wrote: the next byte's stream offset
    uint64_t read = 0;       // bytes the script read
};

// A system call in progress: a blocking call that has not returned yet.
struct PendingCall {
    const Event* ev = nullptr;
    int64_t start = 0;
    int64_t end = kNever;        // packetdrill's ...end time, or kNever
    bool connect_started = false;
    uint64_t done = 0;           // write: bytes accepted so far
};

// What one attempt of a call produced.
struct CallResult {
    bool would_block = false;   // blocking fd, nothing yet: retry later
    int64_t ret = 0;            // >= 0, or -1 with err
    int err = 0;                // positive errno when ret == -1
    std::string detail;         // extra words for the trace ("new fd 4")
};

// One line of the trace: a stack event, or a line the engine adds.
struct TraceEntry {
    int64_t time = 0;
    bool is_event = false;
    struct trace_event ev;   // when is_event
    std::string text;        // otherwise
};

class Runner {
public:
    Runner(const Script& script, const std::string& file, const RunOptions& opts);
    ~Runner();
    Runner(const Runner&) = delete;
    Runner& operator=(const Runner&) = delete;

    RunResult run();

private:
    // ---- runner.cc ----
    void configure();
    void start_stack();
    void run_event(const Event& e);
    void window_of(const Event& e, int64_t* lo, int64_t* hi);
    void advance_to(int64_t t);
    void step_timers_to(int64_t t);
    void set_now(int64_t t);
    void service();
    void drain();
    void inject(const Event& e);
    void expect(const Event& e, int64_t lo, int64_t hi);
    void check_sent(const Event& e, const SentPacket& sp, int64_t lo, int64_t hi);
    void assert_state(const Event& e);
    int resolve_flow(const PacketSpec& spec);
    int find_flow(uint16_t peer_port, uint16_t stack_port, bool create);
    void learn_isn(Flow& f, const Segment& seg);
    int flow_of_segment(const Segment& seg, bool inbound);
    int tcp_state(const Flow& f);
    [[noreturn]] void fail(const std::string& message);
    std::string describe_sent(const SentPacket& sp) const;

    // ---- runner_syscalls.cc ----
    void start_call(const Event& e);
    void poll_pending();
    CallResult attempt(PendingCall& pc);
    void finish_call(PendingCall& pc, const CallResult& r);
    int stack_fd(int64_t script_fd) const;
    FdState* fd_state(int64_t script_fd);
    int64_t eval(const Expr& e, const char* what);
    CallResult do_socket(PendingCall& pc);
    CallResult do_bind(PendingCall& pc);
    CallResult do_listen(PendingCall& pc);
    CallResult do_accept(PendingCall& pc);
    CallResult do_connect(PendingCall& pc);
    CallResult do_write(PendingCall& pc);
    CallResult do_read(PendingCall& pc);
    CallResult do_close(PendingCall& pc);
    CallResult do_shutdown(PendingCall& pc);
    CallResult do_setsockopt(PendingCall& pc);
    CallResult do_getsockopt(PendingCall& pc);
    CallResult do_fcntl(PendingCall& pc);
    void link_fd_to_flow(FdState* fd, bool new_connection);

    // ---- runner_trace.cc ----
    static void on_trace_event(void* ctx, const struct trace_event* ev);
    void note(const std::string& text);
    std::string format_trace();
    void format_pending();
    std::string format_entry(const TraceEntry& t) const;

    const Script& script_;
    std::string file_;
    RunOptions opts_;

    // Settings (from --options and %directives).
    uint64_t seed_ = kDefaultSeed;
    int64_t msl_ = 0;             // 0: the stack's default
    uint32_t mtu_ = 1500;
    int64_t tolerance_ = 0;       // µs; virtual time is exact by default
    uint16_t bind_port_ = kScriptPort;
    uint16_t connect_port_ = kScriptPort;

    // The stack under test.
    struct stack* st_ = nullptr;
    struct capdev cap_;
    bool cap_ready_ = false;
    struct trace trace_;

    int64_t now_ = 0;             // virtual time, µs since the script's start
    int64_t last_time_ = 0;       // base of relative times
    uint64_t timer_steps_ = 0;
    uint16_t ip_id_ = 1;
    const Event* current_ = nullptr;

    std::deque<SentPacket> sent_;
    std::vector<Flow> flows_;
    int default_flow_ = -1;
    uint16_t last_bound_port_ = 0;
    std::map<int64_t, FdState> fds_;
    std::unique_ptr<PendingCall> pending_;

    std::vector<TraceEntry> trace_entries_;
    size_t formatted_upto_ = 0;   // entries before this are text already
    uint64_t trace_dropped_ = 0;
    std::string warnings_;
};

}  // namespace tscript

#endif
