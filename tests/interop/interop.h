// interop.h — the kernel's own tools against a tunlab stack on a real TUN or
// TAP device, inside a network namespace the test process makes for itself.
//
//   test process (its own netns) ── tun0 10.0.0.1 (kernel) ══ 10.0.0.2 (tunlabd's stack)
//
// The fixture starts the same daemon `./tunlab demo` runs, in a thread of
// the test process; commands (ping, curl, nc, dig) run as children and so
// live in the same namespace. Nothing can reach any other network.
#ifndef TUNLAB_TESTS_INTEROP_INTEROP_H
#define TUNLAB_TESTS_INTEROP_INTEROP_H

#include <string>

#include "apps/daemon/daemon.h"

namespace interop {

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// Run a shell command (bounded: callers use tools' own -w/-m timeouts and
// this adds `timeout 120`), returning its exit code and output.
CommandResult Run(const std::string& command);

// Enter a private network namespace and start a daemon with `cfg`. Returns
// nullptr and sets `why` if that is impossible here (not root, no TUN):
// the caller must GTEST_SKIP() with `why`, never pass.
struct daemon* StartDaemon(const daemon_config& cfg, std::string* why);

// The daemon config for TUN (tun0, kernel 10.0.0.1/24, stack 10.0.0.2) and
// for TAP (tap0, kernel 10.0.1.1/24, stack 10.0.1.2).
daemon_config TunConfig();
daemon_config TapConfig();

// A daemon report ("stats", "route", "arp", "sockets") as a string.
std::string Report(struct daemon* d, const char* what);

// Write `text` to a new file under the test's temporary directory; returns
// its path.
std::string WriteTempFile(const std::string& name, const std::string& text);

// TunConfig() without the built-in services, for suites that start the
// service they test themselves (and look at its counters).
daemon_config TunConfigNoServices();

// True if `tool` is on PATH.
bool HaveTool(const std::string& tool);

}  // namespace interop

#endif
