#!/usr/bin/env python3
"""Writes N JSON Lines queries for `tierline sla eval` (docs/BENCHMARKS.md), deterministically.

Three calendars (Kyiv base hours with holidays, New York with evening and weekends, Kolkata 24x7),
the four ops in turn, starts spread over 2026. Usage: scripts/gen-eval-lines.py [N] > FILE
"""
import json
import random
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
rng = random.Random(7)
day = [["09:30", "18:30"]]
calendars = [
    {"tz": "Europe/Kyiv", "week": {d: day for d in ["mon", "tue", "wed", "thu", "fri"]},
     "holidays": ["2026-01-01", "2026-03-08", "2026-08-24", "2026-12-25"]},
    {"tz": "America/New_York", "coverage": "base+evening+weekends"},
    {"tz": "Asia/Kolkata", "coverage": "24x7"},
]
ops = ["add", "between", "next_open", "clock"]
out = sys.stdout
for i in range(n):
    op = ops[i % 4]
    start = (f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
             f"T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00Z")
    q = {"calendar": calendars[i % 3], "op": op, "start": start}
    if op in ("add", "clock"):
        q["minutes"] = rng.randint(0, 3000)
    if op == "between":
        q["end"] = f"2027-01-{rng.randint(1, 28):02d}T00:00:00Z"
    if op == "clock":
        q["pauses"] = [[start, "2027-01-01T00:00:00Z"]] if i % 8 == 3 else []
        q["stop"] = "2027-02-01T00:00:00Z"
    out.write(json.dumps(q) + "\n")
