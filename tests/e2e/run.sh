#!/usr/bin/env bash
# Runs allot's end-to-end suite against a real control plane (see docs/testing.md).
#
#   tests/e2e/run.sh [ALLOT_BINARY] [go test flags...]
#   tests/e2e/run.sh build/service/allot                       # whole suite
#   tests/e2e/run.sh build/service/allot -run 'TestTutorial/stock'
#
# 1. Builds the multi-call control-plane binary (tests/e2e/cmd/cluster: etcd, kube-apiserver,
#    kube-scheduler, kube-controller-manager from the pinned k8s.io/kubernetes) once per content hash of
#    go.mod, go.sum and cmd/cluster into $E2E_CACHE_DIR (default ~/.cache/allot-e2e), at low priority.
#    Go's module and build caches are the default GOMODCACHE/GOCACHE, so reruns only relink the tests.
# 2. Runs `go test -json` on ./harness (unit tests), ./journeys (one control plane for the whole package) and
#    ./cmd/e2ereport (the accounting's own tests), read by cmd/e2ereport (below). The allot variants skip (with
#    the reason) when ALLOT_BINARY is missing or `ALLOT_BINARY serve --help` fails, unless
#    E2E_REQUIRE_ALLOT=1 (scripts/test.sh sets it): then the journeys package fails instead.
# Exit status: 0 only when every package passed, every journey reported a result and nothing failed; 1
# otherwise. Output: the tests' `go test -v` lines, then an "e2e accounting" block ending in
# `e2e: N passed, M failed, K skipped`.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

allot_arg=${1:-}
[ $# -gt 0 ] && shift
allot_bin=""
if [ -n "$allot_arg" ]; then
  case "$allot_arg" in
    /*) allot_bin=$allot_arg ;;
    *) allot_bin=$(pwd)/$allot_arg ;;
  esac
fi

if ! command -v go >/dev/null 2>&1; then
  echo "e2e: go not found; the e2e suite needs Go (see docs/testing.md)"
  exit 1
fi

cache_dir=${E2E_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/allot-e2e}
mkdir -p "$cache_dir"
cd "$here"

# Content key of the control-plane binary: its sources, the module graph and the Go version.
key=$( { go version; cat go.mod go.sum; find cmd/cluster -type f -name '*.go' | sort | xargs cat; } | sha256sum | cut -c1-16)
cluster_bin="$cache_dir/cluster-$key"
k8s_version=$(sed -n 's/^[[:space:]]*k8s.io\/kubernetes \(v[0-9.]*\).*/\1/p' go.mod | head -1)
minor=$(echo "$k8s_version" | cut -d. -f2)

start=$(date +%s)
if [ ! -x "$cluster_bin" ]; then
  echo "e2e: building control plane $k8s_version -> $cluster_bin (cold builds take a while; logs follow on error)"
  ver=k8s.io/component-base/version
  ldflags="-s -w -X $ver.gitVersion=$k8s_version -X $ver.gitMajor=1 -X $ver.gitMinor=$minor -X $ver.gitTreeState=clean"
  if ! nice -n 10 go build -o "$cluster_bin.tmp" -ldflags "$ldflags" ./cmd/cluster; then
    rm -f "$cluster_bin.tmp"
    echo "e2e: building the control plane FAILED"
    exit 1
  fi
  mv "$cluster_bin.tmp" "$cluster_bin"
  # Keep only the current binary (each is ~200 MB).
  find "$cache_dir" -maxdepth 1 -name 'cluster-*' ! -name "cluster-$key" -type f -delete
  echo "e2e: control plane built in $(( $(date +%s) - start ))s"
fi

export E2E_CLUSTER_BIN=$cluster_bin
export ALLOT_BIN=$allot_bin
export ALLOT_REPO_ROOT=$root

# The accounting: e2ereport reads `go test -json`, echoes the tests' output as `go test -v` would, and
# exits 1 unless every package passed and (for a whole-suite run, i.e. no extra flags) every top-level
# journey reported a result; E2E_SUMMARY names a file for "PASSED FAILED SKIPPED" (scripts/test.sh).
report_bin="$cache_dir/e2ereport"
if ! go build -o "$report_bin" ./cmd/e2ereport; then
  echo "e2e: building cmd/e2ereport FAILED"
  exit 1
fi
expect=(-package allot/tests/e2e/harness -package allot/tests/e2e/journeys -package allot/tests/e2e/cmd/e2ereport)
if [ $# -eq 0 ]; then
  expect+=(-tests allot/tests/e2e/journeys=journeys -tests allot/tests/e2e/harness=harness -tests allot/tests/e2e/cmd/e2ereport=cmd/e2ereport)
fi
[ -n "${E2E_SUMMARY:-}" ] && expect+=(-summary "$E2E_SUMMARY")

# Compile the test binaries at low priority too, then run them (-count=1: never reuse cached results).
echo "e2e: go test ./harness ./journeys ./cmd/e2ereport (allot: ${allot_bin:-none})"
nice -n 10 go test -json -count=1 -timeout "${E2E_TIMEOUT:-45m}" ./harness/ ./journeys/ ./cmd/e2ereport/ "$@" 2>&1 |
  "$report_bin" "${expect[@]}"
rc=$?
echo "e2e: finished in $(( $(date +%s) - start ))s (exit $rc)"
[ "$rc" -eq 0 ] && exit 0 || exit 1
