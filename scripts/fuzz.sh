#!/usr/bin/env bash
# Builds the parser fuzz targets with clang, AddressSanitizer and
# UndefinedBehaviorSanitizer in build-fuzz, then runs each target for
# SECONDS (default 20) from its seed corpus in tests/fuzz/corpus.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]
#
# Inputs that crash are written to build-fuzz/fuzz/artifacts/<target>/. Keep
# each one, after fixing the parser, under tests/fuzz/regressions/<target>/,
# where tst_fuzzcorpus replays it with the normal compiler.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
seconds="${1:-20}"
shift || true
build="$top/build-fuzz"

if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -lt 1 ]; then
    echo "fuzz.sh: SECONDS must be a whole number above 0, not \"$seconds\"." >&2
    exit 2
fi

if ! command -v clang++ >/dev/null; then
    echo "fuzz.sh: clang++ is missing; run packaging/install-deps.sh first." >&2
    exit 2
fi

launcher=()
if command -v ccache >/dev/null; then
    launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi

cmake -S "$top" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_COMPILER=clang++ "${launcher[@]}" -DDIALDECK_BUILD_FUZZERS=ON \
    -DDIALDECK_BUILD_CONSOLE=OFF -DDIALDECK_BUILD_BENCHMARKS=OFF >/dev/null
cmake --build "$build" --target dialdeck_fuzzers -- -j"${DIALDECK_BUILD_JOBS:-2}"

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(contactreader delimitedparser textdecoder phonenormaliser formparams plivocallback
             restrequest relayframe)
fi

# Qt keeps some allocations until exit; leak checks would flag them on every input.
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:symbolize=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

failed=()
for target in "${targets[@]}"; do
    seeds="$top/tests/fuzz/corpus/$target"
    corpus="$build/fuzz/corpus/$target"
    artifacts="$build/fuzz/artifacts/$target"
    log="$build/fuzz/$target.log"
    mkdir -p "$corpus" "$artifacts"

    echo "Fuzzing $target for $seconds s"
    if "$build/fuzz/fuzz_$target" -max_total_time="$seconds" -max_len=65536 -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$artifacts/" \
        "$corpus" "$seeds" >"$log" 2>&1; then
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
        rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
        echo "  $target: ${runs:-?} executions, ${rate:-?} per second, no crash"
    else
        echo "  $target: FAILED, see $log and $artifacts" >&2
        tail -n 40 "$log" >&2
        failed+=("$target")
    fi
done

if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz.sh: ${#failed[@]} target(s) found a crash: ${failed[*]}" >&2
    exit 1
fi
