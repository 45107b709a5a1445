#!/usr/bin/env bash
# What bf16 costs in accuracy: the same training run (fusion, seed, every other setting the
# default) once in the default precision (auto: bf16 on a CPU with native bf16) and once with
# --precision fp32, for each seed. Prints both test accuracies and their gap per seed, then the
# gap's mean and standard deviation over the seeds: a run still learning after five epochs
# moves by a point or more from any change to its arithmetic (one thread more or less does it
# in fp32), so one seed cannot tell bf16's cost from that noise; several can.
# Runs one training at a time: two on two cores slow each other about sixfold.
# Usage: bench/precision_accuracy.sh [FUSION ...]   (default: attention)
# env: SEEDS="1 2 3"   the seeds (default 1 2 3)
#      SAMPLES=N       demo size (default 24000, README's demo; written once to /tmp)
#      DATA=DIR        your own classification dataset instead of the demo
#      KEEP=DIR        keep every run folder under DIR (default: deleted at exit)
set -euo pipefail
cd "$(dirname "$0")/.."
fusions=("$@")
[ ${#fusions[@]} -gt 0 ] || fusions=(attention)
read -r -a seeds <<<"${SEEDS:-1 2 3}"
samples=${SAMPLES:-24000}
build=${FUSIONSCOPE_BUILD_DIR:-build}
tools/build.sh fusionscope >/dev/null
app=$build/app/fusionscope
data=${DATA:-/tmp/fusionscope-bench-demo-cells-$samples}
[ -n "${DATA:-}" ] || [ -f "$data/manifest.jsonl" ] || "$app" demo-data --out "$data" --samples "$samples" >/dev/null
runs=${KEEP:-$(mktemp -d /tmp/fusionscope-precision-bench.XXXXXX)}
mkdir -p "$runs"
[ -n "${KEEP:-}" ] || trap 'rm -rf "$runs"' EXIT

# Test accuracy in percent, from the train command's summary line "test: accuracy 96.2 %, ...".
accuracy() {
  local out=$runs/$1-$2-seed$3
  local log
  log=$("$app" train "$data" --fusion "$1" --precision "$2" --seed "$3" --out "$out" 2>&1) || {
    echo "$log" >&2; echo "precision_accuracy.sh: $1 --precision $2 --seed $3 failed" >&2; exit 1; }
  local value
  value=$(sed -n 's/^test: accuracy \([0-9.]*\) %.*/\1/p' <<<"$log")
  [ -n "$value" ] || { echo "$log" >&2; echo "precision_accuracy.sh: no test accuracy in the output above (a classification dataset with a test split is needed)" >&2; exit 1; }
  echo "$value"
}

for fusion in "${fusions[@]}"; do
  gaps=()
  for seed in "${seeds[@]}"; do
    auto=$(accuracy "$fusion" auto "$seed")
    fp32=$(accuracy "$fusion" fp32 "$seed")
    gap=$(awk -v a="$auto" -v f="$fp32" 'BEGIN { printf "%+.1f", a - f }')
    gaps+=("$gap")
    echo "$fusion seed $seed: auto $auto %, fp32 $fp32 %, gap $gap"
  done
  printf '%s\n' "${gaps[@]}" | awk -v f="$fusion" '
    { n++; s += $1; q += $1 * $1 }
    END { m = s / n; sd = n > 1 ? sqrt((q - n * m * m) / (n - 1)) : 0
          printf "%s: gap auto - fp32 %+.2f points on average over %d seeds (sd %.2f, standard error %.2f)\n", f, m, n, sd, sd / sqrt(n) }'
done
