#!/usr/bin/env bash
# Ticket creation through the API under load (docs/BENCHMARKS.md).
# Usage: bench/api-load.sh [DB_URL] — default a fresh SQLite file; pass postgres://… for PostgreSQL.
# CLASSIFY=1 leaves the class out of each request, so the classifier runs for every ticket.
# TIERLINE_BIN=path runs another build, for ratios against a baseline commit.
# Needs wrk (Debian: apt-get install wrk) and a release build (cargo build --release -p tierline).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${TIERLINE_BIN:-target/release/tierline}  # another build (a baseline worktree) to compare
work=$(mktemp -d)
db=${1:-$work/bench.db}
port=${PORT:-18765}
duration=${DURATION:-10s}
connections=${CONNECTIONS:-16}

$bin --db "$db" migrate >/dev/null
$bin --db "$db" user add --email bench@desk.test --role admin >/dev/null
TOKEN=$($bin --db "$db" token create --email bench@desk.test)
export TOKEN
RUST_LOG=warn $bin --db "$db" serve --listen 127.0.0.1:$port 2>"$work/serve.log" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 50); do curl -sf http://127.0.0.1:$port/readyz >/dev/null && break; sleep 0.1; done
api() { curl -sf -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' "$@"; }
CUSTOMER=$(api -d '{"name": "Bench Co"}' http://127.0.0.1:$port/api/v1/customers | sed 's/.*"id":\([0-9]*\).*/\1/')
export CUSTOMER
api -d '{"effective_from": "2020-01-01", "terms": {"calendar": {"tz": "Europe/Kyiv", "coverage": "base"}}}' \
  http://127.0.0.1:$port/api/v1/customers/$CUSTOMER/contracts >/dev/null
echo "backend=${1:-sqlite} connections=$connections duration=$duration classify=${CLASSIFY:-0}"
wrk -t2 -c"$connections" -d"$duration" --latency -s bench/create-ticket.lua http://127.0.0.1:$port/api/v1/tickets | tail -n 1
