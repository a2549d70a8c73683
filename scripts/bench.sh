#!/usr/bin/env bash
# The benchmark, in one command and one run:
#
#   bash scripts/bench.sh
#
# 1. In-process (examples/bench_report.rs): per-query latency of `Engine::search` over the
#    queries of benches/queries.txt (p50/p99 over the list of per-query medians), the
#    brute-force scan floor on the same queries, the full build (ingest + index) time and
#    MB/s of Markdown against jieba's segmentation alone.
# 2. A peer: SQLite FTS5 (trigram tokenizer) over the same passages and queries, through
#    Python's sqlite3, its latency beside ours as a ratio (scripts/fts5_peer.py).
# 3. HTTP on loopback with wrk: /api/search over mixed queries and /healthz, throughput,
#    p50/p99, errors and the server's resident memory (scripts/load.sh, BENCH_HTTP_SECONDS
#    per endpoint, default 15), once with the server's response cache and once without.
# Everything is also written to target/bench/ (summary.md holds the tables).
# Settings: BENCH_REPS (runs per query, 30), BENCH_BUILDS (timed builds, 5), BENCH_HTTP_SECONDS.
set -euo pipefail
cd "$(dirname "$0")/.."

REPS=${BENCH_REPS:-30}
BUILDS=${BENCH_BUILDS:-5}
HTTP_SECONDS=${BENCH_HTTP_SECONDS:-15}
OUT=target/bench
mkdir -p "$OUT"

echo "bench: building (release)"
cargo build --release --quiet --bin plansearch --example bench_report

{
    echo "## Machine"
    echo
    echo "- $(nproc) CPUs: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); $(free -g | awk '/^Mem:/ {print $2}') GiB memory; $(uname -sr)"
    echo "- $(rustc --version); release profile; SQLite $(python3 -c 'import sqlite3; print(sqlite3.sqlite_version)') via Python $(python3 -c 'import platform; print(platform.python_version())'); $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2)"
    echo "- load while measuring: $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min)"
    echo
    echo "## In process"
    echo
} >"$OUT/summary.md"

echo "bench: in-process queries, scan floor, build ($REPS runs per query, $BUILDS builds)"
./target/release/examples/bench_report --reps "$REPS" --builds "$BUILDS" --json "$OUT/inprocess.json" | tee "$OUT/inprocess.md"

echo
echo "bench: SQLite FTS5 trigram peer"
./target/release/plansearch passages --json >"$OUT/passages.jsonl"
python3 scripts/fts5_peer.py --passages "$OUT/passages.jsonl" --queries benches/queries.txt --reps "$REPS" \
    --ours "$OUT/inprocess.json" --json "$OUT/fts5.json" | tee "$OUT/fts5.md"

# The server keeps a cache of /api/search responses; the query list repeats, so the first
# run measures mostly the cache (its default budget, 64 MiB) and the second (--cache-bytes 0)
# every search.
for cache in 67108864 0; do
    echo
    echo "bench: HTTP with wrk, ${HTTP_SECONDS}s per endpoint, server --cache-bytes $cache (scripts/load.sh; log in $OUT/load-cache$cache.log)"
    if ! LOAD_DURATION=$HTTP_SECONDS LOAD_CACHE=$cache bash scripts/load.sh >"$OUT/load-cache$cache.log" 2>&1; then
        tail -40 "$OUT/load-cache$cache.log"
        echo "bench: the HTTP load run failed"
        exit 1
    fi
    sed -n '/^| endpoint/,$p' target/load/summary.md | tee "$OUT/http-cache$cache.md"
done

{
    # The in-process table with the FTS5 row under it, then the build table.
    sed -n '/^| in-process/,/^$/p' "$OUT/inprocess.md" | sed '/^$/d'
    grep '^| SQLite' "$OUT/fts5.md"
    echo
    grep -v '^| SQLite' "$OUT/fts5.md" | sed '/^$/d'
    echo
    sed -n '/^| build/,/^$/p' "$OUT/inprocess.md"
    grep '^index opened' "$OUT/inprocess.md"
    echo
    echo "## HTTP (loopback, wrk), server with its response cache (--cache-bytes 67108864, the default)"
    echo
    cat "$OUT/http-cache67108864.md"
    echo
    echo "## HTTP (loopback, wrk), server without a cache (--cache-bytes 0): every request searches"
    echo
    cat "$OUT/http-cache0.md"
} >>"$OUT/summary.md"
echo
echo "bench: summary ($OUT/summary.md)"
echo
cat "$OUT/summary.md"
