// fuzz_common.h — what every tunlab fuzz target shares.
//
// A fuzz target is one function, LLVMFuzzerTestOneInput(data, size), that
// must never crash, hang or leak whatever the bytes are. The same function
// is linked twice (tests/fuzz/BUILD):
//   - with -fsanitize=fuzzer into a libFuzzer binary (`./tunlab fuzz`);
//   - into a plain gtest (corpus_test.cc) that feeds it every file of the
//     target's seed corpus and every crash reproducer, so what the fuzzer
//     once found stays fixed in the normal suite.
//
// Inputs are read as a stream of fields (FuzzInput): the fuzzer mutates
// bytes, and each target turns them into packets with the lengths and
// checksums right where a wrong one would only test the first check.
// An invariant that fails calls FuzzFail, which prints and aborts: libFuzzer
// saves the input as a crash, the gtest dies with the message.
#ifndef TUNLAB_TESTS_FUZZ_FUZZ_COMMON_H
#define TUNLAB_TESTS_FUZZ_FUZZ_COMMON_H

#include <algorithm>
#include <cstdarg>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "stack/core/byteorder.h"
#include "stack/core/checksum.h"
#include "stack/core/log.h"
#include "stack/core/pkb.h"
#include "stack/core/trace.h"
#include "stack/dump/dump.h"
#include "stack/net/ip4.h"
#include "stack/phy/capdev.h"
#include "stack/stack.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

namespace fuzz {

constexpr uint32_t kPeer = 0x0A000001;    // 10.0.0.1: the fuzzer plays this host
constexpr uint32_t kStack = 0x0A000002;   // 10.0.0.2: the stack under test

[[noreturn]] inline void FuzzFail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "tunlab fuzz invariant failed: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    abort();
}

#define FUZZ_CHECK(cond, ...)              \
    do {                                   \
        if (!(cond))                       \
            ::fuzz::FuzzFail(__VA_ARGS__); \
    } while (0)

// The input as a stream of fields; reading past the end gives zeros and
// empty byte strings, so every input is a valid (if short) program.
class FuzzInput {
  public:
    FuzzInput(const uint8_t *data, size_t size) : p_(data), left_(size) {}
    bool Empty() const { return left_ == 0; }
    size_t Left() const { return left_; }
    uint8_t U8()
    {
        if (left_ == 0)
            return 0;
        left_--;
        return *p_++;
    }
    uint16_t U16() { return (uint16_t)((U8() << 8) | U8()); }
    uint32_t U32() { return ((uint32_t)U16() << 16) | U16(); }
    // Up to n bytes (fewer when the input ends).
    std::vector<uint8_t> Bytes(size_t n)
    {
        if (n > left_)
            n = left_;
        std::vector<uint8_t> out(p_, p_ + n);
        p_ += n;
        left_ -= n;
        return out;
    }
    std::vector<uint8_t> Rest() { return Bytes(left_); }

  private:
    const uint8_t *p_;
    size_t left_;
};

// Writes the fields FuzzInput reads (seed generators use it).
class FuzzWriter {
  public:
    void U8(uint8_t v) { out_.push_back(v); }
    void U16(uint16_t v) { U8((uint8_t)(v >> 8)), U8((uint8_t)v); }
    void U32(uint32_t v) { U16((uint16_t)(v >> 16)), U16((uint16_t)v); }
    void Bytes(const std::vector<uint8_t> &b) { out_.insert(out_.end(), b.begin(), b.end()); }
    const std::vector<uint8_t> &Out() const { return out_; }

  private:
    std::vector<uint8_t> out_;
};

inline void DiscardLog(void *, enum log_level, const char *, const char *) {}

// The stack logs odd input at WARN; thousands of inputs per second would
// flood the terminal, so the targets silence it once.
inline void QuietLogs()
{
    static bool done = false;
    if (!done) {
        log_set_sink(DiscardLog, nullptr);
        done = true;
    }
}

// Live packet buffers at the start of one input: after the stack is freed
// the count must be back here (pkb_stats is process-wide).
class PkbBalance {
  public:
    PkbBalance() : start_(pkb_stats()) {}
    void Check(const char *what) const
    {
        struct pkb_stats now = pkb_stats();
        FUZZ_CHECK(now.live_buffers == start_.live_buffers && now.live_bytes == start_.live_bytes,
                   "%s: packet buffers leaked: %llu live (%llu bytes) at the start, %llu "
                   "(%llu bytes) at the end",
                   what, (unsigned long long)start_.live_buffers,
                   (unsigned long long)start_.live_bytes, (unsigned long long)now.live_buffers,
                   (unsigned long long)now.live_bytes);
    }
    uint64_t Grown() const { return pkb_stats().live_bytes - start_.live_bytes; }

  private:
    struct pkb_stats start_;
};

// Each trace event printed as it happens (TUNLAB_FUZZ_TRACE=1).
inline void PrintEvent(void *, const struct trace_event *ev)
{
    char line[512];
    dump_event(ev, line, sizeof line);
    fprintf(stderr, "%s\n", line);
}

// One stack at 10.0.0.2/24 on a capture device, in virtual time. No trace
// (speed), unless TUNLAB_FUZZ_TRACE is set in the environment: then every
// packet and state change is printed, to read what a reproducer does:
//   TUNLAB_FUZZ_TRACE=1 bazel-bin/tests/fuzz/tcp_state_fuzzer CRASH_FILE
// The fuzzer is the peer at 10.0.0.1 (or any host on the link).
class FuzzStack {
  public:
    explicit FuzzStack(enum netdev_link link = NETDEV_LINK_IP, uint64_t seed = 1)
    {
        QuietLogs();
        capdev_init(&cap_, link == NETDEV_LINK_IP ? "tun0" : "tap0", link, 1500);
        struct trace *tr = nullptr;
        if (getenv("TUNLAB_FUZZ_TRACE") != nullptr) {
            trace_init(&trace_, 1);
            trace_set_listener(&trace_, PrintEvent, nullptr);
            tr = &trace_;
            traced_ = true;
        }
        stack_config sc = {"stack", seed, tr};
        st_ = stack_new(&sc);
        FUZZ_CHECK(st_ != nullptr, "stack_new");
        FUZZ_CHECK(stack_add_iface(st_, &cap_.dev, kStack, 24, now_) >= 0, "stack_add_iface");
        Drain();
    }
    ~FuzzStack()
    {
        stack_free(st_);
        capdev_destroy(&cap_);
        if (traced_)
            trace_destroy(&trace_);
    }
    FuzzStack(const FuzzStack &) = delete;
    FuzzStack &operator=(const FuzzStack &) = delete;

    struct stack *st() { return st_; }
    struct capdev *cap() { return &cap_; }
    usec_t now() const { return now_; }

    void Inject(const std::vector<uint8_t> &b) { capdev_inject(&cap_, b.data(), b.size(), now_); }
    void Inject(const uint8_t *b, size_t len) { capdev_inject(&cap_, b, len, now_); }

    // Advance virtual time by d, firing each timer at its deadline. Bounded:
    // a timer that re-arms itself for "now" forever is a hang, reported.
    void Advance(usec_t d)
    {
        usec_t end = now_ + d;
        for (int guard = 0;; guard++) {
            FUZZ_CHECK(guard < 100000, "timers keep firing at %llu us", (unsigned long long)now_);
            usec_t next = stack_next_deadline(st_);
            if (next == USEC_NEVER || next > end)
                break;
            if (next > now_)
                now_ = next;
            stack_run_timers(st_, now_);
        }
        now_ = end;
    }

    // Free what the stack sent; returns how many packets that was.
    size_t Drain()
    {
        size_t n = 0;
        while (pkb *p = capdev_pop(&cap_)) {
            pkb_free(p);
            n++;
        }
        return n;
    }

  private:
    capdev cap_;
    struct trace trace_;
    bool traced_ = false;
    struct stack *st_ = nullptr;
    usec_t now_ = usec_from_sec(1000);
};

// An IPv4 header (20 bytes, no options) in front of payload, checksum right.
inline std::vector<uint8_t> Ip4Wrap(uint32_t src, uint32_t dst, uint8_t protocol,
                                    const std::vector<uint8_t> &payload, uint16_t id = 1,
                                    uint16_t flags_frag = 0, uint8_t ttl = 64)
{
    std::vector<uint8_t> b(20 + payload.size());
    uint8_t *ip = b.data();
    ip[0] = 0x45;
    be16_write(ip + 2, (uint16_t)b.size());
    be16_write(ip + 4, id);
    be16_write(ip + 6, flags_frag);
    ip[8] = ttl;
    ip[9] = protocol;
    be32_write(ip + 12, src);
    be32_write(ip + 16, dst);
    be16_write(ip + 10, checksum_inet(ip, 20));
    std::copy(payload.begin(), payload.end(), b.begin() + 20);
    return b;
}

}  // namespace fuzz

#endif
