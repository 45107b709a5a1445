#!/usr/bin/env bash
# Configures (once), builds and runs the whole FusionScope test suite through CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
# ccache hits across clones (CI builds a fresh clone in another folder).
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD}
build=${FUSIONSCOPE_BUILD_DIR:-build}
jobs=$(nproc)
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release
fi
cmake --build "$build" -j "$jobs"
ctest --test-dir "$build" --output-on-failure -j "$jobs"
