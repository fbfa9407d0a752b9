#!/usr/bin/env bash
# The first page of a line's queue with many tickets stored (docs/BENCHMARKS.md).
# Usage: bench/queue-load.sh [TICKETS] (default 1000000). Needs python3, wrk and a release build.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=target/release/tierline
n=${1:-1000000}
port=${PORT:-18766}
work=$(mktemp -d)
db=$work/queue.db
$bin --db "$db" migrate >/dev/null
$bin --db "$db" user add --email bench@desk.test --role admin >/dev/null
TOKEN=$($bin --db "$db" token create --email bench@desk.test)
RUST_LOG=warn $bin --db "$db" serve --listen 127.0.0.1:$port 2>"$work/serve.log" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 50); do curl -sf http://127.0.0.1:$port/readyz >/dev/null && break; sleep 0.1; done
api() { curl -sf -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' "$@"; }
api -d '{"name": "Bench Co"}' http://127.0.0.1:$port/api/v1/customers >/dev/null
api -d '{"effective_from": "2020-01-01", "terms": {"calendar": {"tz": "Europe/Kyiv", "coverage": "base"}}}' \
  http://127.0.0.1:$port/api/v1/customers/1/contracts >/dev/null
python3 bench/fill-tickets.py "$db" "$n"
cat > "$work/get.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $TOKEN"
done = function(summary, latency, requests)
  io.write(string.format("requests=%d errors_status=%d rps=%.0f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f\n",
    summary.requests, summary.errors.status, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000))
end
LUA
for query in "line=1&active=true" "line=1&active=true&count=true" "line=1" "line=1&status=open&class=4" ""; do
  echo "GET /api/v1/tickets?$query (first page of 50, $n tickets stored)"
  wrk -t1 -c4 -d${DURATION:-10s} --latency -s "$work/get.lua" "http://127.0.0.1:$port/api/v1/tickets?$query" | tail -n 1
done
