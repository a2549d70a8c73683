#!/usr/bin/env bash
# The server under hostile load, on loopback, in one go (about 3 minutes; bounded in time and
# requests):
#
#   bash scripts/hostile_load.sh
#
# Installs wrk from Debian if missing, builds the release binary and the index, starts
# `plansearch serve` on a free 127.0.0.1 port with its operator counters on another, then
# scripts/hostile_load.py attacks it: 32 connections of the costliest uncacheable page for
# 20 s while /healthz and ordinary searches are probed every 100 ms (p50/p99, 503s); 1,500
# distinct large requests (VmRSS before and after); 200 half-sent connections (when each is
# closed); compressed against plain sizes; 405/413/414/431 on the wire. Prints a Markdown
# summary (also in target/hostile/summary.md) and exits non-zero when a target is missed:
# /healthz p99 <= 50 ms and ordinary searches p99 <= 1 s under the attack, only 200/503
# answers, VmRSS <= 300 MiB, every half-sent connection closed within the header timeout.
#
# Settings (environment): HOSTILE_SERVE_ARGS (more `serve` options, e.g. "--search-queue 16"),
# HOSTILE_HEADER_TIMEOUT (the server's --header-timeout, 5), HOSTILE_ATTACK_SECONDS (20),
# HOSTILE_MEMORY_REQUESTS (1500), HOSTILE_HALF_SENT (200).
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=target/hostile
BIN=target/release/plansearch
HEADER_TIMEOUT=${HOSTILE_HEADER_TIMEOUT:-5}

# shellcheck source=scripts/serve_lib.sh
source scripts/serve_lib.sh
need_wrk hostile
# 200 half-sent connections and the attack's 32 need file descriptors.
ulimit -n 4096 2>/dev/null || true

cargo build --release
"$BIN" build
mkdir -p "$OUT"

PORT=$(free_port)
MPORT=$(free_port)
# shellcheck disable=SC2086
start_server "$OUT/server.log" "$BIN" --addr "127.0.0.1:$PORT" --metrics-addr "127.0.0.1:$MPORT" --header-timeout "$HEADER_TIMEOUT" \
    ${HOSTILE_SERVE_ARGS:-}
trap stop_server EXIT INT TERM

wait_ready hostile "http://127.0.0.1:$PORT/healthz" "$OUT/server.log" 300
grep -m1 'limits' "$OUT/server.log" || true

status=0
python3 scripts/hostile_load.py --base "http://127.0.0.1:$PORT" --metrics "http://127.0.0.1:$MPORT" --pid "$SERVER" \
    --header-timeout "$HEADER_TIMEOUT" --out "$OUT" --attack-seconds "${HOSTILE_ATTACK_SECONDS:-20}" \
    --memory-requests "${HOSTILE_MEMORY_REQUESTS:-1500}" --half-sent "${HOSTILE_HALF_SENT:-200}" || status=$?

echo
echo "hostile: operator counters at the end: $(python3 -c 'import sys, urllib.request; print(urllib.request.build_opener(urllib.request.ProxyHandler({})).open(sys.argv[1], timeout=5).read().decode())' "http://127.0.0.1:$MPORT/metrics")"
if grep -Eq 'panicked' "$OUT/server.log"; then
    echo "hostile: the server panicked:"; grep -E 'panicked' "$OUT/server.log" | head -20
    status=1
fi
# A graceful stop within its grace period.
kill -TERM "$SERVER"
for _ in $(seq 150); do kill -0 "$SERVER" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$SERVER" 2>/dev/null; then echo "hostile: the server did not stop on SIGTERM within 15 s"; status=1; fi
exit "$status"
