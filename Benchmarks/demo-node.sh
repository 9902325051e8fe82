# Sourced by the benchmark scripts.
#
# start_demo LOG BINARY ARGUMENTS... starts `BINARY demo
# ARGUMENTS...` in the background with its output in LOG, waits (up to 30 s) until it serves,
# and sets `demo_pid` and `url` (its https://127.0.0.1:PORT); shows LOG and exits if it does not.
start_demo() {
    local log="$1" binary="$2"
    shift 2
    "$binary" demo "$@" > "$log" 2>&1 &
    demo_pid=$!
    for _ in $(seq 300); do
        grep -q "Stop with Ctrl-C" "$log" 2>/dev/null && break
        sleep 0.1
    done
    grep -q "Stop with Ctrl-C" "$log" || { cat "$log" >&2; exit 1; }
    url="https://127.0.0.1:$(grep -o 'https://127.0.0.1:[0-9]*' "$log" | head -1 | cut -d: -f3)"
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
