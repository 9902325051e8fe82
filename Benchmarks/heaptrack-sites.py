#!/usr/bin/env python3
"""Heap at its peak by allocation site, per connection, from a heaptrack profile.

Reads the flame-graph output of `heaptrack_print -f PROFILE --flamegraph-cost-type peak
--print-flamegraph OUT` (one line per call stack: frames from the outermost, separated by ";",
then the bytes that stack held at the heap's peak) and prints, per site, those bytes summed and
divided by CONNECTIONS, largest first. A stack's site is its innermost frame that is not an
allocator (malloc, Swift's object and task allocation, NIO's buffer storage, BoringSSL's
OPENSSL_malloc, the standard library's collection storage). Pipe through `swift demangle
--simplified` for Swift names. See BENCHMARKS.md, "What a connection costs before any stream".
Usage: Benchmarks/heaptrack-sites.py FLAMEGRAPH CONNECTIONS [LINES]
"""
import collections
import sys

ALLOCATORS = ("malloc", "calloc", "realloc", "posix_memalign", "aligned_alloc", "operator new", "strdup", "__GI_",
              "swift_slowAlloc", "swift_allocObject", "swift_allocBox", "swift_initStackObject", "swift_task_alloc",
              "swift::", "StackAllocator", "ByteBufferAllocator", "_Storage", "reallocated", "CRYPTO_", "OPENSSL_",
              "allocate", "Allocator", "_ContiguousArrayBuffer", "Array", "Dictionary", "_NativeDictionary",
              "_NativeSet", "Deque", "ManagedBuffer", "Unsafe", "Heap")

path, connections = sys.argv[1], int(sys.argv[2])
lines = int(sys.argv[3]) if len(sys.argv) > 3 else 40
sites = collections.Counter()
for line in open(path, errors="replace"):
    stack, _, cost = line.rstrip().rpartition(" ")
    frames = [frame for frame in stack.split(";") if frame]
    site = next((frame for frame in reversed(frames) if not any(name in frame for name in ALLOCATORS)), "?")
    sites[site[:160]] += int(cost)
total = sum(sites.values())
print(f"{total / 1e6:10.2f} MB at the peak in all")
for site, cost in sites.most_common(lines):
    print(f"{cost / connections / 1024:10.2f} KiB  {site}")
