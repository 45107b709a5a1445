#!/usr/bin/env bash
# The window's responsiveness while it trains: start to first window, and event-loop stalls
# (1 ms timer probe) during ~60 s of training driven through the Train tab.
# Goals (issue 5): p99 gap < 16 ms, max < 50 ms, first window < 1.5 s.
# Usage: bench/gui_stall.sh [--seconds S] [--fusion NAME] [--threads N]
#   Runs under Xvfb unless a display is set or QT_QPA_PLATFORM=offscreen is given.
#   FUSIONSCOPE_BENCH_DATA: dataset to train on (default: a 2000-sample demo, made once).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${FUSIONSCOPE_BUILD_DIR:-build}
tools/build.sh bench_gui_stall fusionscope >/dev/null
data=${FUSIONSCOPE_BENCH_DATA:-/tmp/fusionscope-bench-gui-stall/demo-2000}
if [ ! -f "$data/manifest.jsonl" ]; then
  echo "Writing a 2000-sample demo dataset to $data"
  "$build/app/fusionscope" demo-data --samples 2000 --out "$data" >/dev/null
fi
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) before the run"
run=()
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ "${QT_QPA_PLATFORM:-}" != offscreen ]; then
  run=(xvfb-run -a -s "-screen 0 1600x1000x24")
  echo "display: Xvfb (xcb)"
else
  echo "display: ${QT_QPA_PLATFORM:-${WAYLAND_DISPLAY:+wayland}${DISPLAY:+x11 $DISPLAY}}"
fi
status=0
# The launch stamp is taken inside Xvfb's wrapper, right before exec, so Xvfb's own start is not counted.
FUSIONSCOPE_NO_PROGRESS=1 "${run[@]}" sh -c 'FUSIONSCOPE_BENCH_LAUNCH_NS=$(date +%s%N) exec "$0" "$@"' \
  "$build/bench/bench_gui_stall" "$data" "$@" || status=$?
echo "machine: load average $(cut -d' ' -f1-3 /proc/loadavg) after the run"
exit $status
