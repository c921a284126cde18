#!/usr/bin/env bash
# Side-by-side comparison of blastgate with python-igraph and networkx on
# one synthetic graph, in one run (docs/performance.md).
#
#   benches/peers/run.sh [SERVICES] [EDGES] [QUERIES] [--no-networkx]
#
# Defaults: 1,000,000 services, 10,000,000 edges, 100 changesets. Installs
# the peers from PyPI if missing. Writes bench-data/ (ignored by git).
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
[ -f "$graph" ] || target/release/blastgate synth --services "$N" --edges "$M" --seed 1 --out "$graph"
python3 benches/peers/changes.py "$N" "$Q" 7 "$changes"
out=bench-data/results-$N-$M-$Q.jsonl
: > "$out"
target/release/peer_timing "$graph" "$changes" 2 >> "$out"
python3 benches/peers/peers.py "$graph" "$changes" --tool igraph >> "$out"
if [ "$NX" = 1 ]; then
    python3 benches/peers/peers.py "$graph" "$changes" --tool networkx >> "$out"
fi
python3 benches/peers/report.py "$out"
