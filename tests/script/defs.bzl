"""tcp_script_test: one trace script (.pkt) as one Bazel test.

    load("//tests/script:defs.bzl", "tcp_script_test")
    tcp_script_test(name = "passive_open", script = "tcp/passive_open.pkt")

The test runs the engine binary //tests/script:tcp_script on the script; it
passes when the stack under test does exactly what the script says. The test
log holds the script's whole trace (--trace), so a passing script documents
the exchange too. `seed` overrides the script's %seed.
"""

def tcp_script_test(name, script, seed = None, **kwargs):
    args = [
        "$(location //tests/script:tcp_script)",
        "--trace",
    ]
    if seed != None:
        args.append("--seed=%d" % seed)
    args.append("$(location %s)" % script)
    native.sh_test(
        name = name,
        srcs = ["//tests/script:run_script.sh"],
        args = args,
        data = [
            "//tests/script:tcp_script",
            script,
        ],
        size = kwargs.pop("size", "small"),
        **kwargs
    )
