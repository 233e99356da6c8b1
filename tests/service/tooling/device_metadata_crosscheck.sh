#!/usr/bin/env bash
# The Go cross-check of allot's device metadata files (CTest: device_metadata_go_crosscheck).
#
#   tests/service/tooling/device_metadata_crosscheck.sh BUILD/tests/service/service_tooling_device_metadata_test
#
# 1. Runs the C++ builder tests with ALLOT_DEVICE_METADATA_EXPORT_DIR set: each case writes <case>.json.
# 2. Runs tests/e2e/devicemetadata (go test), which decodes every file with
#    k8s.io/dynamic-resource-allocation/devicemetadata v0.37.2 and compares field by field.
# Exit 0 only if both pass and the Go test really ran (not skipped); 77 (CTest: skipped) without Go.
set -uo pipefail
bin=${1:?usage: $0 SERVICE_TOOLING_DEVICE_METADATA_TEST_BINARY}
root=$(cd "$(dirname "$0")/../../.." && pwd)
if ! command -v go >/dev/null 2>&1; then
  echo "device_metadata_go_crosscheck: go not found; skipped (the cross-check needs Go, see docs/testing.md)"
  exit 77
fi
out=$(mktemp -d "${TMPDIR:-/tmp}/allot-device-metadata.XXXXXX")
trap 'rm -rf "$out"' EXIT
if ! ALLOT_DEVICE_METADATA_EXPORT_DIR=$out "$bin" --gtest_filter='DeviceMetadataFilesTest.*' --gtest_brief=1; then
  echo "FAIL: the C++ device metadata tests failed"
  exit 1
fi
echo "exported: $(ls "$out" | tr '\n' ' ')"
cd "$root/tests/e2e" || exit 1
log="$out/go-test.log"
ALLOT_DEVICE_METADATA_DIR=$out nice -n 10 go test -count=1 -v -run 'TestAllotDeviceMetadataDecodesWithTheGoPackage' ./devicemetadata/ >"$log" 2>&1
rc=$?
cat "$log"
if [ "$rc" -ne 0 ]; then echo "FAIL: go test exited $rc"; exit 1; fi
if ! grep -q -- "--- PASS: TestAllotDeviceMetadataDecodesWithTheGoPackage" "$log"; then
  echo "FAIL: the Go cross-check did not run (skipped?)"
  exit 1
fi
echo "PASS: allot's device metadata decodes with k8s.io/dynamic-resource-allocation/devicemetadata and matches field by field"
