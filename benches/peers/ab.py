"""Times two commands interleaved (A B, then B A, ...) ROUNDS times each,
their output discarded, and prints the median, first quartile and minimum
wall time of each: for comparing two builds on a machine whose speed
drifts (memory fragmentation, huge pages), where runs one after the other
would compare the drift. Usage:

    python3 ab.py ROUNDS -- COMMAND-A... -- COMMAND-B...
"""

import os
import statistics
import subprocess
import sys
import time

args = sys.argv[1:]
if len(args) < 4 or args[1] != "--" or "--" not in args[2:]:
    sys.exit(__doc__)
rounds, rest = int(args[0]), args[2:]
split = rest.index("--")
a, b = rest[:split], rest[split + 1 :]
times = {"A": [], "B": []}
for r in range(rounds):
    order = (("A", a), ("B", b)) if r % 2 == 0 else (("B", b), ("A", a))
    for name, command in order:
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.wait4(child.pid, 0)
        times[name].append(time.perf_counter() - start)
for name, t in times.items():
    t.sort()
    print(f"{name}: median {statistics.median(t) * 1e3:.1f} ms, first quartile {t[len(t) // 4] * 1e3:.1f} ms, "
          f"min {t[0] * 1e3:.1f} ms over {len(t)} runs")
