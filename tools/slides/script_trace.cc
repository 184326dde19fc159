// script_trace.cc — `script_trace FILE.pkt OUT.trace [--seed=N]`: run a trace
// script (tests/script/README.md) against one tunlab stack in virtual time
// and save everything the stack recorded as a trace file
// (tools/draw/trace_file.h), so that tunlab-draw can draw the run.
//
// Exit status: 0 the script passed and the trace is saved; 1 the script
// failed (its report is printed; the trace so far is still saved, so the
// failure can be drawn); 2 usage or I/O error.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/script/script_runner.h"
#include "tools/draw/trace_file.h"

namespace {

int usage()
{
    std::fprintf(stderr, "usage: script_trace FILE.pkt OUT.trace [--seed=N]\n");
    return 2;
}

}  // namespace

int main(int argc, char** argv)
{
    tscript::RunOptions opts;
    const char* files[2] = {nullptr, nullptr};
    int nfiles = 0;
    for (int i = 1; i < argc; i++) {
        if (std::strncmp(argv[i], "--seed=", 7) == 0) {
            char* end = nullptr;
            errno = 0;
            unsigned long long v = std::strtoull(argv[i] + 7, &end, 10);
            if (errno != 0 || end == argv[i] + 7 || *end != '\0')
                return usage();
            opts.seed_given = true;
            opts.seed = v;
        } else if (argv[i][0] == '-' || nfiles == 2) {
            return usage();
        } else {
            files[nfiles++] = argv[i];
        }
    }
    if (nfiles != 2)
        return usage();

    std::ifstream in(files[0], std::ios::binary);
    if (!in) {
        std::fprintf(stderr, "script_trace: cannot read %s: %s\n", files[0], std::strerror(errno));
        return 2;
    }
    std::stringstream text;
    text << in.rdbuf();

    std::vector<trace_event> events;
    opts.events = &events;
    tscript::RunResult r = tscript::run_script_text(text.str(), files[0], opts);
    if (!r.warnings.empty())
        std::fprintf(stderr, "%s", r.warnings.c_str());

    struct trace t;
    trace_init(&t, 0);
    for (const trace_event& ev : events)
        trace_file_record_event(&t, &ev);
    int saved = trace_file_save(&t, files[1]);
    trace_destroy(&t);
    if (saved < 0) {
        std::fprintf(stderr, "script_trace: cannot write %s\n", files[1]);
        return 2;
    }
    if (!r.passed) {
        std::printf("FAIL %s\nseed: %llu\ntrace so far:\n%s", r.failure.c_str(),
                    (unsigned long long)r.seed, r.trace.c_str());
        return 1;
    }
    std::fprintf(stderr, "script_trace: %s passed (seed %llu): %zu events -> %s\n", files[0],
                 (unsigned long long)r.seed, events.size(), files[1]);
    return 0;
}
