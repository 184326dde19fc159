// interop.cc — see interop.h.
#include "tests/interop/interop.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sys/wait.h>

#include "tests/phy/netns.h"

namespace interop {

CommandResult Run(const std::string& command) {
  CommandResult result;
  std::string bounded = "timeout 120 sh -c '" + command + "' 2>&1";
  FILE* pipe = popen(bounded.c_str(), "r");
  if (pipe == nullptr) return result;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), pipe)) > 0) result.output.append(buf, n);
  int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

struct daemon* StartDaemon(const daemon_config& cfg, std::string* why) {
  char reason[256];
  if (netns_enter_private(reason, sizeof(reason)) < 0) {
    *why = std::string("no private network namespace: ") + reason;
    return nullptr;
  }
  char err[256];
  struct daemon* d = daemon_new(&cfg, err, sizeof(err));
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

daemon_config TunConfig() {
  daemon_config cfg;
  daemon_config_default(&cfg);
  return cfg;
}

daemon_config TapConfig() {
  daemon_config cfg;
  daemon_config_default(&cfg);
  cfg.dev_name = "tap0";
  cfg.link = NETDEV_LINK_ETHERNET;
  cfg.addr = 0x0A000102;         // 10.0.1.2
  cfg.kernel_addr = 0x0A000101;  // 10.0.1.1
  return cfg;
}

std::string Report(struct daemon* d, const char* what) {
  char* text = nullptr;
  size_t len = 0;
  FILE* f = open_memstream(&text, &len);
  if (f == nullptr) return "";
  int rc = daemon_report(d, what, f);
  fclose(f);
  std::string out = rc == 0 ? std::string(text, len) : "unknown report";
  free(text);
  return out;
}

std::string WriteTempFile(const std::string& name, const std::string& text) {
  const char* dir = getenv("TEST_TMPDIR");
  std::string path = std::string(dir != nullptr ? dir : "/tmp") + "/" + name;
  std::ofstream(path) << text;
  return path;
}

daemon_config TunConfigNoServices() {
  daemon_config cfg = TunConfig();
  cfg.services = false;
  return cfg;
}

bool HaveTool(const std::string& tool) {
  return Run("command -v " + tool).exit_code == 0;
}

}  // namespace interop
