#!/usr/bin/env bash
# summarize.py (tools/bench) turns raw runs into medians, spreads, ratios to
# the limit of the same invocation and target verdicts, in the table and JSON.
set -euo pipefail

SUMMARIZE=tools/bench/summarize.py
TMP=${TEST_TMPDIR:-$(mktemp -d)}

printf '%s\t%s\t%s\n' \
    limit_fwd_gbps 1 2.0  limit_fwd_gbps 2 1.0  limit_fwd_gbps 3 3.0 \
    bulk_kernel_to_stack_gbps 1 1.6  bulk_kernel_to_stack_gbps 2 1.5  bulk_kernel_to_stack_gbps 3 9.0 \
    bulk_stack_to_kernel_gbps 1 1.0 \
    mem_rss_10k_mib 1 80 \
    not_a_figure 1 5 \
    limit_veth_gbps 1 garbage >"$TMP/results.tsv"
printf 'nproc=2\ncpu=Test CPU\nkernel=6.1\ndate=2026-01-01\n' >"$TMP/machine.txt"
echo "HTTP skipped: no server" >"$TMP/notes.txt"

python3 "$SUMMARIZE" --results "$TMP/results.tsv" --machine "$TMP/machine.txt" \
    --notes "$TMP/notes.txt" --runs 3 --seconds 1 --json "$TMP/out.json" >"$TMP/table.txt"
cat "$TMP/table.txt"

python3 - "$TMP/out.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
rows = {r["figure"]: r for r in doc["figures"]}
def check(cond, what):
    if not cond:
        print("FAILED:", what, json.dumps(doc, indent=1))
        sys.exit(1)
check(set(rows) == {"limit_fwd_gbps", "bulk_kernel_to_stack_gbps", "bulk_stack_to_kernel_gbps",
                    "mem_rss_10k_mib"}, "unknown figures and unparseable values are left out")
b = rows["bulk_kernel_to_stack_gbps"]
check(b["median"] == 1.6 and b["min"] == 1.5 and b["max"] == 9.0, "median and spread")
check(abs(b["ratio"] - 0.8) < 1e-9, "ratio = median / the limit's median (2.0)")
check(b["met"] is True, "80% of the limit meets the 75% target")
check(rows["bulk_stack_to_kernel_gbps"]["met"] is False, "50% does not")
check(rows["mem_rss_10k_mib"]["met"] is False, "80 MiB is not under 64")
check(doc["notes"] == ["HTTP skipped: no server"], "notes carried over")
check(doc["machine"]["cpu"] == "Test CPU", "machine carried over")
PY
grep -q "kernel -> stack discard (TUN) .* 80% .*met" "$TMP/table.txt"
grep -q "NOT met" "$TMP/table.txt"
grep -q "note: HTTP skipped" "$TMP/table.txt"
echo "summarize_test: PASSED"
