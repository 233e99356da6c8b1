#!/usr/bin/env bash
# Differential check of allot::quantity against apimachinery v0.37.2 (same Quantity code as v0.36.6; only QuantityPtrEqual was added) and blang/semver v4 (Go).
# Needs Go (module cache or proxy) and a build tree with allot_quantity built:
#   tests/core/quantity/go_diff/run.sh [build-dir]      (default: build)
# Prints "diffs N of M"; the expected differences are listed in docs/quantity.md (negative Value()
# of decimals, exponents beyond ±1000) and are filtered or reported by cmp.py.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../../.." && pwd)
build=${1:-build}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$here"/main.go "$here"/go.mod "$here"/go.sum "$work"/
(cd "$work" && GOFLAGS=-mod=mod go build -o qdiff .)
g++ -std=c++20 -O1 -I"$root" "$here/driver.cc" "$root/$build/core/quantity/liballot_quantity.a" \
    "$root/$build/base/liballot_base.a" -o "$work/drv"
python3 "$here/gen.py" > "$work/in.txt"
(cd "$work" && ./qdiff < in.txt > go.out && ./drv < in.txt > cc.out && python3 "$here/cmp.py")
