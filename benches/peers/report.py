"""Prints the comparison table (markdown) from the JSON lines of run.sh."""

import json
import sys

rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
by = {r["tool"].split()[0]: r for r in rows}
b = by["blastgate"]


def ms(s):
    return f"{s * 1000:.2f} ms" if s < 1 else f"{s:.2f} s"


print(f"graph: {b['nodes']:,} nodes, {b['edges']:,} edges; {b['queries']} changesets of 1 to 10 services; "
      f"median reach {b['reached_median']:,} nodes, max {b['reached_max']:,}")
print()
cols = [r for r in rows if r["tool"] != "blastgate"]
head = "| work | " + " | ".join(r["tool"] for r in cols) + " | blastgate, 1 thread | blastgate, 2 threads | speed-up vs " + \
    ", ".join(r["tool"].split()[0] for r in cols) + " |"
print(head)
print("|" + "---|" * (4 + len(cols)))


def line(name, key, par_key=None):
    peers = " | ".join(ms(r[key]) for r in cols)
    one = b[key]
    two = b[par_key] if par_key else None
    best = min(x for x in [one, two] if x is not None)
    ratios = ", ".join(f"{r[key] / best:.1f}x" for r in cols)
    print(f"| {name} | {peers} | {ms(one)} | {ms(two) if two is not None else '-'} | {ratios} |")


line("load the edge list", "load_s")
line(f"{b['queries']} reverse-reach queries", "reach_total_s", "reach_total_parallel_s")
line("median single reach query", "reach_median_s")
line(f"{b['queries']} most-probable-path queries", "mpp_total_s", "mpp_total_parallel_s")
line("median single most-probable-path query", "mpp_median_s")
print()
print(f"peak RSS: " + ", ".join(f"{r['tool']} {r['peak_rss_kib'] / 1024:.0f} MiB" for r in rows))
print(f"blastgate frozen graph: {b['frozen_bytes'] / b['edges']:.1f} bytes per edge")
for r in cols:
    if "scaled_from_queries" in r:
        print(f"({r['tool']}: totals scaled from {r['scaled_from_queries']} queries)")
