#!/usr/bin/env bash
# The PostgreSQL benchmark of BENCHMARKS.md ("The PostgreSQL store and the cluster"): the SQLite
# store, the PostgreSQL store on one node and a cluster of two nodes, measured in turns so that
# the machine's changing load falls on all three alike.
#
# One durable PostgreSQL server (scripts/test-postgres --durable: fsync and synchronous_commit
# on) serves every PostgreSQL run, each on a database of its own made for it; every run has a
# fresh demo folder (and so a fresh SQLite store). Each round runs, over HTTP/2:
#   sqlite, 1 node     throughput in batches of 10, one message per request, inbox latency at
#                      500 publishes/s, fan-out to 10 streaming agencies at 500 publishes/s, and
#                      one message per request delivered by stream and acknowledged in batches
#   postgres, 1 node   the same four, and one message per request by stream as fast as it goes
#                      (`sharectl bench-flow`, HTTP/1.1: issue 16's workload)
#   postgres, 2 nodes  inbox latency and fan-out at 500 publishes/s (the fan-out also with every
#                      connection over HTTP/1.1), and fan-out at 200 publishes/s (issue 14's
#                      cross-node target), publishing on node A while the consumers (inbox long
#                      polls, streams) are on node B
# CPU is read from /proc before and after each run: the broker nodes', and PostgreSQL's (its
# postmaster, every process it started that is running and every one that ended).
# Prints each run's report, the load average before it, what PostgreSQL ran in the background
# during it (autovacuums, autoanalyzes, checkpoints, from its log), and at the end the median of
# each figure over the rounds.
# Usage: Benchmarks/run-postgres.sh [ROUNDS] [MESSAGES] [ONLY]   (defaults 3, 10000 and every run;
# the runs at 500/s publish half as many, the run at 200/s a fifth; ONLY, a bash regular
# expression, runs only the configurations whose name matches it, such as 'by stream').
# SHAREBROKER_BINARY names another sharebroker to measure (an earlier build kept aside), in place
# of this checkout's. Stops everything it starts.
set -euo pipefail
cd "$(dirname "$0")/.."
. Benchmarks/demo-node.sh
rounds="${1:-3}"
messages="${2:-10000}"
paced=$((messages / 2))
only="${3:-}"
swift build -c release --product sharebroker >&2
swift build -c release --product sharectl >&2
bin="$(swift build -c release --show-bin-path)"
broker_binary="${SHAREBROKER_BINARY:-$bin/sharebroker}"

postgres_folder=""
folder=""
brokers=()
database=""
results="$(mktemp)"
postgres_url_base=""

stop_brokers() {
    for pid in "${brokers[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    brokers=()
    if [ -n "$database" ]; then psql -q -h 127.0.0.1 -p "$postgres_port" -U postgres -c "DROP DATABASE $database" postgres >/dev/null; fi
    database=""
    if [ -n "$folder" ]; then rm -rf "$folder"; fi
    folder=""
}
stop_all() {
    stop_brokers
    if [ -n "$postgres_folder" ]; then scripts/test-postgres stop "$postgres_folder"; fi
    rm -f "$results"
}
trap stop_all EXIT

start_test_postgres --durable
# Log what PostgreSQL does in the background, so each run can say what of it fell in its window.
psql -q -h 127.0.0.1 -p "$postgres_port" -U postgres -c "ALTER SYSTEM SET log_autovacuum_min_duration = 0" \
    -c "ALTER SYSTEM SET log_checkpoints = on" -c "SELECT pg_reload_conf()" postgres >/dev/null

# Starts a demo node on the current folder (and database, if any); sets `url` to its address.
start_node() {
    start_demo "$folder/node-${#brokers[@]}.out" "$broker_binary" --data-dir "$folder" --port 0 --bench-agencies 10 \
        ${database:+--postgres "$postgres_url_base/$database"}
    brokers+=("$demo_pid")
}

# Fresh brokers for one run: `start sqlite` or `start postgres NODES`; sets `urls` and `cpu`
# (the sharectl options that count the CPU of every node and of PostgreSQL).
run_number=0
start() {
    stop_brokers
    run_number=$((run_number + 1))
    folder="$(mktemp -d)"
    urls=()
    cpu=()
    if [ "$1" = postgres ]; then
        database="bench_$run_number"
        psql -q -h 127.0.0.1 -p "$postgres_port" -U postgres -c "CREATE DATABASE $database" -c "CHECKPOINT" postgres >/dev/null
        cpu+=(--database-pid "$postmaster")
    fi
    for _ in $(seq "${2:-1}"); do
        start_node
        urls+=("$url")
        cpu+=(--broker-pid "${brokers[-1]}")
    done
}

# Whether the configuration named $1 is to run (ONLY): one that is not starts no broker.
wanted() {
    [[ "$1" =~ $only ]]
}

# Runs one measured command for a configuration, printing and recording its figures.
measure() {
    local configuration="$1"; shift
    local load output
    load="$(cut -d' ' -f1 /proc/loadavg)"
    echo "== $configuration (load average before: $(cut -d' ' -f1-3 /proc/loadavg))"
    local logged
    logged="$(wc -l < "$postgres_folder/server.log")"
    output="$("$@" 2>&1)" || output="$output
(failed: exit $?)"
    echo "$output"
    local meanwhile
    meanwhile="$(tail -n +"$((logged + 1))" "$postgres_folder/server.log")"
    echo "PostgreSQL meanwhile: $(grep -c 'automatic vacuum' <<< "$meanwhile") autovacuums," \
        "$(grep -c 'automatic analyze' <<< "$meanwhile") autoanalyzes, $(grep -c 'checkpoint starting' <<< "$meanwhile") checkpoints started"
    {
        echo "$configuration	load average before	$load"
        echo "$output" | awk -v name="$configuration" -f Benchmarks/figures.awk
    } >> "$results"
}

print_machine
echo "== PostgreSQL $(psql -At -h 127.0.0.1 -p "$postgres_port" -U postgres -c 'SHOW server_version' postgres), fsync $(psql -At -h 127.0.0.1 -p "$postgres_port" -U postgres -c 'SHOW fsync' postgres), synchronous_commit $(psql -At -h 127.0.0.1 -p "$postgres_port" -U postgres -c 'SHOW synchronous_commit' postgres)"
for round in $(seq "$rounds"); do
    for store in sqlite postgres; do
        name="$store 1 node: batches of 10"
        if wanted "$name"; then
            start "$store"
            measure "$name, round $round" \
                "$bin/sharectl" bench --demo-dir "$folder" --url "${urls[0]}" --messages "$messages" --batch 10 --consumers 8 "${cpu[@]}"
        fi
        name="$store 1 node: one message per request"
        if wanted "$name"; then
            start "$store"
            measure "$name, round $round" \
                "$bin/sharectl" bench --demo-dir "$folder" --url "${urls[0]}" --messages "$messages" "${cpu[@]}"
        fi
        name="$store 1 node: inbox at 500/s"
        if wanted "$name"; then
            start "$store"
            measure "$name, round $round" \
                "$bin/sharectl" bench --demo-dir "$folder" --url "${urls[0]}" --messages "$paced" --rate 500 "${cpu[@]}"
        fi
        name="$store 1 node: fan-out to 10 streams at 500/s"
        if wanted "$name"; then
            start "$store"
            measure "$name, round $round" \
                "$bin/sharectl" bench-stream --demo-dir "$folder" --url "${urls[0]}" --agencies 10 --messages "$paced" --rate 500 "${cpu[@]}"
        fi
        name="$store 1 node: one message per request by stream, as fast as it goes"
        if wanted "$name"; then
            start "$store"
            measure "$name, round $round" \
                "$bin/sharectl" bench-flow --demo-dir "$folder" --url "${urls[0]}" --http1 --messages "$messages" "${cpu[@]}"
        fi
    done
    name="postgres 2 nodes (publish on A, inbox on B): inbox at 500/s"
    if wanted "$name"; then
        start postgres 2
        measure "$name, round $round" \
            "$bin/sharectl" bench --demo-dir "$folder" --url "${urls[0]}" --consumer-url "${urls[1]}" --messages "$paced" --rate 500 "${cpu[@]}"
    fi
    name="postgres 2 nodes (publish on A, streams on B): fan-out to 10 streams at 500/s"
    if wanted "$name"; then
        start postgres 2
        measure "$name, round $round" \
            "$bin/sharectl" bench-stream --demo-dir "$folder" --url "${urls[0]}" --consumer-url "${urls[1]}" --agencies 10 --messages "$paced" --rate 500 "${cpu[@]}"
    fi
    name="postgres 2 nodes (publish on A, streams on B), HTTP/1.1: fan-out to 10 streams at 500/s"
    if wanted "$name"; then
        start postgres 2
        measure "$name, round $round" \
            "$bin/sharectl" bench-stream --demo-dir "$folder" --url "${urls[0]}" --consumer-url "${urls[1]}" --http1 --agencies 10 --messages "$paced" --rate 500 "${cpu[@]}"
    fi
    name="postgres 2 nodes (publish on A, streams on B): fan-out to 10 streams at 200/s"
    if wanted "$name"; then
        start postgres 2
        measure "$name, round $round" \
            "$bin/sharectl" bench-stream --demo-dir "$folder" --url "${urls[0]}" --consumer-url "${urls[1]}" --agencies 10 --messages "$((paced * 2 / 5))" --rate 200 "${cpu[@]}"
    fi
done
stop_brokers

echo "== medians over $rounds rounds (configuration, figure, median, every round's value)"
sed 's/, round [0-9]*\t/\t/' "$results" | sort -t$'\t' -k1,1 -k2,2 -s | awk -f Benchmarks/medians.awk
