#!/usr/bin/env bash
# Cold import and warm reopen of the demo dataset: FusionScope vs the Python peer.
# Usage: bench/data_import.sh [SAMPLES]   (default 10000; the demo data is generated once)
set -euo pipefail
cd "$(dirname "$0")/.."
samples=${1:-10000}
build=${FUSIONSCOPE_BUILD_DIR:-build}
cmake --build "$build" --target fusionscope bench_data_import >/dev/null
data=/tmp/fusionscope-bench-demo-$samples
[ -f "$data/manifest.jsonl" ] || "$build/app/fusionscope" demo-data --out "$data" --samples "$samples" >/dev/null
sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true
ours=$("$build/bench/bench_data_import" "$data")
sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true
peer=$(/usr/bin/python3 bench/data_import_peer.py "$data")
echo "fusionscope: $ours"
echo "python peer: $peer"
/usr/bin/python3 - "$ours" "$peer" <<'PY'
import json, sys
ours, peer = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(f"cold import: {ours['cold_samples_per_second']:.0f} vs {peer['samples_per_second']:.0f} samples/s "
      f"-> {ours['cold_samples_per_second'] / peer['samples_per_second']:.2f}x the peer")
print(f"warm reopen of {ours['samples']} samples: {ours['warm_seconds']:.3f} s")
PY
