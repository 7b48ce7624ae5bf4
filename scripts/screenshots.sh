#!/usr/bin/env bash
# Captures the console's main views as PNG files in docs/screenshots/.
# Runs the console under Xvfb with a fresh store and the demo contact list,
# with a simulated day passing in a minute, and lets its hidden
# --screenshot-dir option walk through the views. Build first (scripts/build.sh); pass another build
# folder as the first argument to use it.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-"$top/build"}
out="$top/docs/screenshots"
# A fixed, neutral folder: the store path appears in the settings view.
work=/tmp/dialdeck-screenshots
rm -rf "$work"
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT

mkdir -p "$out"
# A private settings folder keeps the operator's own console settings untouched.
export XDG_CONFIG_HOME="$work/config"
export XDG_DATA_HOME="$work/data"

xvfb-run --auto-servernum --server-args="-screen 0 1400x900x24" \
    "$build/bin/dialdeck" --db "$work/store.sqlite" --speed 1440 \
    --demo "$top/tests/data/google-contacts.csv" --screenshot-dir "$out"
ls -1 "$out"/*.png
