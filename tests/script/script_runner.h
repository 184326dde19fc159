// script_runner.h — runs a parsed trace script against one tunlab stack in
// virtual time and says whether the stack did what the script expects.
//
// The stack (10.0.0.2) sits on a capture device (stack/phy/capdev.h, an IP
// "TUN-like" device that never touches a real network); the script plays the
// peer (10.0.0.1): `<` lines are injected, `>` lines must be what the stack
// transmits, at the stated time. The virtual clock jumps from one timer
// deadline to the next, so a 60-second TIME-WAIT takes microseconds.
// See README.md for the rules (timing, blocking calls, directives).
#ifndef TUNLAB_TESTS_SCRIPT_SCRIPT_RUNNER_H
#define TUNLAB_TESTS_SCRIPT_SCRIPT_RUNNER_H

#include <cstdint>
#include <string>
#include <vector>

#include "stack/core/trace.h"
#include "tests/script/script_ast.h"

namespace tscript {

struct RunOptions {
    bool seed_given = false;   // overrides the script's %seed
    uint64_t seed = 0;
    // When set, every event the stack records (packets in and out, states,
    // variables, notes) is appended here as it happens, so that a tool can
    // save the run as a trace file and draw it (tools/slides/script_trace).
    std::vector<trace_event>* events = nullptr;
};

struct RunResult {
    bool passed = false;
    uint64_t seed = 0;
    std::string failure;   // "file:line: what went wrong" + expected/actual; "" on success
    std::string trace;     // every packet, state change and call, one per line
    std::string warnings;  // lines the engine skipped, options it ignored
};

// The seed a script runs with when neither %seed nor RunOptions gives one.
constexpr uint64_t kDefaultSeed = 1;

RunResult run_script(const Script& script, const std::string& file, const RunOptions& opts);

// Parse, then run. A parse error is a failed result whose `failure` is the
// formatted parse error.
RunResult run_script_text(const std::string& text, const std::string& file,
                          const RunOptions& opts);

}  // namespace tscript

#endif
