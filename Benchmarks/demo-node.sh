# Sourced by the benchmark scripts.
#
# start_demo LOG BINARY ARGUMENTS... starts `BINARY demo
# ARGUMENTS...` in the background with its output in LOG, waits (up to 30 s) until it serves,
# and sets `demo_pid` and `url` (its https://127.0.0.1:PORT); shows LOG and exits if it does not.
# A caller may set the array `demo_launcher` to a command that runs the binary (such as valgrind
# and its options) and `demo_wait_seconds` to wait longer.
demo_launcher=()
demo_wait_seconds=30
start_demo() {
    local log="$1" binary="$2"
    shift 2
    "${demo_launcher[@]}" "$binary" demo "$@" > "$log" 2>&1 &
    demo_pid=$!
    for _ in $(seq $((demo_wait_seconds * 10))); do
        grep -q "Stop with Ctrl-C" "$log" 2>/dev/null && break
        sleep 0.1
    done
    grep -q "Stop with Ctrl-C" "$log" || { cat "$log" >&2; exit 1; }
    url="https://127.0.0.1:$(grep -o 'https://127.0.0.1:[0-9]*' "$log" | head -1 | cut -d: -f3)"
}

# stop_demo stops the broker `broker` (a start_demo's `demo_pid`), if any, and removes the folder
# `folder`, if any, then empties both.
stop_demo() {
    if [ -n "$broker" ]; then kill "$broker" 2>/dev/null || true; wait "$broker" 2>/dev/null || true; fi
    broker=""
    if [ -n "$folder" ]; then rm -rf "$folder"; fi
    folder=""
}

# build_sharectl builds the release `sharectl` (the load generator) and sets `sharectl` to it.
build_sharectl() {
    swift build -c release --product sharectl >&2
    sharectl="$(swift build -c release --show-bin-path)/sharectl"
}

# print_machine prints the machine's cores and processor, and the time (UTC), for a report's head.
print_machine() {
    echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(date -u +%Y-%m-%dT%H:%MZ)"
}

# in_turns ROUNDS RUN NAME=BINARY... calls `RUN NAME BINARY ROUND` for every build in the order
# given, once per round, so that the machine's changing load falls on every build alike, with the
# load average before each run. RUN adds its figures to the file `results` (NAME <tab> FIGURE
# <tab> VALUE lines, as Benchmarks/figures.awk writes them); then the median of each is printed.
# (Its own variables are named `turns_*`: bash's locals are seen by the functions it calls.)
in_turns() {
    local turns_rounds="$1" turns_run="$2" turns_round turns_build
    shift 2
    print_machine
    for turns_round in $(seq "$turns_rounds"); do
        for turns_build in "$@"; do
            echo "== ${turns_build%%=*}, round $turns_round (load average before: $(cut -d' ' -f1-3 /proc/loadavg))"
            "$turns_run" "${turns_build%%=*}" "${turns_build#*=}" "$turns_round"
        done
    done
    echo "== medians over $turns_rounds rounds (build, figure, median, every round's value)"
    sort -t$'\t' -k1,1 -k2,2 -s "$results" | awk -f Benchmarks/medians.awk
}

# start_test_postgres [OPTIONS...] starts a throwaway server with `scripts/test-postgres OPTIONS...`
# and sets `postgres_folder` (to stop it with `scripts/test-postgres stop`), `postgres_url_base`
# (postgres://postgres@127.0.0.1:PORT, to add a database name to), `postgres_port` and `postmaster`
# (the server's process id, for the tools' `--database-pid`).
start_test_postgres() {
    local started
    started="$(scripts/test-postgres "$@")"
    postgres_folder="$(echo "$started" | sed -n 's/^SHAREBROKER_TEST_POSTGRES_FOLDER=//p')"
    postgres_url_base="$(echo "$started" | sed -n 's/^SHAREBROKER_TEST_POSTGRES=//p' | sed 's|/postgres$||')"
    postgres_port="${postgres_url_base##*:}"
    postmaster="$(head -1 "$postgres_folder/data/postmaster.pid")"
}
