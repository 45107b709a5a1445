#!/usr/bin/env bash
# Time to explain one sample of the default attention model (goal: under 50 ms).
# Usage: bench/explain_sample.sh [MODEL DATASET]   (no arguments: a synthetic sample)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${FUSIONSCOPE_BUILD_DIR:-build}
tools/build.sh bench_explain_sample >/dev/null
"$build/bench/bench_explain_sample" "$@"
