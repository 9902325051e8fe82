#!/usr/bin/env bash
# Where the broker's CPU goes natively on issue 16's load (`sharectl bench-flow --http1`): a fresh
# `sharebroker demo` per build, sampled by `perf record -F 1999 -g` (the VM's software clock)
# over MESSAGES messages as fast as they go, then the share of the samples by thread and
# library, the functions with the most samples, and the kernel's samples by the system call
# they were in (Benchmarks/perf-syscalls.py). Needs perf (apt: linux-perf). Sampling slows the
# broker by about a fifth; compare shares, not the run's own figures, with other benchmarks.
# (The lists are cut short with head, so their pipelines may end by SIGPIPE: `|| true`.)
# Usage: Benchmarks/profile-flow.sh MESSAGES NAME=BINARY...   (the data are kept in .build/profile-flow)
# RATE=N offers N publishes/s (open loop) instead of as fast as it goes.
#   Benchmarks/profile-flow.sh 10000 main=.build/release/sharebroker
set -euo pipefail
cd "$(dirname "$0")/.."
. Benchmarks/demo-node.sh
messages="$1"
shift
command -v perf > /dev/null || { echo "perf is missing: apt-get install linux-perf" >&2; exit 1; }
build_sharectl
out="${OUT:-.build/profile-flow}"
mkdir -p "$out"
folder=""
broker=""
trap 'stop_demo' EXIT
print_machine
for build in "$@"; do
    name="${build%%=*}"
    folder="$(mktemp -d)"
    echo "== $name (load average before: $(cut -d' ' -f1-3 /proc/loadavg))"
    start_demo "$folder/broker.out" "${build#*=}" --data-dir "$folder" --port 0 --bench-agencies 4
    broker=$demo_pid
    perf record -q -F 1999 -g -p "$broker" -o "$out/$name.data" 2> /dev/null &
    recorder=$!
    sleep 0.5
    "$sharectl" bench-flow --demo-dir "$folder" --url "$url" --broker-pid "$broker" --http1 --messages "$messages" ${RATE:+--rate "$RATE"} 2>&1 \
        | grep -E "^(publishes/s|broker CPU|messages/broker)"
    kill -INT "$recorder"
    wait "$recorder" || true
    echo "-- samples by thread and library (%)"
    perf report -i "$out/$name.data" --no-children --sort comm,dso --stdio -g none 2> /dev/null | grep -E "^ +[0-9]" | head -16 || true
    echo "-- functions with the most samples (%)"
    perf report -i "$out/$name.data" --no-children --sort dso,sym --stdio -g none 2> /dev/null | grep -E "^ +[0-9]" | head -25 | cut -c1-150 || true
    echo "-- the kernel's samples by system call (% of all samples)"
    perf script -i "$out/$name.data" -F comm,ip,sym,dso 2> /dev/null | python3 Benchmarks/perf-syscalls.py
    stop_demo
done
