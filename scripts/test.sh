#!/usr/bin/env bash
# `make test`: builds and runs every test lane and ends with the line `N passed, M failed, K skipped`.
#
# Lanes (each adds to the totals; a lane that cannot build or run counts as a failure, never as 0 tests):
#   main  build/ (GCC, RelWithDebInfo, -Werror): every CTest test, one per gtest case.
#   asan  build-asan/ (clang, ASan+UBSan, libFuzzer coverage): every C++ test binary, then each libFuzzer
#         target from its committed seed corpus (tests/fuzz/corpus/<target>) for FUZZ_SECONDS (default 20).
#   tsan  build-tsan/ (clang, TSan): the binaries labelled concurrency, integration or service (the
#         threaded code: bind races, watches, the extender, the HTTP server), built alone.
#   e2e   tests/e2e/run.sh against a real control plane (Go is required), with the main lane's allot;
#         accounted from `go test -json` by tests/e2e/cmd/e2ereport (exit status, packages, journeys).
# Sanitizer lanes build without -Werror (the main lane enforces warnings) and at -O1 with line tables.
#
#   SANITIZE=address|thread   run only that sanitizer lane
#   LANES="main e2e"          run only these lanes (default: main asan tsan e2e)
set -uo pipefail
cd "$(dirname "$0")/.."

JOBS=${JOBS:-$(nproc)}
WERROR=${WERROR:-ON}
GENERATOR=$(command -v ninja >/dev/null 2>&1 && echo Ninja || echo "Unix Makefiles")
passed=0
failed=0
skipped=0
lane_lines=()
log_dir=${ALLOT_TEST_LOG_DIR:-build-logs}
mkdir -p "$log_dir"
log_dir=$(cd "$log_dir" && pwd)

SAN_FLAGS="-DCMAKE_BUILD_TYPE=Debug -DALLOT_BUILD_BENCH=OFF -DALLOT_WERROR=OFF -DCMAKE_CXX_COMPILER=clang++"
SAN_FLAGS="$SAN_FLAGS -DCMAKE_CXX_FLAGS_DEBUG=-gline-tables-only -DCMAKE_CXX_FLAGS=-O1"

# lane_result NAME PASSED FAILED SKIPPED SECONDS: adds a lane's numbers to the totals.
lane_result() {
  passed=$((passed + $2)); failed=$((failed + $3)); skipped=$((skipped + $4))
  lane_lines+=("$(printf 'lane %-5s %5d passed, %d failed, %d skipped  (%d min %02d s)' "$1" "$2" "$3" "$4" $(($5 / 60)) $(($5 % 60)))")
  echo "lane $1: $2 passed, $3 failed, $4 skipped"
}

# build_tree NAME DIR CMAKE_ARGS [TARGET...]: configures and builds; returns 1 (and counts a failure) if not.
build_tree() {
  local name=$1 dir=$2 cmake_args=$3
  shift 3
  echo "== lane $name: configure + build ($dir) =="
  # shellcheck disable=SC2086
  if ! cmake -S . -B "$dir" -G "$GENERATOR" -DALLOT_WERROR="$WERROR" $cmake_args >"$log_dir/$name-configure.log" 2>&1; then
    tail -50 "$log_dir/$name-configure.log"; echo "FAIL lane $name: configure"; return 1
  fi
  local targets=()
  for t in "$@"; do targets+=(--target "$t"); done
  if ! cmake --build "$dir" -j "$JOBS" "${targets[@]}" >"$log_dir/$name-build.log" 2>&1; then
    grep -E "error|Error" "$log_dir/$name-build.log" | head -40; echo "FAIL lane $name: build"; return 1
  fi
}

# ctest_counts LOG: "PASSED FAILED SKIPPED" from a ctest log; nothing if ctest printed no summary.
ctest_counts() {
  local line total nfail nskip
  line=$(grep -E "tests passed, [0-9]+ tests? failed out of [0-9]+" "$1" | tail -1)
  [ -z "$line" ] && return
  nfail=$(echo "$line" | sed -E 's/.*passed, ([0-9]+) tests? failed out of ([0-9]+).*/\1/')
  total=$(echo "$line" | sed -E 's/.*failed out of ([0-9]+).*/\1/')
  nskip=$(grep -cE "\(Skipped\)$" "$1" || true)
  echo "$((total - nfail - nskip)) $nfail $nskip"
}

# run_ctest_lane NAME BUILD_DIR CMAKE_ARGS CTEST_ARGS [TARGET...]
run_ctest_lane() {
  local name=$1 dir=$2 cmake_args=$3 ctest_args=$4 start=$SECONDS
  shift 4
  if ! build_tree "$name" "$dir" "$cmake_args" "$@"; then
    lane_result "$name" 0 1 0 $((SECONDS - start)); return
  fi
  echo "== lane $name: ctest $ctest_args =="
  # shellcheck disable=SC2086
  (cd "$dir" && ctest --output-on-failure -j "$JOBS" --timeout 900 $ctest_args) >"$log_dir/$name-ctest.log" 2>&1
  local rc=$?
  grep -E "^[0-9]+% tests passed|\(Failed\)|\(Timeout\)|\*\*\*Exception|Not Run|ThreadSanitizer|AddressSanitizer|runtime error" \
    "$log_dir/$name-ctest.log" | head -60
  local counts
  counts=$(ctest_counts "$log_dir/$name-ctest.log")
  if [ -z "$counts" ]; then
    tail -30 "$log_dir/$name-ctest.log"; echo "FAIL lane $name: ctest produced no summary"
    lane_result "$name" 0 1 0 $((SECONDS - start)); return
  fi
  # shellcheck disable=SC2086
  set -- $counts
  local nfail=$2
  if [ "$rc" -ne 0 ] && [ "$nfail" -eq 0 ]; then nfail=1; echo "FAIL lane $name: ctest exited $rc"; fi
  if [ "$(($1 + nfail))" -eq 0 ]; then nfail=1; echo "FAIL lane $name: no test ran"; fi
  lane_result "$name" "$1" "$nfail" "$3" $((SECONDS - start))
}

FUZZ_TARGETS=(cel_parser_fuzz api_decode_fuzz)

# run_asan_lane: ASan+UBSan over every C++ test, then the fuzz targets (same tree) from their seeds.
run_asan_lane() {
  run_ctest_lane asan build-asan "$SAN_FLAGS -DALLOT_SANITIZE=address -DALLOT_BUILD_FUZZERS=ON" ""
  local start=$SECONDS p=0 f=0 target bin scratch
  for target in "${FUZZ_TARGETS[@]}"; do
    bin=$(find build-asan -type f -name "$target" -perm -u+x | head -1)
    if [ -z "$bin" ]; then echo "FAIL fuzz $target: not built"; f=$((f + 1)); continue; fi
    if [ ! -d "tests/fuzz/corpus/$target" ]; then echo "FAIL fuzz $target: no seed corpus"; f=$((f + 1)); continue; fi
    # New units go to a scratch directory; the committed seeds are read only.
    scratch="build-asan/fuzz-new-$target"
    rm -rf "$scratch"; mkdir -p "$scratch"
    if "$bin" -max_total_time="${FUZZ_SECONDS:-20}" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
        "$scratch" "tests/fuzz/corpus/$target" >"$log_dir/fuzz-$target.log" 2>&1; then
      echo "PASS fuzz $target ($(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log_dir/fuzz-$target.log" | grep -oE '[0-9]+$') runs, $(ls "tests/fuzz/corpus/$target" | wc -l) seeds)"
      p=$((p + 1))
    else
      tail -30 "$log_dir/fuzz-$target.log"; echo "FAIL fuzz $target"; f=$((f + 1))
    fi
  done
  lane_result fuzz "$p" "$f" 0 $((SECONDS - start))
}

run_tsan_lane() {
  run_ctest_lane tsan build-tsan "$SAN_FLAGS -DALLOT_SANITIZE=thread" "-L concurrency|integration|service" \
    tests-concurrency tests-integration tests-service
}

run_e2e_lane() {
  local start=$SECONDS
  echo "== lane e2e =="
  if ! command -v go >/dev/null 2>&1; then
    echo "FAIL lane e2e: go not found (the e2e lane needs Go; see docs/testing.md)"
    lane_result e2e 0 1 0 0; return
  fi
  if [ ! -x build/service/allot ]; then
    echo "FAIL lane e2e: build/service/allot missing (the main lane did not build it)"
    lane_result e2e 0 1 0 0; return
  fi
  local summary="$log_dir/e2e-summary.txt"
  rm -f "$summary"
  E2E_REQUIRE_ALLOT=1 E2E_SUMMARY="$summary" bash tests/e2e/run.sh build/service/allot >"$log_dir/e2e.log" 2>&1
  local rc=$?
  grep -E "^(--- FAIL|FAIL|PROBLEM|note:|package |e2e: )" "$log_dir/e2e.log" | tail -60
  if [ ! -s "$summary" ]; then
    tail -40 "$log_dir/e2e.log"; echo "FAIL lane e2e: no accounting (exit $rc; see $log_dir/e2e.log)"
    lane_result e2e 0 1 0 $((SECONDS - start)); return
  fi
  local p f s
  read -r p f s <"$summary"
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; echo "FAIL lane e2e: run.sh exited $rc"; fi
  lane_result e2e "$p" "$f" "$s" $((SECONDS - start))
}

case "${SANITIZE:-}" in
  address) LANES="asan" ;;
  thread) LANES="tsan" ;;
  "") LANES=${LANES:-main asan tsan e2e} ;;
  *) echo "SANITIZE must be address or thread"; exit 2 ;;
esac

for lane in $LANES; do
  case "$lane" in
    main) run_ctest_lane main build "-DCMAKE_BUILD_TYPE=RelWithDebInfo -DALLOT_LINE_TABLES_ONLY=${ALLOT_LINE_TABLES_ONLY:-ON}" "" ;;
    asan) run_asan_lane ;;
    tsan) run_tsan_lane ;;
    e2e) run_e2e_lane ;;
    *) echo "unknown lane $lane"; exit 2 ;;
  esac
done

echo "== summary =="
printf '%s\n' "${lane_lines[@]}"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
