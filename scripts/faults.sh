#!/usr/bin/env bash
# Fault injection on the real binary, in a temporary copy of the corpus and index:
#
#   bash scripts/faults.sh            # FAULTS_KILLS=30 builds interrupted by default
#
# 1. SIGKILL `plansearch build` at random moments (FAULTS_KILLS times, seed FAULTS_SEED);
#    after each, the index must open as it is (no rebuild) and `plansearch search --json 莲藕`
#    must give the same total as the complete index.
# 2. Two builds at once: the second must fail with "another build ... is running" and
#    nothing may be damaged (both with a lock held by flock(1), deterministic, and with two
#    real builds racing).
# 3. A truncated .store, a truncated .idx and a CURRENT naming a missing build: `search`
#    must say the index is unusable and rebuild it, then answer as before.
# 4. A read-only index served by another user: the index built by this user, chmod -R a-w,
#    `serve` run as nobody (no chown: the build leaves its files as readable as its folder)
#    must answer /healthz and /api/search, and nothing in the folder may change.
# Exits non-zero on the first failed check. Settings: FAULTS_KILLS, FAULTS_SEED, PLANSEARCH_BIN.
set -euo pipefail
cd "$(dirname "$0")/.."

KILLS=${FAULTS_KILLS:-30}
SEED=${FAULTS_SEED:-1}
RANDOM=$SEED
# PLANSEARCH_BIN: test that binary instead of building target/release/plansearch.
if [[ -n ${PLANSEARCH_BIN:-} ]]; then
    BIN=$(realpath "$PLANSEARCH_BIN")
else
    cargo build --release --quiet
    BIN=$PWD/target/release/plansearch
fi
WORK=$(mktemp -d /tmp/plansearch-faults.XXXXXX)
SERVER=
cleanup() {
    [[ -n $SERVER ]] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null
    chmod -R u+w "$WORK" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
cp -r corpus "$WORK/corpus"
CORPUS=$WORK/corpus
INDEX=$WORK/index
ps_() { "$BIN" --corpus "$CORPUS" --index "$INDEX" "$@"; }
fail() { echo "faults: FAILED: $*" >&2; exit 1; }
ok() { echo "faults: ok: $*"; }

# The total for 莲藕, and whether search had to (re)build first.
TOTAL_OUT=$WORK/search.json
search_total() {
    ps_ search --json 莲藕 >"$TOTAL_OUT" 2>"$WORK/search.err" || fail "search exited non-zero: $(cat "$WORK/search.err")"
    python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["total"])' "$TOTAL_OUT"
}

# ## 1. Kills at random moments
t0=$(date +%s%N)
ps_ build >/dev/null
t1=$(date +%s%N)
FULL_MS=$(( (t1 - t0) / 1000000 ))
EXPECTED=$(search_total)
[[ -s $WORK/search.err ]] && fail "search after a fresh build said: $(cat "$WORK/search.err")"
echo "faults: a full build takes ${FULL_MS} ms; 莲藕 finds $EXPECTED passages"
swapped=0
kills=0
for k in $(seq "$KILLS"); do
    before=$(cat "$INDEX/CURRENT")
    delay_ms=$(( RANDOM % (FULL_MS + 1) ))
    # The binary itself in the background (not through ps_, whose subshell would be the one
    # killed while the build ran on).
    "$BIN" --corpus "$CORPUS" --index "$INDEX" build >/dev/null 2>&1 &
    pid=$!
    sleep "$(awk -v m="$delay_ms" 'BEGIN {printf "%.3f", m / 1000}')"
    killed=no
    kill -KILL "$pid" 2>/dev/null && killed=yes
    wait "$pid" 2>/dev/null || true
    pgrep -f -- "--index $INDEX build" >/dev/null && fail "kill $k: a build is still running after SIGKILL"
    after=$(cat "$INDEX/CURRENT")
    [[ $before != "$after" ]] && swapped=$((swapped + 1))
    [[ -d $INDEX/${after%$'\n'} ]] || fail "kill $k at ${delay_ms} ms: CURRENT names a missing directory"
    got=$(search_total)
    if grep -q . "$WORK/search.err"; then fail "kill $k at ${delay_ms} ms: search had to rebuild: $(cat "$WORK/search.err")"; fi
    [[ $got == "$EXPECTED" ]] || fail "kill $k at ${delay_ms} ms: 莲藕 finds $got, not $EXPECTED"
    leftovers=$(find "$INDEX" -maxdepth 1 -name 'build-*' | wc -l)
    [[ $killed == yes ]] && kills=$((kills + 1))
    echo "faults:   kill $k at ${delay_ms} ms ($([[ $killed == yes ]] && echo SIGKILLed || echo 'had finished')): index opens, total $got, $leftovers build dir(s) on disk$([[ $before != "$after" ]] && echo ', the build had swapped in')"
done
ok "$KILLS builds interrupted at random moments ($kills SIGKILLed while running, $swapped had swapped in first): the previous complete index served every time"
ps_ build >/dev/null
leftovers=$(find "$INDEX" -maxdepth 1 -name 'build-*' | wc -l)
[[ $leftovers == 1 ]] || fail "the next complete build left $leftovers build directories"
ok "the next complete build removed the killed builds' leftovers"

# ## 2. Two builds at once
flock "$INDEX/.build.lock" sleep 3 &
holder=$!
sleep 0.3
if ps_ build >"$WORK/b.out" 2>"$WORK/b.err"; then fail "a build ran while the lock was held"; fi
grep -q "another build of .* is running" "$WORK/b.err" || fail "unclear message: $(cat "$WORK/b.err")"
echo "faults:   the second build said: $(cat "$WORK/b.err")"
wait "$holder"
[[ $(search_total) == "$EXPECTED" ]] && ! grep -q . "$WORK/search.err" || fail "the index changed while a build was refused"
ok "a second build while one holds the lock is refused with a clear message; the index is intact"
refused=0
for round in 1 2 3 4 5; do
    "$BIN" --corpus "$CORPUS" --index "$INDEX" build >/dev/null 2>&1 &
    first=$!
    # Start the second once the first has its lock (its build directory exists).
    for _ in $(seq 200); do
        [[ $(find "$INDEX" -maxdepth 1 -name 'build-*' | wc -l) -gt 1 ]] && break
        sleep 0.005
    done
    if ps_ build >/dev/null 2>"$WORK/b.err"; then
        echo "faults:   race $round: the first build had finished; both ran one after the other"
    else
        grep -q "another build" "$WORK/b.err" || fail "race $round: the second build failed otherwise: $(cat "$WORK/b.err")"
        refused=$((refused + 1))
    fi
    wait "$first" || fail "race $round: the first build failed"
    [[ $(search_total) == "$EXPECTED" ]] && ! grep -q . "$WORK/search.err" || fail "race $round: the index is damaged"
done
ok "two real builds racing, 5 rounds: the second refused $refused times, the index intact every time"

# ## 3. Damaged files
damage() { # description, command run inside the current build directory
    local what=$1 cmd=$2 cur
    cur=$INDEX/$(cat "$INDEX/CURRENT")
    (cd "$cur" && eval "$cmd")
    got=$(search_total)
    grep -q "unusable" "$WORK/search.err" && grep -q "rebuilding" "$WORK/search.err" || fail "$what: not detected: $(cat "$WORK/search.err")"
    [[ $got == "$EXPECTED" ]] || fail "$what: after the rebuild 莲藕 finds $got"
    echo "faults:   $what: search said: $(head -c 300 "$WORK/search.err")"
    [[ -z $(ps_ search --json 莲藕 2>&1 >/dev/null) ]] || fail "$what: the rebuilt index is not clean"
}
largest() { ls -S -- *."$1" | head -1; }
damage "the largest .store cut in half" 'f=$(largest store); truncate -s $(( $(stat -c %s "$f") / 2 )) "$f"'
damage "the largest .idx one byte short" 'f=$(largest idx); truncate -s $(( $(stat -c %s "$f") - 1 )) "$f"'
damage "a .term file emptied" 'f=$(largest term); : >"$f"'
damage "plansearch.json cut" 'truncate -s 100 plansearch.json'
echo "build-gone" >"$INDEX/CURRENT"
got=$(search_total)
grep -q "unusable" "$WORK/search.err" && [[ $got == "$EXPECTED" ]] || fail "a CURRENT naming a missing build: $(cat "$WORK/search.err")"
echo "faults:   CURRENT naming a missing build: search said: $(cat "$WORK/search.err")"
ok "damaged index files are detected at start with a clear message and rebuilt by search"

# ## 4. A read-only index
ps_ build >/dev/null
chmod 755 "$WORK"
chmod -R a+rX "$CORPUS"
cp "$BIN" "$WORK/plansearch"
chmod -R a-w "$INDEX"
snapshot() { (cd "$INDEX" && find . -printf '%p %s %T@ %m\n' | sort); }
snapshot >"$WORK/before.txt"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
setpriv --reuid=nobody --regid=nogroup --clear-groups \
    "$WORK/plansearch" --corpus "$CORPUS" --index "$INDEX" serve --addr "127.0.0.1:$PORT" >"$WORK/serve.log" 2>&1 &
SERVER=$!
python3 - "$PORT" "$EXPECTED" <<'EOF' || { cat "$WORK/serve.log"; fail "serve from a read-only index"; }
import json, sys, time, urllib.parse, urllib.request
port, expected = sys.argv[1], int(sys.argv[2])
o = urllib.request.build_opener(urllib.request.ProxyHandler({}))
for _ in range(300):
    try:
        if o.open(f"http://127.0.0.1:{port}/healthz", timeout=2).status == 200:
            break
    except Exception:
        time.sleep(0.1)
else:
    sys.exit("no /healthz")
r = json.load(o.open(f"http://127.0.0.1:{port}/api/search?q={urllib.parse.quote('莲藕')}", timeout=10))
assert r["total"] == expected, r["total"]
print(f"faults:   serve as nobody from a read-only index: /healthz 200, /api/search 莲藕 total {r['total']}")
EOF
kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=
snapshot >"$WORK/after.txt"
diff "$WORK/before.txt" "$WORK/after.txt" || fail "serving changed the index folder"
grep -qiE "panicked|error" "$WORK/serve.log" && { cat "$WORK/serve.log"; fail "the server logged errors"; }
ok "serve as another user answers from a read-only index folder (no write bits) and writes nothing there"
echo "faults: all checks passed"
