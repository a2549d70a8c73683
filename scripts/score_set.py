#!/usr/bin/env python3
"""Score a judged set against a plansearch binary, as a user would meet it: per kind,
success@1, success@10, MRR and zero-result queries, and (where the set gives answers)
answer coverage and precision. Used for a set's first run before any change; the test
`asked_questions_*` in tests/search.rs recomputes the same figures on every run.

    python3 scripts/score_set.py target/release/plansearch tests/relevance/asked.tsv
"""
import collections, json, subprocess, sys, unicodedata

def norm(s):
    return unicodedata.normalize("NFKC", s).replace(" ", "")

binary, path = sys.argv[1], sys.argv[2]
rows = [l.rstrip("\n").split("\t") for l in open(path, encoding="utf-8")][1:]
stats = collections.defaultdict(lambda: {"n": 0, "s1": 0, "s10": 0, "rr": 0.0, "zero": 0, "asked": 0, "covered": 0, "answers": 0, "right": 0})
misses = []
for row in rows:
    q, relevant = row[0], row[1].split(",")
    kind = row[2] if len(row) > 2 and row[2] else "all"
    expected = row[3] if len(row) > 3 else ""
    out = subprocess.run([binary, "search", "--json", "--limit", "10", q], capture_output=True, text=True)
    res = json.loads(out.stdout)
    ids = [h["id"] for h in res["hits"]]
    for k in (kind, "ALL"):
        s = stats[k]
        s["n"] += 1
        rank = next((i + 1 for i, h in enumerate(ids) if h in relevant), None)
        if rank == 1: s["s1"] += 1
        if rank: s["s10"] += 1; s["rr"] += 1 / rank
        if res["total"] == 0: s["zero"] += 1
        ans = res.get("answer")
        if expected: s["asked"] += 1
        if ans:
            s["answers"] += 1
            ok = (norm(expected) in norm(ans.get("text", ""))) if expected else ans.get("passage_id") in relevant
            s["right"] += ok
            if expected and ok: s["covered"] += 1
    if not ids or ids[0] not in relevant:
        misses.append((kind, q, relevant[:3], ids[:3]))
print(f"{'kind':<12} {'n':>4} {'s@1':>7} {'s@10':>7} {'MRR':>6} {'zero':>5} {'answers':>8} {'coverage':>9} {'precision':>9}")
for k, s in sorted(stats.items(), key=lambda kv: (kv[0] == "ALL", kv[0])):
    n = s["n"]
    cov = f"{s['covered']}/{s['asked']}" if s["asked"] else "-"
    prec = f"{s['right']}/{s['answers']}" if s["answers"] else "-"
    print(f"{k:<12} {n:>4} {100*s['s1']/n:>6.1f}% {100*s['s10']/n:>6.1f}% {s['rr']/n:>6.3f} {s['zero']:>5} {s['answers']:>8} {cov:>9} {prec:>9}")
if "-v" in sys.argv:
    for m in misses: print("miss", *m, sep="\t")
