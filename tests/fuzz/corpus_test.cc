// corpus_test.cc — the regression side of a fuzz target: every file of its
// seed corpus and of its crash reproducers, fed to the same
// LLVMFuzzerTestOneInput the fuzzer runs, without libFuzzer.
//
// Usage (tests/fuzz/BUILD passes the folders): corpus_test DIR...
// The first folder (the seed corpus) must hold at least one file; the
// others (crashes/<target>) may be empty or missing.
#include <dirent.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/fuzz/fuzz_common.h"

namespace {

std::vector<std::string> g_dirs;

std::vector<std::string> FilesIn(const std::string &dir)
{
    std::vector<std::string> out;
    DIR *d = opendir(dir.c_str());
    if (d == nullptr)
        return out;
    while (dirent *e = readdir(d)) {
        std::string name = e->d_name;
        if (name == "." || name == ".." || name == "README.md" || name == "BUILD")
            continue;
        out.push_back(dir + "/" + name);
    }
    closedir(d);
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<uint8_t> ReadFile(const std::string &path)
{
    std::ifstream f(path, std::ios::binary);
    return std::vector<uint8_t>(std::istreambuf_iterator<char>(f), {});
}

TEST(Corpus, EveryFileRunsClean)
{
    ASSERT_FALSE(g_dirs.empty()) << "usage: corpus_test CORPUS_DIR [CRASH_DIR...]";
    size_t total = 0;
    for (size_t i = 0; i < g_dirs.size(); i++) {
        std::vector<std::string> files = FilesIn(g_dirs[i]);
        if (i == 0) {
            ASSERT_FALSE(files.empty()) << "the seed corpus " << g_dirs[0] << " is empty";
        }
        for (const std::string &path : files) {
            SCOPED_TRACE(path);
            // Printed first: an invariant that fails aborts the process,
            // and this line then says which file did it.
            fprintf(stderr, "input %s\n", path.c_str());
            std::vector<uint8_t> bytes = ReadFile(path);
            ASSERT_EQ(0, LLVMFuzzerTestOneInput(bytes.data(), bytes.size()));
            total++;
        }
    }
    printf("%zu inputs ran clean\n", total);
}

}  // namespace

int main(int argc, char **argv)
{
    testing::InitGoogleTest(&argc, argv);
    for (int i = 1; i < argc; i++)
        g_dirs.push_back(argv[i]);
    return RUN_ALL_TESTS();
}
