#!/usr/bin/env python3
"""Writes N requests for `tierline classify` (docs/BENCHMARKS.md), cycling through the holdout set.

Usage: scripts/gen-classify-lines.py [N] > FILE
"""
import json
import pathlib
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
holdout = pathlib.Path(__file__).resolve().parent.parent / "crates/tierline-classify/data/holdout.jsonl"
lines = [json.loads(line) for line in holdout.read_text().splitlines() if line.strip()]
for i in range(n):
    e = lines[i % len(lines)]
    sys.stdout.write(json.dumps({"subject": e["subject"], "body": e.get("body", "")}) + "\n")
