#!/usr/bin/env bash
# The one-message-per-request benchmark of BENCHMARKS.md ("One message per request, by stream"):
# a release-build demo broker on 127.0.0.1 with a fresh data folder for each run, loaded by
# `sharectl bench-flow` over HTTP/1.1 keep-alive: 4 publishing connections each sending one
# message per request (JWS about 3.7 KB), addressed in turn to 4 recipient agencies that each
# hold one delivery stream open and acknowledge in batches of up to 100. Three loads, each
# repeated ROUNDS times in turns (so the machine's changing load falls on all alike):
#   fast   MESSAGES messages as fast as they go
#   500    MESSAGES/2 messages at 500 publishes/s, open loop (latency from the intended send time)
#   2000   120,000 messages at 2,000 publishes/s (one minute), open loop
# Prints each run's report with the load average before it (and after each fast run the store's
# size per message), then the median of each figure.
# Usage: Benchmarks/run-flow.sh [ROUNDS] [MESSAGES]   (defaults 3 and 20000). Stops everything it starts.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-3}"
messages="${2:-20000}"
swift build -c release --product sharebroker >&2
swift build -c release --product sharectl >&2
bin="$(swift build -c release --show-bin-path)"
folder=""
broker=""
results="$(mktemp)"
stop_broker() {
    if [ -n "$broker" ]; then kill "$broker" 2>/dev/null || true; wait "$broker" 2>/dev/null || true; fi
    if [ -n "$folder" ]; then rm -rf "$folder"; fi
    broker=""
    folder=""
}
trap 'stop_broker; rm -f "$results"' EXIT
start_broker() {
    stop_broker
    folder="$(mktemp -d)"
    "$bin/sharebroker" demo --data-dir "$folder" --port 0 --bench-agencies 4 > "$folder/broker.out" 2>&1 &
    broker=$!
    for _ in $(seq 300); do
        grep -q "Stop with Ctrl-C" "$folder/broker.out" 2>/dev/null && break
        sleep 0.1
    done
    url="$(grep -o 'https://127.0.0.1:[0-9]*' "$folder/broker.out" | head -1)"
}
run() {
    local name="$1"; shift
    start_broker
    echo "== $name, round $round: load average $(cut -d' ' -f1-3 /proc/loadavg)"
    "$bin/sharectl" bench-flow --demo-dir "$folder" --url "$url" --broker-pid "$broker" --http1 "$@" > "$folder/report.txt"
    cat "$folder/report.txt"
    if [ "$name" = fast ]; then
        # What the store keeps per message (its deliveries, audit entries and sealed body), with
        # the write-ahead log folded into the file first.
        echo "checkpoint (busy, log, checkpointed): $(sqlite3 "$folder/broker.sqlite" 'PRAGMA wal_checkpoint(TRUNCATE);')"
        echo "$name store-bytes-per-message $(( $(stat -c %s "$folder/broker.sqlite") / messages ))" | tee -a "$results"
    fi
    sed -n -e "s/^publishes\/s *\([0-9.]*\).*/$name publishes\/s \1/p" \
               -e "s/^publish→stream p50 *\([0-9.]*\).*/$name p50-ms \1/p" \
               -e "s/^publish→stream p99 *\([0-9.]*\).*/$name p99-ms \1/p" \
               -e "s/^messages\/broker-CPU-s *\([0-9.]*\).*/$name messages-per-cpu-second \1/p" \
               -e "s/^broker CPU per load-generator CPU *\([0-9.]*\).*/$name broker-per-generator-cpu \1/p" "$folder/report.txt" >> "$results"
}
echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(date -u +%Y-%m-%d)"
for round in $(seq "$rounds"); do
    run fast --messages "$messages"
    run rate-500 --messages $((messages / 2)) --rate 500
    run rate-2000 --messages 120000 --rate 2000
done 2>&1
echo "== medians of $rounds rounds"
sort -k1,1 -k2,2 -k3,3g "$results" | awk '{ key = $1 " " $2; n[key]++; v[key, n[key]] = $3; runs[key] = runs[key] " " $3 }
    END { for (key in n) printf "%-40s %s   (runs:%s)\n", key, v[key, int((n[key] + 1) / 2)], runs[key] }' | sort
