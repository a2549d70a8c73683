#!/usr/bin/env bash
# Scale: build and query corpora of 1, 10, 100 (and 1,000) plans made from the real one.
#
#   bash scripts/scale.sh                       # 1× 10× 100×
#   SCALE_FACTORS="1 10 100 1000" bash scripts/scale.sh
#
# For each factor N, examples/synth.rs writes N plans (the real one and N-1 synthetic ones:
# other district names, numbers changed, paragraphs reordered within sections) under a
# temporary corpus root; `plansearch build` indexes them under /usr/bin/time -v (wall time,
# peak resident memory; the build's progress bar shows when stderr is a terminal); then
# examples/bench_report.rs runs the queries of benches/queries.txt on that index, without a
# filter and with `doc:caidian` (one plan of N), and the scan floor on the same text.
# Prints one table (also target/scale/summary.md). The temporary corpora are removed.
# Settings: SCALE_FACTORS, SCALE_REPS (timed runs per query, 10), SCALE_SCAN_MAX (largest
# factor with the scan floor, 100), SCALE_TMP (where corpora go, default /tmp), SCALE_BIN_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."

FACTORS=${SCALE_FACTORS:-1 10 100}
REPS=${SCALE_REPS:-10}
SCAN_MAX=${SCALE_SCAN_MAX:-100}
OUT=target/scale
mkdir -p "$OUT"
# SCALE_BIN_DIR: take plansearch, synth and bench_report from there (e.g. an older build to
# compare) instead of building them.
if [[ -n ${SCALE_BIN_DIR:-} ]]; then
    BINS=$SCALE_BIN_DIR
else
    cargo build --release --quiet --bin plansearch --example synth --example bench_report
    BINS=target/release
fi
BIN=$BINS/plansearch
SYNTH=$BINS/synth
[[ -x $BINS/examples/synth ]] && SYNTH=$BINS/examples/synth
REPORT=$BINS/bench_report
[[ -x $BINS/examples/bench_report ]] && REPORT=$BINS/examples/bench_report
WORK=$(mktemp -d "${SCALE_TMP:-/tmp}/plansearch-scale.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

mb() { awk -v b="$1" 'BEGIN {printf "%.1f", b / 1e6}'; }
ROWS=()
for n in $FACTORS; do
    root=$WORK/x$n
    echo "scale: ${n}×: writing the corpus"
    "$SYNTH" --root "$root/corpus" --plans "$n"
    text=$(find "$root/corpus" -name plan.zh.md -printf '%s\n' | awk '{s += $1} END {print s}')
    echo "scale: ${n}×: plansearch build"
    /usr/bin/time -v -o "$OUT/time-$n.txt" "$BIN" --corpus "$root/corpus" --index "$root/index" build | tail -1
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$OUT/time-$n.txt")
    secs=$(awk -v t="$wall" 'BEGIN {n = split(t, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s}')
    rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$OUT/time-$n.txt")
    cur=$root/index/$(cat "$root/index/CURRENT")
    index_bytes=$(du -sb "$cur" | cut -f1)
    passages=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["passages"])' "$cur/plansearch.json")
    scan=()
    ((n > SCAN_MAX)) && scan=(--no-scan)
    echo "scale: ${n}×: queries"
    "$REPORT" --corpus "$root/corpus" --index "$root/index" --builds 0 --reps "$REPS" "${scan[@]}" \
        --json "$OUT/q-$n.json" >"$OUT/q-$n.md"
    "$REPORT" --corpus "$root/corpus" --index "$root/index" --builds 0 --reps "$REPS" --no-scan \
        --prefix doc:caidian --json "$OUT/qdoc-$n.json" >"$OUT/qdoc-$n.md"
    row=$(python3 - "$OUT/q-$n.json" "$OUT/qdoc-$n.json" <<'EOF'
import json, sys
q, d = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
s = q.get("scan_ms")
f = lambda m: f"{m['p50']:.2f} / {m['p99']:.2f}"
print(f"{f(q['engine_ms'])} | {f(d['engine_ms'])} | {f(s) if s else '–'} | {q['open_s']:.2f}")
EOF
)
    ROWS+=("| ${n}× | $(mb "$text") | $passages | $secs | $(awk -v b="$text" -v s="$secs" 'BEGIN {printf "%.2f", b / 1e6 / s}') | $rss | $(mb "$index_bytes") | $(awk -v i="$index_bytes" -v t="$text" 'BEGIN {printf "%.2f", i / t}') | $row |")
    echo "${ROWS[-1]}"
    rm -rf "$root"
done

{
    echo "| plans | Markdown MB | passages | build s | build MB/s | build peak RSS MiB | index MB | index / text | query p50 / p99 ms | doc:caidian query p50 / p99 ms | scan floor p50 / p99 ms | index open s |"
    echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    printf '%s\n' "${ROWS[@]}"
    echo
    echo "- $(nproc) CPUs: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); queries: benches/queries.txt, limit 10, $REPS timed runs per query, per-query median, p50/p99 over the list"
} | tee "$OUT/summary.md"
