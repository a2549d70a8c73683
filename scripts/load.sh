#!/usr/bin/env bash
# Load test of `plansearch serve` on a loopback port with wrk.
#
#   bash scripts/load.sh
#
# Installs wrk from Debian if missing, builds the release binary and the index, starts the
# server on a free 127.0.0.1 port, checks every query once, then drives /api/search (a mixed
# list of real queries, scripts/load.lua) and /healthz, each for LOAD_DURATION seconds at
# LOAD_CONNECTIONS connections, and prints requests/s, p50/p99 latency, errors, the
# search/healthz throughput ratio and the server's resident memory (VmRSS) at start,
# during and after. Exits non-zero on any socket error, non-2xx answer or failed check.
#
# Settings (environment): LOAD_DURATION (s, default 30), LOAD_CONNECTIONS (64), LOAD_CACHE (the server's --cache-bytes, 67108864; 0 measures every search uncached),
# LOAD_THREADS (wrk threads, default nproc), LOAD_TIMEOUT (wrk's per-request timeout, 5s),
# LOAD_LIMIT (hits per search, 10), LOAD_SLOW_MS (single-query check threshold, 200).
# Output also goes to target/load/ (wrk outputs, RSS samples, summary.md, server.log); earlier
# runs are written up in docs/load-results.md.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${LOAD_DURATION:-30}
CONNECTIONS=${LOAD_CONNECTIONS:-64}
THREADS=${LOAD_THREADS:-$(nproc)}
((THREADS > CONNECTIONS)) && THREADS=$CONNECTIONS
TIMEOUT=${LOAD_TIMEOUT:-5}
export LOAD_LIMIT=${LOAD_LIMIT:-10}
SLOW_MS=${LOAD_SLOW_MS:-200}
OUT=target/load
BIN=target/release/plansearch

# shellcheck source=scripts/serve_lib.sh
source scripts/serve_lib.sh
need_wrk load

cargo build --release
"$BIN" build
mkdir -p "$OUT"

PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"
start_server "$OUT/server.log" "$BIN" --addr "127.0.0.1:$PORT" --cache-bytes "${LOAD_CACHE:-67108864}"
SAMPLER=
cleanup() {
    [[ -n $SAMPLER ]] && kill "$SAMPLER" 2>/dev/null || true
    stop_server
}
trap cleanup EXIT INT TERM

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$SERVER/status" 2>/dev/null || echo 0; }
mb() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }

wait_ready load "$BASE/healthz" "$OUT/server.log" 600
RSS_START=$(rss_kb)
echo "load: server pid $SERVER on $BASE, VmRSS at start $(mb "$RSS_START") MiB"

# Every query once, alone: status, hits, time (also warms the caches).
echo "load: checking each query of scripts/load.lua once"
python3 - "$BASE" "$SLOW_MS" "$LOAD_LIMIT" <<'EOF'
import json, re, sys, time, urllib.error, urllib.parse, urllib.request
base, slow_ms, limit = sys.argv[1], float(sys.argv[2]), sys.argv[3]
src = open("scripts/load.lua", encoding="utf-8").read()
block = re.search(r"local queries = \{(.*?)\n\}", src, re.S).group(1)
block = "\n".join(l for l in block.splitlines() if not l.strip().startswith("--"))
queries = [s.replace('\\"', '"') for s in re.findall(r'"((?:[^"\\]|\\.)*)"', block)]
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
bad, rows = 0, []
for q in queries:
    url = f"{base}/api/search?q={urllib.parse.quote(q, safe='')}&limit={limit}"
    t = time.perf_counter()
    try:
        with opener.open(url, timeout=30) as r:
            status, body = r.status, json.load(r)
    except urllib.error.HTTPError as e:
        status, body = e.code, {}
    ms = (time.perf_counter() - t) * 1000
    total = body.get("total")
    flag = ""
    if status != 200:
        flag, bad = "NOT 200", bad + 1
    elif ms > slow_ms:
        flag = "SLOW"
    elif total == 0:
        flag = "no hits" + (f" ({body['message']})" if body.get("message") else "")
    rows.append((ms, q, status, total, body.get("took_ms"), flag))
for ms, q, status, total, took, flag in rows:
    print(f"  {status} {ms:7.1f} ms (engine {took} ms) hits={total!s:>4}  {q}  {flag}")
times = sorted(r[0] for r in rows)
print(f"load: {len(rows)} queries, {bad} not 200; single-request median {times[len(times)//2]:.1f} ms, "
      f"slowest {times[-1]:.1f} ms ({max(rows)[1]})")
sys.exit(1 if bad or len(rows) < 50 else 0)
EOF

# VmRSS every second from here on.
: >"$OUT/rss.tsv"
(
    t0=$(date +%s)
    while kill -0 "$SERVER" 2>/dev/null; do
        echo -e "$(( $(date +%s) - t0 ))\t$(rss_kb)" >>"$OUT/rss.tsv"
        sleep 1
    done
) &
SAMPLER=$!

run_wrk() { # name, extra env
    local name=$1
    echo
    echo "load: $name: wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --timeout ${TIMEOUT}s --latency"
    local before
    before=$(wc -l <"$OUT/rss.tsv")
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout "${TIMEOUT}s" --latency \
        -s scripts/load.lua "$BASE" | tee "$OUT/wrk-$name.txt"
    # The samples taken during this run: max.
    tail -n +"$((before + 1))" "$OUT/rss.tsv" | awk -F'\t' 'BEGIN {m=0} $2>m {m=$2} END {print m}' >"$OUT/rss-$name.max"
}

run_wrk search
LOAD_PATH=/healthz run_wrk healthz
sleep 1
RSS_END=$(rss_kb)
kill "$SAMPLER" 2>/dev/null || true
SAMPLER=

field() { sed -n 's/^RESULT .*\b'"$2"'=\([^ ]*\).*/\1/p' "$OUT/wrk-$1.txt"; }
non2xx() { local n; n=$(sed -n 's/.*Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' "$OUT/wrk-$1.txt"); echo "${n:-0}"; }
sockerr() { echo $(( $(field "$1" connect) + $(field "$1" read) + $(field "$1" write) + $(field "$1" timeout) )); }

S_RPS=$(field search rps); H_RPS=$(field healthz rps)
RATIO=$(awk -v a="$S_RPS" -v b="$H_RPS" 'BEGIN {printf "%.3f", a / b}')
ERRS=$(( $(sockerr search) + $(non2xx search) + $(sockerr healthz) + $(non2xx healthz) ))
if grep -Eq 'panicked|ERROR' "$OUT/server.log"; then
    echo "load: the server logged errors:"; grep -E 'panicked|ERROR' "$OUT/server.log" | head -20
    ERRS=$((ERRS + 1))
fi

{
    echo "| endpoint | requests | req/s | p50 ms | p90 ms | p99 ms | max ms | socket errors (connect/read/write/timeout) | non-2xx | VmRSS max during run |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |"
    for n in search healthz; do
        path=$([[ $n == search ]] && echo "/api/search ($(field search queries) queries, limit $LOAD_LIMIT)" || echo /healthz)
        echo "| $path | $(field $n requests) | $(field $n rps) | $(field $n p50_ms) | $(field $n p90_ms) | $(field $n p99_ms) | $(field $n max_ms) | $(field $n connect)/$(field $n read)/$(field $n write)/$(field $n timeout) | $(non2xx $n) | $(mb "$(cat "$OUT/rss-$n.max")") MiB |"
    done
    echo
    echo "- search/healthz throughput ratio: $RATIO"
    echo "- server VmRSS: start $(mb "$RSS_START") MiB, max during search $(mb "$(cat "$OUT/rss-search.max")") MiB, max during healthz $(mb "$(cat "$OUT/rss-healthz.max")") MiB, after $(mb "$RSS_END") MiB"
    echo "- settings: ${DURATION}s per endpoint, $CONNECTIONS connections, $THREADS wrk threads, timeout ${TIMEOUT}s; machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(awk '/^MemTotal:/ {printf "%.0f", $2 / 1048576}' /proc/meminfo) GiB; wrk and server share the CPUs"
} | tee "$OUT/summary.md"

echo
if ((ERRS)); then
    echo "load: FAILED: $ERRS errors (socket errors, non-2xx answers, or server errors)"
    exit 1
fi
echo "load: ok, no errors"
