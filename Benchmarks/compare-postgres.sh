#!/usr/bin/env bash
# Compares broker builds on PostgreSQL in turns: issue 16's load (`sharectl bench-flow --http1`,
# one message per request, delivered by stream and acknowledged in batches, as fast as it goes)
# against one `sharebroker demo --postgres` node per run, each binary once per round, so that
# the machine's changing load falls on every build alike. Every run has a fresh demo folder and
# a fresh database on one durable PostgreSQL server (scripts/test-postgres --durable) that the
# script starts and stops; CPU is the broker's plus all of PostgreSQL's processes'.
# Usage: Benchmarks/compare-postgres.sh ROUNDS MESSAGES NAME=BINARY...
# For example, to compare two commits:
#   git worktree add /tmp/before COMMIT && (cd /tmp/before && swift build -c release --product sharebroker)
#   swift build -c release --product sharebroker
#   Benchmarks/compare-postgres.sh 3 10000 before=/tmp/before/.build/release/sharebroker \
#       after=.build/release/sharebroker
# Prints each run's report and, at the end, the median of each figure per build.
set -euo pipefail
cd "$(dirname "$0")/.."
. Benchmarks/demo-node.sh
rounds="$1"
messages="$2"
shift 2
swift build -c release --product sharectl >&2
sharectl="$(swift build -c release --show-bin-path)/sharectl"

postgres_folder=""
folder=""
broker=""
database=""
results="$(mktemp)"
stop_run() {
    if [ -n "$broker" ]; then kill "$broker" 2>/dev/null || true; wait "$broker" 2>/dev/null || true; fi
    broker=""
    if [ -n "$database" ]; then psql -q -h 127.0.0.1 -p "$postgres_port" -U postgres -c "DROP DATABASE $database" postgres >/dev/null; fi
    database=""
    if [ -n "$folder" ]; then rm -rf "$folder"; fi
    folder=""
}
stop_all() {
    stop_run
    if [ -n "$postgres_folder" ]; then scripts/test-postgres stop "$postgres_folder"; fi
    rm -f "$results"
}
trap stop_all EXIT

start_test_postgres --durable

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(date -u +%Y-%m-%dT%H:%MZ)"
run=0
for round in $(seq "$rounds"); do
    for build in "$@"; do
        name="${build%%=*}"
        binary="${build#*=}"
        run=$((run + 1))
        folder="$(mktemp -d)"
        database="compare_$run"
        psql -q -h 127.0.0.1 -p "$postgres_port" -U postgres -c "CREATE DATABASE $database" -c "CHECKPOINT" postgres >/dev/null
        start_demo "$folder/node.out" "$binary" --data-dir "$folder" --port 0 --bench-agencies 10 \
            --postgres "$postgres_url_base/$database"
        broker=$demo_pid
        echo "== $name, round $round (load average before: $(cut -d' ' -f1-3 /proc/loadavg))"
        output="$("$sharectl" bench-flow --demo-dir "$folder" --url "$url" --http1 --messages "$messages" \
            --broker-pid "$broker" --database-pid "$postmaster" 2>&1)"
        echo "$output"
        echo "$output" | awk -v name="$name" -f Benchmarks/figures.awk >> "$results"
        stop_run
    done
done

echo "== medians over $rounds rounds (build, figure, median, every round's value)"
sort -t$'\t' -k1,1 -k2,2 -s "$results" | awk -f Benchmarks/medians.awk
