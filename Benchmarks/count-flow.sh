#!/usr/bin/env bash
# Counts the instructions the broker runs per message on issue 16's load (`sharectl bench-flow
# --http1`: one message per request, delivered by stream, acknowledged in batches), under
# valgrind's callgrind: a count that does not move with the machine's other load, for VMs whose
# `perf stat -e instructions` answers <not supported>. For each NAME=BINARY and round: a fresh
# `BINARY demo` under callgrind with instrumentation off, WARMUP messages (default 300) to open
# its connections and warm its caches, then instrumentation on, the counters zeroed, MESSAGES
# messages, and a dump. Prints each run's instructions per message and, per build, the median
# and the instructions by module (Benchmarks/callgrind-modules.py). The profiles are kept in
# OUT (default .build/count-flow) for `callgrind_annotate`.
#
# Under valgrind the broker runs one thread at a time and about 40 times slower, so it runs at
# a few dozen messages a second, and each message is published, streamed and acknowledged
# nearly alone (acknowledgement batches of one or two). The count is that of a lightly loaded
# broker, and of valgrind's CPU: it offers no SHA extensions, so SHA-256 runs BoringSSL's AVX
# code (about 30 instructions a byte where the SHA instructions take a few), and P-256 its
# code without ADX.
#
# Needs valgrind 3.20 or later, whose DWARF reader reads the Swift compiler's debug information
# (Debian 12's 3.19 does not): VALGRIND_HOME names one (its bin/ and libexec/valgrind/), or the
# script fetches Debian 13's package (valgrind 3.24) into .build/valgrind with apt-get, once.
# Also needs Debian 12's own valgrind package (apt: valgrind) for `vgdb` and `callgrind_control`,
# which drive the running broker (Debian 13's vgdb needs a newer C library), and a C compiler
# for Benchmarks/sigsuspend-shim.c.
# Usage: Benchmarks/count-flow.sh ROUNDS MESSAGES NAME=BINARY...
#   Benchmarks/count-flow.sh 2 1000 main=.build/release/sharebroker
set -euo pipefail
cd "$(dirname "$0")/.."
. Benchmarks/demo-node.sh
rounds="$1"
messages="$2"
shift 2
warmup="${WARMUP:-300}"
out="${OUT:-.build/count-flow}"
mkdir -p "$out"
for tool in callgrind_control vgdb cc; do
    command -v "$tool" > /dev/null || { echo "$tool is missing: apt-get install valgrind gcc" >&2; exit 1; }
done

valgrind_home="${VALGRIND_HOME:-.build/valgrind}"
if [ ! -x "$valgrind_home/bin/valgrind" ]; then
    echo "== fetching Debian 13's valgrind into $valgrind_home" >&2
    apt_dir="$(mktemp -d)"
    mkdir -p "$apt_dir/sources" "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
    printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: trixie\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
        > "$apt_dir/sources/trixie.sources"
    apt_options=(-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts="$apt_dir/sources"
        -o Dir::State::Lists="$apt_dir/lists" -o Dir::Cache="$apt_dir/cache" -o APT::Sandbox::User=root)
    apt-get "${apt_options[@]}" update > /dev/null
    (cd "$apt_dir" && apt-get "${apt_options[@]}" download valgrind > /dev/null)
    mkdir -p "$valgrind_home"
    dpkg -x "$apt_dir"/valgrind_*.deb "$apt_dir/root"
    cp -a "$apt_dir/root/usr/bin" "$apt_dir/root/usr/libexec" "$valgrind_home/"
    rm -rf "$apt_dir"
fi
export VALGRIND_LIB="$valgrind_home/libexec/valgrind"
valgrind_version="$("$valgrind_home/bin/valgrind" --version)"
cc -shared -fPIC -O2 -o "$out/sigsuspend-shim.so" Benchmarks/sigsuspend-shim.c

build_sharectl
folder=""
broker=""
results="$(mktemp)"
trap 'stop_demo; rm -f "$results"' EXIT

echo "== $valgrind_version"
count_flow() {
    local name="$1" binary="$2" round="$3" profile report total
    folder="$(mktemp -d)"
    profile="$out/$name-$round.callgrind"
    rm -f "$profile"*
    demo_launcher=(env LD_PRELOAD="$PWD/$out/sigsuspend-shim.so" "$valgrind_home/bin/valgrind" --tool=callgrind
        --instr-atstart=no --callgrind-out-file="$profile")
    demo_wait_seconds=300
    start_demo "$folder/broker.out" "$binary" --data-dir "$folder" --port 0 --bench-agencies 4
    broker=$demo_pid
    local flow=("$sharectl" bench-flow --demo-dir "$folder" --url "$url" --broker-pid "$broker" --http1)
    "${flow[@]}" --messages "$warmup" > "$out/warmup.log" 2>&1 || { cat "$out/warmup.log" >&2; exit 1; }
    callgrind_control --instr=on "$broker" > /dev/null 2>&1
    callgrind_control --zero "$broker" > /dev/null 2>&1
    report="$("${flow[@]}" --messages "$messages" 2>&1)"
    callgrind_control --dump "$broker" > /dev/null 2>&1
    stop_demo
    total="$(sed -n 's/^totals: //p' "$profile".1)"
    mv "$profile".1 "$profile"
    echo "instructions/message $((total / messages)) ($total for $messages messages)"
    echo "$report" | grep -E '^messages  |^publish→stream p50'
    printf '%s\tinstructions/message\t%s\n' "$name" "$((total / messages))" >> "$results"
}
in_turns "$rounds" count_flow "$@"
for build in "$@"; do
    name="${build%%=*}"
    echo "== $name: instructions per message by module (round 1; callgrind_annotate $out/$name-1.callgrind for functions)"
    "$valgrind_home/bin/callgrind_annotate" --inclusive=no --auto=no --threshold=100 "$out/$name-1.callgrind" 2> /dev/null |
        Benchmarks/callgrind-modules.py "$messages"
done
