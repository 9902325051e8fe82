"""An independent RFC 9162 Merkle tree, written from the RFC with hashlib, for cross-checks.

Usage:
  python3 merkle_reference.py vectors SIZE...
      For leaves "leaf-0", "leaf-1", ... prints one JSON line per SIZE with the root, every
      inclusion path and every consistency path of that tree (hex).
  python3 merkle_reference.py export DIR
      Verifies a `sharectl audit export` folder with no sharebroker code: recomputes the root
      from entries.jsonl, checks the ES256 signature of tree-head.json with joserfc against
      audit-key.json, and prints the tree size on success (exit 0), or the reason (exit 1).
"""
import argparse
import base64
import hashlib
import json
import sys


def leaf_hash(entry: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def split(n: int) -> int:
    """The largest power of two smaller than n (RFC 9162 section 2.1.1)."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(leaves):
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = split(len(leaves))
    return node_hash(mth(leaves[:k]), mth(leaves[k:]))


def path(m, leaves):
    """PATH(m, D[n]) of RFC 9162 section 2.1.3.1."""
    if len(leaves) <= 1:
        return []
    k = split(len(leaves))
    if m < k:
        return path(m, leaves[:k]) + [mth(leaves[k:])]
    return path(m - k, leaves[k:]) + [mth(leaves[:k])]


def subproof(m, leaves, complete):
    """SUBPROOF(m, D[n], b) of RFC 9162 section 2.1.4.1."""
    n = len(leaves)
    if m == n:
        return [] if complete else [mth(leaves)]
    k = split(n)
    if m <= k:
        return subproof(m, leaves[:k], complete) + [mth(leaves[k:])]
    return subproof(m - k, leaves[k:], False) + [mth(leaves[:k])]


def vectors(sizes):
    for n in sizes:
        leaves = [leaf_hash(f"leaf-{i}".encode()) for i in range(n)]
        print(json.dumps({
            "size": n,
            "root": mth(leaves).hex(),
            "inclusion": [[h.hex() for h in path(i, leaves)] for i in range(n)],
            "consistency": [[h.hex() for h in subproof(m, leaves, True)] for m in range(1, n + 1)],
        }))


def verify_export(folder):
    from joserfc import jws
    from joserfc.jwk import ECKey

    with open(f"{folder}/tree-head.json", encoding="utf-8") as handle:
        head = json.load(handle)
    with open(f"{folder}/audit-key.json", encoding="utf-8") as handle:
        key = ECKey.import_key(json.load(handle))
    token = jws.deserialize_compact(head["signed"], key, algorithms=["ES256"])
    signed = json.loads(token.payload)
    leaves = []
    with open(f"{folder}/entries.jsonl", encoding="utf-8") as handle:
        for line in handle:
            entry = json.loads(line)
            if entry["index"] != len(leaves):
                print(f"entry {len(leaves)} is missing", file=sys.stderr)
                return 1
            leaves.append(leaf_hash(base64.b64decode(entry["leaf"])))
    if signed["treeSize"] != len(leaves):
        print(f"the export holds {len(leaves)} entries, the signed head says {signed['treeSize']}", file=sys.stderr)
        return 1
    root = base64.b64encode(mth(leaves)).decode()
    if root != signed["rootHash"]:
        print(f"the entries hash to {root}, not to the signed root {signed['rootHash']}", file=sys.stderr)
        return 1
    print(signed["treeSize"])
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    vector_command = commands.add_parser("vectors")
    vector_command.add_argument("sizes", type=int, nargs="+")
    export_command = commands.add_parser("export")
    export_command.add_argument("folder")
    arguments = parser.parse_args()
    if arguments.command == "vectors":
        vectors(arguments.sizes)
        return 0
    return verify_export(arguments.folder)


if __name__ == "__main__":
    sys.exit(main())
