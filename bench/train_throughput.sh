#!/usr/bin/env bash
# Training throughput: FusionScope vs the Python peer training *the same* TorchScript export.
#  1. steady state: our TrainingJob (loader, prefetch, AdamW, clipping, checkpoints) in its
#     second epoch vs a plain Python loop over the very batches we drew, held in memory;
#  2. first epoch from raw files: our import + training vs a torch DataLoader with one worker
#     per core decoding the same PNG/Ogg/text files.
# Prints the ratios and the achieved GFLOP/s against this machine's sgemm peak.
# Usage: bench/train_throughput.sh [SAMPLES] [FUSION]   (default 4000 attention)
set -euo pipefail
cd "$(dirname "$0")/.."
samples=${1:-4000}
fusion=${2:-attention}
build=${FUSIONSCOPE_BUILD_DIR:-build}
tools/build.sh fusionscope bench_train_throughput >/dev/null
data=/tmp/fusionscope-bench-demo-$samples
[ -f "$data/manifest.jsonl" ] || "$build/app/fusionscope" demo-data --out "$data" --samples "$samples" >/dev/null
out=$(mktemp -d /tmp/fusionscope-train-bench.XXXXXX)
trap 'rm -rf "$out"' EXIT

drop_caches() { sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true; }

rm -rf "$data/.fusionscope-cache"; drop_caches
ours_first=$("$build/bench/bench_train_throughput" first-epoch "$data" "$out" "$fusion")
ours_steady=$("$build/bench/bench_train_throughput" steady "$data" "$out" "$fusion") # writes the untrained export
drop_caches
peer_first=$(/usr/bin/python3 bench/train_throughput_peer.py first-epoch "$out/model.pt" "$data")
peer_steady=$(/usr/bin/python3 bench/train_throughput_peer.py steady "$out/model.pt" "$out/batches.pt")
echo "fusionscope first epoch: $ours_first"
echo "python peer first epoch: $peer_first"
echo "fusionscope steady:      $ours_steady"
echo "python peer steady:      $peer_steady"
/usr/bin/python3 - "$ours_first" "$peer_first" "$ours_steady" "$peer_steady" <<'PY'
import json, sys
of, pf, os_, ps = (json.loads(a) for a in sys.argv[1:])
print(f"steady state ({os_['fusion']}, {os_['threads']} threads): {os_['samples_per_second']:.0f} vs "
      f"{ps['samples_per_second']:.0f} samples/s -> {os_['samples_per_second'] / ps['samples_per_second']:.2f}x the peer")
print(f"first epoch from raw files: {of['first_epoch_seconds']:.1f} vs {pf['first_epoch_seconds']:.1f} s "
      f"-> {pf['first_epoch_seconds'] / of['first_epoch_seconds']:.2f}x the peer")
flops = ps["train_flops_per_sample"]
peak = ps["sgemm_peak_gflops"]
for who, rate in (("fusionscope", os_["samples_per_second"]), ("python peer", ps["samples_per_second"])):
    achieved = flops * rate / 1e9
    print(f"{who}: {achieved:.1f} GFLOP/s = {100 * achieved / peak:.0f} % of the {peak:.0f} GFLOP/s sgemm peak "
          f"({flops / 1e6:.0f} MFLOP per training sample, 3x the profiled forward)")
PY
