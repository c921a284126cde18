"""How the reach figures depend on the draw of changesets.

run.sh times one draw of 100 changesets (seed 7). The reach of a random
changeset is spread from a few hundred services to most of the graph, so
the median of 100 draws moves a lot from one draw to the next, and so do
the median single query and, less, the total. This script times
blastgate (`peer_timing`, twice a draw, the lower figures kept) and
python-igraph (reverse reach only, as in peers.py, the graph loaded once)
on several draws of the same graph and prints one table with the ratios.

Usage (from the repository root, after `cargo build --release -p
blastgate-cli -p blastgate-benches --bins`):

    python3 benches/peers/draws.py [SERVICES EDGES QUERIES SEED...]

Defaults: 1,000,000 services, 10,000,000 edges, 100 changesets, seeds 1
to 9. The graph is bench-data/synth-N-M.edges (written by `blastgate
synth --seed 1` when missing, as run.sh does).
"""

import json
import os
import random
import statistics
import subprocess
import sys
import time

from peers import strip_comments


def draw(n, q, seed):
    """changes.py's changesets for (n, q, seed), as lists of ids."""
    rng = random.Random(seed)
    out = []
    for _ in range(q):
        k = rng.randint(1, 10)
        out.append([f"s{rng.randrange(n)}" for _ in range(k)])
    return out


def blastgate(graph, path):
    best = None
    for _ in range(2):
        run = subprocess.run(
            ["target/release/peer_timing", graph, path, "2"], check=True, capture_output=True, text=True
        )
        d = json.loads(run.stdout.strip().splitlines()[-1])
        if best is None:
            best = d
        else:
            for key in ("reach_total_s", "reach_total_parallel_s", "reach_median_s", "reach_total_parallel_warm_s",
                        "reach_total_parallel_searches_s"):
                best[key] = min(best[key], d[key])
    return best


def main():
    args = sys.argv[1:]
    n = int(args[0]) if args else 1_000_000
    m = int(args[1]) if len(args) > 1 else 10_000_000
    q = int(args[2]) if len(args) > 2 else 100
    seeds = [int(s) for s in args[3:]] or list(range(1, 10))
    graph = f"bench-data/synth-{n}-{m}.edges"
    os.makedirs("bench-data", exist_ok=True)
    if not os.path.exists(graph):
        subprocess.run(
            ["target/release/blastgate", "synth", "--services", str(n), "--edges", str(m), "--seed", "1", "--out", graph],
            check=True,
        )
    draws = {}
    for seed in seeds:
        path = f"bench-data/changes-{n}-{q}-seed{seed}.txt"
        changes = draw(n, q, seed)
        with open(path, "w") as f:
            f.write("".join(" ".join(c) + "\n" for c in changes))
        draws[seed] = (path, changes, blastgate(graph, path))

    import igraph as ig

    plain, weighted = strip_comments(graph)
    g = ig.Graph.Read_Ncol(plain, names=True, weights=weighted, directed=True)
    os.unlink(plain)
    index = {name: i for i, name in enumerate(g.vs["name"])}
    print(
        "| seed | reach median (services) | blastgate 100 queries, 2 threads | igraph 100 queries | ratio "
        "| blastgate median query | igraph median query | ratio | blastgate batch, graph laid out | blastgate, one search each |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for seed, (_, changes, b) in draws.items():
        times, reached = [], []
        for c in changes:
            ids = [index[s] for s in c if s in index]
            t = time.perf_counter()
            seen = set()
            for v in ids:
                seen.update(g.subcomponent(v, mode="in"))
            seen.difference_update(ids)
            times.append(time.perf_counter() - t)
            reached.append(len(seen))
        total, median = sum(times), statistics.median(times)
        if sorted(reached)[len(reached) // 2] != b["reached_median"]:
            sys.exit(f"seed {seed}: igraph and blastgate disagree on the reach")
        two, one = b["reach_total_parallel_s"], b["reach_median_s"]
        print(
            f"| {seed} | {b['reached_median']:,} | {two:.3f} s | {total:.2f} s | {total / two:.1f}x "
            f"| {one * 1e3:.3f} ms | {median * 1e3:.2f} ms | {median / one:.0f}x "
            f"| {b['reach_total_parallel_warm_s']:.3f} s | {b['reach_total_parallel_searches_s']:.3f} s |",
            flush=True,
        )
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    print(f"\ncommit {commit or 'unknown'}; igraph {ig.__version__}")


if __name__ == "__main__":
    main()
