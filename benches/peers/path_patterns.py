#!/usr/bin/env python3
"""Hostile and typical CODEOWNERS files with changesets, for timing path
matching (docs/performance.md, "Placing files by CODEOWNERS").

    python3 benches/peers/path_patterns.py OUT_DIR

writes OUT_DIR/NAME/CODEOWNERS and OUT_DIR/NAME/cs.json for each case below;
time one with

    /usr/bin/time -f "%e s %M KB" blastgate change show --graph G \\
        --change OUT_DIR/NAME/cs.json --codeowners OUT_DIR/NAME/CODEOWNERS --format json

Deterministic: no randomness.
"""
import json
import os
import sys


def write(root, name, patterns, files):
    folder = os.path.join(root, name)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "CODEOWNERS"), "w") as f:
        for i, p in enumerate(patterns):
            f.write(f"{p} @o/l{i}\n")
    change = {
        "apiVersion": "blastgate.dev/v1",
        "kind": "Changeset",
        "id": name,
        "author": {"id": "dana", "seniority": "senior"},
        "files": [{"path": p, "added": 1} for p in files],
    }
    with open(os.path.join(folder, "cs.json"), "w") as f:
        json.dump(change, f)


def main():
    root = sys.argv[1]
    # A typical monorepo file: a catch-all, extensions, folders, a few wildcards.
    typical = ["*", "*.go", "*.md", "docs/", "/.github/", "**/migrations/**", "/services/*/deploy/", "Makefile"]
    typical += [f"/services/svc{i}/" for i in range(3000)] + [f"/libs/*/l{i}/**" for i in range(300)]
    write(root, "typical", typical, [f"services/svc{i % 3500}/src/f{i}.go" for i in range(20000)])
    # Wildcards in two places and an extension: each was a regex of its own.
    write(root, "pkg-20k", [f"/src/*/pkg{i}/*.go" for i in range(20000)], [f"src/a/pkg{i * 7}/x.go" for i in range(2000)])
    write(root, "pkg-100k", [f"/src/*/pkg{i}/*.go" for i in range(100000)], [f"src/a/pkg{i * 50}/x.go" for i in range(2000)])
    # Many stars: large lazy DFAs.
    write(root, "stars-20k", [f"**/*a{i % 97}*b{i % 89}*c*.go" for i in range(20000)],
          [f"x/y{i}/za{i % 97}qb{i % 89}wc{i}.go" for i in range(2000)])
    write(root, "stars-distinct-20k", [f"**/*a{i}*b*c{i}*.e{i % 50}" for i in range(20000)],
          [f"x/y{i}/za{i}qbwc{i}r.e{i % 50}" for i in range(2000)])
    write(root, "deep-20k", [f"/d/*/*/*/*/*/*/k{i}*.go" for i in range(20000)],
          ["d/" + "/".join("ab"[(i >> b) & 1] for b in range(6)) + f"/k{i}z.go" for i in range(2000)])
    # Names and extensions: hash lookups.
    write(root, "extensions-100k", [f"*.e{i}" for i in range(100000)], [f"a/b/f{i}.e{i * 50}" for i in range(20000)])
    write(root, "names-100k", [f"name{i}" for i in range(100000)], [f"a/name{i * 50}/f.go" for i in range(20000)])
    # Runs of `?` after `*a` (6,250 distinct lines, 200,000 wildcards) and
    # names of random `a`s and `b`s: a new lazy DFA state of thousands of
    # NFA states for nearly every byte, the budget's case
    # (MAX_MATCH_STATE_BYTES). Short names stay within it; longer ones
    # spend it.
    qmarks = ["*"] + [f"*a{'?' * 30}b{chr(99 + i % 24)}{chr(99 + i // 24 % 24)}{chr(99 + i // 576)}" for i in range(6250)]
    for length, count in [(100, 4), (400, 4), (4088, 4), (4088, 2000)]:
        write(root, f"qmarks-{length}x{count}", qmarks, [f"orders/{ab_name(length, seed)}" for seed in range(count)])


def ab_name(length, seed):
    """`length` letters `a` and `b` from a linear congruential generator."""
    x = seed
    out = []
    for _ in range(length):
        x = (x * 6364136223846793005 + 1442695040888963407) % (1 << 64)
        out.append("ab"[x >> 63])
    return "".join(out)


if __name__ == "__main__":
    main()
