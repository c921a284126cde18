"""The table and plot of benches/peers/scale.sh.

Usage: python3 scale_report.py SCALE.jsonl TABLE.md PLOT.svg

Reads one JSON object per tool and size (blastgate's from assess_timing
plus the whole-process run, python-igraph's from peers.py), writes a
Markdown table and an SVG with two log-log panels: time (load, one
assessment or query) and memory (peak RSS) against the number of services.
Plain SVG, no plotting library, so it runs wherever Python does.
"""

import json
import math
import sys


def load(path):
    rows = [json.loads(line) for line in open(path) if line.strip()]
    ours = {r["services"]: r for r in rows if r["tool"] == "blastgate"}
    igraph = {r["services"]: r for r in rows if r["tool"].startswith("python-igraph")}
    return ours, igraph


def ms(s):
    if s < 1e-3:
        return f"{s * 1e6:.0f} us"
    return f"{s * 1e3:.1f} ms" if s < 1 else f"{s:.2f} s"


def edges(m):
    return f"{m / 1e6:.2g}M" if m >= 100_000 else f"{m:,}"


def mib(kib):
    return f"{kib / 1024:.0f} MiB"


def label(n):
    if n >= 1_000_000:
        return f"{n // 1_000_000}M"
    return f"{n // 1000}k" if n >= 1000 else str(n)


def table(ours, igraph):
    sizes = sorted(ours)
    head = "| | " + " | ".join(f"{label(n)} services, {edges(ours[n]['edges'])} edges" for n in sizes) + " |"
    lines = [head, "|---" * (len(sizes) + 1) + "|"]

    def row(name, f):
        lines.append(f"| {name} | " + " | ".join(f(n) for n in sizes) + " |")

    row("snapshot file", lambda n: f"{ours[n]['snapshot_bytes'] / 1e6:.1f} MB" if ours[n]["snapshot_bytes"] >= 100_000
        else f"{ours[n]['snapshot_bytes'] / 1e3:.1f} kB")
    row("blastgate: load the snapshot", lambda n: ms(ours[n]["load_s"]))
    row("blastgate: make the engine (digest the graph)", lambda n: ms(ours[n]["engine_s"]))
    row("blastgate: one assessment, median (max)",
        lambda n: f"{ms(ours[n]['assess_median_s'])} ({ms(ours[n]['assess_max_s'])})")
    row("blastgate: `assess_batch`, assessments a second (2 threads)", lambda n: f"{ours[n]['batch_per_s']:,.0f}")
    row("blastgate: whole `blastgate assess` process, snapshot in, JSON out (median changeset)",
        lambda n: ms(ours[n]["cli_s"]))
    row("blastgate: peak RSS, whole process / timing run",
        lambda n: f"{mib(ours[n]['cli_rss_kib'])} / {mib(ours[n]['peak_rss_kib'])}")
    row("blastgate: bytes per edge of peak RSS (whole process)",
        lambda n: f"{ours[n]['cli_rss_kib'] * 1024 / ours[n]['edges']:.1f}")
    if igraph:
        row("python-igraph: load the edge list", lambda n: ms(igraph[n]["load_s"]) if n in igraph else "-")
        row("python-igraph: most-probable-path query, median",
            lambda n: ms(igraph[n]["mpp_median_s"]) if n in igraph else "-")
        row("python-igraph: reverse-reach query, median",
            lambda n: ms(igraph[n]["reach_median_s"]) if n in igraph else "-")
        row("python-igraph: peak RSS", lambda n: mib(igraph[n]["peak_rss_kib"]) if n in igraph else "-")
        row("changesets (reach median, % of services)",
            lambda n: f"{ours[n]['queries']} ({100 * igraph[n]['reached_median'] / ours[n]['nodes']:.2f}%)"
            if n in igraph else str(ours[n]["queries"]))
    return "\n".join(lines) + "\n"


def svg(ours, igraph):
    width, height, pad = 900, 380, 60
    panel = (width - 3 * pad) / 2
    sizes = sorted(ours)
    xs = [math.log10(n) for n in sizes]
    x0, x1 = min(xs) - 0.1, max(xs) + 0.1

    def series(kind):
        if kind == "time":
            out = [("blastgate: load snapshot", "#1f77b4", [ours[n]["load_s"] for n in sizes]),
                   ("blastgate: one assessment (median)", "#2ca02c", [ours[n]["assess_median_s"] for n in sizes]),
                   ("blastgate: whole assess process", "#17becf", [ours[n]["cli_s"] for n in sizes])]
            if igraph:
                out += [("igraph: load", "#ff7f0e", [igraph.get(n, {}).get("load_s") for n in sizes]),
                        ("igraph: most-probable-path query (median)", "#d62728",
                         [igraph.get(n, {}).get("mpp_median_s") for n in sizes])]
            return out
        out = [("blastgate: whole assess process", "#17becf", [ours[n]["cli_rss_kib"] / 1024 for n in sizes])]
        if igraph:
            out.append(("igraph: after load and queries", "#ff7f0e",
                        [igraph.get(n, {}).get("peak_rss_kib", 0) / 1024 or None for n in sizes]))
        return out

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'font-family="sans-serif" font-size="11">',
             f'<rect width="{width}" height="{height}" fill="white"/>']
    for i, (kind, title, unit) in enumerate([("time", "time (log scale)", "s"), ("memory", "peak RSS (log scale)", "MiB")]):
        left = pad + i * (panel + pad)
        top, bottom = 40, height - 110
        lines = series(kind)
        values = [v for _, _, vs in lines for v in vs if v]
        y0, y1 = math.floor(math.log10(min(values))), math.ceil(math.log10(max(values)))
        sx = lambda x: left + (x - x0) / (x1 - x0) * panel  # noqa: E731
        sy = lambda v: bottom - (math.log10(v) - y0) / max(1e-9, y1 - y0) * (bottom - top)  # noqa: E731
        parts.append(f'<text x="{left}" y="{top - 15}" font-size="13">{title}</text>')
        parts.append(f'<rect x="{left}" y="{top}" width="{panel}" height="{bottom - top}" fill="none" stroke="#999"/>')
        for e in range(y0, y1 + 1):
            y = sy(10 ** e)
            parts.append(f'<line x1="{left}" x2="{left + panel}" y1="{y:.1f}" y2="{y:.1f}" stroke="#eee"/>')
            parts.append(f'<text x="{left - 5}" y="{y + 4:.1f}" text-anchor="end">1e{e} {unit}</text>')
        for n, x in zip(sizes, xs):
            parts.append(f'<text x="{sx(x):.1f}" y="{bottom + 15}" text-anchor="middle">{label(n)}</text>')
        for k, (name, colour, vs) in enumerate(lines):
            points = [(sx(x), sy(v)) for x, v in zip(xs, vs) if v]
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
            for px, py in points:
                parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{colour}"/>')
            ly = bottom + 32 + 14 * k
            parts.append(f'<line x1="{left}" x2="{left + 20}" y1="{ly - 4}" y2="{ly - 4}" stroke="{colour}" stroke-width="2"/>')
            parts.append(f'<text x="{left + 26}" y="{ly}">{name}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def main():
    ours, igraph = load(sys.argv[1])
    with open(sys.argv[2], "w") as f:
        f.write(table(ours, igraph))
    with open(sys.argv[3], "w") as f:
        f.write(svg(ours, igraph))


if __name__ == "__main__":
    main()
