#!/usr/bin/env python3
"""Instructions per message by module, from a callgrind profile.

Reads `callgrind_annotate --inclusive=no --auto=no --threshold=100 PROFILE` on standard input
(one line per function: its own instructions, then file:function [object]) and prints, per
module, the instructions it ran itself divided by MESSAGES, largest first. A function's module
is the target its source file belongs to (NIOCore, CCryptoBoringSSL, ShareBroker), or for code
the compiler generated, the module its mangled name starts with ("Swift" for the standard
library's generics specialized in the broker), or else the shared library it is in.
Usage: callgrind_annotate ... | Benchmarks/callgrind-modules.py MESSAGES [LINES]
"""
import collections
import re
import sys

messages = int(sys.argv[1])
lines = int(sys.argv[2]) if len(sys.argv) > 2 else 25
line_pattern = re.compile(r"\s*([\d,]+) \(\s*[\d.]+%\)\s+(\S.*)$")
mangled_module = re.compile(r"\$s(\d+)([A-Za-z_]\w*)")


def module(function):
    location = function.split(":", 1)[0]
    library = re.search(r"\[([^\]]+)\]\s*$", function)
    library = library.group(1).rsplit("/", 1)[-1] if library else ""
    if "Sources/" in location:
        return location.split("Sources/", 1)[1].split("/", 1)[0]
    if ".so" in library:
        return library
    name = mangled_module.search(function)
    if name:
        return name.group(2)[: int(name.group(1))]
    if re.search(r"\$s[sS]", function):
        return "Swift"
    return "other"


totals = collections.Counter()
for line in sys.stdin:
    match = line_pattern.match(line)
    if not match or "PROGRAM TOTALS" in match.group(2):
        continue
    totals[module(match.group(2))] += int(match.group(1).replace(",", ""))

everything = sum(totals.values())
for name, count in totals.most_common(lines):
    print(f"{count / messages:12,.0f} {100 * count / everything:5.1f} %  {name}")
print(f"{everything / messages:12,.0f} 100.0 %  in all (instructions per message)")
