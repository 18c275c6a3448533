#!/usr/bin/env bash
# Profile a workload of bench/profile.py with py-spy, skipping its set-up:
#   bench/profile.sh service 20 bench/profiles/service-before    (workload, seconds, output stem)
# Writes <stem>.svg (flame graph) and <stem>.txt.gz (py-spy raw folded stacks: bench/folded.py reads them).
set -euo pipefail
cd "$(dirname "$0")/.."
workload=$1; seconds=${2:-20}; out=$3
log=$(mktemp)
.venv/bin/python bench/profile.py "$workload" --n $((seconds * 2 * 60)) >"$log" 2>&1 &
pid=$!
until grep -q '^profiling' "$log"; do sleep 0.5; kill -0 $pid 2>/dev/null || { cat "$log"; exit 1; }; done
.venv/bin/py-spy record --pid $pid --duration "$seconds" --rate 250 --format raw --output "$out.txt" >"$log.spy" 2>&1 || { cat "$log.spy"; exit 1; }
.venv/bin/py-spy record --pid $pid --duration "$seconds" --rate 250 --output "$out.svg" >/dev/null 2>&1 || true
kill $pid 2>/dev/null || true
wait $pid 2>/dev/null || true
gzip -9f "$out.txt"
echo "$out.txt.gz $out.svg"
