#!/usr/bin/env bash
# Side-by-side comparison of blastgate with python-igraph and networkx on
# one synthetic graph (docs/performance.md).
#
#   [REPEAT=3] benches/peers/run.sh [SERVICES] [EDGES] [QUERIES] [--no-networkx]
#
# Defaults: 1,000,000 services, 10,000,000 edges, 100 changesets. Installs
# the peers from PyPI if missing. Writes bench-data/ (ignored by git): the
# graph, the changesets and results-N-M-Q.jsonl (one JSON object per tool;
# igraph's also describes the graph's shape), and prints the table.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-1000000}
M=${2:-10000000}
Q=${3:-100}
NX=1
[ "${4:-}" = "--no-networkx" ] && NX=0

python3 -c "import igraph, networkx" 2>/dev/null || pip install --quiet igraph networkx
cargo build --quiet --release -p blastgate-cli -p blastgate-benches --bins
mkdir -p bench-data
graph=bench-data/synth-$N-$M.edges
changes=bench-data/changes-$N-$Q.txt
# Regenerate when the binary is newer: the generator's shape may have changed
# (the same binary always writes the same bytes).
if [ ! -f "$graph" ] || [ target/release/blastgate -nt "$graph" ]; then
    target/release/blastgate synth --services "$N" --edges "$M" --seed 1 --out "$graph"
fi
python3 benches/peers/changes.py "$N" "$Q" 7 "$changes"
out=bench-data/results-$N-$M-$Q.jsonl
: > "$out"
# blastgate is timed REPEAT times (default 3; report.py takes the medians),
# the peers once: they take minutes.
for _ in $(seq "${REPEAT:-3}"); do
    target/release/peer_timing "$graph" "$changes" 2 >> "$out"
done
python3 benches/peers/peers.py "$graph" "$changes" --tool igraph >> "$out"
if [ "$NX" = 1 ]; then
    python3 benches/peers/peers.py "$graph" "$changes" --tool networkx >> "$out"
fi
python3 benches/peers/report.py "$out"
# What was measured, for docs/performance.md (git is only read).
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD 2>/dev/null || commit="$commit with uncommitted changes"
echo "commit $commit; $(nproc) CPUs, $(lscpu | sed -n 's/^Model name: *//p' | head -1)"
