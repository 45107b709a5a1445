#!/usr/bin/env bash
# Developer build: one shared build folder, builds serialised with a lock so several
# people (or agents) editing the tree never run two ninjas in the same folder.
# Usage: tools/build.sh [TARGET ...]   (no target = everything)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${FUSIONSCOPE_BUILD_DIR:-build}
exec 9>/tmp/fusionscope-build.lock
flock 9
[ -f "$build/CMakeCache.txt" ] || cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
targets=()
for t in "$@"; do targets+=(--target "$t"); done
cmake --build "$build" -j "$(nproc)" "${targets[@]}"
