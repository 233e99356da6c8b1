#!/usr/bin/env bash
# `make run`: serve the embedded demo cluster (deploy/demo) on http://127.0.0.1:8888.
# Usage: scripts/run.sh [BUILD_DIR] [extra allot serve flags...]
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build}
shift || true
bin="$build_dir/service/allot"
if [ ! -x "$bin" ]; then
  echo "run.sh: $bin not built (run 'make build')" >&2
  exit 1
fi
echo "allot: demo cluster from deploy/demo on http://127.0.0.1:8888 (walk-through: docs/service.md; Ctrl-C stops)"
exec "$bin" serve --demo deploy/demo --listen 127.0.0.1:8888 "$@"
