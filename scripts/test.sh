#!/usr/bin/env bash
# `make test`: builds and runs every test lane and ends with the line `N passed, M failed`.
#
# Lanes (each adds to the totals):
#   1. build/ with -Werror: every CTest test (unit, conformance, integration).
#   2. build-asan/ (ASan+UBSan): the unit and conformance tests.       (skipped with SANITIZE set)
#      Sanitizer lanes build without -Werror: GCC 12 emits false -Wmaybe-uninitialized inside
#      libstdc++ (std::regex, std::function) at -O1 with ASan; the main lane enforces warnings.
#   3. fuzz: the libFuzzer targets (clang), 20 s each
#   4. tests/e2e: the Go end-to-end suite against a real control plane  (when Go is present)
# With SANITIZE=address|thread only that sanitizer lane runs.
set -uo pipefail
cd "$(dirname "$0")/.."

JOBS=${JOBS:-$(nproc)}
WERROR=${WERROR:-ON}
GENERATOR=$(command -v ninja >/dev/null 2>&1 && echo Ninja || echo "Unix Makefiles")
passed=0
failed=0
skipped=0
log_dir=${ALLOT_TEST_LOG_DIR:-build-logs}
mkdir -p "$log_dir"

# run_ctest_lane NAME BUILD_DIR CMAKE_ARGS CTEST_ARGS
run_ctest_lane() {
  local name=$1 dir=$2 cmake_args=$3 ctest_args=$4
  echo "== lane $name: configure + build ($dir) =="
  # shellcheck disable=SC2086
  if ! cmake -S . -B "$dir" -G "$GENERATOR" -DALLOT_WERROR="$WERROR" $cmake_args >"$log_dir/$name-configure.log" 2>&1; then
    tail -50 "$log_dir/$name-configure.log"; echo "lane $name: configure FAILED"; failed=$((failed + 1)); return
  fi
  if ! cmake --build "$dir" -j "$JOBS" >"$log_dir/$name-build.log" 2>&1; then
    grep -E "error|Error" "$log_dir/$name-build.log" | head -40; echo "lane $name: build FAILED"; failed=$((failed + 1)); return
  fi
  echo "== lane $name: ctest =="
  # shellcheck disable=SC2086
  (cd "$dir" && ctest --output-on-failure -j "$JOBS" --timeout 600 $ctest_args) >"$log_dir/$name-ctest.log" 2>&1
  grep -E "^[0-9]+% tests passed|\(Failed\)|\(Timeout\)|\*\*\*Exception|Not Run" "$log_dir/$name-ctest.log" | head -60
  local line total nfail
  line=$(grep -E "tests passed, [0-9]+ tests? failed out of [0-9]+" "$log_dir/$name-ctest.log" | tail -1)
  if [ -z "$line" ]; then
    tail -30 "$log_dir/$name-ctest.log"; echo "lane $name: ctest produced no summary"; failed=$((failed + 1)); return
  fi
  nfail=$(echo "$line" | sed -E 's/.*passed, ([0-9]+) tests? failed out of ([0-9]+).*/\1/')
  total=$(echo "$line" | sed -E 's/.*failed out of ([0-9]+).*/\1/')
  local nskip
  nskip=$(grep -cE "\(Skipped\)$" "$log_dir/$name-ctest.log" || true)
  passed=$((passed + total - nfail - nskip))
  failed=$((failed + nfail))
  skipped=$((skipped + nskip))
  echo "lane $name: $((total - nfail - nskip)) passed, $nfail failed, $nskip skipped"
}

# run_fuzz_lane: builds the libFuzzer targets with clang and runs each briefly (crash = failure).
run_fuzz_lane() {
  if ! command -v clang++ >/dev/null 2>&1; then echo "lane fuzz: clang++ not found, not run"; return; fi
  echo "== lane fuzz: configure + build (build-fuzz) =="
  if ! cmake -S . -B build-fuzz -G "$GENERATOR" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DALLOT_BUILD_FUZZERS=ON -DALLOT_BUILD_BENCH=OFF >"$log_dir/fuzz-configure.log" 2>&1; then
    tail -20 "$log_dir/fuzz-configure.log"; echo "lane fuzz: configure FAILED"; failed=$((failed + 1)); return
  fi
  local target bin
  for target in cel_parser_fuzz api_decode_fuzz; do
    if ! cmake --build build-fuzz -j "$JOBS" --target "$target" >"$log_dir/fuzz-$target-build.log" 2>&1; then
      grep -E "error" "$log_dir/fuzz-$target-build.log" | head -20; echo "FAIL fuzz $target: build"; failed=$((failed + 1)); continue
    fi
    bin=$(find build-fuzz -type f -name "$target" -perm -u+x | head -1)
    mkdir -p "build-fuzz/corpus-$target"
    if "$bin" -max_total_time="${FUZZ_SECONDS:-20}" -rss_limit_mb=2048 "build-fuzz/corpus-$target" >"$log_dir/fuzz-$target.log" 2>&1; then
      echo "PASS fuzz $target ($(grep -oE 'Done [0-9]+ runs' "$log_dir/fuzz-$target.log" | tail -1))"; passed=$((passed + 1))
    else
      tail -30 "$log_dir/fuzz-$target.log"; echo "FAIL fuzz $target"; failed=$((failed + 1))
    fi
  done
}

case "${SANITIZE:-}" in
  address) run_ctest_lane asan build-asan "-DCMAKE_BUILD_TYPE=Debug -DALLOT_SANITIZE=address -DALLOT_BUILD_BENCH=OFF -DCMAKE_CXX_FLAGS=-O1 -DALLOT_WERROR=OFF" "-L unit|conformance|concurrency" ;;
  thread)  run_ctest_lane tsan build-tsan "-DCMAKE_BUILD_TYPE=Debug -DALLOT_SANITIZE=thread -DALLOT_BUILD_BENCH=OFF -DCMAKE_CXX_FLAGS=-O1 -DALLOT_WERROR=OFF" "-L unit|concurrency|integration" ;;
  "")
    run_ctest_lane main build "-DCMAKE_BUILD_TYPE=RelWithDebInfo" ""
    run_ctest_lane asan build-asan "-DCMAKE_BUILD_TYPE=Debug -DALLOT_SANITIZE=address -DALLOT_BUILD_BENCH=OFF -DCMAKE_CXX_FLAGS=-O1 -DALLOT_WERROR=OFF" "-L unit|conformance"
    run_fuzz_lane
    if [ -x tests/e2e/run.sh ] && command -v go >/dev/null 2>&1; then
      echo "== lane e2e =="
      out=$(bash tests/e2e/run.sh build/service/allot 2>&1 | tee "$log_dir/e2e.log" | tail -200)
      echo "$out" | grep -E "^(--- |ok |FAIL|PASS)" | tail -60
      e2e_pass=$(grep -cE "^\s*--- PASS" "$log_dir/e2e.log" || true)
      e2e_fail=$(grep -cE "^\s*--- FAIL" "$log_dir/e2e.log" || true)
      if [ "$e2e_pass" -eq 0 ] && [ "$e2e_fail" -eq 0 ]; then e2e_fail=1; echo "lane e2e: no test result (see $log_dir/e2e.log)"; tail -40 "$log_dir/e2e.log"; fi
      passed=$((passed + e2e_pass)); failed=$((failed + e2e_fail))
      echo "lane e2e: $e2e_pass passed, $e2e_fail failed"
    fi
    ;;
  *) echo "SANITIZE must be address or thread"; exit 2 ;;
esac

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
