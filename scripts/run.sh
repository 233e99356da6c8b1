#!/usr/bin/env bash
# `make run`: serve the embedded demo cluster (no kubeconfig) once `allot serve` exists;
# until then print the CLI help and evaluate a sample selector.
set -euo pipefail
build_dir=${1:-build}
allot="$build_dir/service/allot"
if "$allot" serve --help >/dev/null 2>&1; then
  exec "$allot" serve --demo deploy/demo --listen 127.0.0.1:8888
fi
"$allot" help || true
echo
echo "Sample selector on a sample device:"
"$allot" cel eval "device.capacity['gpu.example.com'].memory.compareTo(quantity('10Gi')) >= 0" \
  --device tests/testdata/devices/example-gpu.json
