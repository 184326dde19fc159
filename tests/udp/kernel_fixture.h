// kernel_fixture.h — the stack on a real TUN device in a network namespace
// of the test's own, with the kernel's tools as children (nc, dig, python3).
//
//   test process (own netns) ── tun0 10.0.0.1 (kernel) ══ 10.0.0.2 (daemon's stack)
//
// Like tests/interop's fixture (whose library is private to its package),
// but the daemon starts without its built-in services: the suite starts the
// services it tests itself, on the daemon's stack, under its mutex.
#ifndef TUNLAB_TESTS_UDP_KERNEL_FIXTURE_H
#define TUNLAB_TESTS_UDP_KERNEL_FIXTURE_H

#include <string>

#include "apps/daemon/daemon.h"

namespace kernelside {

struct CommandResult {
    int exit_code = -1;
    std::string output;   // stdout and stderr together
};

// Run `command` with sh, bounded by `timeout 60`. The command must not
// contain single quotes.
CommandResult Run(const std::string &command);

// Enter a private network namespace and start a daemon on tun0 (services
// off). nullptr with the reason in *why when impossible here (not root, no
// TUN): the caller must GTEST_SKIP() with it, never pass.
struct daemon *StartDaemon(std::string *why);

bool HaveTool(const std::string &tool);

// Write `text` to a new file under the test's temporary directory.
std::string WriteTempFile(const std::string &name, const std::string &text);

}  // namespace kernelside

#endif
