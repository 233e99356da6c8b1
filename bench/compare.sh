#!/usr/bin/env bash
# bench/compare.sh: allot vs. Kubernetes' own structured allocator, same
# workloads, same machine, one run (docs/perf/README.md).
#
#   bench/compare.sh [--quick] [--no-clusters] [--out DIR] [--allot PATH] [--runs N] [--max-nodes N]
#
# 1. builds bench/reference (Go; k8s.io/dynamic-resource-allocation, go.mod pins),
# 2. generates the seeded workloads (bench/workloads/gen_workloads.py) into
#    DIR (default build/bench-workloads) and fills each scenario's `expect`
#    from the reference,
# 3. times the reference on every workload (`reference bench`), and allot on
#    the same files when the allot binary offers the timing mode
#    `allot bench-allocate --runs N --max-nodes N FILE...` (same JSON line per file as
#    `reference bench`: at least workload, ns_per_op, outcome, results),
# 3b. when allot has `conformance scenarios`, checks that allot decides every
#    generated scenario as the reference did (its `expect`),
# 4. prints per workload: reference ns/op, allot ns/op, ratio, and whether
#    both made the same decision (outcome, and the same devices when allocated;
#    shareIDs compared by presence). Raw JSON lines go to DIR/results-*.jsonl.
#
# --quick: 500-node clusters only, 3 runs. --max-nodes (default 20): Allocate is
# timed on that many evenly spaced nodes of a cluster (all slices stay in the
# allocator; in 1.36 a partitionable-device node cost O(cluster) per call, 1.37 fixed that).
# Exit status: 0, or 1 when a step
# failed or the two allocators decided differently.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/build/bench-workloads"
ALLOT="$ROOT/build/service/allot"
RUNS=7
MAXNODES=20
NODES="500,5000"
CLUSTERS=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) RUNS=3; NODES="500"; shift ;;
    --no-clusters) CLUSTERS=0; shift ;;
    --out) OUT="$2"; shift 2 ;;
    --allot) ALLOT="$2"; shift 2 ;;
    --runs) RUNS="$2"; shift 2 ;;
    --max-nodes) MAXNODES="$2"; shift 2 ;;
    -h|--help) sed -n '2,25p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "compare.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[[ $CLUSTERS == 1 ]] || NODES=""
mkdir -p "$OUT"
REF="$ROOT/build/bench-reference/reference"

echo "== building bench/reference"
(cd "$ROOT/bench/reference" && nice -n 10 go build -o "$REF" .)

echo "== generating workloads into $OUT"
rm -f "$OUT"/*.json
python3 "$ROOT/bench/workloads/gen_workloads.py" --out "$OUT" --nodes "$NODES" >/dev/null
mapfile -t SCENARIOS < <(cd "$OUT" && ls -1 [!c]*-fill*.json | sort)
mapfile -t CLUSTERFILES < <(cd "$OUT" && ls -1 cluster-*.json 2>/dev/null | sort -t- -k3,3n -k2,2 || true)
(cd "$OUT" && "$REF" expect "${SCENARIOS[@]}") >/dev/null

FILES=()
for f in "${SCENARIOS[@]}" "${CLUSTERFILES[@]}"; do FILES+=("$OUT/$f"); done

echo "== machine"
CPU="$(lscpu 2>/dev/null | sed -n 's/^Model name:[[:space:]]*//p' | head -1)"
echo "cpu: ${CPU:-unknown}, $(nproc) cores, load average: $(cut -d' ' -f1-3 /proc/loadavg), $(go version | cut -d' ' -f3)"

echo "== reference (k8s.io/dynamic-resource-allocation $(sed -n 's/^[[:space:]]*k8s.io\/dynamic-resource-allocation \(v[^ ]*\).*/\1/p' "$ROOT/bench/reference/go.mod"))"
REF_JSON="$OUT/results-reference.jsonl"
"$REF" bench -runs "$RUNS" -max-nodes "$MAXNODES" "${FILES[@]}" >"$REF_JSON"

ALLOT_HELP=""
[[ -x "$ALLOT" ]] && ALLOT_HELP="$("$ALLOT" help 2>&1 || true)"
DECISIONS_OK=1
if grep -q "conformance scenarios" <<<"$ALLOT_HELP"; then
  # Same decisions? The generated scenarios carry the reference's decision as `expect`.
  echo "== allot decisions vs. reference (allot conformance scenarios on the generated scenarios)"
  (cd "$OUT" && "$ALLOT" conformance scenarios "${SCENARIOS[@]}") | tail -n 1 || DECISIONS_OK=0
fi

ALLOT_JSON="$OUT/results-allot.jsonl"
: >"$ALLOT_JSON"
if grep -q "bench-allocate" <<<"$ALLOT_HELP"; then
  echo "== allot ($ALLOT bench-allocate)"
  "$ALLOT" bench-allocate --runs "$RUNS" --max-nodes "$MAXNODES" "${FILES[@]}" >"$ALLOT_JSON" || echo "allot bench-allocate failed (status $?)" >&2
else
  echo "== allot: pending (no 'bench-allocate' command in $ALLOT yet)"
fi

STATUS=0
python3 - "$REF_JSON" "$ALLOT_JSON" <<'PY' || STATUS=1
import json, sys

def load(path):
    out = {}
    for line in open(path):
        line = line.strip()
        if line.startswith("{"):
            d = json.loads(line)
            out[d["workload"]] = d
    return out

def decision(d):
    """Outcome plus devices per claim, shareIDs by presence, order-free."""
    claims = []
    for a in d.get("results") or []:
        rs = []
        for r in (a.get("devices") or {}).get("results") or []:
            r = dict(r)
            if "shareID" in r:
                r["shareID"] = "<set>"
            rs.append(json.dumps(r, sort_keys=True))
        claims.append(sorted(rs))
    return d.get("outcome"), claims

def fmt_ns(ns):
    if ns is None:
        return "-"
    if ns >= 10**9: return f"{ns / 1e9:.2f} s"
    if ns >= 10**6: return f"{ns / 1e6:.2f} ms"
    if ns >= 10**3: return f"{ns / 1e3:.1f} us"
    return f"{ns} ns"

ref, allot = load(sys.argv[1]), load(sys.argv[2])
pending = not allot
print()
print(f"{'workload':34} {'nodes':>5} {'reference/node':>15} {'allot/node':>12} {'ratio':>7}  {'outcome':14} same")
bad = 0
for name, r in ref.items():
    a = allot.get(name)
    ref_ns = r["ns_per_op"]
    a_ns = a["ns_per_op"] if a else None
    ratio = f"{ref_ns / a_ns:.1f}x" if a_ns else ("pending" if pending else "-")
    outcome = r["outcome"] + (" (timeout)" if r.get("timed_out") else "")
    same = "-"
    if a:
        same = "yes" if decision(a) == decision(r) else "NO"
        if same == "NO":
            bad += 1
    print(f"{name:34} {r['nodes']:>5} {fmt_ns(ref_ns):>15} {fmt_ns(a_ns):>12} {ratio:>7}  {outcome:14} {same}")
print()
print("reference/node = median ns per Allocate call per node (NewAllocator excluded; pod_cycle_ns in the JSON adds it;")
print("clusters are timed on a sample of nodes, nodes_timed in the JSON).")
if pending:
    print("allot column pending: build/service/allot has no `bench-allocate` command yet.")
sys.exit(1 if bad else 0)
PY
[[ $DECISIONS_OK == 1 ]] || { echo "allot and the reference decided differently on a generated scenario (see above)"; STATUS=1; }
exit $STATUS
