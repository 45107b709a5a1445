#!/usr/bin/env bash
# Guards README's first command. In a clean clone of this tree, `packaging/quickstart.sh` as
# written must write the demo dataset and open the FusionScope window on it: passes only when a
# mapped top-level window titled "demo-data — FusionScope" appears, then closes the app.
# Reuses the test's build (FUSIONSCOPE_BUILD_DIR) and writes a small demo (FUSIONSCOPE_DEMO_SAMPLES)
# so it takes seconds; the newcomer's 24 000-sample demo is the same code path.
# Usage: test_quickstart_window.sh SOURCE_DIR BUILD_DIR   (exit 77 = skipped)
set -euo pipefail
source_dir=$1
build_dir=$(cd "$2" && pwd)

for tool in git Xvfb xwininfo xdpyinfo; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed (packaging/install-deps.sh installs it)"; exit 77; }
done
git -C "$source_dir" rev-parse --git-dir >/dev/null 2>&1 || { echo "SKIP: $source_dir is not a git checkout"; exit 77; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git clone -q "$source_dir" "$work/clone"
# Uncommitted edits to tracked files are part of what is being tested (in CI there are none).
git -C "$source_dir" diff HEAD --binary | git -C "$work/clone" apply --allow-empty

cd "$work/clone"
export FUSIONSCOPE_BUILD_DIR=$build_dir FUSIONSCOPE_DEMO_SAMPLES=120
# A private settings/cache home: the test must not open a developer's recent dataset.
export HOME=$work/home XDG_CONFIG_HOME=$work/home/.config XDG_CACHE_HOME=$work/home/.cache
mkdir -p "$HOME"
unset QT_QPA_PLATFORM   # a real X window, not the offscreen platform CTest sets for the other GUI tests

# Our own X server rather than `xvfb-run -a`: xvfb-run picks a display number from /tmp/.X*-lock
# files and can hand the command a display whose server is not (or no longer) accepting
# connections (seen once in CI: "could not connect to display :100"). `-displayfd` lets Xvfb
# choose a free display itself and report it only once it accepts connections; xdpyinfo
# confirms that before anything starts.
Xvfb -displayfd 3 -nolisten tcp -screen 0 1280x800x24 3>"$work/display" 2>"$work/xvfb.log" &
xvfb=$!
trap 'kill "$xvfb" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do
  [ -s "$work/display" ] && break
  kill -0 "$xvfb" 2>/dev/null || { echo "FAIL: Xvfb did not start:"; cat "$work/xvfb.log"; exit 1; }
  sleep 0.1
done
export DISPLAY=:$(tr -d '[:space:]' < "$work/display")
for _ in $(seq 1 50); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done
xdpyinfo >/dev/null 2>&1 || { echo "FAIL: Xvfb on $DISPLAY does not accept connections:"; cat "$work/xvfb.log"; exit 1; }

packaging/quickstart.sh > quickstart.log 2>&1 &
app=$!
for _ in $(seq 1 240); do
  if ! kill -0 "$app" 2>/dev/null; then
    echo "FAIL: packaging/quickstart.sh exited before a FusionScope window appeared on $DISPLAY:"
    cat quickstart.log; echo "--- Xvfb:"; cat "$work/xvfb.log"; exit 1
  fi
  id=$(xwininfo -root -tree | grep "demo-data.*FusionScope" | awk '{print $1}' | head -n 1 || true)
  if [ -n "$id" ] && xwininfo -id "$id" | grep -q "Map State: IsViewable"; then
    echo "PASS: window $id mapped: $(xwininfo -id "$id" | grep -o '".*"')"
    kill "$app"; wait "$app" 2>/dev/null || true
    [ -f demo-data/manifest.jsonl ] || { echo "FAIL: no demo-data/manifest.jsonl in the clone"; exit 1; }
    exit 0
  fi
  sleep 0.5
done
echo "FAIL: no mapped FusionScope window after 120 s:"; cat quickstart.log; xwininfo -root -tree | head -40
kill "$app"; exit 1
