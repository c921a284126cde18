"""Picks the changeset of median reach, for scale.sh's whole-process run.

  python3 median_change.py known GRAPH.edges CHANGES.txt KNOWN.txt
      writes CHANGES with the services the edge list lacks dropped (an
      isolated service has no line), one changeset a line;
  python3 median_change.py pick KNOWN.txt REACH.jsonl CHANGE.json
      reads `blastgate radius --batch KNOWN.txt --summary` output and writes
      the changeset of median reach as a changeset file.
"""

import json
import sys


def known(graph, changes, out):
    ids = set()
    with open(graph) as f:
        for line in f:
            if not line.startswith("#"):
                ids.update(line.split()[:2])
    with open(changes) as f, open(out, "w") as w:
        for line in f:
            w.write(" ".join(s for s in line.split() if s in ids) + "\n")


def pick(known_path, reach_path, out):
    lines = open(known_path).read().splitlines()
    reach = [json.loads(line)["affected_count"] for line in open(reach_path)]
    order = sorted((r, i) for i, (r, line) in enumerate(zip(reach, lines)) if line.split())
    _, median = order[len(order) // 2]
    services = lines[median].split()
    change = {
        "apiVersion": "blastgate.dev/v1",
        "kind": "Changeset",
        "id": "median",
        "services": services,
        "files": [{"path": "src/main.go", "added": 30, "deleted": 10, "service": services[0]}],
    }
    with open(out, "w") as w:
        json.dump(change, w)


if __name__ == "__main__":
    {"known": known, "pick": pick}[sys.argv[1]](*sys.argv[2:])
