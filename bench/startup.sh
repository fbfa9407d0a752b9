#!/usr/bin/env bash
# Start-up to serving, and resident memory when idle (docs/BENCHMARKS.md).
# Usage: bench/startup.sh [RUNS] (default 10). Needs curl and a release build.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$PWD/target/release/tierline
runs=${1:-10}
port=${PORT:-18767}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
measure() { # $1: database path; prints milliseconds from exec to the first answered /readyz
  local start end pid
  start=$(date +%s%N)
  RUST_LOG=warn "$bin" --db "$1" serve --listen 127.0.0.1:$port 2>/dev/null &
  pid=$!
  until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; do sleep 0.002; done
  end=$(date +%s%N)
  echo $(( (end - start) / 1000000 )) "$pid"
}
fresh=(); existing=()
for i in $(seq 1 "$runs"); do
  read -r ms pid < <(measure "$work/fresh-$i.db"); fresh+=("$ms"); kill "$pid"; wait "$pid" 2>/dev/null || true
  read -r ms pid < <(measure "$work/fresh-1.db"); existing+=("$ms")
  if [ "$i" -eq "$runs" ]; then
    sleep 2
    rss=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
  fi
  kill "$pid"; wait "$pid" 2>/dev/null || true
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "start-up to first /readyz, new database (creates and migrates it): median $(median "${fresh[@]}") ms of $runs (${fresh[*]})"
echo "start-up to first /readyz, existing database: median $(median "${existing[@]}") ms of $runs (${existing[*]})"
echo "resident memory idle, 2 s after start: $((rss / 1024)) MiB ($rss KiB)"
