"""Prints the comparison table (markdown) from the JSON lines of run.sh.

Several blastgate lines (run.sh runs peer_timing more than once) are
reduced to the median of each figure. Usage: report.py RESULTS.jsonl"""

import json
import statistics
import sys

rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
runs = [r for r in rows if r["tool"] == "blastgate"]
b = {k: statistics.median(r[k] for r in runs) if isinstance(v, (int, float)) else v for k, v in runs[0].items()}
cols = [r for r in rows if r["tool"] != "blastgate"]
n = b["nodes"]


def ms(s):
    return f"{s * 1000:.2f} ms" if s < 1 else f"{s:.2f} s"


def pct(x):
    return f"{x:,.0f} ({x / n:.2%})"


print(f"graph: {n:,} nodes, {b['edges']:,} distinct edges; {b['queries']} changesets of 1 to 10 services; "
      f"reach median {pct(b['reached_median'])}, max {pct(b['reached_max'])}")
shape = next((r["shape"] for r in cols if r.get("shape")), None)
if shape:
    hubs = ", ".join(f"{name} {k:,}" for name, k in shape["hubs_distinct_dependents"])
    print(f"largest hubs (distinct dependents): {hubs}")
    print(f"strongly connected components of more than one node: {shape['scc_nontrivial']:,} "
          f"({shape['scc_nontrivial_nodes']:,} nodes), largest {shape['scc_largest']:,}")
    print(f"reach of the changesets: p25 {pct(shape['reach_p25'])}, median {pct(shape['reach_median'])}, "
          f"p75 {pct(shape['reach_p75'])}, p90 {pct(shape['reach_p90'])}, max {pct(shape['reach_max'])}, "
          f"mean {pct(shape['reach_mean'])}; {shape['reach_over_30pct']} of {b['queries']} reach over 30%")
print()
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
if "reach_total_parallel_warm_s" in b:
    print(f"blastgate's {b['queries']} reverse-reach queries: 1 thread = one search each; 2 threads = the batch API "
          f"(`reach_count_batch`), laying the graph out by strongly connected component for sweeps as it goes "
          f"({ms(b['reach_layout_s'])} of it); the same batch once the graph is laid out "
          f"{ms(b['reach_total_parallel_warm_s'])}; one search each on 2 threads {ms(b['reach_total_parallel_searches_s'])}")
print(f"blastgate: median of {len(runs)} runs; load = read {ms(b['read_s'])} + parse {ms(b['parse_s'])} + "
      f"build {ms(b['build_s'])} + freeze {ms(b['freeze_s'])}")
print("peak RSS: " + ", ".join(f"{r['tool']} {r['peak_rss_kib'] / 1024:.0f} MiB" for r in [b] + cols))
print(f"blastgate frozen graph: {b['frozen_bytes'] / 2**20:.0f} MiB, {b['frozen_bytes'] / b['edges']:.1f} bytes per edge")
for r in cols:
    if "scaled_from_queries" in r:
        sample = r.get("sample_reached_mean")
        note = f"; their mean reach {pct(sample)}" if sample is not None else ""
        print(f"({r['tool']}: totals scaled from the first {r['scaled_from_queries']} changesets{note})")
