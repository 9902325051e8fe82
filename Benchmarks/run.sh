#!/usr/bin/env bash
# The load benchmark of BENCHMARKS.md: a release-build demo broker on 127.0.0.1 with a fresh
# data folder, loaded by `sharectl bench` (32 publishing mTLS connections, 1 KiB payloads,
# drained through the inbox with acknowledgements; one message per request with 4 consumers,
# then batches of 10 with 8 consumers), then the latency run at 500 publishes/s,
# then the fan-out run: 10 subscribed agencies streaming while 500 messages/s are published.
# Each run is repeated over HTTP/1.1 connections.
# Usage: Benchmarks/run.sh [MESSAGES]   (default 20000). Stops everything it starts.
# The PostgreSQL store and the cluster are measured by Benchmarks/run-postgres.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
messages="${1:-20000}"
swift build -c release --product sharebroker >&2
swift build -c release --product sharectl >&2
bin="$(swift build -c release --show-bin-path)"
folder=""
broker=""
stop_broker() {
    if [ -n "$broker" ]; then kill "$broker" 2>/dev/null || true; wait "$broker" 2>/dev/null || true; fi
    if [ -n "$folder" ]; then rm -rf "$folder"; fi
    broker=""
    folder=""
}
trap stop_broker EXIT
# A fresh demo broker (its own data folder) for each group of runs, so no run inherits
# another's unacknowledged deliveries.
start_broker() {
    stop_broker
    folder="$(mktemp -d)"
    "$bin/sharebroker" demo --data-dir "$folder" --port 0 --bench-agencies 10 > "$folder/broker.out" 2>&1 &
    broker=$!
    for _ in $(seq 100); do
        grep -q "Stop with Ctrl-C" "$folder/broker.out" 2>/dev/null && break
        sleep 0.1
    done
    port="$(grep -o 'https://127.0.0.1:[0-9]*' "$folder/broker.out" | head -1 | cut -d: -f3)"
    url="https://127.0.0.1:$port"
}
start_broker
echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(date -u +%Y-%m-%d)"
echo "== throughput: $messages messages, as fast as possible"
"$bin/sharectl" bench --demo-dir "$folder" --url "$url" --messages "$messages" --broker-pid "$broker"
echo "== throughput over HTTP/1.1: $messages messages, as fast as possible"
"$bin/sharectl" bench --demo-dir "$folder" --url "$url" --messages "$messages" --broker-pid "$broker" --http1
echo "== throughput in batches of 10 (POST /v1/messages/batch): $messages messages, as fast as possible"
"$bin/sharectl" bench --demo-dir "$folder" --url "$url" --messages "$messages" --broker-pid "$broker" --batch 10 --consumers 8
echo "== throughput in batches of 10 over HTTP/1.1: $messages messages, as fast as possible"
"$bin/sharectl" bench --demo-dir "$folder" --url "$url" --messages "$messages" --broker-pid "$broker" --batch 10 --consumers 8 --http1
echo "== latency: 10000 messages at 500 publishes/s"
"$bin/sharectl" bench --demo-dir "$folder" --url "$url" --messages 10000 --rate 500 --broker-pid "$broker"
echo "== latency over HTTP/1.1: 10000 messages at 500 publishes/s"
"$bin/sharectl" bench --demo-dir "$folder" --url "$url" --messages 10000 --rate 500 --broker-pid "$broker" --http1
start_broker
echo "== fan-out: 10 subscribed agencies streaming, 10000 messages at 500 publishes/s"
"$bin/sharectl" bench-stream --demo-dir "$folder" --url "$url" --agencies 10 --messages 10000 --rate 500 --broker-pid "$broker"
start_broker
echo "== fan-out over HTTP/1.1: 10 subscribed agencies streaming, 10000 messages at 500 publishes/s"
"$bin/sharectl" bench-stream --demo-dir "$folder" --url "$url" --agencies 10 --messages 10000 --rate 500 --broker-pid "$broker" --http1
