// inmem_bench (tools/bench) runs for a tiny size and prints the one line
// bench.sh parses, with figures that add up. No timing is asserted.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <sstream>
#include <string>

namespace {

struct RunResult {
  int status = -1;
  std::string out;
};

// Run the program (a data dependency, in the runfiles) with `args`.
RunResult RunInmem(const std::string& args) {
  RunResult r;
  std::string cmd = "tools/bench/inmem_bench " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  char buf[512];
  while (fgets(buf, sizeof buf, p) != nullptr) r.out += buf;
  int raw = pclose(p);
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return r;
}

// "inmem bulk a=1 b=2" -> {a: "1", b: "2"}, from the line starting with prefix.
std::map<std::string, std::string> Fields(const std::string& out, const std::string& prefix) {
  std::map<std::string, std::string> f;
  std::istringstream lines(out);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind(prefix, 0) != 0) continue;
    std::istringstream words(line.substr(prefix.size()));
    std::string w;
    while (words >> w) {
      size_t eq = w.find('=');
      if (eq != std::string::npos) f[w.substr(0, eq)] = w.substr(eq + 1);
    }
  }
  return f;
}

double Num(const std::map<std::string, std::string>& f, const std::string& key) {
  auto it = f.find(key);
  return it == f.end() ? -1 : std::strtod(it->second.c_str(), nullptr);
}

TEST(InmemBench, BulkRunPrintsAParseableLine) {
  RunResult r = RunInmem("--bytes 2M --seed 3");
  SCOPED_TRACE("output: " + r.out);
  ASSERT_EQ(r.status, 0);
  auto f = Fields(r.out, "inmem bulk ");
  for (const char* key : {"bytes", "cpu_s", "gbps", "data_segs", "acks", "ns_per_seg",
                          "ns_per_pkt", "complete"})
    EXPECT_EQ(f.count(key), 1u) << "missing " << key;
  EXPECT_EQ(Num(f, "bytes"), 2.0 * 1024 * 1024);
  EXPECT_EQ(Num(f, "complete"), 1);
  // 2 MiB in segments of at most 1460 bytes: at least 1437 of them.
  EXPECT_GE(Num(f, "data_segs"), 1437);
  EXPECT_GT(Num(f, "acks"), 0);
  EXPECT_GE(Num(f, "retrans"), 0);  // TCP's behaviour is TCP's tests' business
  EXPECT_GE(Num(f, "gbps"), 0);
}

TEST(InmemBench, IdleConnectionsAreAllEstablishedAndCounted) {
  RunResult r = RunInmem("--idle-conns 300 --seed 5");
  SCOPED_TRACE("output: " + r.out);
  ASSERT_EQ(r.status, 0);
  auto f = Fields(r.out, "inmem idle ");
  EXPECT_EQ(Num(f, "conns"), 300);
  EXPECT_EQ(Num(f, "established"), 300);
  EXPECT_EQ(Num(f, "held"), 300);
  // mallinfo2 sees nothing under ASan (its own allocator), so only >= 0.
  EXPECT_GE(Num(f, "per_endpoint"), 0);
  EXPECT_GT(Num(f, "rss"), 0);
}

TEST(InmemBench, BadArgumentsExitTwo) {
  for (const char* args : {"--bytes lots", "--mtu 10", "--frobnicate"}) {
    SCOPED_TRACE(args);
    RunResult r = RunInmem(args);
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.out.find("usage: inmem_bench"), std::string::npos);
  }
}

}  // namespace
