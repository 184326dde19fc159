// script_main.cc — `tcp_script [--seed=N] [--trace] FILE.pkt`: run one trace
// script against a fresh tunlab stack and exit 0 if the stack behaved as the
// script says, 1 if not (2 for usage errors).
//
// On failure it prints the script line, expected vs actual, the seed and
// the whole trace so far; --trace prints the trace on success too.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/script/script_runner.h"

namespace {

int usage()
{
    std::fprintf(stderr,
                 "usage: tcp_script [--seed=N] [--trace] FILE.pkt\n"
                 "  --seed=N   run with this seed (overrides the script's %%seed)\n"
                 "  --trace    print the trace even when the script passes\n");
    return 2;
}

}  // namespace

int main(int argc, char** argv)
{
    tscript::RunOptions opts;
    bool print_trace = false;
    const char* file = nullptr;
    for (int i = 1; i < argc; i++) {
        if (std::strncmp(argv[i], "--seed=", 7) == 0) {
            char* end = nullptr;
            errno = 0;
            unsigned long long v = std::strtoull(argv[i] + 7, &end, 10);
            if (errno != 0 || end == argv[i] + 7 || *end != '\0')
                return usage();
            opts.seed_given = true;
            opts.seed = v;
        } else if (std::strcmp(argv[i], "--trace") == 0) {
            print_trace = true;
        } else if (argv[i][0] == '-' || file) {
            return usage();
        } else {
            file = argv[i];
        }
    }
    if (!file)
        return usage();

    std::ifstream in(file, std::ios::binary);
    if (!in) {
        std::fprintf(stderr, "tcp_script: cannot read %s: %s\n", file, std::strerror(errno));
        return 2;
    }
    std::stringstream text;
    text << in.rdbuf();

    tscript::RunResult r = tscript::run_script_text(text.str(), file, opts);
    if (!r.warnings.empty())
        std::fprintf(stderr, "%s", r.warnings.c_str());
    if (r.passed) {
        if (print_trace)
            std::printf("trace (seconds since the script's start):\n%s", r.trace.c_str());
        std::printf("PASS %s (seed %llu)\n", file, (unsigned long long)r.seed);
        return 0;
    }
    std::printf("FAIL %s\n", r.failure.c_str());
    std::printf("seed: %llu (rerun: tcp_script --seed=%llu %s)\n", (unsigned long long)r.seed,
                (unsigned long long)r.seed, file);
    if (!r.trace.empty())
        std::printf("trace so far (seconds since the script's start):\n%s", r.trace.c_str());
    return 1;
}
