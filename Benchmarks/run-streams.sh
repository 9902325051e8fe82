#!/usr/bin/env bash
# Many idle delivery streams and one broadcast (BENCHMARKS.md, issue 16 "10,000 agencies' systems
# connected at once"): a release-build demo broker on 127.0.0.1 whose partnership has STREAMS
# benchmark agencies (bench-social-care-01 on, each with its own client certificate from the
# demo's CA), loaded by Benchmarks/streams_bench.py: one mutual-TLS HTTP/1.1 connection per
# agency that subscribes it to relevant-history/1 and then holds GET /v1/stream open; one
# message broadcast to all of them through those subscriptions; the broker's memory before,
# with every stream open, after the broadcast, and after every connection closed.
# The demo folder is made once (issuing STREAMS certificates takes a while) and its
# configuration given connections.maxOpen and connections.maxPerAddress above STREAMS (every
# connection comes from 127.0.0.1) and an hour for a request's head; each of the ROUNDS runs
# starts on a fresh store.
# Usage: Benchmarks/run-streams.sh [STREAMS] [ROUNDS]   (defaults 10000 and 1). SHAREBROKER_BINARY
# names another sharebroker to measure (an earlier build kept aside), in place of this checkout's;
# STREAMS_OPTIONS adds options of Benchmarks/streams_bench.py (such as --subscribe-apart, or
# --hold request / --hold handshake: connections that hold no stream, for what each costs without one).
# Stops everything it starts.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product sharebroker >&2
swift build -c release --product sharectl >&2
bin="$(swift build -c release --show-bin-path)"
broker_binary="${SHAREBROKER_BINARY:-$bin/sharebroker}"
streams="${1:-10000}"
rounds="${2:-1}"
ulimit -n "$(ulimit -Hn)"
if [ "$(ulimit -n)" -lt $((streams + 200)) ]; then
    echo "The open-file limit ($(ulimit -n)) cannot hold $streams connections: raise the hard limit." >&2
    exit 64
fi
folder="$(mktemp -d)"
broker=""
stop_broker() {
    if [ -n "$broker" ]; then kill "$broker" 2>/dev/null || true; wait "$broker" 2>/dev/null || true; fi
    broker=""
}
trap 'stop_broker; rm -rf "$folder"' EXIT
start_broker() {
    rm -f "$folder/broker.out"
    "$broker_binary" demo --data-dir "$folder" --port 0 --bench-agencies "$streams" > "$folder/broker.out" 2>&1 &
    broker=$!
    for _ in $(seq 6000); do
        grep -q "Stop with Ctrl-C" "$folder/broker.out" 2>/dev/null && break
        kill -0 "$broker" 2>/dev/null || { cat "$folder/broker.out" >&2; exit 1; }
        sleep 0.1
    done
    url="$(grep -o 'https://127.0.0.1:[0-9]*' "$folder/broker.out" | head -1)"
}
echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD)${SHAREBROKER_BINARY:+, broker $SHAREBROKER_BINARY}"
echo "== making a demo with $streams benchmark agencies"
start_broker
stop_broker
python3 - "$folder/sharebroker.json" "$((streams + 100))" <<'EOF'
import json, sys
path, limit = sys.argv[1], int(sys.argv[2])
with open(path) as file:
    configuration = json.load(file)
# A connection that sends no request (STREAMS_OPTIONS="--hold handshake") stays open for the measurement.
configuration["connections"] = {"maxOpen": limit, "maxPerAddress": limit, "headerTimeoutSeconds": 3600}
with open(path, "w") as file:
    json.dump(configuration, file, indent=2)
EOF
for round in $(seq "$rounds"); do
    rm -f "$folder"/broker.sqlite*
    start_broker
    sleep 8  # the broker gives back what its start-up freed 5 s after it starts (MemoryReleaseService)
    echo "== round $round: load average $(cut -d' ' -f1-3 /proc/loadavg)"
    python3 Benchmarks/streams_bench.py --demo-dir "$folder" --url "$url" --broker-pid "$broker" \
        --sharectl "$bin/sharectl" --streams "$streams" ${STREAMS_OPTIONS:-} || echo "== round $round: not every stream received the broadcast"
    echo "== round $round ended: load average $(cut -d' ' -f1-3 /proc/loadavg)"
    stop_broker
done
