#!/usr/bin/env python3
"""Bulk-fills an SQLite tierline database with N tickets for the queue benchmark (docs/BENCHMARKS.md).

The database must exist and be migrated, with one customer (id 1), a contract version (id 1) and
a user (id 1): bench/queue-load.sh makes them through the product first. Rows are written directly
(a million tickets through the API would take minutes) in the shape the store writes them:
a quarter active with due times spread over the next two weeks, the rest resolved or closed
with no due time, over lines 1-4 and classes 1-6.
"""
import random
import sqlite3
import sys
import time

path, n = sys.argv[1], int(sys.argv[2])
rng = random.Random(42)
now = int(time.time() * 1e9)
db = sqlite3.connect(path)
db.execute("PRAGMA journal_mode = WAL")
db.execute("PRAGMA synchronous = OFF")
rows = []
for i in range(n):
    active = rng.random() < 0.25
    status = rng.choice(["new", "open", "waiting_for_customer"]) if active else rng.choice(["resolved", "closed"])
    opened = now - rng.randint(0, 365 * 86400) * 10**9
    due = now + rng.randint(-86400, 14 * 86400) * 10**9 if active and status != "waiting_for_customer" else None
    rows.append((1, 1, f"Ticket {i}", "Generated for the queue benchmark", "api", rng.randint(1, 6),
                 rng.choice([1, 1, 1, 2, 2, 3, 4]), status, 1, opened, due, opened))
    if len(rows) == 50_000:
        db.executemany(
            "INSERT INTO tickets (customer_id, contract_version_id, subject, description, channel, class, line, status, "
            "created_by, opened_at, next_due_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        rows.clear()
if rows:
    db.executemany(
        "INSERT INTO tickets (customer_id, contract_version_id, subject, description, channel, class, line, status, "
        "created_by, opened_at, next_due_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
db.commit()
db.execute("ANALYZE")
db.close()
print(f"filled {n} tickets")
