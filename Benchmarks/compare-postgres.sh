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
# STREAM_RATE=N runs instead `sharectl bench-stream --agencies 1 --rate N` (publishes only: one
# streaming recipient, no acknowledgements, open loop). DELAY_MS=D puts Benchmarks/delay-proxy.py
# between the node and PostgreSQL, delaying each direction by D ms (at least about 1 ms: asyncio's
# timers), a stand-in for a database across a network. For example:
#   DELAY_MS=0.25 STREAM_RATE=800 Benchmarks/compare-postgres.sh 2 8000 before=... after=...
set -euo pipefail
cd "$(dirname "$0")/.."
. Benchmarks/demo-node.sh
rounds="$1"
messages="$2"
shift 2
build_sharectl

postgres_folder=""
folder=""
broker=""
database=""
proxy=""
results="$(mktemp)"
stop_run() {
    stop_demo
    if [ -n "$database" ]; then psql -q -h 127.0.0.1 -p "$postgres_port" -U postgres -c "DROP DATABASE $database" postgres >/dev/null; fi
    database=""
}
stop_all() {
    stop_run
    if [ -n "$proxy" ]; then kill "$proxy" 2>/dev/null || true; wait "$proxy" 2>/dev/null || true; fi
    if [ -n "$postgres_folder" ]; then scripts/test-postgres stop "$postgres_folder"; fi
    rm -f "$results"
}
trap stop_all EXIT

start_test_postgres --durable
node_url_base="$postgres_url_base"
if [ -n "${DELAY_MS:-}" ]; then
    proxy_port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    python3 Benchmarks/delay-proxy.py "$proxy_port" "$postgres_port" "$DELAY_MS" &
    proxy=$!
    node_url_base="postgres://postgres@127.0.0.1:$proxy_port"
    echo "== the nodes reach PostgreSQL through delay-proxy.py, $DELAY_MS ms each way"
fi

run=0
run_postgres() {
    local name="$1" binary="$2" output
    run=$((run + 1))
    folder="$(mktemp -d)"
    database="compare_$run"
    psql -q -h 127.0.0.1 -p "$postgres_port" -U postgres -c "CREATE DATABASE $database" -c "CHECKPOINT" postgres >/dev/null
    start_demo "$folder/node.out" "$binary" --data-dir "$folder" --port 0 --bench-agencies 10 \
        --postgres "$node_url_base/$database"
    broker=$demo_pid
    if [ -n "${STREAM_RATE:-}" ]; then
        output="$("$sharectl" bench-stream --demo-dir "$folder" --url "$url" --agencies 1 --rate "$STREAM_RATE" \
            --messages "$messages" --broker-pid "$broker" --database-pid "$postmaster" 2>&1)"
    else
        output="$("$sharectl" bench-flow --demo-dir "$folder" --url "$url" --http1 --messages "$messages" \
            --broker-pid "$broker" --database-pid "$postmaster" 2>&1)"
    fi
    echo "$output"
    echo "$output" | awk -v name="$name" -f Benchmarks/figures.awk >> "$results"
    stop_run
}
in_turns "$rounds" run_postgres "$@"
