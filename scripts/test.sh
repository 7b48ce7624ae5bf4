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

# The fuzz targets build a second tree with clang, so they run only in CI or
# when DIALDECK_FUZZ_SECONDS asks for them.
if [ "${CI:-}" = "true" ] || [ -n "${DIALDECK_FUZZ_SECONDS:-}" ]; then
    "$top/scripts/fuzz.sh" "${DIALDECK_FUZZ_SECONDS:-20}"
fi
