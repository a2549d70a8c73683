#!/usr/bin/env python3
"""Check corpus/caidian/panels.tsv and tables/*.tsv against source.txt.

For each table panel: the multiset of Chinese characters, digits and Latin letters in the
transcription must equal that of the source lines body..end of all its rows (box delimiter
lines excluded). Prints every difference. Exit 1 on any.
"""
import collections, re, sys, pathlib

root = pathlib.Path(__file__).resolve().parent.parent / "corpus" / "caidian"
src = (root / "source.txt").read_text(encoding="utf-8").split("\n")
KEEP = re.compile(r"[\u3400-\u9fff\uf900-\ufaff0-9A-Za-z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
BOOKMARK = re.compile(r"\[bookmark: [^\]]*\]")

def chars(text):
    text = BOOKMARK.sub("", text)
    return collections.Counter(KEEP.findall(text))

rows = [l.split("\t") for l in (root / "panels.tsv").read_text(encoding="utf-8").splitlines()[1:] if l.strip()]
bad = 0
groups = collections.OrderedDict()
for r in rows:
    r += [""] * (7 - len(r))
    start, body, end, pid, title, fmt, file = r[:7]
    start, body, end = int(start), int(body), int(end)
    if not (start <= body <= end + 1):
        print(f"row {r}: need start <= body <= end+1"); bad += 1
    # Consecutive rows with the same id and title are one panel (a panel split over boxes).
    key = (len(groups) - 1, pid, title) if groups and list(groups)[-1][1:] == (pid, title) else (len(groups), pid, title)
    g = groups.setdefault(key, {"fmt": fmt, "file": file, "body": collections.Counter(), "head": collections.Counter()})
    for n in range(start, end + 1):
        line = src[n - 1]
        if line.strip() in ("(",) and line.startswith(" "):
            print(f"panel {pid} {title}: line {n} is a box opener inside the range"); bad += 1
        (g["head"] if n < body else g["body"]).update(chars(line))
for (_, pid, title), g in groups.items():
    # The source prints some numbered headings without the word 专栏 (` 5-2`, ` 10-1`).
    head = chars(("专栏" if pid else "") + pid + title)
    if g["head"] and g["head"] != head and g["head"] != chars(pid + title):
        print(f"panel {pid} {title}: heading lines hold {dict(g['head'])}, id+title hold {dict(head)}"); bad += 1
    if g["fmt"] == "table":
        t = (root / g["file"]).read_text(encoding="utf-8")
        tc = chars("\n".join(l for l in t.splitlines() if not l.startswith("#")))
        if tc != g["body"]:
            missing = g["body"] - tc
            extra = tc - g["body"]
            print(f"panel {pid} {title} ({g['file']}): missing {dict(missing)} extra {dict(extra)}"); bad += 1
        cols = None
        for i, l in enumerate(x for x in t.splitlines() if not x.startswith("#")):
            n = len(l.split("\t"))
            if cols is None: cols = n
            elif n != cols:
                print(f"{g['file']}: row {i} has {n} cells, header has {cols}"); bad += 1
print(f"{len(groups)} panels checked, {bad} problems")
sys.exit(1 if bad else 0)
