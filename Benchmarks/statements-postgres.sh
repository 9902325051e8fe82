#!/usr/bin/env bash
# Counts what PostgreSQL runs for the two-node fan-out: two `sharebroker demo --postgres` nodes
# on one durable server (scripts/test-postgres --durable --statements),
# `sharectl bench-stream` publishing on node A to agencies streaming on node B, then every
# statement's calls, execution time and rows over the load alone (statistics reset just
# before it). Counts of statements barely move with the machine's load, unlike timings.
# Usage: Benchmarks/statements-postgres.sh [BINARY] [RATE] [MESSAGES]
#   BINARY defaults to this checkout's release sharebroker (built first), RATE to 200
#   publishes/s, MESSAGES to 2000. Stops everything it starts.
set -euo pipefail
cd "$(dirname "$0")/.."
. Benchmarks/demo-node.sh
swift build -c release --product sharectl >&2
bin="$(swift build -c release --show-bin-path)"
if [ -z "${1:-}" ]; then swift build -c release --product sharebroker >&2; fi
broker_binary="${1:-$bin/sharebroker}"
rate="${2:-200}"
messages="${3:-2000}"

postgres_folder=""
folder="$(mktemp -d)"
brokers=()
stop_all() {
    for pid in "${brokers[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    rm -rf "$folder"
    if [ -n "$postgres_folder" ]; then scripts/test-postgres stop "$postgres_folder"; fi
}
trap stop_all EXIT

started="$(scripts/test-postgres --durable --statements)"
postgres_folder="$(echo "$started" | sed -n 's/^SHAREBROKER_TEST_POSTGRES_FOLDER=//p')"
base="$(echo "$started" | sed -n 's/^SHAREBROKER_TEST_POSTGRES=//p' | sed 's|/postgres$||')"
port="${base##*:}"
postmaster="$(head -1 "$postgres_folder/data/postmaster.pid")"
sql() { psql -q -At -h 127.0.0.1 -p "$port" -U postgres "$@"; }
sql -c "CREATE DATABASE statements" postgres
sql -c "CREATE EXTENSION pg_stat_statements" statements

urls=()
for node in a b; do
    start_demo "$folder/$node.out" "$broker_binary" --data-dir "$folder" --port 0 --bench-agencies 10 --postgres "$base/statements"
    brokers+=("$demo_pid")
    urls+=("$url")
done

echo "== two nodes, $messages messages at $rate/s from node A to 10 agencies streaming on node B ($(date -u +%Y-%m-%dT%H:%MZ), load average before: $(cut -d' ' -f1-3 /proc/loadavg))"
sql -c "SELECT pg_stat_statements_reset()" statements > /dev/null
"$bin/sharectl" bench-stream --demo-dir "$folder" --url "${urls[0]}" --consumer-url "${urls[1]}" --agencies 10 \
    --messages "$messages" --rate "$rate" --broker-pid "${brokers[0]}" --broker-pid "${brokers[1]}" --database-pid "$postmaster"
echo "== statements by execution time (calls | execution ms | rows | statement)"
sql -F ' | ' -c "SELECT calls, round(total_exec_time::numeric, 1), rows, left(regexp_replace(query, '\s+', ' ', 'g'), 110)
    FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = 'statements')
    ORDER BY total_exec_time DESC LIMIT 20" statements
