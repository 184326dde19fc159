#!/usr/bin/env python3
"""grade_test — the grader's scoring, without Bazel: test.xml files in
(GoogleTest's and the ones Bazel writes), results.json out. Checks the
Gradescope fields, that scores add up, the trace diff of a failing script,
the graded lists of every lab, and the CSV of a batch."""

import csv
import json
import os
import shutil
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import grade  # noqa: E402

WORKSPACE = os.path.dirname(os.path.dirname(HERE))

GTEST_XML = """<?xml version="1.0" encoding="UTF-8"?>
<testsuites tests="4" failures="1" disabled="0" errors="0" name="AllTests">
  <testsuite name="Checksum" tests="4" failures="1" disabled="0" skipped="1" errors="0">
    <testcase name="Good" status="run" result="completed" classname="Checksum" />
    <testcase name="Bad" status="run" result="completed" classname="Checksum">
      <failure message="tests/core/checksum_test.cc:40&#x0A;Expected equality of these values:&#x0A;  0x220d" type=""><![CDATA[tests/core/checksum_test.cc:40
Expected equality of these values:
  checksum_finish(sum)
    Which is: 0
  0x220d]]></failure>
    </testcase>
    <testcase name="Skipped" status="run" result="skipped" classname="Checksum"><skipped message="no tshark"/></testcase>
  </testsuite>
  <testsuite name="Params/Lossy" tests="1" failures="0" disabled="0" errors="0">
    <testcase name="Transfer/0" status="run" result="completed" classname="Params/Lossy" />
  </testsuite>
</testsuites>
"""

SCRIPT_LOG = """exec ${PAGER:-/usr/bin/less} "$0" || exit 1
FAIL tests/script/tcp/close_active.pkt:14: outbound packet does not match (flags F. != .)
  expected: > F. 1:1(0) ack 1  (at 0.300000)
  actual:   > . 1:1(0) ack 2 win 65535 (at 0.300000)
  script line: +0    > F. 1:1(0) ack 1
seed: 1 (rerun: tcp_script --seed=1 tests/script/tcp/close_active.pkt)
trace so far (seconds since the script's start):
0.000000 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
0.100000 < S 0:0(0) win 32792 <mss 1000>
0.100000 > S. 0:0(0) ack 1 win 65535 <mss 1460>
"""

LAB = {
    "number": 5,
    "name": "tcp-handshake",
    "tests": [
        {"target": "//tests/core:checksum_test",
         "cases": {"Checksum.Good": 3, "Checksum.Bad": 4, "Checksum.Skipped": 1,
                   "Checksum.Absent": 2, "Params/Lossy.Transfer/0": 5}},
        {"target": "//tests/script:close_active",
         "script": "tests/script/tcp/close_active.pkt", "points": 6},
        {"target": "//labs/hidden:hidden_test", "cases": {"Lab5Hidden.X": 7},
         "visibility": "after_published"},
    ],
}


class Scoring(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(dir=os.environ.get("TEST_TMPDIR"))
        self.logs = os.path.join(self.dir, "testlogs")
        self.write("tests/core/checksum_test/test.xml", GTEST_XML)
        grade._bazel_style_xml(self.path("tests/script/close_active/test.xml"),
                               "tests/script/close_active", 1, SCRIPT_LOG)
        # The hidden binary crashed: no test.xml at all.

    def tearDown(self):
        shutil.rmtree(self.dir)

    def path(self, rel):
        p = os.path.join(self.logs, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        return p

    def write(self, rel, text):
        with open(self.path(rel), "w") as f:
            f.write(text)

    def score(self):
        return grade.score_lab(LAB, lambda e: grade.read_test_xml(
            os.path.join(grade.label_to_testlog(self.logs, e["target"]), "test.xml")))

    def test_each_case_gets_its_points_or_zero(self):
        tests = {t["name"]: t for t in self.score()}
        name = "lab 5: //tests/core:checksum_test "
        self.assertEqual(3, tests[name + "Checksum.Good"]["score"])
        self.assertEqual(0, tests[name + "Checksum.Bad"]["score"])
        self.assertIn("Which is: 0", tests[name + "Checksum.Bad"]["output"])
        self.assertEqual("skipped", tests[name + "Checksum.Skipped"]["status"])
        self.assertEqual(0, tests[name + "Checksum.Skipped"]["score"])
        self.assertEqual("missing", tests[name + "Checksum.Absent"]["status"])
        self.assertEqual(5, tests[name + "Params/Lossy.Transfer/0"]["score"])
        hidden = tests["lab 5: //labs/hidden:hidden_test Lab5Hidden.X"]
        self.assertEqual(("missing", 0, "after_published"),
                         (hidden["status"], hidden["score"], hidden["visibility"]))

    def test_a_failing_script_shows_the_trace_diff(self):
        t = [t for t in self.score() if t["name"] == "lab 5: //tests/script:close_active"][0]
        self.assertEqual((0, 6, "fail"), (t["score"], t["max_score"], t["status"]))
        out = t["output"]
        self.assertIn("--- expected (the script)", out)
        self.assertIn("-> F. 1:1(0) ack 1  (at 0.300000)", out)
        self.assertIn("+> . 1:1(0) ack 2 win 65535 (at 0.300000)", out)
        self.assertIn("0.100000 > S. 0:0(0) ack 1 win 65535 <mss 1460>", out)

    def test_results_json_has_gradescopes_fields_and_adds_up(self):
        tests = self.score()
        results = grade.results_json(tests, "t")
        self.assertEqual([], grade.validate_results(results))
        self.assertEqual(8, results["score"])          # Good 3 + Transfer/0 5
        self.assertEqual(28, results["max_score"])
        for t in results["tests"]:
            self.assertEqual({"name", "score", "max_score", "output", "visibility"}, set(t))
        json.dumps(results)                           # serialisable
        report = grade.render_report(tests, "t")
        self.assertIn("| 5 | 8 | 28 |", report)
        self.assertIn("## What failed", report)

    def test_validation_catches_what_gradescope_would_reject(self):
        good = grade.results_json(self.score(), "t")
        bad = json.loads(json.dumps(good))
        bad["score"] += 1
        self.assertTrue(any("not the sum" in p for p in grade.validate_results(bad)))
        bad = json.loads(json.dumps(good))
        bad["tests"][0]["score"] = bad["tests"][0]["max_score"] + 1
        self.assertTrue(any("outside" in p for p in grade.validate_results(bad)))
        bad = json.loads(json.dumps(good))
        bad["tests"][0]["visibility"] = "secret"
        self.assertTrue(any("visibility" in p for p in grade.validate_results(bad)))
        bad = json.loads(json.dumps(good))
        del bad["tests"][1]["name"]
        self.assertTrue(grade.validate_results(bad))
        self.assertTrue(grade.validate_results({"score": 1}))

    def test_unreadable_xml_is_no_result_not_a_crash(self):
        self.write("tests/core/checksum_test/test.xml", "<testsuites><testsuite")
        tests = self.score()
        self.assertTrue(all(t["score"] == 0 for t in tests))


class ExpectedTotals(unittest.TestCase):
    """The kit's checks judge results.json against the graded lists alone:
    full marks for the labs that must pass, zero for the lab that must fail
    (the starter's), totals that are those sums."""

    SPEC = {"labs": [
        {"lab": 1, "expect": "pass", "tests": [
            {"target": "//t:a", "cases": {"A.One": 4, "A.Two": 6}}]},
        {"lab": 2, "expect": "fail", "tests": [
            {"target": "//t:b", "cases": {"B.One": 5}},
            {"target": "//tests/script:s", "script": "tests/script/tcp/s.pkt", "points": 3}]},
    ]}

    def results(self, passing):
        tests = []
        for block in self.SPEC["labs"]:
            lab = {"number": block["lab"], "tests": block["tests"]}
            tests += grade.score_lab(lab, lambda e: {
                (c or e["target"]): grade.Outcome("pass" if (c or e["target"]) in passing
                                                  else "fail", "x")
                for c, _ in grade.entry_items(e)})
        return grade.results_json(tests, "t")

    def test_full_marks_and_zero_is_what_is_expected(self):
        good = self.results({"A.One", "A.Two"})
        self.assertEqual([], grade.validate_results(good))
        self.assertEqual([], grade.expected_totals_problems(good, self.SPEC))
        self.assertEqual((10, 18), (good["score"], good["max_score"]))

    def test_a_lost_point_or_a_free_point_is_caught(self):
        lost = self.results({"A.One"})
        self.assertTrue(any("A.Two: 0/6 points, expected 6/6" in p
                            for p in grade.expected_totals_problems(lost, self.SPEC)))
        free = self.results({"A.One", "A.Two", "//tests/script:s"})
        problems = grade.expected_totals_problems(free, self.SPEC)
        self.assertTrue(any("//tests/script:s: 3/3 points, expected 0/3" in p for p in problems))
        self.assertTrue(any("total 13/18, expected 10/18" in p for p in problems))

    def test_a_missing_or_extra_test_is_caught(self):
        r = self.results({"A.One", "A.Two"})
        r["tests"] = r["tests"][1:]
        self.assertTrue(any("missing" in p and "A.One" in p
                            for p in grade.expected_totals_problems(r, self.SPEC)))
        r = self.results({"A.One", "A.Two"})
        r["tests"].append({"name": "lab 9: //x:y Z.Z", "score": 0, "max_score": 1,
                           "output": "", "visibility": "visible"})
        self.assertTrue(any("unexpected" in p and "Z.Z" in p
                            for p in grade.expected_totals_problems(r, self.SPEC)))


class GradedLists(unittest.TestCase):
    """Every lab's graded.bzl, as the grader reads it."""

    def test_nine_labs_with_unique_tests_and_points(self):
        labs = grade.load_labs(WORKSPACE, hidden=True)
        self.assertEqual(list(range(1, 10)), [lab["number"] for lab in labs])
        for lab in labs:
            names = [grade.test_name(lab, e, c) for e in lab["tests"]
                     for c, _ in grade.entry_items(e)]
            self.assertEqual(len(names), len(set(names)), "lab %d" % lab["number"])
            visible = sum(p for e in lab["tests"] for _, p in grade.entry_items(e)
                          if e.get("visibility", "visible") == "visible")
            self.assertEqual(100, visible, "lab %d: visible points" % lab["number"])
            for e in lab["tests"]:
                self.assertTrue(e["target"].startswith("//"), e)
                if "script" in e:
                    self.assertTrue(e["script"].startswith("tests/script/"), e)

    def test_hidden_tests_are_only_added_on_request(self):
        plain = grade.load_labs(WORKSPACE)
        hidden = grade.load_labs(WORKSPACE, hidden=True)
        self.assertFalse(any(e["visibility"] != "visible" for lab in plain for e in lab["tests"]))
        self.assertTrue(any(e["visibility"] == "after_published"
                            for lab in hidden for e in lab["tests"]))
        self.assertEqual([3], [lab["number"] for lab in grade.select_labs(plain, "3")])


class Batch(unittest.TestCase):
    def test_every_submission_gets_a_row_and_a_results_json(self):
        top = tempfile.mkdtemp(dir=os.environ.get("TEST_TMPDIR"))
        subs = os.path.join(top, "subs")
        for who in ("alice", "bob"):
            os.makedirs(os.path.join(subs, who, "stack"))
            open(os.path.join(subs, who, "WORKSPACE"), "w").close()
        os.makedirs(os.path.join(subs, "carol"))      # not a tree: an error row
        spec = os.path.join(top, "spec")
        os.makedirs(os.path.join(spec, "labs", "lab1-x"))
        with open(os.path.join(spec, "labs", "lab1-x", "graded.bzl"), "w") as f:
            f.write('LAB = {"number": 1, "name": "x", "tests": [{"target": "//t:t", '
                    '"cases": {"A.B": 2, "A.C": 3}}]}\n')

        def fake_grade_tree(tree, labs, out_dir, bazel, title, results_path=None):
            passed = os.path.basename(os.path.dirname(out_dir + "/")) == "alice"
            tests = grade.score_lab(labs[0], lambda e: {
                "A.B": grade.Outcome("pass"),
                "A.C": grade.Outcome("pass" if passed else "fail", "boom")})
            return tests, grade.write_outputs(out_dir, tests, title)

        saved = grade.grade_tree, grade.prepare_work_tree, grade.Bazel.shutdown
        grade.grade_tree = fake_grade_tree
        grade.prepare_work_tree = lambda sub, work, spec_root, hidden: grade.find_tree_root(sub)
        grade.Bazel.shutdown = lambda self: None
        try:
            out = os.path.join(top, "out")
            grade.main(["batch", subs, "--out", out, "--spec-root", spec])
        finally:
            grade.grade_tree, grade.prepare_work_tree, grade.Bazel.shutdown = saved
        with open(os.path.join(out, "grades.csv")) as f:
            rows = {r["submission"]: r for r in csv.DictReader(f)}
        self.assertEqual({"alice", "bob", "carol"}, set(rows))
        self.assertEqual(("5", "5"), (rows["alice"]["score"], rows["alice"]["max_score"]))
        self.assertEqual("2", rows["bob"]["score"])
        self.assertEqual("0", rows["bob"]["lab 1: //t:t A.C"])
        self.assertTrue(rows["carol"]["status"].startswith("error"))
        with open(os.path.join(out, "bob", "results.json")) as f:
            self.assertEqual([], grade.validate_results(json.load(f)))
        shutil.rmtree(top)


if __name__ == "__main__":
    unittest.main(verbosity=2)
