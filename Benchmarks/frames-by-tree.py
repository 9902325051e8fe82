#!/usr/bin/env python3
"""Write-ahead-log frames per message, by the B-tree (table or index) each frame's page is in.

Reads FRAMES (Benchmarks/frames-shim.c's output) and PAGES (`SELECT pageno, name FROM dbstat`
on the store after the run, one `pageno|name` line each) and prints, for the frames after the
mark, the totals per message and one table row per B-tree, largest first.
Usage: Benchmarks/frames-by-tree.py FRAMES PAGES MESSAGES
"""
import collections
import sys

frames_path, pages_path, messages = sys.argv[1], sys.argv[2], int(sys.argv[3])
tree_of = {}
with open(pages_path) as pages:
    for line in pages:
        number, name = line.rstrip("\n").split("|", 1)
        tree_of[int(number)] = name
with open(frames_path) as frames_file:
    writes, syncs, _, mark, writes_at_mark, syncs_at_mark = map(int, frames_file.readline().split())
    if mark < 0:
        sys.exit("no commit after the mark: nothing was counted")
    frames = [tuple(map(int, line.split())) for line in frames_file][mark:]
commits = sum(ends_commit for _, ends_commit in frames)
by_tree = collections.Counter(tree_of.get(page, "(page freed since)") for page, _ in frames)
print(f"{len(frames) / messages:.2f} frames a message, {commits / messages:.2f} commits a message "
      f"({len(frames) / max(commits, 1):.1f} frames a commit); per message: "
      f"{(writes - writes_at_mark) / messages:.1f} pwrite64, {(syncs - syncs_at_mark) / messages:.2f} fdatasync")
print("| B-tree | frames a message |")
print("|---|---|")
for name, count in by_tree.most_common():
    print(f"| {name} | {count / messages:.2f} |")
