#!/usr/bin/env bash
# The whole CTest suite under AddressSanitizer + UBSan. Configures build-asan/ once
# (clang-14, CMakePresets.json "asan": the sanitizers and the fuzz harnesses share one build,
# so CI compiles it once), builds everything, runs every test sanitized, and fails on any
# finding: UBSan is built with -fno-sanitize-recover, ASan halts on the first error, leak
# checking is on for every test but the GUI ones (tests/CMakeLists.txt sets the options).
# Usage: tools/sanitize.sh [CTEST ARGS...]   e.g. tools/sanitize.sh -R 'test_manifest|test_split'
set -euo pipefail
cd "$(dirname "$0")/.."
build=build-asan
[ -f "$build/CMakeCache.txt" ] || cmake --preset asan >/dev/null
start=$SECONDS
FUSIONSCOPE_BUILD_DIR=$build tools/build.sh
echo "sanitize.sh: build-asan built in $((SECONDS - start)) s"
start=$SECONDS
status=0
ctest --test-dir "$build" --output-on-failure -j "$(nproc)" "$@" || status=$?
echo "sanitize.sh: sanitized suite ran in $((SECONDS - start)) s"
exit $status
