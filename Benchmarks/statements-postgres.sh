#!/usr/bin/env bash
# Counts what PostgreSQL runs for the two-node fan-out: two `sharebroker demo --postgres` nodes
# on one durable server (scripts/test-postgres --durable),
# `sharectl bench-stream` publishing on node A to agencies streaming on node B (or, with FLOW=1,
# one node under `sharectl bench-flow`, issue 16's workload: one message per request over
# HTTP/1.1 to four agencies streaming and acknowledging, as fast as it goes), then every
# statement's calls, plans, planning and execution time and rows, the write-ahead log written,
# and each table's rows written and read by sequential scans, over the load alone (statistics
# reset just before it). Counts barely move with the machine's load, unlike timings.
# Usage: Benchmarks/statements-postgres.sh [BINARY] [RATE] [MESSAGES]
#   BINARY defaults to this checkout's release sharebroker (built first), RATE to 200
#   publishes/s (not used with FLOW=1), MESSAGES to 2000. Stops everything it starts.
# TREE_HEAD_INTERVAL and CATCH_UP_INTERVAL, in seconds, set the nodes' `audit.treeHeadIntervalSeconds`
# and `audit.catchUpIntervalSeconds` (a first node is started and stopped to make the demo folder,
# whose configuration is then changed): 3600 for both keeps the audit tree's catch-up out of the load.
set -euo pipefail
cd "$(dirname "$0")/.."
. Benchmarks/demo-node.sh
swift build -c release --product sharectl >&2
bin="$(swift build -c release --show-bin-path)"
if [ -z "${1:-}" ]; then swift build -c release --product sharebroker >&2; fi
broker_binary="${1:-$bin/sharebroker}"
rate="${2:-200}"
messages="${3:-2000}"
flow="${FLOW:-0}"
agencies=10
if [ "$flow" = 1 ]; then agencies=4; fi

postgres_folder=""
folder="$(mktemp -d)"
brokers=()
stop_all() {
    for pid in "${brokers[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    rm -rf "$folder"
    if [ -n "$postgres_folder" ]; then scripts/test-postgres stop "$postgres_folder"; fi
}
trap stop_all EXIT

start_test_postgres --durable
sql() { psql -q -At -h 127.0.0.1 -p "$postgres_port" -U postgres "$@"; }
sql -c "CREATE DATABASE statements" postgres
sql -c "CREATE EXTENSION pg_stat_statements" statements
sql -c "ALTER DATABASE statements SET pg_stat_statements.track = top" statements
sql -c "ALTER DATABASE statements SET pg_stat_statements.track_planning = on" statements

if [ -n "${TREE_HEAD_INTERVAL:-}${CATCH_UP_INTERVAL:-}" ]; then
    start_demo "$folder/first.out" "$broker_binary" --data-dir "$folder" --port 0 --bench-agencies "$agencies" --postgres "$postgres_url_base/statements"
    kill "$demo_pid"; wait "$demo_pid" || true
    python3 - "$folder/sharebroker.json" "${TREE_HEAD_INTERVAL:-}" "${CATCH_UP_INTERVAL:-}" <<'PY'
import json, sys
path, heads, steps = sys.argv[1:]
configuration = json.load(open(path))
if heads: configuration["audit"]["treeHeadIntervalSeconds"] = float(heads)
if steps: configuration["audit"]["catchUpIntervalSeconds"] = float(steps)
json.dump(configuration, open(path, "w"), indent=2)
PY
fi

urls=()
nodes=(a b)
if [ "$flow" = 1 ]; then nodes=(a); fi
for node in "${nodes[@]}"; do
    start_demo "$folder/$node.out" "$broker_binary" --data-dir "$folder" --port 0 --bench-agencies "$agencies" --postgres "$postgres_url_base/statements"
    brokers+=("$demo_pid")
    urls+=("$url")
done

settings="tree heads every ${TREE_HEAD_INTERVAL:-5} s, catch-up every ${CATCH_UP_INTERVAL:-0.25} s"
started="$(date -u +%Y-%m-%dT%H:%MZ), load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$flow" = 1 ]; then
    echo "== one node, $messages messages one per request as fast as they go, to 4 agencies streaming and acknowledging ($started); $settings"
else
    echo "== two nodes, $messages messages at $rate/s from node A to 10 agencies streaming on node B ($started); $settings"
fi
sql -c "SELECT pg_stat_statements_reset(), pg_stat_reset(), pg_stat_reset_shared('wal')" statements > /dev/null
if [ "$flow" = 1 ]; then
    "$bin/sharectl" bench-flow --demo-dir "$folder" --url "${urls[0]}" --http1 --messages "$messages" \
        --broker-pid "${brokers[0]}" --database-pid "$postmaster"
else
    "$bin/sharectl" bench-stream --demo-dir "$folder" --url "${urls[0]}" --consumer-url "${urls[1]}" --agencies 10 \
        --messages "$messages" --rate "$rate" --broker-pid "${brokers[0]}" --broker-pid "${brokers[1]}" --database-pid "$postmaster"
fi
echo "== statements by execution time (calls | plans | planning ms | execution ms | rows | statement)"
sql -F ' | ' -c "SELECT calls, plans, round(total_plan_time::numeric, 1), round(total_exec_time::numeric, 1), rows, left(regexp_replace(query, '\s+', ' ', 'g'), 110)
    FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = 'statements')
    ORDER BY total_exec_time DESC LIMIT 20" statements
echo "== write-ahead log over the load (records | full-page images | bytes)"
sql -F ' | ' -c "SELECT wal_records, wal_fpi, wal_bytes FROM pg_stat_wal" statements
echo "== rows by table (table | inserted | updated | of them HOT | deleted | sequential scans | rows they read)"
sleep 1
sql -F ' | ' -c "SELECT relname, n_tup_ins, n_tup_upd, n_tup_hot_upd, n_tup_del, seq_scan, seq_tup_read FROM pg_stat_user_tables
    WHERE n_tup_ins + n_tup_upd + n_tup_del + seq_tup_read > 0 ORDER BY n_tup_ins + n_tup_upd + n_tup_del DESC" statements
