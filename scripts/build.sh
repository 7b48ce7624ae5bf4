#!/usr/bin/env bash
# Configures and builds Dialdeck into build/ (Release with debug info).
# Extra arguments go to cmake's configure step, for example -DDIALDECK_WERROR=ON.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cmake -S "$top" -B "$top/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@"
cmake --build "$top/build" --parallel "$(nproc)"
