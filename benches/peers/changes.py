"""Writes Q changesets of 1 to 10 random services (seeded), one per line,
for the side-by-side comparison.

Usage: changes.py N Q SEED OUT           services s0..s{N-1} (synth's ids)
       changes.py --ids GRAPH.edges Q SEED OUT
                                         services of an edge list (every id
                                         it names, drawn in sorted order)
"""

import random
import sys

if sys.argv[1] == "--ids":
    names = set()
    with open(sys.argv[2]) as f:
        for line in f:
            if not line.startswith("#"):
                names.update(line.split()[:2])
    ids = sorted(names)
    q, seed, out = int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
else:
    n, q, seed, out = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    ids = None
rng = random.Random(seed)
with open(out, "w") as f:
    for _ in range(q):
        k = rng.randint(1, 10)
        if ids is None:
            f.write(" ".join(f"s{rng.randrange(n)}" for _ in range(k)) + "\n")
        else:
            f.write(" ".join(ids[rng.randrange(len(ids))] for _ in range(k)) + "\n")
