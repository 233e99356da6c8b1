#!/usr/bin/env bash
# Pins tests/e2e/go.mod to one k8s.io/kubernetes release.
#
# k8s.io/kubernetes requires every staging module (k8s.io/api, k8s.io/client-go, ...) at v0.0.0 and
# replaces it with ./staging/src/k8s.io/<name>. Those replaces do not apply to a consumer, and v0.0.0 does
# not exist on the module proxy, so a consumer must replace each staging module with its published tag:
# k8s.io/kubernetes v1.N.P  =>  k8s.io/<name> v0.N.P.
#
# This script reads the replace block of the release's own go.mod (from the module proxy, via
# `go mod download`) and writes one `go mod edit -replace` per staging module, so the list is never typed
# by hand. Then `go mod tidy` resolves everything else.
#
# Usage: tests/e2e/hack/gen-replaces.sh [v1.N.P]    (default: the version already required in go.mod)
# Newest release on the proxy: go list -m -versions k8s.io/kubernetes
set -euo pipefail
cd "$(dirname "$0")/.."

version=${1:-}
if [ -z "$version" ]; then
  version=$(go list -m -f '{{.Version}}' k8s.io/kubernetes)
fi
case "$version" in
  v1.*.*) ;;
  *) echo "gen-replaces: want a version like v1.37.2, got '$version'" >&2; exit 2 ;;
esac
staging_version="v0.${version#v1.}"

gomod=$(go mod download -json "k8s.io/kubernetes@$version" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')
if [ ! -f "$gomod" ]; then
  echo "gen-replaces: could not download the go.mod of k8s.io/kubernetes@$version" >&2
  exit 1
fi

# Lines inside `replace ( ... )` of the form `k8s.io/<name> => ./staging/src/k8s.io/<name>`.
modules=$(sed -n '/^replace (/,/^)/p' "$gomod" | awk '$2 == "=>" && $3 ~ /^\.\/staging\// { print $1 }')
if [ -z "$modules" ]; then
  echo "gen-replaces: no staging replaces found in $gomod" >&2
  exit 1
fi

args=(-require "k8s.io/kubernetes@$version")
count=0
for m in $modules; do
  args+=(-replace "$m=$m@$staging_version")
  count=$((count + 1))
done
go mod edit "${args[@]}"
echo "gen-replaces: k8s.io/kubernetes $version, $count staging modules replaced at $staging_version"
