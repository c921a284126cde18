"""Writes Q changesets of 1 to 10 random services s0..s{N-1} (seeded), one
per line, for the side-by-side comparison. Usage: changes.py N Q SEED OUT"""

import random
import sys

n, q, seed, out = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
rng = random.Random(seed)
with open(out, "w") as f:
    for _ in range(q):
        k = rng.randint(1, 10)
        f.write(" ".join(f"s{rng.randrange(n)}" for _ in range(k)) + "\n")
