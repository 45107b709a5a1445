#!/usr/bin/env bash
# Regenerates the README screenshots from the real app under Xvfb:
#   docs/screenshots/train-panel.png    Train tab, the finished runs' curves overlaid
#   docs/screenshots/inspect-panel.png  Inspect tab, a correctly predicted test sample explained
#   docs/screenshots/inspect-split.png  Inspect ▸ Split, the test split analysed
#   docs/screenshots/embed-panel.png    Embeddings: the test split's map, one class selected,
#                                       a retrieval answer beside it
#
# Usage: tools/screenshots.sh [DATASET]       (default: demo-data, written if absent)
# Environment:
#   FUSIONSCOPE_SHOT_MODEL   model file for the Inspect shots
#   FUSIONSCOPE_SHOT_RUNS    runs folder for the Train shot, its finished runs overlaid
#                            (default: the folder above the model's run folder, else runs)
#   FUSIONSCOPE_SHOT_SELECT  run folder names to overlay, e.g. "attention graph concat"
#                            (default: every finished run in the runs folder)
#   FUSIONSCOPE_SHOT_OUT     output folder (default docs/screenshots)
#   FUSIONSCOPE_SHOT_FUSIONS fusions to train when no model is given (default "attention")
#   FUSIONSCOPE_SHOT_TIMEOUT seconds the app may take for all the shots (default 1800)
#   FUSIONSCOPE_SHOT_EMBED   "MODEL DATASET": take the Embeddings shot of this model and dataset
#                            instead (README's: a contrastive model of Objects-AV)
#
# Without FUSIONSCOPE_SHOT_MODEL it first trains headless into $FUSIONSCOPE_SHOT_RUNS (default
# runs)/screenshots-<fusion> and inspects the first fusion's model: attention on the
# 24 000-sample demo takes about 10-15 minutes on a few CPU cores. The shots themselves take
# about 6 minutes on 2 busy cores with the 24k demo, most of it the Inspect tab predicting the
# test split. Needs xvfb-run (Debian: xvfb).
set -euo pipefail
cd "$(dirname "$0")/.."
app=${FUSIONSCOPE_APP:-build/app/fusionscope}
dataset=${1:-demo-data}
out=${FUSIONSCOPE_SHOT_OUT:-docs/screenshots}
fusions=${FUSIONSCOPE_SHOT_FUSIONS:-attention}
timeout=${FUSIONSCOPE_SHOT_TIMEOUT:-1800}

[ -x "$app" ] || { echo "screenshots: $app is missing; build it with tools/build.sh fusionscope" >&2; exit 2; }
command -v xvfb-run >/dev/null || { echo "screenshots: xvfb-run is missing (apt-get install xvfb)" >&2; exit 2; }

if [ ! -e "$dataset" ]; then
  echo "== writing the demo dataset to $dataset"
  "$app" demo-data --out "$dataset"
fi

model=${FUSIONSCOPE_SHOT_MODEL:-}
if [ -n "$model" ]; then
  # A run folder's model.pt: its siblings are the runs to overlay, unless told otherwise.
  runs=${FUSIONSCOPE_SHOT_RUNS:-$(dirname "$(dirname "$model")")}
else
  runs=${FUSIONSCOPE_SHOT_RUNS:-runs}
  model="$runs/screenshots-${fusions%% *}/model.pt"
  mkdir -p "$runs"
  for fusion in $fusions; do
    run="$runs/screenshots-$fusion"
    if [ -f "$run/model.pt" ]; then
      echo "== using the finished run $run"
    elif [ -f "$run/config.json" ]; then
      echo "== resuming $run"
      "$app" train --resume "$run"
    else
      echo "== training $fusion on $dataset into $run (takes a while)"
      "$app" train "$dataset" --fusion "$fusion" --out "$run"
    fi
  done
fi
[ -f "$model" ] || { echo "screenshots: no model file $model" >&2; exit 2; }

select=${FUSIONSCOPE_SHOT_SELECT:-}
select=${select// /,}
mkdir -p "$out"
echo "== taking the screenshots into $out"
start=$(date +%s)
# A throwaway config home: the app's QSettings (window state, recent datasets) stay untouched.
config=$(mktemp -d)
trap 'rm -rf "$config"' EXIT
XDG_CONFIG_HOME="$config" xvfb-run -a -s "-screen 0 1440x900x24" \
  "$app" --screenshots "$out" --runs "$runs" --model "$model" --timeout "$timeout" \
  ${select:+--select "$select"} "$dataset"
if [ -n "${FUSIONSCOPE_SHOT_EMBED:-}" ]; then
  read -r embed_model embed_dataset <<<"$FUSIONSCOPE_SHOT_EMBED"
  echo "== the Embeddings shot of $embed_model on $embed_dataset"
  XDG_CONFIG_HOME="$config" xvfb-run -a -s "-screen 0 1440x900x24" \
    "$app" --screenshots "$out" --embeddings-only --model "$embed_model" --timeout "$timeout" "$embed_dataset"
fi
echo "== done in $(( $(date +%s) - start )) s:"
ls -l "$out/train-panel.png" "$out/inspect-panel.png" "$out/inspect-split.png" "$out/embed-panel.png"
