"""The build setting that selects "starter N" inside the one workspace.

    bazel test --//tools/labs:starter=3 //labs/lab3-network:graded

builds the stack with the solutions of labs 1 and 2 only: the regions of labs
3..9 compile as their stubs, exactly what tools/labs/make_starter.sh 3 hands
to students. 0 (the default) is the reference: every solution compiled in.
"""

LAB_COUNT = 9

def _starter_flag_impl(ctx):
    # config_setting reads the value straight from the configuration; no
    # provider is needed.
    return []

starter_flag = rule(
    implementation = _starter_flag_impl,
    build_setting = config.int(flag = True),
    doc = "--//tools/labs:starter=N: build starter N (0 = the reference).",
)

def solution_symbols(starter):
    """The LABn_SOLUTION symbols compiled into starter `starter` (0: all)."""
    last = LAB_COUNT if starter == 0 else starter - 1
    return ["LAB%d_SOLUTION" % n for n in range(1, last + 1)]

def lab_solution_defines():
    """A select() of the -D symbols for the current --//tools/labs:starter.

    Put it in `defines` of //stack/core: `defines` propagate to every target
    that depends on core (all of the stack, apps and tests), so one line
    covers every file with a lab region."""
    choices = {"//tools/labs:starter_%d" % n: solution_symbols(n) for n in range(1, LAB_COUNT + 1)}
    choices["//conditions:default"] = solution_symbols(0)
    return select(choices)
