#!/usr/bin/env python3
"""The kernel's share of a profile by system call, from `perf script -F comm,ip,sym,dso` (stacks
recorded with -g) on standard input. A sample is charged to the system call whose kernel entry
(`__x64_sys_NAME`) is on its stack; `read` and `write` (sockets, log lines, eventfd wake-ups)
reach the kernel through `ksys_read` and `ksys_write` without such a frame and are named so; a
sample in the kernel outside any system call (interrupts, page faults, a switch back to a thread) is "other".
Prints each as a percentage of all the samples, largest first, with the thread names most of
it came from.
Usage: perf script -i FILE -F comm,ip,sym,dso | Benchmarks/perf-syscalls.py
"""
import collections
import re
import sys

entry = re.compile(r"__x64_sys_(\w+)$")
total = 0
calls = collections.Counter()
threads = collections.defaultdict(collections.Counter)
for sample in sys.stdin.read().split("\n\n"):
    lines = [line.strip() for line in sample.strip().split("\n") if line.strip()]
    if len(lines) < 2:
        continue
    total += 1
    thread = lines[0].split()[0]
    frames = [line.split(None, 1)[1] if " " in line else "?" for line in lines[1:]]
    if "kernel.kallsyms" not in frames[0]:
        continue
    symbols = [frame.rsplit(" (", 1)[0] for frame in frames]
    name = next((match.group(1) for match in map(entry.match, symbols) if match), None)
    if name is None:
        name = next((symbol for symbol in symbols if symbol in ("ksys_read", "ksys_write")), "other")
    calls[name] += 1
    threads[name][thread] += 1
for name, count in calls.most_common(12):
    who = ", ".join(f"{thread} {100 * n / count:.0f} %" for thread, n in threads[name].most_common(3))
    print(f"{100 * count / total:6.2f}  {name}  ({who})")
