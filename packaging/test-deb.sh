#!/usr/bin/env bash
# Builds the .deb, installs it with apt (pulling its Depends), and checks the installed
# package the way a user meets it: --version, a headless demo-data + train from /usr/bin,
# the window starting under Xvfb, valid .desktop and AppStream files. Then removes it.
# Runs as root (or with sudo). Usage: packaging/test-deb.sh   (FUSIONSCOPE_BUILD_DIR=build)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${FUSIONSCOPE_BUILD_DIR:-build}
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive

step() { printf '\n== %s\n' "$*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }

work=$(mktemp -d /tmp/fusionscope-deb-test.XXXXXX)
cleanup() {
  if dpkg-query -W -f='${Status}' fusionscope 2>/dev/null | grep -q "install ok installed"; then
    step "Removing the package"
    "${sudo_cmd[@]}" apt-get remove -y -qq fusionscope >/dev/null
  fi
  rm -rf "$work"
}
trap cleanup EXIT

step "Checking the tools this test uses"
bash packaging/install-deps.sh

step "Building fusionscope, its man page and Debian docs"
tools/build.sh fusionscope fusionscope_manpage fusionscope_debian_docs

step "Packaging (cpack -G DEB in $build)"
rm -f "$build"/fusionscope_*.deb
# Same lock as tools/build.sh: nobody relinks the binary while CPack copies it.
(cd "$build" && flock /tmp/fusionscope-build.lock cpack -G DEB >"$work/cpack.log" 2>&1) ||
  { cat "$work/cpack.log"; fail "cpack failed"; }
deb=$(ls "$build"/fusionscope_*.deb)
cp "$deb" "$work/"
deb="$work/$(basename "$deb")"
echo "$(basename "$deb"): $(du -h "$deb" | cut -f1)"
dpkg-deb -f "$deb" Package Version Depends Recommends

step "lintian (errors fail the test; warnings are listed)"
# Root may run lintian on a .deb; it only reads it.
lintian --allow-root --no-tag-display-limit "$deb" >"$work/lintian.log" 2>&1 || true
cat "$work/lintian.log"
if grep -q '^E: ' "$work/lintian.log"; then
  fail "lintian reports $(grep -c '^E: ' "$work/lintian.log") error(s)"
fi
echo "lintian: no errors ($(grep -c '^W: ' "$work/lintian.log" || true) warnings)"
for f in ./usr/share/doc/fusionscope/copyright ./usr/share/doc/fusionscope/changelog.Debian.gz \
         ./usr/share/man/man1/fusionscope.1.gz; do
  dpkg-deb -c "$deb" | grep -q " $f\$" || fail "the package lacks $f"
done
dpkg-deb -x "$deb" "$work/extracted"
if grep -rlF "$(cd "$build" && pwd)" "$work/extracted"; then
  fail "the package's files above carry the build folder's path"
fi
rm -rf "$work/extracted"

step "Installing with apt-get (a leftover install is removed first)"
if dpkg-query -W -f='${Status}' fusionscope 2>/dev/null | grep -q "install ok installed"; then
  "${sudo_cmd[@]}" apt-get remove -y -qq fusionscope >/dev/null
fi
"${sudo_cmd[@]}" apt-get install -y -qq "$deb" >"$work/apt.log" 2>&1 || { cat "$work/apt.log"; fail "apt-get install failed"; }
bin=$(command -v fusionscope)
[ "$bin" = /usr/bin/fusionscope ] || fail "fusionscope resolves to '$bin', not /usr/bin/fusionscope"
dpkg -L fusionscope | while read -r f; do [ -f "$f" ] && echo "  $f"; done

# On this machine the binary would also find the SentencePiece module in the build tree;
# hide the build folder in a private mount namespace so the run is what a clean host sees.
hide_build=()
if unshare -m --propagation private true 2>/dev/null; then
  build_abs=$(cd "$build" && pwd)
  hide_build=(unshare -m --propagation private sh -c "mount -t tmpfs tmpfs '$build_abs' && exec \"\$@\"" sh)
  echo "(the build folder is hidden from the installed binary's runs)"
else
  echo "(unshare unavailable: the installed binary could see the build folder)"
fi
installed() { (cd "$work" && HOME="$work/home" "${hide_build[@]}" /usr/bin/fusionscope "$@"); }
mkdir -p "$work/home"

step "fusionscope --version (names the BLAS), man fusionscope"
installed --version
installed --version | grep -q "BLAS: OpenBLAS" || fail "--version does not name OpenBLAS"
man -P cat fusionscope 2>/dev/null | head -n 12 || fail "man fusionscope shows nothing"

step "Headless demo-data (200 samples) and a one-epoch train"
installed demo-data --samples 200 --out data >"$work/demo.log" 2>&1 || { cat "$work/demo.log"; fail "demo-data failed"; }
tail -n 2 "$work/demo.log"
printf '{"model":{"dim":16,"heads":2,"text_encoder":"mean"},"train":{"batch_size":32}}\n' >"$work/tiny.json"
FUSIONSCOPE_NO_PROGRESS=1 installed train data --fusion concat --config tiny.json --epochs 1 --out run \
  >"$work/train.log" 2>&1 || { cat "$work/train.log"; fail "train failed"; }
tail -n 6 "$work/train.log"
for f in config.json metrics.jsonl report.json model.pt; do
  [ -s "$work/run/$f" ] || fail "the run folder has no $f"
done
installed info run/model.pt >"$work/info.log" 2>&1 || { cat "$work/info.log"; fail "info failed"; }
head -n 3 "$work/info.log"

step "The window starts (Xvfb, xcb platform plugin), paints, and keeps running for 8 s"
shot=${FUSIONSCOPE_DEB_SCREENSHOT:-/tmp/fusionscope-deb-window.png}
# Inside Xvfb: start the window, grab the screen after 8 s, then check it is still running.
cat >"$work/window.sh" <<'WINDOW'
/usr/bin/fusionscope "$1" & pid=$!
sleep 8
import -window root "$2" || echo "screenshot failed"
kill -0 "$pid" 2>/dev/null || { wait "$pid"; echo "the window exited early with code $?"; exit 1; }
kill "$pid"; wait "$pid" 2>/dev/null || true
WINDOW
(cd "$work" && HOME="$work/home" "${hide_build[@]}" xvfb-run -a -s "-screen 0 1280x800x24" \
  sh "$work/window.sh" "$work/data" "$shot") >"$work/gui.log" 2>&1 || { cat "$work/gui.log"; fail "the window did not keep running"; }
if grep -qiE 'could not (load|find) the Qt platform plugin|segmentation|abort' "$work/gui.log"; then
  cat "$work/gui.log"; fail "the window reported a startup problem"
fi
echo "still running after 8 s; screenshot: $shot"

step "Desktop entry and AppStream metadata, as installed"
desktop-file-validate /usr/share/applications/fusionscope.desktop && echo "desktop-file-validate: ok"
appstreamcli validate --no-net /usr/share/metainfo/io.fusionscope.FusionScope.metainfo.xml
[ -f /usr/share/icons/hicolor/256x256/apps/fusionscope.png ] || fail "the icon is missing"

step "Uninstalling"
"${sudo_cmd[@]}" apt-get remove -y -qq fusionscope >/dev/null
[ ! -e /usr/bin/fusionscope ] || fail "/usr/bin/fusionscope is still there after removal"
echo "removed"

printf '\nPASS: %s installs, trains headless, opens its window and uninstalls.\n' "$(basename "$deb")"
