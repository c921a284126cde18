"""Runs a command ROUNDS times (its output discarded) and prints the median
wall time in seconds and the peak RSS in KiB of that median run, from the
child's own resource usage. Usage: python3 timed.py ROUNDS COMMAND..."""

import os
import subprocess
import sys
import time

rounds, command = int(sys.argv[1]), sys.argv[2:]
runs = []
for _ in range(rounds):
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        sys.exit(f"{command[0]} failed with {os.waitstatus_to_exitcode(status)}")
    runs.append((elapsed, usage.ru_maxrss))
runs.sort()
median = runs[len(runs) // 2]
print(f"{median[0]:.4f} {median[1]}")
