#!/usr/bin/env bash
# Real-browser end-to-end test: installs Chromium and its WebDriver from Debian if missing,
# builds the release binary, and runs tests/e2e/browser_test.py against it.
#
#   bash scripts/e2e.sh
#
# Works on a fresh Debian machine that has only Rust, Python 3 and git (run as root, or with
# sudo available, for the one-time apt install). Artifacts: target/e2e/{search,passage}.png
# and the server's and chromedriver's logs.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
# A CJK font, so the screenshots show the Chinese text rather than empty boxes.
if ! { command -v fc-list >/dev/null 2>&1 && fc-list :lang=zh 2>/dev/null | grep -q .; }; then
    need+=(fonts-wqy-zenhei)
fi
if ((${#need[@]})); then
    echo "e2e: installing ${need[*]}"
    SUDO=()
    if [[ $(id -u) -ne 0 ]]; then SUDO=(sudo); fi
    export DEBIAN_FRONTEND=noninteractive
    "${SUDO[@]}" apt-get update -q
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}"
fi
chromium --version || true
chromedriver --version

cargo build --release
exec python3 tests/e2e/browser_test.py "${PLANSEARCH_BIN:-target/release/plansearch}"
