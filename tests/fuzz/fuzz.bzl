"""tunlab_fuzz_target: one libFuzzer target and its regression test."""

load("@rules_cc//cc:defs.bzl", "cc_binary", "cc_library", "cc_test")

def tunlab_fuzz_target(name, srcs, deps, size = "small"):
    """Three rules for the fuzz target NAME (LLVMFuzzerTestOneInput in srcs):

    NAME_lib          the entry function;
    NAME_fuzzer       the libFuzzer binary: tagged manual (gcc cannot link
                      -fsanitize=fuzzer), built by `./tunlab fuzz` with
                      --config=fuzz;
    NAME_corpus_test  a plain gtest feeding every file of corpus/NAME and
                      crashes/NAME to the entry function, in the normal suite;
    NAME_open_crashes_test
                      the same for open_crashes/NAME: reproducers of bugs
                      found but not fixed yet (in code owned elsewhere),
                      tagged manual so the suite stays green; each moves to
                      crashes/NAME with its fix.
    """
    cc_library(
        name = name + "_lib",
        testonly = True,
        srcs = srcs,
        deps = deps + [":fuzz_common"],
        alwayslink = 1,
    )
    cc_binary(
        name = name + "_fuzzer",
        testonly = True,
        linkopts = ["-fsanitize=fuzzer"],
        tags = ["manual"],
        deps = [":" + name + "_lib"],
    )
    cc_test(
        name = name + "_corpus_test",
        size = size,
        srcs = ["corpus_test.cc"],
        args = [
            "tests/fuzz/corpus/" + name,
            "tests/fuzz/crashes/" + name,
        ],
        data = native.glob(
            ["corpus/" + name + "/**", "crashes/" + name + "/**"],
            allow_empty = True,
        ),
        deps = [
            ":" + name + "_lib",
            "@gtest//:gtest",
        ],
    )

    open_crashes = native.glob(["open_crashes/" + name + "/**"], allow_empty = True)
    if open_crashes:
        cc_test(
            name = name + "_open_crashes_test",
            size = size,
            srcs = ["corpus_test.cc"],
            args = ["tests/fuzz/open_crashes/" + name],
            data = open_crashes,
            tags = ["manual"],
            deps = [
                ":" + name + "_lib",
                "@gtest//:gtest",
            ],
        )
