#!/usr/bin/env python3
"""tunlab's lab grader (python3, standard library only).

    grade.py run    [--tree DIR] [--lab N|all] [--hidden] [--out DIR] ...
    grade.py batch  SUBMISSIONS --out DIR [--lab N|all] [--hidden] ...
    grade.py score  --lab N|all --testlogs DIR [--out DIR]
    grade.py check  SPEC.json            (used by the Bazel tests, see defs.bzl)

`run` grades one tree: it runs the graded tests of one lab (or all) with
`bazel test`, reads each test's test.xml, and writes
  results.json  Gradescope's format: score, max_score, and tests, each with
                name, score, max_score, output, visibility
  report.md     the same for people: a table, then every failing test with
                its output (a trace script's failure as an expected/actual
                diff and the end of its trace)
`batch` grades every submission (a folder or an archive holding a starter
tree) in a folder, one after another in the same work copy so that Bazel
rebuilds only what the students changed, and writes grades.csv. By default
the instructor's tests/, labs/ and build settings are copied over each
submission first, so a student cannot change what grades them; --hidden
adds the hidden tests of labs/hidden/, which students never receive.
`score` scores test.xml files that are already there, without Bazel.

What is graded, and for how many points, is read from labs/*/graded.bzl
(LAB = {...}) and labs/hidden/graded.bzl (HIDDEN = [...]): plain literals
that Bazel's macros (tools/labs/defs.bzl) read too.
"""

import argparse
import ast
import csv
import html
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))          # tools/labs/ -> the repo
OUTPUT_LIMIT = 6000          # characters of output kept per test in results.json
VISIBLE = "visible"
HIDDEN_VISIBILITY = "after_published"
GRADESCOPE_VISIBILITY = {"hidden", "after_due_date", "after_published", "visible"}

# ---------------------------------------------------------------------------
# What is graded: labs/*/graded.bzl
# ---------------------------------------------------------------------------


def read_bzl_literal(path, name):
    """The value of `NAME = <literal>` in a .bzl file of plain literals."""
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read(), filename=path)
    for node in tree.body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name) and node.targets[0].id == name):
            return ast.literal_eval(node.value)
    raise ValueError("%s: no %s = ... found" % (path, name))


def load_labs(root, hidden=False):
    """Every lab's dict, sorted by number, each test marked with its
    visibility; with hidden, labs/hidden/graded.bzl's tests are added to
    their labs."""
    labs_dir = os.path.join(root, "labs")
    labs = {}
    for entry in sorted(os.listdir(labs_dir)):
        path = os.path.join(labs_dir, entry, "graded.bzl")
        if entry == "hidden" or not os.path.isfile(path):
            continue
        lab = read_bzl_literal(path, "LAB")
        lab["folder"] = entry
        for t in lab["tests"]:
            t.setdefault("visibility", VISIBLE)
        labs[lab["number"]] = lab
    if hidden:
        path = os.path.join(labs_dir, "hidden", "graded.bzl")
        if not os.path.isfile(path):
            raise SystemExit("grade: --hidden, but there is no %s" % path)
        for block in read_bzl_literal(path, "HIDDEN"):
            lab = labs.get(block["number"])
            if lab is None:
                raise SystemExit("grade: hidden tests for unknown lab %d" % block["number"])
            for t in block["tests"]:
                t = dict(t)
                t.setdefault("visibility", HIDDEN_VISIBILITY)
                lab["tests"].append(t)
    return [labs[n] for n in sorted(labs)]


def select_labs(labs, which):
    if which in (None, "all"):
        return labs
    wanted = {int(x) for x in str(which).split(",")}
    chosen = [lab for lab in labs if lab["number"] in wanted]
    missing = wanted - {lab["number"] for lab in chosen}
    if missing:
        raise SystemExit("grade: no such lab: %s" % ", ".join(map(str, sorted(missing))))
    return chosen


def entry_items(entry):
    """(case, points) pairs of one graded entry; a script is one item."""
    if "cases" in entry:
        return list(entry["cases"].items())
    return [(None, entry["points"])]


def test_name(lab, entry, case):
    name = "lab %d: %s" % (lab["number"], entry["target"])
    return name + (" " + case if case else "")


# ---------------------------------------------------------------------------
# Scoring: test.xml -> per-test results (no Bazel needed)
# ---------------------------------------------------------------------------


class Outcome:
    """What happened to one graded test (a GoogleTest case or a script)."""

    PASS, FAIL, SKIP, MISSING = "pass", "fail", "skipped", "missing"

    def __init__(self, status, output=""):
        self.status = status
        self.output = output

    def __repr__(self):
        return "Outcome(%s)" % self.status


def _case_status(tc):
    failures = tc.findall("failure") + tc.findall("error")
    if failures:
        text = "\n".join((f.get("message") or "") + ("\n" + f.text if f.text else "")
                         for f in failures)
        return Outcome(Outcome.FAIL, html.unescape(text).strip())
    if (tc.get("result") in ("skipped", "suppressed") or tc.get("status") == "notrun"
            or tc.find("skipped") is not None):
        return Outcome(Outcome.SKIP, "the test was skipped (GTEST_SKIP or disabled)")
    return Outcome(Outcome.PASS)


def read_test_xml(path):
    """Outcomes by full test name from a test.xml: GoogleTest's (one
    testcase per case, named Suite.Case) or the one Bazel writes for other
    tests (one testcase named after the target). Returns {} if the file is
    missing or unreadable (the binary crashed before writing it)."""
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError):
        return {}
    outcomes = {}
    for tc in root.iter("testcase"):
        cls = tc.get("classname")
        name = "%s.%s" % (cls, tc.get("name")) if cls else tc.get("name")
        outcomes[name] = _case_status(tc)
    # Bazel's own xml keeps the log in system-out.
    out = root.find(".//system-out")
    if out is not None and out.text and len(outcomes) == 1:
        only = next(iter(outcomes.values()))
        if only.status != Outcome.PASS:
            only.output = (only.output + "\n" + out.text).strip()
    return outcomes


def script_trace_diff(log):
    """A failing trace script's report as a diff: the FAIL line, the
    expected (-) and actual (+) segment, the seed, and the end of the trace."""
    lines = log.splitlines()
    start = next((i for i, l in enumerate(lines) if l.startswith("FAIL ")), None)
    if start is None:
        tail = lines[-40:]
        return "\n".join(tail)
    out = [lines[start], "--- expected (the script)", "+++ actual (the stack)"]
    trace_at = None
    for i in range(start + 1, len(lines)):
        l = lines[i]
        s = l.strip()
        if s.startswith("expected:"):
            out.append("-" + s[len("expected:"):].strip())
        elif s.startswith("actual:"):
            out.append("+" + s[len("actual:"):].strip())
        elif s.startswith("script line:") or s.startswith("seed:"):
            out.append("  " + s)
        elif s.startswith("trace so far"):
            trace_at = i
            break
    if trace_at is not None:
        trace = [l for l in lines[trace_at + 1:] if l.strip()]
        if len(trace) > 25:
            out.append("  ... (%d earlier trace lines)" % (len(trace) - 25))
        out.append("end of the trace:")
        out.extend("  " + l for l in trace[-25:])
    return "\n".join(out)


def score_lab(lab, outcomes_of):
    """Score one lab. outcomes_of(entry) returns {name: Outcome} for the
    entry's target. Returns a list of test dicts in Gradescope's shape plus
    the fields `status`, `lab` and `visibility`."""
    tests = []
    for entry in lab["tests"]:
        outcomes = outcomes_of(entry)
        for case, points in entry_items(entry):
            if case is None:
                outcome = next(iter(outcomes.values()), None) if outcomes else None
            else:
                outcome = outcomes.get(case)
            if outcome is None:
                outcome = Outcome(Outcome.MISSING,
                                  "no result: the test did not build, crashed or timed out "
                                  "before it reported this case")
            output = outcome.output
            if case is None and outcome.status != Outcome.PASS:
                output = script_trace_diff(output)
            tests.append({
                "name": test_name(lab, entry, case),
                "score": points if outcome.status == Outcome.PASS else 0,
                "max_score": points,
                "output": ("passed" if outcome.status == Outcome.PASS
                           else "%s\n%s" % (outcome.status.upper(), output))[:OUTPUT_LIMIT],
                "visibility": entry.get("visibility", VISIBLE),
                "status": outcome.status,
                "lab": lab["number"],
            })
    return tests


def results_json(tests, title=""):
    """Gradescope's results.json (extra per-test keys dropped)."""
    keep = ("name", "score", "max_score", "output", "visibility")
    score = sum(t["score"] for t in tests)
    max_score = sum(t["max_score"] for t in tests)
    return {
        "score": score,
        "max_score": max_score,
        "output": "%s%g / %g points" % (title + ": " if title else "", score, max_score),
        "visibility": VISIBLE,
        "stdout_visibility": "hidden",
        "tests": [{k: t[k] for k in keep} for t in tests],
    }


def validate_results(results):
    """Problems with a results.json dict (empty list: valid). Checks the
    fields Gradescope reads and that the scores add up."""
    problems = []

    def number(v):
        return isinstance(v, (int, float)) and not isinstance(v, bool)

    for key in ("score", "max_score", "tests"):
        if key not in results:
            problems.append("missing top-level field %r" % key)
    if problems:
        return problems
    if not number(results["score"]) or not number(results["max_score"]):
        problems.append("score and max_score must be numbers")
    if not isinstance(results["tests"], list) or not results["tests"]:
        problems.append("tests must be a non-empty list")
        return problems
    total = maximum = 0
    for i, t in enumerate(results["tests"]):
        for key, kind in (("name", str), ("output", str), ("visibility", str)):
            if not isinstance(t.get(key), kind):
                problems.append("tests[%d].%s must be a string" % (i, key))
        if not number(t.get("score")) or not number(t.get("max_score")):
            problems.append("tests[%d]: score and max_score must be numbers" % i)
            continue
        if not 0 <= t["score"] <= t["max_score"]:
            problems.append("tests[%d] (%s): score %s outside 0..%s"
                            % (i, t.get("name"), t["score"], t["max_score"]))
        if t.get("visibility") not in GRADESCOPE_VISIBILITY:
            problems.append("tests[%d]: visibility %r is not one of Gradescope's"
                            % (i, t.get("visibility")))
        total += t["score"]
        maximum += t["max_score"]
    names = [t.get("name") for t in results["tests"]]
    if len(set(names)) != len(names):
        problems.append("test names are not unique")
    if number(results["score"]) and abs(total - results["score"]) > 1e-9:
        problems.append("score %s is not the sum of the tests' scores (%s)"
                        % (results["score"], total))
    if number(results["max_score"]) and abs(maximum - results["max_score"]) > 1e-9:
        problems.append("max_score %s is not the sum of the tests' max_score (%s)"
                        % (results["max_score"], maximum))
    return problems


def lab_totals(tests):
    totals = {}
    for t in tests:
        s, m = totals.get(t["lab"], (0, 0))
        totals[t["lab"]] = (s + t["score"], m + t["max_score"])
    return totals


def render_report(tests, title, notes=()):
    """The readable report (Markdown)."""
    out = ["# %s" % title, ""]
    out.extend(notes)
    if notes:
        out.append("")
    out += ["| lab | score | max |", "|---|---:|---:|"]
    for n, (s, m) in sorted(lab_totals(tests).items()):
        out.append("| %d | %g | %g |" % (n, s, m))
    total = sum(t["score"] for t in tests)
    maximum = sum(t["max_score"] for t in tests)
    out += ["| **all** | **%g** | **%g** |" % (total, maximum), ""]
    out += ["| result | points | test |", "|---|---:|---|"]
    for t in tests:
        mark = "PASS" if t["status"] == Outcome.PASS else t["status"].upper()
        extra = " (hidden)" if t["visibility"] != VISIBLE else ""
        out.append("| %s | %g/%g | `%s`%s |" % (mark, t["score"], t["max_score"], t["name"], extra))
    failing = [t for t in tests if t["status"] != Outcome.PASS]
    if failing:
        out += ["", "## What failed", ""]
        for t in failing:
            out += ["### `%s`" % t["name"], "", "```", t["output"].rstrip(), "```", ""]
    return "\n".join(out) + "\n"


def write_outputs(out_dir, tests, title, notes=(), results_path=None):
    os.makedirs(out_dir, exist_ok=True)
    results = results_json(tests, title)
    problems = validate_results(results)
    if problems:
        raise SystemExit("grade: internal error, invalid results.json:\n  " + "\n  ".join(problems))
    path = results_path or os.path.join(out_dir, "results.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(results, f, indent=2)
        f.write("\n")
    with open(os.path.join(out_dir, "report.md"), "w", encoding="utf-8") as f:
        f.write(render_report(tests, title, notes))
    return results


# ---------------------------------------------------------------------------
# check: run graded binaries directly (inside a Bazel test) and judge them
# ---------------------------------------------------------------------------


def _clean_env(tmpdir):
    env = dict(os.environ)
    for key in list(env):
        if key.startswith("GTEST_") or key in ("TESTBRIDGE_TEST_ONLY", "XML_OUTPUT_FILE",
                                               "TEST_SHARD_INDEX", "TEST_TOTAL_SHARDS",
                                               "TEST_SHARD_STATUS_FILE"):
            del env[key]
    env["TEST_TMPDIR"] = tmpdir
    return env


def _run(cmd, env, timeout):
    try:
        p = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=timeout)
        return p.returncode, p.stdout.decode("utf-8", "replace")
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode("utf-8", "replace")
        return None, out + "\n[timed out after %d s]" % timeout


def _describe_exit(rc):
    if rc is None:
        return "timed out"
    if rc < 0:
        try:
            return "killed by signal %s" % signal.Signals(-rc).name
        except ValueError:
            return "killed by signal %d" % -rc
    return "exit status %d" % rc


def _bazel_style_xml(path, name, rc, log):
    """The test.xml Bazel writes for a test that is not GoogleTest."""
    suite = ET.Element("testsuite", name=name, tests="1", failures="0",
                       errors="0" if rc == 0 else "1")
    tc = ET.SubElement(suite, "testcase", name=name, status="run")
    if rc != 0:
        ET.SubElement(tc, "error", message="exited with error code %s" % rc)
    ET.SubElement(suite, "system-out").text = log
    root = ET.Element("testsuites")
    root.append(suite)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def run_entry_directly(entry, binaries, work, timeout):
    """Run one graded entry's binary case by case; returns {name: Outcome}
    read back from the xml files, with crashes (no xml) noted."""
    outcomes = {}
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", entry["target"])
    if "script" in entry:
        engine = binaries["//tests/script:tcp_script"]
        tmp = os.path.join(work, safe)
        os.makedirs(tmp, exist_ok=True)
        rc, log = _run([os.path.abspath(engine), entry["script"]], _clean_env(tmp), timeout)
        xml_path = os.path.join(tmp, "test.xml")
        _bazel_style_xml(xml_path, entry["target"], rc, log)
        found = read_test_xml(xml_path)
        outcome = next(iter(found.values()))
        if rc not in (0, 1):   # 1 is the engine's "the script failed"
            outcome.status = Outcome.MISSING
            outcome.output = "the engine %s\n%s" % (_describe_exit(rc), log[-3000:])
        outcomes[entry["target"]] = outcome
        return outcomes
    binary = os.path.abspath(binaries[entry["target"]])
    for case, _ in entry_items(entry):
        tmp = os.path.join(work, safe, re.sub(r"[^A-Za-z0-9_.-]", "_", case))
        os.makedirs(tmp, exist_ok=True)
        xml_path = os.path.join(tmp, "test.xml")
        rc, log = _run([binary, "--gtest_filter=" + case, "--gtest_output=xml:" + xml_path],
                       _clean_env(tmp), timeout)
        found = read_test_xml(xml_path)
        outcome = found.get(case)
        if outcome is None:
            outcome = Outcome(Outcome.MISSING, "no result for %s: the binary %s\n%s"
                              % (case, _describe_exit(rc), log[-3000:]))
        elif outcome.status == Outcome.PASS and rc != 0:
            # e.g. LeakSanitizer reports after the last test
            outcome = Outcome(Outcome.FAIL, "passed, but the binary then ended with %s\n%s"
                              % (_describe_exit(rc), log[-3000:]))
        elif outcome.status == Outcome.FAIL:
            outcome.output = (outcome.output + "\n--- output ---\n" + log[-2000:]).strip()
        outcomes[case] = outcome
    return outcomes


def cmd_check(args):
    with open(args.spec, encoding="utf-8") as f:
        spec = json.load(f)
    work = tempfile.mkdtemp(prefix="check.", dir=os.environ.get("TEST_TMPDIR"))
    out_dir = os.environ.get("TEST_UNDECLARED_OUTPUTS_DIR") or work
    print("%s\n%s" % (spec["title"], "=" * len(spec["title"])))
    if spec["starter"]:
        print("(built as starter %d: the solutions of labs < %d only)" % (spec["starter"],
                                                                            spec["starter"]))
    all_tests, verdicts, ok = [], [], True
    started = time.time()
    for block in spec["labs"]:
        lab = {"number": block["lab"], "name": block["name"], "tests": block["tests"]}
        tests = score_lab(lab, lambda e: run_entry_directly(e, spec["binaries"], work,
                                                            args.timeout))
        all_tests += tests
        score = sum(t["score"] for t in tests)
        maximum = sum(t["max_score"] for t in tests)
        if block["expect"] == "pass":
            bad = [t for t in tests if t["status"] != Outcome.PASS]
            good = not bad and score == maximum
            verdict = "lab %d: %g/%g points: %s" % (
                lab["number"], score, maximum, "every graded test passes" if good else
                "%d of %d graded tests do not pass" % (len(bad), len(tests)))
            why = "expected to pass, but"
        else:
            bad = [t for t in tests if t["status"] != Outcome.FAIL]
            good = not bad and score == 0
            verdict = "lab %d: %g/%g points: %s" % (
                lab["number"], score, maximum, "each of its %d graded tests fails cleanly"
                % len(tests) if good else "%d of %d graded tests do not fail cleanly"
                % (len(bad), len(tests)))
            why = "expected to fail cleanly (a test failure, not a crash or a pass), but"
        ok = ok and good
        verdicts.append(("ok  " if good else "BAD ") + verdict)
        for t in bad:
            verdicts.append("      %s %s: %s" % (why, t["status"], t["name"]))
            verdicts.append("        " + t["output"][:1500].replace("\n", "\n        "))
    write_outputs(out_dir, all_tests, spec["title"])
    # Judge the file a platform would read, not the dict it was made from.
    with open(os.path.join(out_dir, "results.json"), encoding="utf-8") as f:
        results = json.load(f)
    problems = validate_results(results)
    # When every verdict holds, the file must say exactly that (when one
    # does not, the verdicts above already say what is wrong).
    mismatch = expected_totals_problems(results, spec) if ok else []
    for t in all_tests:
        print("  %-7s %4g/%-4g %s" % (t["status"].upper(), t["score"], t["max_score"], t["name"]))
    print()
    print("\n".join(verdicts))
    if problems:
        ok = False
        print("BAD results.json: " + "; ".join(problems))
    else:
        print("ok  results.json is valid: %g/%g points in %d tests"
              % (results["score"], results["max_score"], len(results["tests"])))
    if mismatch:
        ok = False
        print("BAD results.json does not say what graded.bzl implies: " + "; ".join(mismatch))
    print("(%d tests in %.1f s; results.json and report.md in %s)"
          % (len(all_tests), time.time() - started, _kept_outputs(out_dir)))
    return 0 if ok else 1


def expected_totals_problems(results, spec):
    """What results.json must say, worked out from the graded lists alone
    (not from the scoring code that wrote it): one test per graded case or
    script, full points for the labs expected to pass, none for the lab
    expected to fail, and totals that are those sums."""
    problems = []
    want = {}
    for block in spec["labs"]:
        lab = {"number": block["lab"]}
        for entry in block["tests"]:
            for case, points in entry_items(entry):
                want[test_name(lab, entry, case)] = (
                    points if block["expect"] == "pass" else 0, points)
    got = {t.get("name"): (t.get("score"), t.get("max_score")) for t in results.get("tests", [])}
    if set(got) != set(want):
        problems.append("tests are not the graded ones: missing %s, unexpected %s"
                        % (sorted(set(want) - set(got)), sorted(set(got) - set(want))))
    for name in sorted(set(got) & set(want)):
        if got[name] != want[name]:
            problems.append("%s: %s/%s points, expected %s/%s"
                            % ((name,) + tuple(got[name]) + tuple(want[name])))
    score = sum(s for s, _ in want.values())
    maximum = sum(m for _, m in want.values())
    if (results.get("score"), results.get("max_score")) != (score, maximum):
        problems.append("total %s/%s, expected %s/%s"
                        % (results.get("score"), results.get("max_score"), score, maximum))
    return problems


def _kept_outputs(out_dir):
    """Where a test's results stay once Bazel has run it: its undeclared
    outputs are zipped into bazel-testlogs/<package>/<name>/test.outputs/
    (the sandbox that out_dir lives in is gone by then)."""
    target = os.environ.get("TEST_TARGET", "")
    if not os.environ.get("TEST_UNDECLARED_OUTPUTS_DIR") or ":" not in target:
        return out_dir
    pkg, _, name = target.lstrip("@").lstrip("/").partition(":")
    return "bazel-testlogs/%s/%s/test.outputs/outputs.zip" % (pkg, name)


# ---------------------------------------------------------------------------
# run / batch / score: grade a tree with Bazel
# ---------------------------------------------------------------------------


def label_to_testlog(testlogs, label):
    pkg, _, name = label.lstrip("/").partition(":")
    return os.path.join(testlogs, pkg, name)


class Bazel:
    def __init__(self, tree, bazel="bazel", output_base=None, flags=(), log=None):
        self.tree = tree
        self.startup = [bazel]
        if output_base:
            self.startup.append("--output_base=" + output_base)
        self.flags = list(flags)
        self.log = log

    def run(self, args, timeout=None):
        cmd = self.startup + args
        p = subprocess.run(cmd, cwd=self.tree, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=timeout)
        text = p.stdout.decode("utf-8", "replace")
        if self.log:
            with open(self.log, "a", encoding="utf-8") as f:
                f.write("$ %s\n%s\n" % (" ".join(cmd), text))
        return p.returncode, text

    def test(self, targets, extra=()):
        return self.run(["test", "--keep_going", "--color=no", "--curses=no",
                         "--test_output=errors", "--test_summary=short"] + self.flags
                        + list(extra) + ["--"] + targets)

    def testlogs(self):
        rc, out = self.run(["info"] + self.flags + ["bazel-testlogs"])
        if rc != 0:
            raise SystemExit("grade: `bazel info bazel-testlogs` failed:\n" + out[-2000:])
        return out.strip().splitlines()[-1]

    def shutdown(self):
        self.run(["shutdown"])


def build_errors(bazel_output, limit=40):
    """Compiler errors and Bazel's ERROR lines from a bazel run."""
    keep = [l for l in bazel_output.splitlines()
            if "error:" in l or l.startswith("ERROR:") or "undefined reference" in l]
    return "\n".join(keep[:limit])


def targets_of(labs):
    seen = []
    for lab in labs:
        for e in lab["tests"]:
            if e["target"] not in seen:
                seen.append(e["target"])
    return seen


def grade_tree(tree, labs, out_dir, bazel, title, results_path=None, rerun_limit=60):
    """Run the graded targets of `labs` in `tree` and write the outputs.
    Returns (tests, results)."""
    targets = targets_of(labs)
    rc, output = bazel.test(targets)
    notes = []
    if rc not in (0, 3):
        notes.append("`bazel test` ended with status %d (a build failure?): targets that did "
                     "not build score 0." % rc)
    errors = build_errors(output)
    testlogs = bazel.testlogs()
    xml_cache = {}
    reruns = [0]

    def outcomes_of(entry):
        target = entry["target"]
        if target not in xml_cache:
            xml_cache[target] = read_test_xml(os.path.join(label_to_testlog(testlogs, target),
                                                           "test.xml"))
        found = dict(xml_cache[target])
        if "cases" not in entry:
            if not found:
                return {}
            name, outcome = next(iter(found.items()))
            if outcome.status != Outcome.PASS:
                try:
                    with open(os.path.join(label_to_testlog(testlogs, target), "test.log"),
                              encoding="utf-8", errors="replace") as f:
                        outcome.output = f.read()
                except OSError:
                    pass
            return {name: outcome}
        # A crash ends a GoogleTest binary early: rerun each case that has
        # no result on its own (bazel test --test_filter), so that one
        # crashing case does not cost the points of the others.
        for case in entry["cases"]:
            if case in found or reruns[0] >= rerun_limit:
                continue
            reruns[0] += 1
            bazel.test([target], ["--test_filter=" + case])
            alone = read_test_xml(os.path.join(label_to_testlog(testlogs, target), "test.xml"))
            if case in alone:
                found[case] = alone[case]
            else:
                log = ""
                try:
                    with open(os.path.join(label_to_testlog(testlogs, target), "test.log"),
                              encoding="utf-8", errors="replace") as f:
                        log = f.read()[-3000:]
                except OSError:
                    pass
                found[case] = Outcome(Outcome.MISSING, "no result for this case (it crashed "
                                      "or timed out, or the test did not build)\n"
                                      + (log or errors))
        return found

    tests = []
    for lab in labs:
        tests += score_lab(lab, outcomes_of)
    if errors and any(t["status"] == Outcome.MISSING for t in tests):
        notes += ["Build errors:", "", "```", errors, "```"]
    results = write_outputs(out_dir, tests, title, notes, results_path)
    return tests, results


def bazel_flags(args):
    flags = []
    for c in args.config or []:
        flags.append("--config=" + c)
    return flags


def cmd_run(args):
    tree = os.path.abspath(args.tree)
    spec_root = os.path.abspath(args.spec_root or REPO)
    labs = select_labs(load_labs(spec_root, args.hidden), args.lab)
    work_tree = tree
    if args.overlay:
        work_tree = os.path.join(os.path.abspath(args.out), ".work")
        prepare_work_tree(tree, work_tree, spec_root, args.hidden)
    elif args.hidden:
        overlay_hidden(spec_root, tree)
    os.makedirs(args.out, exist_ok=True)
    bazel = Bazel(work_tree, args.bazel, args.output_base, bazel_flags(args),
                  log=os.path.join(args.out, "bazel.log"))
    title = "tunlab labs %s" % ", ".join(str(l["number"]) for l in labs)
    tests, results = grade_tree(work_tree, labs, args.out, bazel, title, args.results)
    print_summary(tests, results)
    print("grade: wrote %s and %s" % (args.results or os.path.join(args.out, "results.json"),
                                      os.path.join(args.out, "report.md")))
    return 0


def print_summary(tests, results):
    for n, (s, m) in sorted(lab_totals(tests).items()):
        print("lab %d: %g/%g" % (n, s, m))
    print("total: %g/%g" % (results["score"], results["max_score"]))


# What the instructor's copy provides over a submission: the tests and how
# they are built and graded. Students change stack/ and apps/.
OVERLAY = ["tests", "labs", "tools/labs", "third_party", "WORKSPACE", ".bazelrc"]
KEEP_FROM_SUBMISSION = ["tools/labs/tree.bzl"]


def _ignore_outputs(directory, names):
    return [n for n in names if n.startswith("bazel-") or n == ".git"]


def _copy(src, dst):
    if os.path.isdir(src):
        shutil.copytree(src, dst, symlinks=False, ignore=_ignore_outputs)
    elif os.path.exists(src):
        shutil.copy2(src, dst)


def overlay_hidden(spec_root, tree):
    src = os.path.join(spec_root, "labs", "hidden")
    dst = os.path.join(tree, "labs", "hidden")
    if os.path.abspath(src) != os.path.abspath(dst):
        shutil.rmtree(dst, ignore_errors=True)
        _copy(src, dst)


def prepare_work_tree(submission, work, spec_root, hidden):
    """work = the submission with the instructor's tests and settings."""
    root = find_tree_root(submission)
    kept = {}
    for rel in KEEP_FROM_SUBMISSION:
        p = os.path.join(root, rel)
        if os.path.isfile(p):
            with open(p, "rb") as f:
                kept[rel] = f.read()
    # Clear the work copy but keep the directory, so Bazel's output base for
    # it stays valid and only changed files rebuild.
    os.makedirs(work, exist_ok=True)
    for name in os.listdir(work):
        if name.startswith("bazel-"):
            continue
        p = os.path.join(work, name)
        shutil.rmtree(p) if os.path.isdir(p) and not os.path.islink(p) else os.unlink(p)
    for name in os.listdir(root):
        if name.startswith("bazel-") or name == ".git":
            continue
        _copy(os.path.join(root, name), os.path.join(work, name))
    for rel in OVERLAY:
        dst = os.path.join(work, rel)
        if os.path.isdir(dst):
            shutil.rmtree(dst)
        elif os.path.exists(dst):
            os.unlink(dst)
        _copy(os.path.join(spec_root, rel), dst)
    if not hidden:
        shutil.rmtree(os.path.join(work, "labs", "hidden"), ignore_errors=True)
    for rel, data in kept.items():
        with open(os.path.join(work, rel), "wb") as f:
            f.write(data)


def find_tree_root(path):
    """The folder holding WORKSPACE: the path itself or its only subfolder
    (archives often wrap the tree in one)."""
    if os.path.isfile(os.path.join(path, "WORKSPACE")):
        return path
    subs = [os.path.join(path, d) for d in os.listdir(path)
            if os.path.isdir(os.path.join(path, d)) and not d.startswith(".")]
    if len(subs) == 1 and os.path.isfile(os.path.join(subs[0], "WORKSPACE")):
        return subs[0]
    raise ValueError("no WORKSPACE in %s (is it a tunlab tree?)" % path)


def cmd_batch(args):
    spec_root = os.path.abspath(args.spec_root or REPO)
    labs = select_labs(load_labs(spec_root, args.hidden), args.lab)
    out = os.path.abspath(args.out)
    os.makedirs(out, exist_ok=True)
    work = os.path.join(out, ".work", "tree")
    output_base = args.output_base or os.path.join(out, ".work", "bazel-output-base")
    unpacked = os.path.join(out, ".work", "unpacked")
    names = sorted(n for n in os.listdir(args.submissions) if not n.startswith("."))
    columns = [test_name(lab, e, c) for lab in labs for e in lab["tests"]
               for c, _ in entry_items(e)]
    rows = []
    for name in names:
        path = os.path.join(args.submissions, name)
        student = re.sub(r"\.(zip|tar|tar\.gz|tgz|tar\.xz)$", "", name)
        dest = os.path.join(out, student)
        os.makedirs(dest, exist_ok=True)
        row = {"submission": student, "status": "graded"}
        try:
            if os.path.isfile(path):
                shutil.rmtree(unpacked, ignore_errors=True)
                shutil.unpack_archive(path, unpacked)
                path = unpacked
            prepare_work_tree(path, work, spec_root, args.hidden)
            bazel = Bazel(work, args.bazel, output_base, bazel_flags(args),
                          log=os.path.join(dest, "bazel.log"))
            tests, results = grade_tree(work, labs, dest, bazel, "%s: tunlab labs %s" % (
                student, ", ".join(str(l["number"]) for l in labs)))
            row["score"] = results["score"]
            row["max_score"] = results["max_score"]
            for n, (s, _) in sorted(lab_totals(tests).items()):
                row["lab %d" % n] = s
            for t in tests:
                row[t["name"]] = t["score"]
            print("grade: %-30s %g/%g" % (student, results["score"], results["max_score"]))
        except (ValueError, OSError, shutil.ReadError, subprocess.SubprocessError) as e:
            row["status"] = "error: %s" % e
            row["score"] = 0
            row["max_score"] = sum(p for lab in labs for e in lab["tests"]
                                   for _, p in entry_items(e))
            print("grade: %-30s ERROR %s" % (student, e))
        rows.append(row)
    Bazel(work, args.bazel, output_base).shutdown()
    header = (["submission", "status", "score", "max_score"]
              + ["lab %d" % lab["number"] for lab in labs] + columns)
    csv_path = os.path.join(out, "grades.csv")
    with open(csv_path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=header, extrasaction="ignore")
        w.writeheader()
        for row in rows:
            w.writerow(row)
    print("grade: %d submissions -> %s" % (len(rows), csv_path))
    return 0


def cmd_score(args):
    spec_root = os.path.abspath(args.spec_root or REPO)
    labs = select_labs(load_labs(spec_root, args.hidden), args.lab)
    tests = []
    for lab in labs:
        def outcomes_of(entry):
            path = os.path.join(label_to_testlog(args.testlogs, entry["target"]), "test.xml")
            return read_test_xml(path)
        tests += score_lab(lab, outcomes_of)
    results = write_outputs(args.out, tests, "tunlab labs (scored from %s)" % args.testlogs)
    print_summary(tests, results)
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog="grade.py", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="cmd", required=True)

    def common(p):
        p.add_argument("--lab", default="all", help="a lab number, a list (1,3) or all")
        p.add_argument("--hidden", action="store_true",
                       help="add the hidden tests of labs/hidden/ (instructors)")
        p.add_argument("--spec-root", help="where labs/*/graded.bzl are read (default: the "
                       "repository this grader belongs to)")

    def bazel_opts(p):
        p.add_argument("--bazel", default="bazel")
        p.add_argument("--output-base", help="Bazel --output_base to use")
        p.add_argument("--config", action="append", help="a .bazelrc config (asan, ubsan)")

    p = sub.add_parser("run", help="grade one tree")
    common(p)
    bazel_opts(p)
    p.add_argument("--tree", default=".", help="the tree to grade (default: here)")
    p.add_argument("--out", default="grade-out", help="where results.json and report.md go")
    p.add_argument("--results", help="write results.json here instead (Gradescope: "
                   "/autograder/results/results.json)")
    p.add_argument("--overlay", action="store_true", help="grade a copy of the tree with "
                   "the instructor's tests and settings over it (as batch does)")
    p.set_defaults(fn=cmd_run)

    p = sub.add_parser("batch", help="grade a folder of submissions into a CSV")
    common(p)
    bazel_opts(p)
    p.add_argument("submissions", help="a folder with one folder or archive per submission")
    p.add_argument("--out", required=True)
    p.set_defaults(fn=cmd_batch)

    p = sub.add_parser("score", help="score existing test.xml files (no Bazel)")
    common(p)
    p.add_argument("--testlogs", required=True, help="a bazel-testlogs folder")
    p.add_argument("--out", default="grade-out")
    p.set_defaults(fn=cmd_score)

    p = sub.add_parser("check", help="(Bazel tests) run and judge graded binaries")
    p.add_argument("spec")
    p.add_argument("--timeout", type=int, default=240, help="seconds per test case")
    p.set_defaults(fn=cmd_check)

    args = parser.parse_args(argv)
    return args.fn(args)


if __name__ == "__main__":
    sys.exit(main())
