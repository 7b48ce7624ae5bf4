#!/usr/bin/env bash
# Installs missing packages, builds, and runs Dialdeck's demo on the simulated
# carrier: the console with a demo batch when a display is available, or the
# headless service (import, start, export) with --headless or without a display.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/packaging/install-deps.sh"

# The compiler output goes to a log, so a failed build can still be read.
mkdir -p "$top/build"
build_log="$top/build/build.log"
echo "Building Dialdeck's programs, tests and benchmarks into $top/build; the first build" \
     "takes several minutes on a 2-core machine, later builds only recompile what changed."
if ! "$top/scripts/build.sh" >"$build_log" 2>&1; then
    echo "The build failed; the last lines of $build_log follow." >&2
    tail -n 40 "$build_log" >&2
    exit 1
fi
echo "Build finished; starting the demo."

demo="$top/build/demo"
mkdir -p "$demo"
contacts="$top/tests/data/google-contacts.csv"

headless=false
if [ "${1:-}" = "--headless" ] || [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    headless=true
fi

if [ "$headless" = false ] && [ -x "$top/build/bin/dialdeck" ]; then
    # A simulated day passes in a minute: the demo list spans time zones from
    # Honolulu to Sydney, so its calling windows open hours apart.
    exec "$top/build/bin/dialdeck" --db "$demo/console.sqlite" --demo "$contacts" --speed 1440
fi

# A fresh store each run, so the demo always starts from the same list.
store="$demo/service.sqlite"
rm -f "$store" "$store-wal" "$store-shm"
service=("$top/build/bin/dialdeck-service" --db "$store")

summary=$("${service[@]}" import "$contacts" --name "Demo batch" \
          --rejects "$demo/rejected-rows.csv" 2>/dev/null)
echo "$summary"
batch=$(echo "$summary" | head -n 1)
nyc=$("${service[@]}" phones add +12125550100 --label "NYC main" 2>/dev/null)
sf=$("${service[@]}" phones add +14155550100 --label "SF main" 2>/dev/null)

# Speed 0 runs the simulated clock as fast as possible: hours of calling
# windows across time zones pass in well under a second.
"${service[@]}" start "$batch" --phones "$nyc,$sf" --speed 0 --seed 1 --follow 2>/dev/null
"${service[@]}" export "$batch" --format csv --output "$demo/call-report.csv" 2>/dev/null
"${service[@]}" export "$batch" --attempts --output "$demo/attempt-report.csv" 2>/dev/null
echo "Reports: $demo/call-report.csv and $demo/attempt-report.csv"
echo "Rejected rows with their reasons: $demo/rejected-rows.csv"
