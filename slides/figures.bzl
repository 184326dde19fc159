"""Figures for the slides, built from real runs (slides/README.md).

A trace comes from a scenario program (slides/scenarios) or a trace script
(.pkt) run against the stack; a figure is tunlab-draw's drawing of a trace,
or a program's printed output. Every rule here records what it made in
FIGURES, and //slides:manifest lists them for the tests.
"""

_DRAW = "//tools/draw:tunlab-draw"
_SCENARIO = "//slides/scenarios:slide_scenario"
_SCRIPT_TRACE = "//tools/slides:script_trace"
_TCP_SCRIPT = "//tests/script:tcp_script"

def _quote(s):
    return "'" + s.replace("'", "'\\''") + "'"

def scenario_trace(name):
    """traces/NAME.trace: `slide_scenario NAME` (two stacks, virtual time)."""
    native.genrule(
        name = "trace_" + name,
        testonly = True,
        outs = ["traces/%s.trace" % name],
        tools = [_SCENARIO],
        cmd = "$(location %s) %s $@" % (_SCENARIO, name),
    )

def script_trace(name, script):
    """traces/NAME.trace: the run of a trace script against one stack."""
    native.genrule(
        name = "trace_" + name,
        testonly = True,
        srcs = [script],
        outs = ["traces/%s.trace" % name],
        tools = [_SCRIPT_TRACE],
        cmd = "$(location %s) $(location %s) $@ 2>/dev/null" % (_SCRIPT_TRACE, script),
    )

_EXT = {
    "ladder": "svg",
    "ladder-text": "txt",
    "seqplot": "svg",
    "cwnd": "svg",
    "dump": "txt",
}

def figure(name, trace, kind, title = None, notes = False, absolute = False, args = []):
    """fig/NAME.EXT: tunlab-draw KIND of traces/TRACE.trace."""
    opts = list(args)
    if title:
        opts += ["--title", _quote(title)]
    if notes:
        opts.append("--notes")
    if absolute:
        opts.append("--absolute")
    out = "fig/%s.%s" % (name, _EXT[kind])
    native.genrule(
        name = "fig_" + name,
        testonly = True,
        srcs = [":trace_" + trace],
        outs = [out],
        tools = [_DRAW],
        cmd = "$(location %s) %s --trace $(location :trace_%s) -o $@ %s" % (
            _DRAW,
            kind,
            trace,
            " ".join(opts),
        ),
    )
    return (out, "traces/%s.trace" % trace, kind)

def script_log(name, script):
    """fig/NAME.txt: tcp_script --trace of a script (calls, packets, states)."""
    out = "fig/%s.txt" % name
    native.genrule(
        name = "fig_" + name,
        testonly = True,
        srcs = [script],
        outs = [out],
        tools = [_TCP_SCRIPT],
        # The trace's lines without the engine's notes (RTT samples, ...),
        # and %state lines without their comment.
        cmd = "$(location %s) --trace $(location %s) | grep -v '^[0-9.]* //' | grep -v '^trace (' | sed 's#  // .*##' > $@" % (
            _TCP_SCRIPT,
            script,
        ),
    )
    return (out, script, "script-log")

def figure_set(name, figures):
    """A filegroup of every figure (NAME), one of the traces they were drawn
    from (NAME_traces), and NAME.manifest: one line per figure,
    "OUTPUT SOURCE KIND", for the deck tests."""
    native.filegroup(
        name = name,
        testonly = True,
        srcs = [":fig_" + f[0].split("/")[1].rsplit(".", 1)[0] for f in figures],
    )
    traces = {}
    for f in figures:
        if f[1].startswith("traces/"):
            traces[":trace_" + f[1][len("traces/"):-len(".trace")]] = True
    native.filegroup(
        name = name + "_traces",
        testonly = True,
        srcs = sorted(traces.keys()),
    )
    native.genrule(
        name = name + "_manifest",
        testonly = True,
        outs = [name + ".manifest"],
        cmd = "printf '%%s\\n' %s > $@" % " ".join([_quote(" ".join(f)) for f in figures]),
    )
