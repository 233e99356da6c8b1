#!/usr/bin/env bash
# `make bench`: short benchmark run of every bench/ program (see docs/perf/README.md).
set -euo pipefail
build_dir=${1:-build}
for b in "$build_dir"/bench/*/*_bench; do
  [ -x "$b" ] || continue
  echo "== $b"
  "$b" --benchmark_min_time=0.05
done
