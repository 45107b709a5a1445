#!/usr/bin/env bash
# Fresh Debian 12 to a running FusionScope: installs what is missing, builds, writes the
# demo dataset if absent, and opens the window on it (under Xvfb when there is no display).
set -euo pipefail
cd "$(dirname "$0")/.."
bash packaging/install-deps.sh
build=${FUSIONSCOPE_BUILD_DIR:-build}
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD}
mkdir -p "$build"
(
  flock 9   # the same per-folder lock as tools/build.sh: never two ninjas in one build folder
  [ -f "$build/CMakeCache.txt" ] || cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release
  cmake --build "$build" -j "$(nproc)" --target fusionscope
) 9>"$build/.build.lock"
demo=${FUSIONSCOPE_DEMO_DIR:-demo-data}
if [ ! -f "$demo/manifest.jsonl" ]; then
  "$build/app/fusionscope" demo-data --out "$demo" ${FUSIONSCOPE_DEMO_SAMPLES:+--samples "$FUSIONSCOPE_DEMO_SAMPLES"}
fi
# `open` names the dataset explicitly: the demo folder is called like the demo-data subcommand.
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  exec "$build/app/fusionscope" open "$demo"
else
  echo "No display: running the window inside Xvfb."
  exec xvfb-run -a -s "-screen 0 1600x1000x24" "$build/app/fusionscope" open "$demo"
fi
