#!/usr/bin/env bash
# Runs every libFuzzer harness (fuzz/fuzz_*.cpp, built in build-asan/ with ASan + UBSan) for a
# bounded time and fails on any finding (crash, sanitizer report, leak, timeout, OOM).
# Seed corpora are generated first from the tests' fixtures (fusionscope_fuzz_seeds); the
# corpus each run grows is kept in build-asan/fuzz-work/corpus/ for the next run. Crash
# inputs are kept in build-asan/fuzz-work/crashes/<harness>/: once fixed, copy one to
# fuzz/regressions/<harness>/ and CTest replays it (<harness>_regressions).
# Usage: tools/fuzz.sh [HARNESS...]
# env: FUSIONSCOPE_FUZZ_SECONDS (per harness, default 30)
#      FUSIONSCOPE_FUZZ_SEED    libFuzzer's -seed; unset = a new random seed each run (for
#                               finding bugs). CI sets one: from the same corpus the same seed
#                               walks the same inputs, so a machine that ran a seed clean for
#                               longer vouches for CI's shorter run, and CI's verdict is about
#                               the change, not about luck.
#      FUSIONSCOPE_FUZZ_FRESH=1 start from the seeds and regressions only (as a fresh clone does)
#      FUSIONSCOPE_FUZZ_JOBS    harnesses run at once (default: one per core)
set -euo pipefail
cd "$(dirname "$0")/.."
build=build-asan
seconds=${FUSIONSCOPE_FUZZ_SECONDS:-30}
work=$build/fuzz-work
[ -f "$build/CMakeCache.txt" ] || cmake --preset asan >/dev/null
FUSIONSCOPE_BUILD_DIR=$build tools/build.sh fuzzers

harnesses=("$@")
if [ ${#harnesses[@]} -eq 0 ]; then
  for source in fuzz/fuzz_*.cpp; do harnesses+=("$(basename "$source" .cpp)"); done
fi

rm -rf "$work/seeds"
[ "${FUSIONSCOPE_FUZZ_FRESH:-0}" = 1 ] && rm -rf "$work/corpus"
"$build/fuzz/fusionscope_fuzz_seeds" "$work/seeds" >/dev/null

# Leaks count as findings; the suppressions cover only third-party one-time allocations.
# alloc_dealloc_mismatch=0: see tests/CMakeLists.txt (libsentencepiece under RTLD_DEEPBIND).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1:alloc_dealloc_mismatch=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tools/lsan.supp:print_suppressions=0}
export QT_QPA_PLATFORM=offscreen

# One harness runs to completion on one core (libFuzzer's default, -jobs=1), so harnesses run
# side by side, one per core: the same walks, the same seconds each, in half the wall time on
# two cores. Each writes its own log and verdict; the verdicts are read in harness order.
jobs=${FUSIONSCOPE_FUZZ_JOBS:-$(nproc)}
# A harness gets one core, so LibTorch's pool in fuzz_checkpoint must not spin on the other's.
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
fuzz_one() {
  local h=$1
  local corpus=$work/corpus/$h crashes=$work/crashes/$h
  mkdir -p "$corpus" "$crashes"
  local dirs=("$corpus")
  [ -d "$work/seeds/$h" ] && dirs+=("$work/seeds/$h")
  [ -d "fuzz/regressions/$h" ] && dirs+=("fuzz/regressions/$h")
  local asan_options=$ASAN_OPTIONS
  local options=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2560 -print_final_stats=1
                 -artifact_prefix="$crashes/")
  [ -n "${FUSIONSCOPE_FUZZ_SEED:-}" ] && options+=(-seed="$FUSIONSCOPE_FUZZ_SEED")
  case $h in
    fuzz_manifest_*|fuzz_config_json) options+=(-dict=fuzz/json.dict) ;;
    # LibTorch 1.13's PyTorchStreamReader throws from its constructor on a damaged zip after
    # miniz allocated the reader state, which then leaks (~700 bytes per bad file, inside
    # libtorch_cpu's miniz, no frame of ours). Leaks stay checked in every other harness.
    # libFuzzer's -detect_leaks=0 only stops its per-input check; LSan's exit-time check needs
    # ASAN_OPTIONS too.
    fuzz_checkpoint) options+=(-detect_leaks=0); asan_options+=":detect_leaks=0" ;;
  esac
  echo "fuzz.sh: $h for ${seconds} s"
  if ASAN_OPTIONS=$asan_options "$build/fuzz/$h" "${options[@]}" "${dirs[@]}" >"$work/$h.log" 2>&1; then
    echo passed >"$work/$h.verdict"
  else
    echo failed >"$work/$h.verdict"
  fi
}

rm -f "$work"/*.verdict
for h in "${harnesses[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
  fuzz_one "$h" &
done
wait

failed=()
for h in "${harnesses[@]}"; do
  log=$work/$h.log
  if [ "$(cat "$work/$h.verdict" 2>/dev/null)" = passed ]; then
    echo "$h: $(grep -E '^stat::number_of_executed_units|^stat::new_units_added' "$log" | tr '\n' ' ')"
  else
    failed+=("$h")
    tail -n 60 "$log"
    echo "fuzz.sh: $h FAILED; inputs kept in $work/crashes/$h/ (full log: $log)"
    echo "  reproduce: $build/fuzz/$h $work/crashes/$h/<file>"
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz.sh: findings in ${failed[*]}"
  exit 1
fi
echo "fuzz.sh: ${#harnesses[@]} harnesses clean for ${seconds} s each"
