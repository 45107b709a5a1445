#!/usr/bin/env bash
# Distributed training throughput on this machine: FusionScope 1 process x 2 threads vs
# 2 processes x 1 thread (`train --nproc-per-node 2`, c10d Gloo on loopback) vs the Python
# peer's torch.nn.parallel.DistributedDataParallel (Gloo, 2 processes x 1 thread) training the
# same TorchScript export on the same global batches, as installed and with
# OPENBLAS_NUM_THREADS=1. Ours: the median windowed samples/s of the second epoch's step
# records (metrics.jsonl, global samples), and rank 0's mean all-reduce wait per step after the
# backward — with the default 1 MB buckets overlapped with the backward, and with one bucket.
# Usage: bench/distributed.sh [SAMPLES] [FUSION]   (default 4000 attention)
set -euo pipefail
cd "$(dirname "$0")/.."
samples=${1:-4000}
fusion=${2:-attention}
build=${FUSIONSCOPE_BUILD_DIR:-build}
tools/build.sh fusionscope bench_train_throughput >/dev/null
data=/tmp/fusionscope-bench-demo-cells-$samples
[ -f "$data/manifest.jsonl" ] || "$build/app/fusionscope" demo-data --out "$data" --samples "$samples" >/dev/null
out=$(mktemp -d /tmp/fusionscope-distributed-bench.XXXXXX)
trap 'rm -rf "$out"' EXIT
export FUSIONSCOPE_NO_PROGRESS=1

# The untrained export and the batches the peer trains on (the C++ bench's own files).
BATCHES=30 PRECISION=fp32 "$build/bench/bench_train_throughput" steady "$data" "$out" "$fusion" >/dev/null

ours() { # NAME ARGS...: trains 2 epochs in fp32; prints {samples_per_second, allreduce_ms}
  local name=$1; shift
  "$build/app/fusionscope" train "$data" --fusion "$fusion" --epochs 2 --precision fp32 --out "$out/$name" "$@" \
    >"$out/$name.out" 2>"$out/$name.err"
  /usr/bin/python3 - "$out/$name" "$out/$name.err" <<'PY'
import json, re, statistics, sys
steps = [json.loads(l) for l in open(sys.argv[1] + "/metrics.jsonl") if '"type":"step"' in l]
second = [s["samples_per_second"] for s in steps if s["epoch"] == 1]
reduce = re.search(r"all-reduce ([0-9.]+) ms per step", open(sys.argv[2]).read())
print(json.dumps({"samples_per_second": statistics.median(second),
                  "allreduce_ms": float(reduce.group(1)) if reduce else None}))
PY
}

one=$(ours one --threads 2)
two=$(ours two --nproc-per-node 2)
# One bucket as large as the model: its sum starts when the backward ends (no overlap).
whole=$(FUSIONSCOPE_DIST_BUCKET_KB=100000000 ours whole --nproc-per-node 2)
peer_default=$(/usr/bin/python3 bench/distributed_peer.py "$out/model.pt" "$out/batches.pt" 2)
peer_tuned=$(OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/distributed_peer.py "$out/model.pt" "$out/batches.pt" 2)

/usr/bin/python3 - "$one" "$two" "$peer_default" "$peer_tuned" "$samples" "$fusion" "$whole" <<'PY'
import json, sys
one, two, peer, tuned = (json.loads(a) for a in sys.argv[1:5])
whole = json.loads(sys.argv[7])
print(f"distributed training, {sys.argv[6]}, {sys.argv[5]} samples, fp32, global batch 64 (samples/s, steady)")
print(f"  FusionScope 1 process x 2 threads   {one['samples_per_second']:8.0f}")
print(f"  FusionScope 2 processes x 1 thread  {two['samples_per_second']:8.0f}   all-reduce after the backward {two['allreduce_ms']:.2f} ms/step (rank 0, waiting included; 1 MB buckets overlapped with the backward)")
print(f"    the same, one bucket (no overlap)  {whole['samples_per_second']:8.0f}   all-reduce after the backward {whole['allreduce_ms']:.2f} ms/step")
print(f"  Python DDP 2 x 1, as installed      {peer['samples_per_second']:8.0f}")
print(f"  Python DDP 2 x 1, OPENBLAS_NUM_THREADS=1 {tuned['samples_per_second']:8.0f}")
print(f"  ratios: ours 2x1 / 1x2 {two['samples_per_second'] / one['samples_per_second']:.2f}; "
      f"overlapped / one bucket {two['samples_per_second'] / whole['samples_per_second']:.2f}; "
      f"ours 2x1 / DDP default {two['samples_per_second'] / peer['samples_per_second']:.2f}; "
      f"ours 2x1 / DDP tuned {two['samples_per_second'] / tuned['samples_per_second']:.2f}")
PY
