#!/usr/bin/env bash
# Compares broker builds on SQLite in turns: issue 16's load (`sharectl bench-flow --http1`, one
# message per request, delivered by stream and acknowledged in batches), against a fresh
# `sharebroker demo` per run, each binary once per round, so that the machine's changing load
# falls on every build alike. With `perf` installed (apt: linux-perf) each run also counts the
# broker's context switches and system calls (`perf stat -p`), which move far less from run to
# run than CPU time; so does the report's "broker CPU per load-generator CPU".
# Usage: Benchmarks/compare-flow.sh ROUNDS MESSAGES NAME=BINARY...
# RATE=N offers N publishes/s (open loop) instead of as fast as it goes; FLOW_OPTIONS adds options
# of `sharectl bench-flow` (such as --no-ack). For example:
#   git worktree add /tmp/before COMMIT && (cd /tmp/before && swift build -c release --product sharebroker)
#   swift build -c release --product sharebroker
#   Benchmarks/compare-flow.sh 4 10000 before=/tmp/before/.build/release/sharebroker after=.build/release/sharebroker
# Prints each run's report and, at the end, the median of each figure per build.
set -euo pipefail
cd "$(dirname "$0")/.."
. Benchmarks/demo-node.sh
rounds="$1"
messages="$2"
shift 2
build_sharectl
folder=""
broker=""
results="$(mktemp)"
trap 'stop_demo; rm -f "$results"' EXIT

run_flow() {
    local name="$1" binary="$2" counter="" output
    folder="$(mktemp -d)"
    start_demo "$folder/broker.out" "$binary" --data-dir "$folder" --port 0 --bench-agencies 4
    broker=$demo_pid
    if command -v perf > /dev/null; then
        perf stat -x, -e context-switches,raw_syscalls:sys_enter -p "$broker" -o "$folder/counts.csv" &
        counter=$!
        sleep 0.3
    fi
    output="$("$sharectl" bench-flow --demo-dir "$folder" --url "$url" --broker-pid "$broker" --http1 \
        --messages "$messages" ${RATE:+--rate "$RATE"} ${FLOW_OPTIONS:-} 2>&1)"
    if [ -n "$counter" ]; then
        kill -INT "$counter"; wait "$counter" || true
        output="$output
$(awk -F, -v n="$messages" '$3 == "context-switches" { printf "context switches/message %.2f\n", $1 / n }
    $3 == "raw_syscalls:sys_enter" { printf "system calls/message %.1f\n", $1 / n }' "$folder/counts.csv")"
    fi
    echo "$output"
    echo "$output" | awk -v name="$name" -f Benchmarks/figures.awk >> "$results"
    stop_demo
}
in_turns "$rounds" run_flow "$@"
