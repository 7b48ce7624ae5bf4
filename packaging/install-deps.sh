#!/usr/bin/env bash
# Installs every Debian 12 package that Dialdeck needs to build, test and run.
# This list is the one place that names them; scripts/run.sh, scripts/test.sh
# and .ci/run all call this script. Packages already installed are skipped.
set -euo pipefail

packages=(
    # Build tools
    cmake ninja-build g++ pkg-config clang-format
    # Qt 6.4
    qt6-base-dev qt6-base-dev-tools qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
    qt6-websockets-dev qt6-httpserver-dev qt6-charts-dev libgl-dev
    libqt6sql6-sqlite libqt6sql6-psql libqt6svg6
    # Phone numbers, secrets, spreadsheets
    libphonenumber-dev libprotobuf-dev qtkeychain-qt6-dev libxlsxwriter-dev
    # Regular expressions for the fast phone number path (the PCRE2 that Qt uses)
    libpcre2-dev
    # Fuzzing the parsers (scripts/fuzz.sh): clang with libFuzzer and the sanitizer runtimes
    clang libclang-rt-14-dev
    # Store tools used by benchmarks and tests
    sqlite3
    # Self-signed certificates for the relay's TLS test
    openssl
    # Offscreen and virtual displays for GUI tests and screenshots
    xvfb xauth
)

missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$package")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "All ${#packages[@]} system packages are installed."
    exit 0
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
    sudo_cmd=(sudo)
fi

echo "Installing ${#missing[@]} missing packages: ${missing[*]}"
"${sudo_cmd[@]}" apt-get update
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
