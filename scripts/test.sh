#!/usr/bin/env bash
# Installs missing packages, builds, and runs the whole test suite through CTest.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/packaging/install-deps.sh"
werror=OFF
if [ "${CI:-}" = "true" ]; then
    werror=ON
fi
"$top/scripts/build.sh" -DDIALDECK_WERROR="$werror"
cd "$top/build"
QT_QPA_PLATFORM=offscreen ctest --output-on-failure --parallel "$(nproc)"
