// kernel_fixture.cc — see kernel_fixture.h.
#include "tests/udp/kernel_fixture.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sys/wait.h>

#include "tests/phy/netns.h"

namespace kernelside {

CommandResult Run(const std::string &command)
{
    CommandResult result;
    std::string bounded = "timeout 60 sh -c '" + command + "' 2>&1";
    FILE *pipe = popen(bounded.c_str(), "r");
    if (pipe == nullptr)
        return result;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, pipe)) > 0)
        result.output.append(buf, n);
    int status = pclose(pipe);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

struct daemon *StartDaemon(std::string *why)
{
    char reason[256];
    if (netns_enter_private(reason, sizeof reason) < 0) {
        *why = std::string("no private network namespace: ") + reason;
        return nullptr;
    }
    struct daemon_config cfg;
    daemon_config_default(&cfg);   // tun0, stack 10.0.0.2/24, kernel 10.0.0.1
    cfg.services = false;
    char err[256];
    struct daemon *d = daemon_new(&cfg, err, sizeof err);
    if (d == nullptr) {
        *why = std::string("cannot start the stack on a real device: ") + err;
        return nullptr;
    }
    if (daemon_start_thread(d) < 0) {
        daemon_free(d);
        *why = "cannot start the event-loop thread";
        return nullptr;
    }
    return d;
}

bool HaveTool(const std::string &tool) { return Run("command -v " + tool).exit_code == 0; }

std::string WriteTempFile(const std::string &name, const std::string &text)
{
    const char *dir = getenv("TEST_TMPDIR");
    std::string path = std::string(dir != nullptr ? dir : "/tmp") + "/" + name;
    std::ofstream(path) << text;
    return path;
}

}  // namespace kernelside
