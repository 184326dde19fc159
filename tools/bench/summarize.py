#!/usr/bin/env python3
"""summarize.py — turn bench.sh's raw measurements into the table and the JSON.

Input: a TSV of `figure<TAB>run<TAB>value` lines (one per measurement), the
machine description (key=value lines) and notes (skipped measurements).
Output: one table on stdout (median, min..max over the runs, ratio of the
median to its limit's median from the same invocation, the issue-12 target and
whether it is met) and the same as JSON.

    summarize.py --results R.tsv --machine M.txt --notes N.txt --json OUT.json
"""

import argparse
import json
import statistics
import sys

# Every figure the suite may produce, in table order:
#   key: (section, label, unit, limit key or None, target or None)
# A target is (comparison, value, on-what): "ratio" compares the ratio to
# the limit, "value" compares the median itself.
FIGURES = [
    ("limit_veth_gbps", "limits", "kernel -> kernel, veth", "Gbit/s", None, None),
    ("limit_fwd_gbps", "limits", "kernel -> kernel, tun_forward (MTU 1500)", "Gbit/s", None, None),
    ("limit_fwd_vnet_gbps", "limits", "kernel -> kernel, tun_forward + vnet/TSO", "Gbit/s", None, None),
    # For comparison only: a thread per direction; the bulk targets stay
    # against the one-thread forwarder above, as the stack has one thread.
    ("limit_fwd_2threads_gbps", "limits", "kernel -> kernel, tun_forward, 2 threads", "Gbit/s",
     None, None),
    ("bulk_kernel_to_stack_gbps", "bulk", "kernel -> stack discard (TUN)", "Gbit/s",
     "limit_fwd_gbps", (">=", 0.75, "ratio")),
    ("bulk_stack_to_kernel_gbps", "bulk", "stack -> kernel sink (TUN)", "Gbit/s",
     "limit_fwd_gbps", (">=", 0.75, "ratio")),
    ("bulk_kernel_to_stack_vnet_gbps", "bulk", "kernel -> stack discard, vnet/TSO", "Gbit/s",
     "limit_fwd_vnet_gbps", (">=", 4.0, "value")),
    ("bulk_stack_to_kernel_vnet_gbps", "bulk", "stack -> kernel sink, vnet/TSO", "Gbit/s",
     "limit_fwd_vnet_gbps", (">=", 4.0, "value")),
    ("ping_reflect_same_1_pps", "ping", "reflector, 1 vCPU, 1 in flight", "replies/s", None, None),
    ("ping_stack_same_1_pps", "ping", "stack, 1 vCPU, 1 in flight", "replies/s",
     "ping_reflect_same_1_pps", (">=", 0.8, "ratio")),
    ("ping_reflect_same_8_pps", "ping", "reflector, 1 vCPU, 8 in flight", "replies/s", None, None),
    ("ping_stack_same_8_pps", "ping", "stack, 1 vCPU, 8 in flight", "replies/s",
     "ping_reflect_same_8_pps", (">=", 0.8, "ratio")),
    ("ping_reflect_cross_1_pps", "ping", "reflector, 2 vCPUs, 1 in flight", "replies/s", None, None),
    ("ping_stack_cross_1_pps", "ping", "stack, 2 vCPUs, 1 in flight", "replies/s",
     "ping_reflect_cross_1_pps", (">=", 0.8, "ratio")),
    ("ping_reflect_cross_8_pps", "ping", "reflector, 2 vCPUs, 8 in flight", "replies/s", None, None),
    ("ping_stack_cross_8_pps", "ping", "stack, 2 vCPUs, 8 in flight", "replies/s",
     "ping_reflect_cross_8_pps", (">=", 0.8, "ratio")),
    ("ping_reflect_same_1_rtt_us", "ping", "reflector RTT, 1 vCPU", "us", None, None),
    ("ping_stack_same_1_rtt_us", "ping", "stack RTT, 1 vCPU", "us", "ping_reflect_same_1_rtt_us", None),
    ("ping_reflect_cross_1_rtt_us", "ping", "reflector RTT, 2 vCPUs", "us", None, None),
    ("ping_stack_cross_1_rtt_us", "ping", "stack RTT, 2 vCPUs", "us", "ping_reflect_cross_1_rtt_us", None),
    ("http_keepalive_rps", "http", "HTTP GET /, keep-alive, 16 conns (wrk)", "requests/s", None, None),
    ("http_new_conn_cps", "http", "HTTP GET /, new conn each, 16 at once (ab)", "conns/s", None, None),
    ("inmem_gbps", "inmem", "stack -> stack, simulated link", "Gbit/s", None, (">=", 10.0, "value")),
    ("inmem_ns_per_seg", "inmem", "CPU per data segment (both stacks)", "ns", None, None),
    ("inmem_lo_gbps", "inmem", "... 64 KiB segments (MTU 65535, like Linux's lo)", "Gbit/s",
     None, None),
    ("mem_conns_established", "memory", "idle connections held", "conns", None, None),
    ("mem_rss_10k_mib", "memory", "resident memory with them", "MiB", None, ("<", 64.0, "value")),
    ("mem_bytes_per_conn", "memory", "resident bytes per idle connection", "bytes", None, None),
]


def load_results(path):
    values = {}
    with open(path) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 3:
                continue
            try:
                value = float(parts[2])
            except ValueError:
                continue   # a measurement that printed no number
            values.setdefault(parts[0], []).append(value)
    return values


def load_machine(path):
    info = {}
    with open(path) as f:
        for line in f:
            if "=" in line:
                key, value = line.rstrip("\n").split("=", 1)
                info[key] = value
    return info


def fmt(value):
    if value is None:
        return "-"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def met(target, median, ratio):
    if target is None:
        return None
    op, bound, on = target
    subject = ratio if on == "ratio" else median
    if subject is None:
        return None
    return subject >= bound if op == ">=" else subject < bound


def target_text(target):
    if target is None:
        return ""
    op, bound, on = target
    if on == "ratio":
        return f"{op} {bound:.0%} of limit"
    return f"{op} {bound:g}"


def summarize(values):
    rows = []
    medians = {k: statistics.median(v) for k, v in values.items() if v}
    for key, section, label, unit, limit, target in FIGURES:
        if key not in values:
            continue
        vals = values[key]
        median = medians[key]
        ratio = None
        if limit and medians.get(limit):
            ratio = median / medians[limit]
        rows.append({
            "figure": key, "section": section, "label": label, "unit": unit,
            "runs": len(vals), "values": vals, "median": median,
            "min": min(vals), "max": max(vals),
            "limit": limit, "limit_median": medians.get(limit) if limit else None,
            "ratio": ratio, "target": target_text(target), "met": met(target, median, ratio),
        })
    return rows


def print_table(rows, machine, notes, out):
    print(f"tunlab bench — {machine.get('date', '?')} — {machine.get('nproc', '?')} vCPU "
          f"{machine.get('cpu', '?')}, Linux {machine.get('kernel', '?')}, load "
          f"{machine.get('load_start', '?')} -> {machine.get('load_end', '?')}", file=out)
    if "commit" in machine:
        print(f"code: commit {machine['commit']}, uncommitted: {machine.get('uncommitted', '?')}",
              file=out)
    header = f"{'figure':<46} {'median':>10} {'min..max':>21} {'unit':<10} {'vs limit':>8}  target"
    print(header, file=out)
    print("-" * len(header) + "-" * 10, file=out)
    section = None
    for r in rows:
        if r["section"] != section:
            section = r["section"]
            print(f"[{section}]", file=out)
        spread = f"{fmt(r['min'])}..{fmt(r['max'])}"
        ratio = f"{r['ratio']:.0%}" if r["ratio"] is not None else ""
        verdict = ""
        if r["met"] is not None:
            verdict = f"{r['target']}: {'met' if r['met'] else 'NOT met'}"
        print(f"  {r['label']:<44} {fmt(r['median']):>10} {spread:>21} {r['unit']:<10} "
              f"{ratio:>8}  {verdict}", file=out)
    for note in notes:
        print(f"note: {note}", file=out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--results", required=True)
    ap.add_argument("--machine", required=True)
    ap.add_argument("--notes")
    ap.add_argument("--runs", type=int)
    ap.add_argument("--seconds", type=int)
    ap.add_argument("--json", required=True)
    args = ap.parse_args()

    values = load_results(args.results)
    machine = load_machine(args.machine)
    notes = []
    if args.notes:
        with open(args.notes) as f:
            notes = [line.strip() for line in f if line.strip()]
    rows = summarize(values)
    print_table(rows, machine, notes, sys.stdout)
    with open(args.json, "w") as f:
        json.dump({"machine": machine, "runs": args.runs, "seconds_per_measurement": args.seconds,
                   "figures": rows, "notes": notes}, f, indent=2)
        f.write("\n")
    return 0 if rows else 1


if __name__ == "__main__":
    sys.exit(main())
