#!/usr/bin/env bash
# Installs every Debian 12 package FusionScope's build, app, tests and benchmarks need.
# Idempotent: packages already present are skipped, so a second run takes a second.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config git
  # the ASan + UBSan suite and the libFuzzer harnesses (tools/sanitize.sh, tools/fuzz.sh)
  clang-14 lld-14 libclang-rt-14-dev
  # Qt 6: Widgets, Test, PrintSupport (QCustomPlot), Multimedia (sample playback), Svg (plot export)
  qt6-base-dev qt6-base-dev-tools qt6-multimedia-dev qt6-svg-dev libgl-dev
  libqcustomplot-dev
  # LibTorch (and the Gloo headers its c10d distributed engine needs), and OpenBLAS: the reference BLAS makes LibTorch ~14x slower here
  libtorch-dev libgloo-dev libopenblas0-pthread
  # decoding
  libopencv-core-dev libopencv-imgproc-dev libopencv-imgcodecs-dev
  libavformat-dev libavcodec-dev libswresample-dev libavutil-dev
  # tokenizer
  libsentencepiece-dev
  # nearest neighbours for the embedding map's t-SNE (header-only HNSW)
  libhnswlib-dev
  # model-archive checks: CRC-32 and inflate of zip entries (zlib)
  zlib1g-dev
  # JPEG decoding with our own error manager (libjpeg warnings become sample notes)
  libjpeg62-turbo-dev
  # demo data (speech), audio tools, headless GUI runs and screenshots (x11-utils: xwininfo, for the quickstart test)
  espeak-ng libespeak-ng-dev sox xvfb xauth x11-utils imagemagick
  # the demo's questions are partly Chinese: a CJK font for the window
  fonts-wqy-microhei
  # the Python PyTorch peer for interop tests and benchmarks
  python3-torch python3-numpy python3-opencv python3-soundfile
  # scikit-learn: the reference t-SNE and trustworthiness the embedding map is tested against
  python3-sklearn
  # .deb packaging: the man page from --help (help2man), and the checks packaging/test-deb.sh
  # runs on the package (lintian) and its .desktop/metainfo files
  dpkg-dev file desktop-file-utils appstream help2man lintian
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# LibTorch calls whatever libblas.so.3 points to; make sure that is OpenBLAS.
blas=$(readlink -f /etc/alternatives/libblas.so.3-x86_64-linux-gnu 2>/dev/null || true)
case "$blas" in
  *openblas*) ;;
  *) echo "warning: libblas.so.3 points to '$blas', not OpenBLAS: training will be slow" >&2 ;;
esac
