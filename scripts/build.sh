#!/usr/bin/env bash
# Configures and builds Dialdeck into build/ (Release with debug info).
# Extra arguments go to cmake's configure step, for example -DDIALDECK_WERROR=ON.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
launcher=()
# ccache, when a developer has it, makes rebuilds after a branch switch quick.
if command -v ccache >/dev/null; then
    launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
cmake -S "$top" -B "$top/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" "$@"
cmake --build "$top/build" --parallel "$(nproc)"
