#!/usr/bin/env python3
"""A peer for the query benchmark: SQLite FTS5 with the `trigram` tokenizer, through
Python's standard sqlite3, over the same passages and the same queries.

    target/release/plansearch passages --json > target/bench/passages.jsonl
    python3 scripts/fts5_peer.py --passages target/bench/passages.jsonl \
        --queries benches/queries.txt [--ours target/bench/inprocess.json] [--json out.json]

Each passage's Chinese and English text go into one FTS5 table (tokenize='trigram'), in
memory. A query is read like ours, roughly: space-separated units all required, `A OR B`,
`-excluded`, "quoted" text, filters dropped (FTS5 knows no chapters). A unit of three
characters or more is an FTS5 phrase (trigram substring match, index-backed); a shorter one
(莲藕, 5G) can only be `LIKE '%…%'`, a scan, since a trigram needs three characters. Each
query fetches what our engine returns: the match count, and the top 10 by bm25 with a
highlighted snippet. Latency is per query: one warm-up, then --reps timed runs, median; the
table gives p50/p99 over the list, beside ours when --ours is given.
"""

import argparse
import json
import sqlite3
import statistics
import sys
import time
import unicodedata


def fold(s):
    """Width folding and lowercase, as our normalizer does (not traditional → simplified)."""
    return unicodedata.normalize("NFKC", s).lower()


def parse(q):
    """Groups of alternatives (all required) and exclusions, of folded units."""
    toks, i, n = [], 0, len(q)
    while i < n:
        c = q[i]
        if c.isspace():
            i += 1
            continue
        neg = c == "-" and i + 1 < n and not q[i + 1].isspace()
        start = i + 1 if neg else i
        if start < n and q[start] in "\"“「＂":
            close = {"“": "”", "「": "」"}.get(q[start], q[start])
            end = next((k for k in range(start + 1, n) if q[k] in (close, '"', "＂")), None)
            if end is not None:
                toks.append((neg, "unit", q[start + 1:end]))
                i = end + 1
                continue
            i = start + 1
            continue
        j = start
        while j < n and not q[j].isspace() and q[j] not in "\"“”「＂":
            j += 1
        word = q[start:j]
        i = max(j, start + 1)
        if not word:
            continue
        if word in ("OR", "|") and not neg:
            toks.append((False, "or", word))
            continue
        name, sep, _ = word.partition(":")
        if sep and name.lower() in ("chapter", "section", "panel", "kind", "doc", "company"):
            continue
        toks.append((neg, "unit", word))
    groups, exclude, pending_or = [], [], False
    for neg, kind, text in toks:
        if kind == "or":
            pending_or = bool(groups)
            continue
        text = fold(text.strip())
        if not any(ch.isalnum() for ch in text):
            continue
        if neg:
            exclude.append(text)
        elif pending_or:
            groups[-1].append(text)
            pending_or = False
        else:
            groups.append([text])
    return groups, exclude


def sql_for(q):
    """The SQL WHERE clause and its parameters, or None when nothing is searched."""
    groups, exclude = parse(q)
    if not groups:
        return None
    phrase = lambda u: '"' + u.replace('"', '""') + '"'
    match_parts, likes, params_like = [], [], []
    for g in groups:
        if all(len(u) >= 3 for u in g):
            match_parts.append("(" + " OR ".join(phrase(u) for u in g) + ")")
        else:
            likes.append("(" + " OR ".join("(t.zh LIKE ? OR t.en LIKE ?)" for _ in g) + ")")
            for u in g:
                params_like += [f"%{u}%", f"%{u}%"]
    for u in exclude:
        if len(u) >= 3 and match_parts:
            match_parts.append("NOT " + phrase(u))
        else:
            likes.append("NOT (t.zh LIKE ? OR t.en LIKE ?)")
            params_like += [f"%{u}%", f"%{u}%"]
    where, params = [], []
    if match_parts:
        where.append("t MATCH ?")
        params.append(" AND ".join(match_parts).replace("AND NOT", "NOT"))
    where += likes
    params += params_like
    return " AND ".join(where), params, bool(match_parts)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--passages", required=True, help="`plansearch passages --json` output")
    ap.add_argument("--queries", required=True)
    ap.add_argument("--reps", type=int, default=20)
    ap.add_argument("--limit", type=int, default=10)
    ap.add_argument("--ours", help="examples/bench_report.rs --json output, to compare")
    ap.add_argument("--json", help="write the numbers here")
    args = ap.parse_args()

    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(zh, en, tokenize='trigram')")
    rows = []
    with open(args.passages, encoding="utf-8") as f:
        for line in f:
            p = json.loads(line)
            rows.append((p["text"], p.get("text_en") or ""))
    t0 = time.perf_counter()
    db.executemany("INSERT INTO t(zh, en) VALUES (?, ?)", rows)
    db.commit()
    build_s = time.perf_counter() - t0
    queries = [l.strip() for l in open(args.queries, encoding="utf-8") if l.strip() and not l.lstrip().startswith("#")]

    def run(q):
        s = sql_for(q)
        if s is None:
            return 0
        where, params, ranked = s
        total = db.execute(f"SELECT count(*) FROM t WHERE {where}", params).fetchone()[0]
        order = "ORDER BY rank" if ranked else ""
        snip = "snippet(t, 0, '<mark>', '</mark>', '…', 24)" if ranked else "substr(t.zh, 1, 70)"
        db.execute(f"SELECT rowid, {snip} FROM t WHERE {where} {order} LIMIT {args.limit}", params).fetchall()
        return total

    per_query, totals, scans = [], [], 0
    for q in queries:
        totals.append(run(q))
        s = sql_for(q)
        scans += 1 if s is not None and " LIKE " in s[0] else 0
        times = []
        for _ in range(args.reps):
            t = time.perf_counter()
            run(q)
            times.append((time.perf_counter() - t) * 1000)
        per_query.append(statistics.median(times))

    def pct(v, p):
        v = sorted(v)
        k = max(1, -(-len(v) * p // 100))
        return v[int(k) - 1]

    p50, p99 = pct(per_query, 50), pct(per_query, 99)
    out = {"fts5_ms": {"p50": p50, "p99": p99, "max": max(per_query), "per_query": per_query}, "fts5_totals": totals,
           "fts5_build_s": build_s, "like_scans": scans, "sqlite": sqlite3.sqlite_version}
    print(f"| SQLite {sqlite3.sqlite_version} FTS5 trigram (ms) | {len(queries)} | {p50:.3f} | {p99:.3f} | {max(per_query):.3f} | "
          f"{len(rows)} rows, built in {build_s:.2f} s; {scans} queries need a LIKE scan (units under 3 characters) |")
    if args.ours:
        ours = json.load(open(args.ours))["engine_ms"]
        ratio50, ratio99 = p50 / ours["p50"], p99 / ours["p99"]
        wins = sum(1 for a, b in zip(ours["per_query"], per_query) if a < b)
        out.update({"ratio_p50": ratio50, "ratio_p99": ratio99, "ours_faster": wins})
        print(f"\nFTS5 / plansearch latency: p50 {ratio50:.2f}×, p99 {ratio99:.2f}×; plansearch faster on {wins} of {len(queries)} queries")
    if args.json:
        json.dump(out, open(args.json, "w"), ensure_ascii=False)


if __name__ == "__main__":
    sys.exit(main())
