#!/usr/bin/env bash
# tools/bench/bench.sh — the benchmark suite of issue 12 (`./tunlab bench` runs it).
#
#   tools/bench/bench.sh [--runs N] [--seconds S] [--quick] [--only LIST] [--out FILE]
#                        [--wait-quiet MINUTES] [--profile] [--no-build] [--bin DIR]
#
#   --runs N        measure every figure N times (default 5)
#   --seconds S     length of each bulk, ping and HTTP measurement (default 5)
#   --quick         one short run of everything, to check the harness
#   --only LIST     comma-separated sections: limits,bulk,ping,http,inmem,memory
#   --out FILE      where the JSON goes (default: in the work directory)
#   --wait-quiet M  first wait (up to M minutes) for a quiet machine: load
#                   average below 0.5 and no bazel/cc1 process running
#   --profile       also run inmem_bench under callgrind and print where the
#                   instructions per segment go
#
# Measures the stack against the machine's own limits, every figure several
# times (--runs, default 5), and prints one table with the median, the spread
# (min..max) and each figure's ratio to its limit from the same invocation;
# the same data goes to a JSON file whose path it prints.
#
#   limits   kernel TCP <-> kernel TCP over veth, and through tun_forward (a
#            minimal TUN forwarder) with and without IFF_VNET_HDR offload
#            (and, for comparison only, with a thread per direction)
#   bulk     kernel -> stack discard (port 9), stack -> kernel sink
#   ping     ping -f, one in flight and 8 in flight (-l 8), ping and the
#            responder on one vCPU and on two, against the stack and against
#            its limit, tun_reflect (a minimal TUN ICMP reflector; measured
#            whenever ping is, so --only ping gives the ratios too)
#   http     wrk (keep-alive requests/s) and ab (a new connection per
#            request: connections/s) against the stack's HTTP server
#   inmem    two stacks on the simulated link (tools/bench/inmem_bench)
#   memory   10,000 idle connections from the kernel to the stack: resident
#            memory and bytes per connection
#
# Network hygiene: every device, address and process lives in namespaces
# this script creates (names tlb<PID>-*) and removes on exit; nothing is
# sent anywhere else. Every program runs under `timeout`.
# Needs root (TUN devices, namespaces).
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
ROOT=$(cd "$BENCH_DIR/../.." && pwd)
readonly BENCH_DIR ROOT

RUNS=5
SECONDS_PER=5          # duration of each bulk / ping / http measurement
ONLY="limits,bulk,ping,http,inmem,memory"
OUT=""
BUILD=1
BIN=""
WAIT_QUIET=0
PROFILE=0
CONNS=10000
INMEM_BYTES=1G
NS_PREFIX="tlb$$"
WORK=$(mktemp -d "/tmp/tunlab-bench.XXXXXX")
RESULTS="$WORK/results.tsv"   # figure <TAB> run <TAB> value
NOTES="$WORK/notes.txt"       # what was skipped and why
STARTED_PIDS=()
MADE_NS=()

say() { echo "bench: $*" >&2; }
die() { echo "bench: error: $*" >&2; exit 1; }

usage() {
    sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
}

# ------------------------------------------------------------ housekeeping --

cleanup() {
    local pid ns
    for pid in "${STARTED_PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${STARTED_PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    for ns in "${MADE_NS[@]}"; do
        ip netns del "$ns" 2>/dev/null || true
    done
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ns_new VAR SUFFIX: make namespace $NS_PREFIX-SUFFIX with lo up, name in VAR.
# (Not in a $(...) subshell: MADE_NS must remember it for the cleanup.)
ns_new() {
    local made_name="$NS_PREFIX-$2"   # not "ns": printf -v would set this local
    ip netns add "$made_name"
    MADE_NS+=("$made_name")
    ip -n "$made_name" link set lo up
    printf -v "$1" '%s' "$made_name"
}

ns_del() {
    ip netns del "$1" 2>/dev/null || true
}

# start LOG CMD...: run CMD in the background (its output to LOG); sets PID.
# LOG is emptied here, before the fork: emptied by the background job's own
# redirection instead, a wait_line right after could still find the ready
# line of the previous program that used LOG (seen on a loaded machine).
PID=""
start() {
    local log=$1
    shift
    : >"$log"
    "$@" >>"$log" 2>&1 &
    PID=$!
    STARTED_PIDS+=("$PID")
}

# stop PID: SIGTERM, wait up to 5 s, then SIGKILL.
stop() {
    local pid=$1 i
    kill -TERM "$pid" 2>/dev/null || return 0
    for ((i = 0; i < 50; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

# wait_line LOG PATTERN [SECONDS]: wait until LOG has a line matching PATTERN.
wait_line() {
    local log=$1 pattern=$2 limit=${3:-10} i
    for ((i = 0; i < limit * 20; i++)); do
        grep -q -- "$pattern" "$log" 2>/dev/null && return 0
        sleep 0.05
    done
    say "timed out waiting for '$pattern' in $log:"
    sed 's/^/    /' "$log" >&2 || true
    return 1
}

# field LINE KEY: the value of KEY=value in LINE.
field() {
    sed -n "s/.*\\b$2=\\([^ ]*\\).*/\\1/p" <<<"$1" | head -1
}

# record FIGURE RUN VALUE: one measurement (empty values are skipped).
record() {
    [[ -n $3 ]] || { say "no value for $1 (run $2)"; return 0; }
    printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$RESULTS"
    printf '  %-28s run %s: %s\n' "$1" "$2" "$3" >&2
}

note() {
    echo "$*" >>"$NOTES"
    say "note: $*"
}

# --------------------------------------------------------------- building --

build() {
    local startup=()
    [[ -n ${TUNLAB_BAZEL_OUTPUT_BASE:-} ]] && startup+=("--output_base=$TUNLAB_BAZEL_OUTPUT_BASE")
    say "building //tools/bench/... with --config=opt"
    (cd "$ROOT" && bazel "${startup[@]}" build --config=opt --color=no --curses=no \
        //tools/bench/...) >&2
    BIN="$(cd "$ROOT" && bazel "${startup[@]}" info --config=opt bazel-bin 2>/dev/null)/tools/bench"
}

# ------------------------------------------------------------ measurements --

# bulk_kernel_pair SEND_NS SINK_NS ADDR: kernel sender in SEND_NS to a kernel
# sink in SINK_NS at ADDR; sets GBPS to the sender's Gbit/s (empty: failed).
GBPS=""
bulk_kernel_pair() {
    local send_ns=$1 sink_ns=$2 addr=$3 log="$WORK/sink.log" line
    GBPS=""
    start "$log" timeout $((SECONDS_PER + 30)) ip netns exec "$sink_ns" \
        "$BIN/tcp_bulk" sink 5201 --timeout $((SECONDS_PER + 25))
    local sink=$PID
    wait_line "$log" "sink ready" || { stop "$sink"; return 0; }
    line=$(timeout $((SECONDS_PER + 20)) ip netns exec "$send_ns" \
        "$BIN/tcp_bulk" send "$addr" 5201 "$SECONDS_PER" || true)
    stop "$sink"
    GBPS=$(field "$line" gbps)
}

limit_veth() {
    local run=$1 a b
    ns_new a va
    ns_new b vb
    ip link add vetha netns "$a" type veth peer name vethb netns "$b"
    ip -n "$a" addr add 10.78.0.1/24 dev vetha
    ip -n "$b" addr add 10.78.0.2/24 dev vethb
    ip -n "$a" link set vetha up
    ip -n "$b" link set vethb up
    bulk_kernel_pair "$a" "$b" 10.78.0.2
    record limit_veth_gbps "$run" "$GBPS"
    ns_del "$a"
    ns_del "$b"
}

# limit_forward RUN [--vnet | --threads 2]: kernel -> kernel through
# tun_forward. The one-thread forwarder (the default) is the limit the bulk
# figures are compared with, as the stack has one thread too; --threads 2
# (a thread per direction) is measured only to show what a second vCPU adds.
limit_forward() {
    local run=$1 a b name=limit_fwd_gbps log="$WORK/fwd.log"
    shift
    case "${1:-}" in
        --vnet) name=limit_fwd_vnet_gbps ;;
        --threads) name=limit_fwd_2threads_gbps ;;
    esac
    ns_new a fa
    ns_new b fb
    start "$log" timeout $((SECONDS_PER + 40)) "$BIN/tun_forward" --ns-a "$a" --ns-b "$b" \
        "$@" --seconds $((SECONDS_PER + 35))
    local fwd=$PID
    if wait_line "$log" "tun_forward ready"; then
        bulk_kernel_pair "$a" "$b" 10.77.0.2
        record "$name" "$run" "$GBPS"
    fi
    stop "$fwd"
    ns_del "$a"
    ns_del "$b"
}

# stack_start NS LOG [ARGS...]: bench_stackd in NS; sets STACK_PID (to
# stop it: the `timeout` wrapping it) and STACK_OWN_PID (its own, for /proc).
STACK_PID="" STACK_OWN_PID=""
stack_start() {
    local ns=$1 log=$2
    shift 2
    start "$log" timeout 200 ip netns exec "$ns" "$BIN/bench_stackd" --dev tunstk0 "$@"
    STACK_PID=$PID
    wait_line "$log" "bench_stackd ready" || return 1
    STACK_OWN_PID=$(field "$(grep "bench_stackd ready" "$log")" pid)
    [[ -n $STACK_OWN_PID ]] || { say "bench_stackd printed no pid"; return 1; }
}

# bulk_to_stack RUN [--vnet]: kernel -> the stack's discard service.
bulk_to_stack() {
    local run=$1 vnet=${2:-} ns line log="$WORK/stackd.log" name=bulk_kernel_to_stack_gbps
    [[ -z $vnet ]] || name=bulk_kernel_to_stack_vnet_gbps
    ns_new ns stk
    if stack_start "$ns" "$log" $vnet --seconds $((SECONDS_PER + 60)); then
        line=$(timeout $((SECONDS_PER + 20)) ip netns exec "$ns" \
            "$BIN/tcp_bulk" send 10.0.0.2 9 "$SECONDS_PER" || true)
        record "$name" "$run" "$(field "$line" gbps)"
        [[ -n $line ]] && echo "run $run $name: $line" >>"$WORK/diag.txt"
    fi
    stop "$STACK_PID"
    grep "bench_stackd \(done\|vnet\)" "$log" | sed "s/^/run $run $name: /" >>"$WORK/diag.txt" || true
    ns_del "$ns"
}

# bulk_from_stack RUN [--vnet]: the stack's bulk sender -> a kernel sink.
bulk_from_stack() {
    local run=$1 vnet=${2:-} ns line log="$WORK/stackd.log" sinklog="$WORK/sink.log"
    local name=bulk_stack_to_kernel_gbps
    [[ -z $vnet ]] || name=bulk_stack_to_kernel_vnet_gbps
    ns_new ns stk
    # The sink listens on the kernel's side (10.0.0.1) before the device
    # exists; it binds to any address.
    start "$sinklog" timeout $((SECONDS_PER + 40)) ip netns exec "$ns" \
        "$BIN/tcp_bulk" sink 5201 --timeout $((SECONDS_PER + 35))
    local sink=$PID
    if wait_line "$sinklog" "sink ready" &&
        stack_start "$ns" "$log" $vnet --send-to 10.0.0.1:5201 --send-seconds "$SECONDS_PER" \
            --seconds $((SECONDS_PER + 30)); then
        wait "$sink" 2>/dev/null || true
        line=$(grep "tcp_bulk sink bytes" "$sinklog" || true)
        record "$name" "$run" "$(field "$line" gbps)"
    fi
    stop "$sink"
    stop "$STACK_PID"
    grep "bench_stackd \(done\|vnet\)" "$log" | sed "s/^/run $run $name: /" >>"$WORK/diag.txt" || true
    ns_del "$ns"
}

# ping_rate NS CPU INFLIGHT: flood-ping 10.0.0.2 from NS for SECONDS_PER;
# sets RATE (replies per second) and RTT (average, microseconds).
RATE="" RTT=""
ping_rate() {
    local ns=$1 cpu=$2 inflight=$3 out sent_time recv avg
    RATE="" RTT=""
    local args=(-f -q -c 10000000 -w "$SECONDS_PER")
    [[ $inflight -le 1 ]] || args+=(-l "$inflight")
    out=$(timeout $((SECONDS_PER + 10)) ip netns exec "$ns" taskset -c "$cpu" \
        ping "${args[@]}" 10.0.0.2 2>&1 || true)
    recv=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' <<<"$out")
    sent_time=$(sed -n 's/.*time \([0-9]*\)ms.*/\1/p' <<<"$out")
    avg=$(sed -n 's|^rtt min/avg/max/mdev = [0-9.]*/\([0-9.]*\)/.*|\1|p' <<<"$out")
    if [[ -z $recv || -z $sent_time || $sent_time -eq 0 || -z $avg ]]; then
        say "ping gave no figures: $out"
        return 0
    fi
    RATE=$(awk -v r="$recv" -v t="$sent_time" 'BEGIN { printf "%.0f", r * 1000 / t }')
    RTT=$(awk -v a="$avg" 'BEGIN { printf "%.1f", a * 1000 }')
}

# ping_suite RUN WHO NS: the four ping configurations against whatever
# answers 10.0.0.2 in NS, pinned to CPU $RESPONDER_CPU by the caller.
ping_record() {
    local run=$1 prefix=$2 ns=$3 cpu=$4 inflight=$5
    ping_rate "$ns" "$cpu" "$inflight"
    record "${prefix}_pps" "$run" "$RATE"
    record "${prefix}_rtt_us" "$run" "$RTT"
}

# ping_against RUN WHO: WHO is reflect or stack; each placement gets its
# own responder, pinned: "same" = ping and responder on CPU 0; "cross" =
# responder on CPU 1.
ping_against() {
    local run=$1 who=$2 placement cpu ns log="$WORK/ping-$2.log" ok
    for placement in same cross; do
        cpu=0
        [[ $placement == same ]] || cpu=1
        ns_new ns "p$who"
        ok=0
        if [[ $who == reflect ]]; then
            start "$log" timeout $((4 * SECONDS_PER + 30)) ip netns exec "$ns" \
                "$BIN/tun_reflect" --cpu "$cpu" --seconds $((4 * SECONDS_PER + 25))
            wait_line "$log" "tun_reflect ready" && ok=1
        else
            stack_start "$ns" "$log" --cpu "$cpu" --seconds $((4 * SECONDS_PER + 25)) && ok=1
        fi
        local responder=$PID
        [[ $who == stack ]] && responder=$STACK_PID
        if [[ $ok -eq 1 ]]; then
            ping_record "$run" "ping_${who}_${placement}_1" "$ns" 0 1
            ping_record "$run" "ping_${who}_${placement}_8" "$ns" 0 8
        fi
        stop "$responder"
        ns_del "$ns"
    done
}

http_bench() {
    local run=$1 ns log="$WORK/stackd.log" out rps cps
    ns_new ns http
    if stack_start "$ns" "$log" --seconds $((2 * SECONDS_PER + 60)); then
        if ! timeout 5 ip netns exec "$ns" curl -s -o /dev/null -m 3 http://10.0.0.2/; then
            note "HTTP: the stack did not answer GET / on port 80; HTTP figures skipped"
        else
            if command -v wrk >/dev/null; then
                out=$(timeout $((SECONDS_PER + 15)) ip netns exec "$ns" \
                    wrk -t 1 -c 16 -d "${SECONDS_PER}s" http://10.0.0.2/ 2>&1 || true)
                rps=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' <<<"$out")
                record http_keepalive_rps "$run" "$rps"
            else
                note "wrk is not installed (tools/install-deps.sh bench): keep-alive requests/s skipped"
            fi
            if command -v ab >/dev/null; then
                out=$(timeout $((SECONDS_PER + 15)) ip netns exec "$ns" \
                    ab -q -t "$SECONDS_PER" -n 1000000 -c 16 http://10.0.0.2/ 2>&1 || true)
                cps=$(sed -n 's/^Requests per second: *\([0-9.]*\).*/\1/p' <<<"$out")
                record http_new_conn_cps "$run" "$cps"
            else
                note "ab is not installed (apache2-utils): connections/s skipped"
            fi
        fi
    fi
    stop "$STACK_PID"
    ns_del "$ns"
}

inmem_bench() {
    local run=$1 line
    line=$(timeout 120 "$BIN/inmem_bench" --bytes "$INMEM_BYTES" --seed "$run" || true)
    echo "run $run inmem: $line" >>"$WORK/diag.txt"
    record inmem_gbps "$run" "$(field "$line" gbps)"
    record inmem_ns_per_seg "$run" "$(field "$line" ns_per_seg)"
    # The same with the largest IP packet, as over Linux's loopback (MTU
    # 65536): the cost per byte once the cost per packet is spread thin.
    line=$(timeout 120 "$BIN/inmem_bench" --bytes "$INMEM_BYTES" --seed "$run" --mtu 65535 || true)
    echo "run $run inmem mtu 65535: $line" >>"$WORK/diag.txt"
    record inmem_lo_gbps "$run" "$(field "$line" gbps)"
}

memory_bench() {
    local run=$1 ns log="$WORK/stackd.log" clog="$WORK/conns.log" rss0 rss1="" line est held
    ns_new ns mem
    if stack_start "$ns" "$log" --hold-port 5010 --seconds 180; then
        sleep 0.2
        rss0=$(awk '/^VmRSS:/ { print $2 * 1024 }' "/proc/$STACK_OWN_PID/status")
        start "$clog" timeout 150 ip netns exec "$ns" "$BIN/tcp_conns" 10.0.0.2 5010 "$CONNS" --hold 120
        local client=$PID
        if wait_line "$clog" "tcp_conns established" 90; then
            sleep 1   # the last handshakes' ACKs reach the stack
            rss1=$(awk '/^VmRSS:/ { print $2 * 1024 }' "/proc/$STACK_OWN_PID/status")
            line=$(grep "tcp_conns established" "$clog")
            est=$(field "$line" established)
        fi
        stop "$client"
    fi
    stop "$STACK_PID"
    # The stack's own count: connections its hold service accepted.
    held=$(field "$(grep "bench_stackd done" "$log" || true)" held)
    if [[ -n $rss1 && ${held:-0} -gt 0 ]]; then
        echo "run $run memory: $line stack_held=$held rss_before=$rss0 rss_after=$rss1" >>"$WORK/diag.txt"
        record mem_conns_established "$run" "$held"
        record mem_rss_10k_mib "$run" "$(awk -v r="$rss1" 'BEGIN { printf "%.1f", r / 1048576 }')"
        record mem_bytes_per_conn "$run" \
            "$(awk -v a="$rss0" -v b="$rss1" -v n="$held" 'BEGIN { printf "%.0f", (b - a) / n }')"
    fi
    ns_del "$ns"
}

# profile_inmem: callgrind on a small in-memory transfer: the instructions
# one data segment costs, by function (the stack's cost without system calls).
profile_inmem() {
    command -v valgrind >/dev/null || { note "valgrind is not installed: no profile"; return 0; }
    local out="$WORK/callgrind.out" line segs total
    say "profiling inmem_bench --bytes 32M under callgrind"
    line=$(timeout 300 valgrind --tool=callgrind --callgrind-out-file="$out" \
        "$BIN/inmem_bench" --bytes 32M 2>/dev/null || true)
    segs=$(field "$line" data_segs)
    total=$(callgrind_annotate "$out" 2>/dev/null | sed -n 's/^ *\([0-9,]*\) .*PROGRAM TOTALS.*/\1/p' | tr -d ,)
    [[ -n $segs && -n $total && $segs -gt 0 ]] || { note "callgrind profile failed"; return 0; }
    echo
    echo "callgrind: inmem_bench --bytes 32M: $total instructions, $segs data segments," \
        "$((total / segs)) instructions per data segment (both stacks, ACKs included)"
    echo "  instr/seg  share  function"
    callgrind_annotate "$out" 2>/dev/null | awk -v segs="$segs" -v total="$total" '
        /^-+$/ { dashes++; next }
        /PROGRAM TOTALS/ { next }
        dashes >= 4 && NF >= 2 && $1 ~ /^[0-9,]+$/ && n < 20 {
            ir = $1; gsub(",", "", ir)
            fn = $NF == "" ? $2 : $0
            sub(/^ *[0-9,]+ +\([ 0-9.]+%\) +/, "", fn)
            sub(/ \[.*\]$/, "", fn)
            sub(/^.*:/, "", fn)
            printf "  %9.0f  %4.1f%%  %s\n", ir / segs, 100 * ir / total, fn
            n++
        }'
    say "callgrind output: $out (callgrind_annotate $out)"
}

# wait_quiet MINUTES: wait for load average < 0.5 and no bazel or cc1 process.
wait_quiet() {
    local limit=$(( $1 * 60 )) waited=0 load busy
    while :; do
        load=$(cut -d' ' -f1 /proc/loadavg)
        busy=$(pgrep -c -x 'bazel|cc1|cc1plus' 2>/dev/null || true)   # a build running (idle Bazel servers, "java", do not count)
        if awk -v l="$load" 'BEGIN { exit !(l < 0.5) }' && [[ ${busy:-0} -eq 0 ]]; then
            say "machine is quiet (load $load)"
            return 0
        fi
        if [[ $waited -ge $limit ]]; then
            note "measured on a busy machine: load average $load, $busy compiler/bazel processes, after waiting $(( waited / 60 )) min"
            return 0
        fi
        say "waiting for a quiet machine: load $load, ${busy:-0} bazel/compiler processes (waited ${waited}s)"
        sleep 30
        waited=$((waited + 30))
    done
}

# ------------------------------------------------------------------- main --

wants() { [[ ",$ONLY," == *",$1,"* ]]; }

# machine_info: what the figures were measured on, and which code: the
# commit, and the files under stack/ and apps/ that differed from it.
machine_info() {
    local model commit dirty
    model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
    commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
    dirty=$(git -C "$ROOT" status --porcelain -- stack apps tools/bench 2>/dev/null |
        awk '{ print $NF }' | tr '\n' ' ')
    printf 'nproc=%s\ncpu=%s\nkernel=%s\ndate=%s\nload_start=%s\ncommit=%s\nuncommitted=%s\n' \
        "$(nproc)" "$model" "$(uname -r)" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
        "$(cut -d' ' -f1-3 /proc/loadavg)" "$commit" "${dirty:-none}"
}

main() {
    while [[ $# -gt 0 ]]; do
        case "$1" in
            --runs) RUNS=$2; shift ;;
            --seconds) SECONDS_PER=$2; shift ;;
            --quick) RUNS=1 SECONDS_PER=2 CONNS=2000 INMEM_BYTES=256M ;;
            --only) ONLY=$2; shift ;;
            --out) OUT=$2; shift ;;
            --wait-quiet) WAIT_QUIET=$2; shift ;;
            --profile) PROFILE=1 ;;
            --no-build) BUILD=0 ;;
            --bin) BIN=$2 BUILD=0; shift ;;
            -h|--help) usage; exit 0 ;;
            *) echo "bench: unknown option '$1' (try --help)" >&2; exit 2 ;;
        esac
        shift
    done
    [[ $RUNS =~ ^[1-9][0-9]*$ && $SECONDS_PER =~ ^[1-9][0-9]*$ && $WAIT_QUIET =~ ^[0-9]+$ ]] ||
        die "--runs, --seconds and --wait-quiet need whole numbers"
    [[ $EUID -eq 0 ]] || die "needs root (TUN devices and network namespaces)"
    [[ -n $OUT ]] || OUT="$WORK/bench.json"
    if [[ $BUILD -eq 1 ]]; then
        build
    elif [[ -z $BIN ]]; then
        BIN="$ROOT/bazel-bin/tools/bench"
    fi
    [[ -x $BIN/bench_stackd ]] || die "no benchmark programs in $BIN"
    : >"$RESULTS"
    : >"$NOTES"
    [[ $WAIT_QUIET -eq 0 ]] || wait_quiet "$WAIT_QUIET"
    machine_info >"$WORK/machine.txt"
    say "$(tr '\n' ' ' <"$WORK/machine.txt")"
    say "runs=$RUNS seconds=$SECONDS_PER; work files in $WORK"

    local run
    for ((run = 1; run <= RUNS; run++)); do
        say "=== run $run of $RUNS ==="
        if wants limits; then
            limit_veth "$run"
            limit_forward "$run"
            limit_forward "$run" --vnet
            limit_forward "$run" --threads 2
        fi
        if wants bulk; then
            bulk_to_stack "$run"
            bulk_from_stack "$run"
            bulk_to_stack "$run" --vnet
            bulk_from_stack "$run" --vnet
        fi
        if wants ping; then
            # The reflector is ping's limit: measured in the same run, just
            # before the stack, whether or not the other limits are wanted.
            ping_against "$run" reflect
            ping_against "$run" stack
        fi
        wants http && http_bench "$run"
        wants inmem && inmem_bench "$run"
        wants memory && memory_bench "$run"
    done
    echo "load_end=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$WORK/machine.txt"

    python3 "$BENCH_DIR/summarize.py" --results "$RESULTS" --machine "$WORK/machine.txt" \
        --notes "$NOTES" --runs "$RUNS" --seconds "$SECONDS_PER" --json "$OUT"
    [[ $PROFILE -eq 0 ]] || profile_inmem
    [[ ! -s $WORK/diag.txt ]] || say "per-run details: $WORK/diag.txt"
    say "JSON written to $OUT"
}

main "$@"
