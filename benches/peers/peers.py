"""The peers' columns of the side-by-side comparison (run by run.sh).

Times python-igraph and networkx on the same edge list and changesets as
blastgate's peer_timing: load, reverse reachability (everything that
depends on a changed service), and most-probable paths (Dijkstra on
-ln p over reversed edges, p = 0.9 for every edge of a plain edge list,
blastgate's default for a hard sync dependency, or the edge's third
column when the file has one). Prints one JSON object per
tool. igraph's also describes the workload, from the untimed graph: the
largest hubs' distinct dependents, the strongly connected components and
the distribution of the changesets' reach.

networkx runs the first K changesets only (10 by default) and scales its
totals to all of them; it reports the mean reach of its sample, which may
differ from the mean of all changesets.

Usage: python3 peers.py GRAPH.edges CHANGES.txt --tool igraph|networkx [--networkx-queries K]
"""

import argparse
import json
import math
import os
import resource
import statistics
import sys
import tempfile
import time


def changesets(path):
    with open(path) as f:
        return [line.split() for line in f]


def strip_comments(path):
    """igraph's NCOL reader has no comments: write a copy without them.

    Returns the copy and whether it has weights. A file with a third
    column (`blastgate graph export --to edges` writes an edge's
    probability there when it is not the default 0.9) is written with one
    on every line, so that igraph reads each edge's probability; a plain
    edge list is copied as it is."""
    with open(path) as r:
        weighted = any(len(line.split()) == 3 for line in r if not line.startswith("#"))
    fd, out = tempfile.mkstemp(suffix=".ncol")
    with os.fdopen(fd, "w") as w, open(path) as r:
        for line in r:
            if line.startswith("#"):
                continue
            if weighted and len(line.split()) == 2:
                line = line.rstrip("\n") + " 0.9\n"
            w.write(line)
    return out, weighted


def peak_rss_kib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def run_igraph(graph_path, changes):
    import igraph as ig

    plain, weighted = strip_comments(graph_path)
    t = time.perf_counter()
    g = ig.Graph.Read_Ncol(plain, names=True, weights=weighted, directed=True)
    load = time.perf_counter() - t
    os.unlink(plain)
    index = {name: i for i, name in enumerate(g.vs["name"])}
    sets = [[index[s] for s in c if s in index] for c in changes]
    if weighted:
        # -ln p; an edge of probability 0 never propagates (a weight no
        # path of other edges reaches).
        g.es["w"] = [-math.log(p) if p > 0 else 1e300 for p in g.es["weight"]]
    else:
        w = -math.log(0.9)
        g.es["w"] = [w] * g.ecount()

    times, reached = [], []
    t = time.perf_counter()
    for c in sets:
        q = time.perf_counter()
        seen = set()
        for v in c:
            seen.update(g.subcomponent(v, mode="in"))
        seen.difference_update(c)
        reached.append(len(seen))
        times.append(time.perf_counter() - q)
    reach_total = time.perf_counter() - t

    mpp_times = []
    t = time.perf_counter()
    for c in sets:
        q = time.perf_counter()
        if c:
            d = g.distances(source=c, mode="in", weights="w")
            best = [min(col) for col in zip(*d)]
            _ = [math.exp(-x) for x in best if x != math.inf]
        mpp_times.append(time.perf_counter() - q)
    mpp_total = time.perf_counter() - t
    rss = peak_rss_kib()
    return {
        "tool": "python-igraph " + ig.__version__,
        "nodes": g.vcount(),
        "edges": g.ecount(),
        "queries": len(sets),
        "load_s": load,
        "reach_total_s": reach_total,
        "reach_median_s": statistics.median(times),
        "mpp_total_s": mpp_total,
        "mpp_median_s": statistics.median(mpp_times),
        "reached_median": sorted(reached)[len(reached) // 2],
        "peak_rss_kib": rss,
        "shape": shape(g, reached),
    }


def shape(g, reached):
    """The workload: hubs, cycles and reach (not timed)."""
    indegree = g.indegree()
    names = g.vs["name"]
    top = sorted(range(g.vcount()), key=lambda v: -indegree[v])[:3]
    hubs = [[names[v], len(set(g.predecessors(v)))] for v in top]
    sizes = [len(c) for c in g.connected_components(mode="strong")]
    cyclic = [x for x in sizes if x > 1]
    r = sorted(reached)
    n = g.vcount()

    def q(f):
        return r[min(len(r) - 1, int(f * len(r)))]

    return {
        "hubs_distinct_dependents": hubs,
        "scc_nontrivial": len(cyclic),
        "scc_nontrivial_nodes": sum(cyclic),
        "scc_largest": max(sizes) if sizes else 0,
        "reach_p25": q(0.25),
        "reach_median": q(0.5),
        "reach_p75": q(0.75),
        "reach_p90": q(0.9),
        "reach_max": r[-1] if r else 0,
        "reach_mean": sum(r) / max(1, len(r)),
        "reach_over_30pct": sum(1 for x in r if x > 0.3 * n),
    }


def run_networkx(graph_path, changes, queries):
    import networkx as nx

    t = time.perf_counter()
    g = nx.read_edgelist(graph_path, comments="#", create_using=nx.DiGraph, nodetype=str, data=False)
    load = time.perf_counter() - t
    sets = [[s for s in c if s in g] for c in changes[:queries]]
    w = -math.log(0.9)
    rev = g.reverse(copy=False)

    times, reached = [], []
    t = time.perf_counter()
    for c in sets:
        q = time.perf_counter()
        seen = set()
        for v in c:
            seen.update(nx.ancestors(g, v))
        seen.difference_update(c)
        reached.append(len(seen))
        times.append(time.perf_counter() - q)
    reach_total = time.perf_counter() - t

    mpp_times = []
    t = time.perf_counter()
    for c in sets:
        q = time.perf_counter()
        if c:
            nx.multi_source_dijkstra_path_length(rev, set(c), weight=lambda u, v, d: w)
        mpp_times.append(time.perf_counter() - q)
    mpp_total = time.perf_counter() - t
    scale = len(changes) / max(1, len(sets))
    return {
        "tool": "networkx " + nx.__version__,
        "nodes": g.number_of_nodes(),
        "edges": g.number_of_edges(),
        "queries": len(sets),
        "load_s": load,
        "reach_total_s": reach_total * scale,
        "reach_median_s": statistics.median(times),
        "mpp_total_s": mpp_total * scale,
        "mpp_median_s": statistics.median(mpp_times),
        "scaled_from_queries": len(sets),
        "sample_reached_mean": sum(reached) / max(1, len(reached)),
        "peak_rss_kib": peak_rss_kib(),
    }


def main():
    p = argparse.ArgumentParser()
    p.add_argument("graph")
    p.add_argument("changes")
    p.add_argument("--tool", choices=["igraph", "networkx"], required=True)
    p.add_argument("--networkx-queries", type=int, default=10)
    a = p.parse_args()
    changes = changesets(a.changes)
    if a.tool == "igraph":
        print(json.dumps(run_igraph(a.graph, changes)))
    else:
        print(json.dumps(run_networkx(a.graph, changes, a.networkx_queries)))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
