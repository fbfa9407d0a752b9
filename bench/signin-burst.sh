#!/usr/bin/env bash
# A burst of simultaneous wrong passwords for one address (docs/BENCHMARKS.md, docs/SECURITY.md):
# how many were checked, and the server's memory before, at its peak and after.
# Usage: bench/signin-burst.sh [COUNT] — default 100; DISTINCT=1 gives each attempt an address of
# its own (so only the per-client limit and the cap on concurrent checks hold it back). Needs a release build
# (cargo build --release -p tierline) and curl. Loopback only; bounded by COUNT.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=target/release/tierline
count=${1:-100}
work=$(mktemp -d)
db=$work/burst.db
port=${PORT:-18767}
$bin --db "$db" migrate >/dev/null
echo 'correct horse battery staple' | $bin --db "$db" user add --email lena@desk.test --role agent --password-stdin >/dev/null
RUST_LOG=warn $bin --db "$db" serve --no-monitors --listen 127.0.0.1:$port 2>"$work/serve.log" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 50); do curl -sf http://127.0.0.1:$port/readyz >/dev/null && break; sleep 0.1; done
rss() { awk '/^VmRSS/ {print $2}' /proc/$server/status; }
peak() { awk '/^VmHWM/ {print $2}' /proc/$server/status; }
before=$(rss)
seq 1 "$count" | xargs -P "$count" -I{} curl -s -o /dev/null -w '%{http_code}\n' \
  -H 'Content-Type: application/json' -d "{\"email\": \"lena${DISTINCT:+{}}@desk.test\", \"password\": \"guess {}\"}" \
  http://127.0.0.1:$port/api/v1/session | sort | uniq -c | awk '{printf "%s× %s  ", $1, $2} END {print ""}'
sleep 1
echo "rss before ${before} KiB, peak $(peak) KiB, after $(rss) KiB"
