#!/usr/bin/env bash
# The agent's queue page (server-rendered HTML, 100 rows with their clocks) with many tickets
# stored (docs/BENCHMARKS.md). Usage: bench/queue-page.sh [TICKETS] (default 100000).
# Needs python3, curl, wrk and a release build (cargo build --release -p tierline).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=target/release/tierline
n=${1:-100000}
port=${PORT:-18767}
work=$(mktemp -d)
db=$work/queue.db
base=http://127.0.0.1:$port
$bin --db "$db" migrate >/dev/null
$bin --db "$db" user add --email bench@desk.test --role admin >/dev/null
TOKEN=$($bin --db "$db" token create --email bench@desk.test)
start() {
  RUST_LOG=info $bin --db "$db" serve --listen 127.0.0.1:$port 2>>"$work/serve.log" &
  server=$!
  for _ in $(seq 1 600); do curl -sf $base/readyz >/dev/null && break; sleep 0.1; done
}
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
start
api() { curl -sf -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' "$@"; }
api -d '{"name": "Bench Co"}' $base/api/v1/customers >/dev/null
api -d '{"effective_from": "2020-01-01", "terms": {"calendar": {"tz": "Europe/Kyiv", "coverage": "base"}}}' \
  $base/api/v1/customers/1/contracts >/dev/null
api -d '{"email": "agent@desk.test", "name": "Agent", "role": "agent", "lines": [1, 2]}' $base/api/v1/users >/dev/null
api -X PATCH -d '{"password": "bench password 1"}' $base/api/v1/users/2 >/dev/null
kill $server; wait $server 2>/dev/null || true
python3 bench/fill-tickets.py "$db" "$n"
# Tickets written behind the server's back are indexed for search when it starts.
started=$(date +%s.%N)
start
echo "started and indexed $n tickets for search in $(echo "$(date +%s.%N) - $started" | bc) s"
# Sign in through the login form, as a browser does.
jar=$work/cookies
csrf=$(curl -sf -c "$jar" -b "$jar" $base/login | grep -o 'name="_csrf" value="[0-9a-f]*"' | head -1 | sed 's/.*value="//; s/"//')
curl -sf -c "$jar" -b "$jar" -o /dev/null -d "_csrf=$csrf&email=agent@desk.test&password=bench+password+1" $base/login
session=$(awk '$6 == "tierline_session" {print $7}' "$jar")
rows=$(curl -sf -H "Cookie: tierline_session=$session" "$base/agent/queue?view=line1" | grep -c '<tr data-ticket')
echo "the page shows $rows rows"
cat > "$work/get.lua" <<LUA
wrk.headers["Cookie"] = "tierline_session=$session"
done = function(summary, latency, requests)
  io.write(string.format("requests=%d errors_status=%d rps=%.0f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
    summary.requests, summary.errors.status, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
LUA
for page in "/agent/queue?view=line1" "/agent/queue/rows?view=line1" "/agent/queue?view=breached" "/agent/search?q=4242" "/agent/search?q=ticket+generated" "/agent/search?q=generated&class=4"; do
  for c in 1 4; do
    echo "GET $page, $c connection(s), $n tickets stored"
    wrk -t1 -c$c -d${DURATION:-10s} --latency -s "$work/get.lua" "$base$page" | tail -n 1
  done
done
