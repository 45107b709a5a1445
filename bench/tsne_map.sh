#!/usr/bin/env bash
# The embedding map's t-SNE against scikit-learn's TSNE (Barnes-Hut, the same defaults) on the
# same points: seconds and trustworthiness (k 10) of both layouts. The points are N samples of
# 20 Gaussian clusters in 64 dimensions (the shape of a model's embeddings), or an .npy you pass.
# scikit-learn runs twice: as installed, and with OPENBLAS_NUM_THREADS=1 (its best here).
# Usage: bench/tsne_map.sh [N | FILE.npy]      (default N = 10000)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${FUSIONSCOPE_BUILD_DIR:-build}
tools/build.sh bench_tsne_map >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
input=${1:-10000}
if [ -f "$input" ]; then
  cp "$input" "$work/x.npy"
else
  /usr/bin/python3 - "$input" "$work/x.npy" <<'PY'
import sys, numpy as np
n = int(sys.argv[1]); rng = np.random.default_rng(0)
centres = rng.normal(0, 4, (20, 64))
x = centres[rng.integers(0, 20, n)] + rng.normal(0, 1, (n, 64))
np.save(sys.argv[2], x.astype(np.float32))
PY
fi
"$build/bench/bench_tsne_map" "$work/x.npy" "$work/ours.npy"
for blas in default 1; do
  env $([ "$blas" = 1 ] && echo OPENBLAS_NUM_THREADS=1) /usr/bin/python3 - "$work/x.npy" "$work/ours.npy" "$blas" <<'PY'
import sys, time, numpy as np
from sklearn.manifold import TSNE, trustworthiness
x = np.load(sys.argv[1]); ours = np.load(sys.argv[2])
start = time.perf_counter()
theirs = TSNE(n_components=2, perplexity=30.0, init="pca", learning_rate="auto", random_state=0).fit_transform(x)
seconds = time.perf_counter() - start
label = "OPENBLAS_NUM_THREADS=1" if sys.argv[3] == "1" else "as installed"
print("scikit-learn (%s): %.1f s" % (label, seconds))
if sys.argv[3] == "1":
    print("trustworthiness (k 10): fusionscope %.4f, scikit-learn %.4f" % (trustworthiness(x, ours, n_neighbors=10), trustworthiness(x, theirs, n_neighbors=10)))
PY
done
