#!/usr/bin/env bash
# Developer build: one shared build folder, builds serialised with a lock so several
# people (or agents) editing the tree never run two ninjas in the same folder.
# Usage: tools/build.sh [TARGET ...]   (no target = everything)
set -euo pipefail
cd "$(dirname "$0")/.."
# ccache hits across clones (CI builds a fresh clone in another folder).
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD}
build=${FUSIONSCOPE_BUILD_DIR:-build}
# One lock per build folder: a sanitizer build in build-asan/ need not wait for build/.
mkdir -p "$build"
exec 9>"$build/.build.lock"
flock 9
[ -f "$build/CMakeCache.txt" ] || cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
targets=()
for t in "$@"; do targets+=(--target "$t"); done
cmake --build "$build" -j "$(nproc)" "${targets[@]}"
