#!/usr/bin/env bash
# Counts the pages the SQLite store writes per message on issue 16's load (`sharectl bench-flow
# --http1`: one message per request, delivered by stream, acknowledged in batches), by the table
# or index each page belongs to. For each NAME=BINARY: a fresh `BINARY demo` with
# Benchmarks/frames-shim.c preloaded, WARMUP messages (default 300), then MESSAGES messages
# counted, then the broker stopped and each frame's page looked up in SQLite's `dbstat` table.
# Every page a commit changes is one write-ahead-log frame (its header and the page, which
# SQLite writes by two calls; since the store's VFS gathers them, a commit's frames reach the
# file in one pwrite64), so this is the "pages written per commit" of BENCHMARKS.md. How many
# messages share a commit depends on timing; the frames a message do not move much with it.
# Needs a C compiler and the sqlite3 shell (apt: gcc sqlite3).
# RATE=N offers N publishes/s (open loop) to the counted messages instead of as fast as they go.
# Usage: Benchmarks/count-frames.sh MESSAGES NAME=BINARY...
#   Benchmarks/count-frames.sh 2000 main=.build/release/sharebroker
set -euo pipefail
cd "$(dirname "$0")/.."
. Benchmarks/demo-node.sh
messages="$1"
shift
warmup="${WARMUP:-300}"
for tool in cc sqlite3; do
    command -v "$tool" > /dev/null || { echo "$tool is missing: apt-get install gcc sqlite3" >&2; exit 1; }
done
build_sharectl
shim="$(mktemp -d)"
cc -shared -fPIC -O2 -o "$shim/frames-shim.so" Benchmarks/frames-shim.c -ldl
folder=""
broker=""
trap 'stop_demo; rm -rf "$shim"' EXIT
print_machine
for build in "$@"; do
    name="${build%%=*}"
    folder="$(mktemp -d)"
    echo "== $name (load average before: $(cut -d' ' -f1-3 /proc/loadavg))"
    demo_launcher=(env LD_PRELOAD="$shim/frames-shim.so" FRAMES_OUT="$folder/frames" FRAMES_MARK="$folder/mark")
    start_demo "$folder/broker.out" "${build#*=}" --data-dir "$folder" --port 0 --bench-agencies 4
    broker=$demo_pid
    flow=("$sharectl" bench-flow --demo-dir "$folder" --url "$url" --broker-pid "$broker" --http1)
    "${flow[@]}" --messages "$warmup" > "$folder/warmup.log" 2>&1 || { cat "$folder/warmup.log" >&2; exit 1; }
    touch "$folder/mark"
    "${flow[@]}" --messages "$messages" ${RATE:+--rate "$RATE"} > "$folder/flow.log" 2>&1 || { cat "$folder/flow.log" >&2; exit 1; }
    kill "$broker"
    wait "$broker" || true
    broker=""
    [ -s "$folder/frames" ] || { echo "$name wrote no frame counts: the shim writes them as the broker exits" >&2; exit 1; }
    sqlite3 -readonly "$folder/broker.sqlite" "SELECT pageno, name FROM dbstat" > "$folder/pages"
    python3 Benchmarks/frames-by-tree.py "$folder/frames" "$folder/pages" "$messages"
    stop_demo
done
