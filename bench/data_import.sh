#!/usr/bin/env bash
# Cold import and warm reopen of the demo dataset: FusionScope vs the Python peer.
# Usage: bench/data_import.sh [SAMPLES]   (default 10000; the demo data is generated once)
# ROUNDS=N (default 3) runs both N times, alternating, and compares the medians: on a shared
# machine one run of either can be off by 2x.
set -euo pipefail
cd "$(dirname "$0")/.."
samples=${1:-10000}
rounds=${ROUNDS:-3}
build=${FUSIONSCOPE_BUILD_DIR:-build}
tools/build.sh fusionscope bench_data_import >/dev/null # the shared, locked build
data=/tmp/fusionscope-bench-demo-$samples
[ -f "$data/manifest.jsonl" ] || "$build/app/fusionscope" demo-data --out "$data" --samples "$samples" >/dev/null
results=()
for round in $(seq "$rounds"); do
    sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true
    ours=$("$build/bench/bench_data_import" "$data")
    sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true
    peer=$(/usr/bin/python3 bench/data_import_peer.py "$data")
    echo "round $round fusionscope: $ours"
    echo "round $round python peer: $peer"
    results+=("$ours" "$peer")
done
/usr/bin/python3 - "${results[@]}" <<'PY'
import json, statistics, sys
runs = [json.loads(a) for a in sys.argv[1:]]
ours, peer = runs[0::2], runs[1::2]
for i, (o, p) in enumerate(zip(ours, peer), 1):
    print(f"round {i}: {o['cold_samples_per_second']:.0f} vs {p['samples_per_second']:.0f} samples/s "
          f"-> {o['cold_samples_per_second'] / p['samples_per_second']:.2f}x, warm reopen {o['warm_seconds']:.3f} s")
mine = statistics.median(o['cold_samples_per_second'] for o in ours)
theirs = statistics.median(p['samples_per_second'] for p in peer)
warm = [o['warm_seconds'] for o in ours]
print(f"cold import (median of {len(ours)}): {mine:.0f} vs {theirs:.0f} samples/s -> {mine / theirs:.2f}x the peer")
print(f"warm reopen of {ours[0]['samples']} samples: median {statistics.median(warm):.3f} s, worst {max(warm):.3f} s")
PY
