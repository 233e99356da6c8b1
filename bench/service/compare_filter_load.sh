#!/usr/bin/env bash
# bench/service/compare_filter_load.sh: two allot binaries under the same filter_load, alternating, in one run
# (docs/perf/allot.md §5: the restructure's before/after).
#
#   bench/service/compare_filter_load.sh BEFORE_ALLOT AFTER_ALLOT [ROUNDS] [FILTER_LOAD]
#
# Per round and binary: 500 nodes of 8xH100 DynamicMIG and 5,000 plain nodes, 300 filters and prioritizes and
# 30 binds each. Prints one line per run (ready time, RSS, p50/p99 per verb). Run from the repository root on a
# quiet machine; compare medians across rounds, not single runs.
set -euo pipefail
BEFORE=$1 AFTER=$2 ROUNDS=${3:-3} LOAD=${4:-build/bench/service/filter_load}
for round in $(seq 1 "$ROUNDS"); do
  for bin in "$BEFORE" "$AFTER"; do
    for shape in "h100mig 500" "plain 5000"; do
      set -- $shape
      line=$("$LOAD" --allot "$bin" --nodes "$2" --shape "$1" --requests 300 --binds 30 --time-limit-s 120 | tail -1)
      python3 -c '
import json, sys
d = json.loads(sys.argv[1])
f, p, b = d["filter"], d["prioritize"], d["bind"]
print("%-40s %-8s r%s ready %5.1fs rss %d MiB filter p50 %.2f p99 %.2f prioritize p50 %.2f p99 %.2f bind p50 %.2f" % (
    sys.argv[2], sys.argv[3], sys.argv[4], d["ready_ms"] / 1000, d["rss_ready_kb"] // 1024, f["p50_ms"], f["p99_ms"],
    p["p50_ms"], p["p99_ms"], b["p50_ms"]))' "$line" "$bin" "$1" "$round"
    done
  done
done
