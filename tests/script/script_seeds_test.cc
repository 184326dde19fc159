// script_seeds_test.cc — every script in tcp/ passes whatever the seed.
//
// The seed changes the stack's ISNs and ephemeral ports; scripts write
// sequence numbers relative to the ISNs and never name an ephemeral port, so
// a script that passes with one seed and fails with another has found a
// bug (in the stack, or in the engine's number mapping).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/script/script_runner.h"

namespace tscript {
namespace {

std::vector<std::string> script_files()
{
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator("tests/script/tcp", ec)) {
        if (e.path().extension() == ".pkt")
            out.push_back(e.path().string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

TEST(ScriptSeeds, EveryScriptPassesWithEverySeed)
{
    std::vector<std::string> files = script_files();
    ASSERT_GE(files.size(), 10u) << "the scripts are not in the runfiles";
    for (const std::string& f : files) {
        std::ifstream in(f);
        std::stringstream text;
        text << in.rdbuf();
        for (uint64_t seed : {2ull, 3ull, 42ull, 0xdeadbeefull, 18446744073709551615ull}) {
            RunOptions opts;
            opts.seed_given = true;
            opts.seed = seed;
            RunResult r = run_script_text(text.str(), f, opts);
            EXPECT_TRUE(r.passed) << f << " with seed " << seed << ":\n"
                                  << r.failure << "\n" << r.trace;
        }
    }
}

}  // namespace
}  // namespace tscript
