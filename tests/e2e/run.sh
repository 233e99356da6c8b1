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
# 2. Runs `go test -v` on ./harness (unit tests) and ./journeys: one control plane for the whole package; the allot variants skip
#    (with the reason) when ALLOT_BINARY is missing or `ALLOT_BINARY serve --help` fails.
# Exit status: 0 when the build and every test passed, 1 otherwise. Output has the usual `--- PASS` /
# `--- FAIL` lines of `go test -v`.
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

# Compile the test binary at low priority too, then run it (-count=1: never reuse cached results).
echo "e2e: go test ./harness ./journeys (allot: ${allot_bin:-none})"
nice -n 10 go test -count=1 -v -timeout "${E2E_TIMEOUT:-45m}" ./harness/ ./journeys/ "$@"
rc=$?
echo "e2e: finished in $(( $(date +%s) - start ))s (exit $rc)"
[ "$rc" -eq 0 ] && exit 0 || exit 1
