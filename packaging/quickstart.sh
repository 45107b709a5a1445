#!/usr/bin/env bash
# Fresh Debian 12 to a running FusionScope: installs what is missing, builds, writes the
# demo dataset if absent, and opens the window on it (under Xvfb when there is no display).
set -euo pipefail
cd "$(dirname "$0")/.."
bash packaging/install-deps.sh
build=${FUSIONSCOPE_BUILD_DIR:-build}
[ -f "$build/CMakeCache.txt" ] || cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build "$build" -j "$(nproc)" --target fusionscope
demo=${FUSIONSCOPE_DEMO_DIR:-demo-data}
[ -f "$demo/manifest.jsonl" ] || "$build/app/fusionscope" demo-data --out "$demo"
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  exec "$build/app/fusionscope" "$demo"
else
  echo "No display: running the window inside Xvfb (screen :99)."
  exec xvfb-run -a -s "-screen 0 1600x1000x24" "$build/app/fusionscope" "$demo"
fi
