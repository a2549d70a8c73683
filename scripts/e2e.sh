#!/usr/bin/env bash
# End-to-end tests of the release binary: installs what they need if missing (Chromium and
# its WebDriver from Debian; axe-core from npm by tests/e2e/package-lock.json; citeproc-py and
# rispy from PyPI by tests/e2e/requirements.txt, into target/e2e/venv), builds the binary,
# then runs tests/e2e/browser_test.py (a real browser: search, CSP, axe-core, keyboard) and
# tests/e2e/reference_managers.py (the CSL-JSON and RIS exports read by real consumers), which
# share tests/e2e/harness.py (the binary, the server, HTTP, the test loop and its closing line).
#
#   bash scripts/e2e.sh
#
# Works on a fresh Debian machine that has only Rust, Python 3, Node.js with npm, and git (run
# as root, or with sudo available, for the one-time apt install). Artifacts in target/e2e/:
# screenshots, axe.json, the server's and chromedriver's logs. The closing line sums both
# scripts: `e2e: N passed, M failed`.
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

# axe-core, exactly as locked (npm ci starts from an empty node_modules every time).
npm ci --prefix tests/e2e --no-audit --no-fund --loglevel=error
# The citation readers, in a virtual environment of their own.
venv=target/e2e/venv
if [[ ! -x $venv/bin/python ]] || ! "$venv/bin/python" -c 'import citeproc, rispy' 2>/dev/null; then
    mkdir -p target/e2e
    if ! python3 -m venv "$venv" 2>/dev/null; then
        # Debian's python3 keeps venv in a package of its own.
        SUDO=()
        if [[ $(id -u) -ne 0 ]]; then SUDO=(sudo); fi
        "${SUDO[@]}" apt-get update -q
        "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-venv
        rm -rf "$venv"
        python3 -m venv "$venv"
    fi
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r tests/e2e/requirements.txt
fi

cargo build --release
bin=${PLANSEARCH_BIN:-target/release/plansearch}
mkdir -p target/e2e
status=0
python3 tests/e2e/browser_test.py "$bin" 2>&1 | tee target/e2e/browser_test.out || status=1
"$venv/bin/python" tests/e2e/reference_managers.py "$bin" 2>&1 | tee target/e2e/reference_managers.out || status=1
# One closing line for both: the sums of their `N passed, M failed` (printed by harness.run).
read -r passed failed < <(awk '/^[0-9]+ passed, [0-9]+ failed$/ {p += $1; f += $3} END {print p + 0, f + 0}' \
    target/e2e/browser_test.out target/e2e/reference_managers.out)
if ((status != 0 && failed == 0)); then failed=1; fi
echo "e2e: $passed passed, $failed failed"
exit "$status"
