#!/usr/bin/env bash
# Stability monitoring under load (docs/BENCHMARKS.md): 10,000 HTTP monitors at a 60-second
# interval against a server on loopback, for a bounded time, on a release build. Prints CPU per
# check and as a share of one core, the largest interval error, and bytes stored per check.
# Usage: bench/monitor-load.sh [MONITORS] [SECONDS] [DATABASE_URL]
set -euo pipefail
cd "$(dirname "$0")/.."
monitors=${1:-10000}
secs=${2:-240}
cargo build --release -q -p tierline-monitor --example monitor_load
args=(--monitors "$monitors" --secs "$secs")
if [ -n "${3:-}" ]; then args+=(--db "$3"); fi
CLK_TCK=$(getconf CLK_TCK) exec target/release/examples/monitor_load "${args[@]}"
