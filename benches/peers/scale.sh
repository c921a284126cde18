#!/usr/bin/env bash
# How cost grows with the graph: for 10k, 100k, 1M and 4M services (ten
# edges each), blastgate's load, engine, one assessment, batch throughput
# and memory beside python-igraph's load, queries and memory, on the same
# files in one run (docs/performance.md, "Large graphs end to end").
#
#   benches/peers/scale.sh [SIZES...]      # default: 10000 100000 1000000 4000000
#   benches/peers/scale.sh --graph FILE... # the same table for your own graph
#
# Writes bench-data/scale.jsonl (one JSON object per tool and size),
# bench-data/scale.md (the table) and docs/scale.svg (the plot). Sizes of
# 4M need about 6 GiB of memory and ten minutes, most of it igraph's.
#
# With --graph, the files (any formats blastgate reads, merged) are frozen
# to bench-data/own.bgs and exported as an edge list for igraph
# (bench-data/own.edges: ids and each edge's probability), 100 changesets
# of 1 to 10 of its services are drawn (seed 7), and the same measurements
# go to bench-data/scale-own.jsonl, bench-data/scale-own.md and
# bench-data/scale-own.svg.
set -euo pipefail
cd "$(dirname "$0")/../.."
own=()
if [ "${1:-}" = "--graph" ]; then
    shift
    own=("$@")
    if [ ${#own[@]} -eq 0 ]; then
        echo "usage: benches/peers/scale.sh --graph FILE..." >&2
        exit 2
    fi
    sizes=()
else
    sizes=("$@")
    [ ${#sizes[@]} -eq 0 ] && sizes=(10000 100000 1000000 4000000)
fi

python3 -c "import igraph" 2>/dev/null || pip install --quiet igraph
cargo build --quiet --release -p blastgate-cli -p blastgate-benches --bins
mkdir -p bench-data

# Measures one graph: its edge list (for igraph), its snapshot and Q
# changesets; SERVICES labels the column (0: the graph's node count).
# Appends blastgate's and igraph's JSON objects to $out.
measure() {
    local graph=$1 snap=$2 changes=$3 q=$4 tag=$5 n=$6
    # The changeset of median reach (services the graph lacks dropped), as
    # a changeset file for the whole-process run.
    local change=bench-data/change-$tag.json
    python3 benches/peers/median_change.py known "$graph" "$changes" "bench-data/known-$tag.txt"
    target/release/blastgate radius --graph "$snap" --batch "bench-data/known-$tag.txt" --summary \
        > "bench-data/reach-$tag.jsonl"
    python3 benches/peers/median_change.py pick "bench-data/known-$tag.txt" "bench-data/reach-$tag.jsonl" "$change"
    # Three processes (huge pages make a first load vary); the one whose
    # load is the median. A snapshot under 2 MB assesses in microseconds:
    # ten rounds of the changesets, so that warming up does not dominate.
    local line rounds=1
    [ "$(stat -c %s "$snap")" -lt 2000000 ] && rounds=10
    line=$(for _ in 1 2 3; do target/release/assess_timing "$snap" "$changes" "$rounds" --json; done \
        | python3 -c "import json,sys; r=sorted((json.loads(l)['load_s'], l) for l in sys.stdin); print(r[1][1].strip())")
    [ "$n" -eq 0 ] && n=$(echo "$line" | python3 -c "import json,sys; print(json.load(sys.stdin)['nodes'])")
    # The whole process, as a gate runs it: snapshot in, JSON out, for the
    # median changeset (median of 7 runs: seconds and peak RSS in KiB).
    local best bytes
    best=$(python3 benches/peers/timed.py 7 target/release/blastgate assess --graph "$snap" --change "$change" \
        --format json)
    bytes=$(stat -c %s "$snap")
    echo "${line%\}},\"services\":$n,\"queries\":$q,\"freeze_s\":$freeze_s,\"snapshot_bytes\":$bytes,\"cli_s\":${best%% *},\"cli_rss_kib\":${best##* }}" >> "$out"
    python3 benches/peers/peers.py "$graph" "$changes" --tool igraph \
        | python3 -c "import json,sys; d=json.load(sys.stdin); d['services']=$n; d['queries']=$q; print(json.dumps(d))" >> "$out"
}

if [ ${#own[@]} -gt 0 ]; then
    out=bench-data/scale-own.jsonl
    : > "$out"
    freeze_s=$(python3 benches/peers/timed.py 1 target/release/blastgate graph freeze "${own[@]}" --out bench-data/own.bgs \
        | cut -d' ' -f1)
    target/release/blastgate graph export "${own[@]}" --to edges > bench-data/own.edges
    python3 benches/peers/changes.py --ids bench-data/own.edges 100 7 bench-data/changes-own-100.txt
    measure bench-data/own.edges bench-data/own.bgs bench-data/changes-own-100.txt 100 own 0
    python3 benches/peers/scale_report.py "$out" bench-data/scale-own.md bench-data/scale-own.svg
    cat bench-data/scale-own.md
else
    out=bench-data/scale.jsonl
    : > "$out"
    for n in "${sizes[@]}"; do
        m=$((n * 10))
        # 100 changesets, 20 at 4M and above (igraph's most-probable paths
        # take minutes there).
        q=100
        [ "$n" -ge 4000000 ] && q=20
        graph=bench-data/synth-$n-$m.edges
        snap=bench-data/synth-$n-$m.bgs
        changes=bench-data/changes-$n-$q.txt
        if [ ! -f "$graph" ] || [ target/release/blastgate -nt "$graph" ]; then
            target/release/blastgate synth --services "$n" --edges "$m" --seed 1 --out "$graph" >/dev/null
        fi
        python3 benches/peers/changes.py "$n" "$q" 7 "$changes"
        freeze_s=$(python3 benches/peers/timed.py 1 target/release/blastgate graph freeze "$graph" --out "$snap" \
            | cut -d' ' -f1)
        measure "$graph" "$snap" "$changes" "$q" "$n" "$n"
    done
    python3 benches/peers/scale_report.py "$out" bench-data/scale.md docs/scale.svg
    cat bench-data/scale.md
fi
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD 2>/dev/null || commit="$commit with uncommitted changes"
echo "commit $commit; $(nproc) CPUs, $(lscpu | sed -n 's/^Model name: *//p' | head -1)"
