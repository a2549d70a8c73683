#!/usr/bin/env python3
"""The citation exports read by real consumers: CSL-JSON rendered by a CSL processor
(citeproc-py, as Zotero, Mendeley and pandoc render it) and RIS read by an RIS reader (rispy,
as EndNote and Zotero import it), from the command line and from a running server.

    target/e2e/venv/bin/python tests/e2e/reference_managers.py [path/to/plansearch]

scripts/e2e.sh installs the readers (tests/e2e/requirements.txt) into target/e2e/venv and
runs this after the browser test. The binary comes from argv[1], else $PLANSEARCH_BIN, else
target/release/plansearch. The server it starts (log: target/e2e/server-reference-managers.log)
is stopped on success and on failure. Finding the binary, the server, HTTP and the test loop
are tests/e2e/harness.py's, as for the browser test.

The closing line is `N passed, M failed` (harness.run); the exit code is non-zero on any
failure.
"""

import contextlib
import json
import os
import subprocess
import sys
import urllib.parse

import rispy
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import ARTIFACTS, REPO, Failure, fetch, log  # noqa: E402

PLAN = "蔡甸区国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要"
ISSUER = "蔡甸区人民政府"
BASE_URL = "https://plans.example.org"
# The style citeproc-py ships with; a real style, not one written for this test.
STYLE = "harvard-cite-them-right"
SERVER_LOG = os.path.join(ARTIFACTS, "server-reference-managers.log")


def render(items):
    """The bibliography entries citeproc-py makes of CSL-JSON items, in citation order."""
    source = CiteProcJSON(items)
    style = CitationStylesStyle(STYLE, validate=False)
    bib = CitationStylesBibliography(style, source, formatter.plain)
    missing = []
    citations = [Citation([CitationItem(item["id"])]) for item in items]
    for c in citations:
        bib.register(c)
    for c in citations:
        bib.cite(c, lambda item: missing.append(item.key))
    if missing:
        raise Failure(f"citeproc-py knows no item {missing}")
    return [str(entry) for entry in bib.bibliography()]


def read_ris(text):
    """rispy's entries; RIS lines end with CR LF, so read without newline translation."""
    entries = rispy.loads(text)
    if text.count("\r\nER  - ") + text.startswith("ER  - ") != len(entries):
        raise Failure(f"rispy read {len(entries)} entries from {text.count('ER  - ')} records")
    return entries


def expect(cond, what):
    if not cond:
        raise Failure(what)


def check_entry(entry, pid, title):
    """An RIS entry as EndNote would file it: a section of the plan, by the issuer."""
    expect(entry.get("type_of_reference") == "ECHAP", f"{pid}: type {entry.get('type_of_reference')!r}")
    expect(entry.get("title") == title, f"{pid}: title {entry.get('title')!r}, expected {title!r}")
    expect(entry.get("secondary_title") == PLAN, f"{pid}: the plan as the book: {entry.get('secondary_title')!r}")
    expect(entry.get("authors") == [ISSUER], f"{pid}: authors {entry.get('authors')!r}")
    expect(entry.get("year") == "2021", f"{pid}: year {entry.get('year')!r}")
    expect(entry.get("language") == "zh-CN", f"{pid}: language {entry.get('language')!r}")
    expect(entry.get("urls") == [f"{BASE_URL}/p/caidian/{pid}"], f"{pid}: urls {entry.get('urls')!r}")
    expect(len(entry.get("access_date", "")) == 10, f"{pid}: access date {entry.get('access_date')!r}")
    expect(entry.get("section") == title, f"{pid}: section {entry.get('section')!r}")


def check_rendered(text, pid, title):
    for part in (ISSUER, "(2021)", title, PLAN, f"Available at: {BASE_URL}/p/caidian/{pid}", "Accessed:"):
        expect(part in text, f"{pid}: {part!r} not in the rendered reference {text!r}")


CASES = [
    ("4.1.3", "第四章第一节，段落 4.1.3"),
    ("5.2.1", "第五章（标题缺失）第二节（标题缺失），段落 5.2.1"),
    ("p4-2.r1", "第四章第一节，专栏 4-2，段落 p4-2.r1"),
]


def test_command_line_exports_are_read_by_citeproc_and_rispy(binary, base):
    for pid, title in CASES:
        def cite(fmt):
            out = subprocess.run([binary, "cite", pid, "--format", fmt, "--base-url", BASE_URL],
                                 cwd=REPO, capture_output=True, check=False)
            expect(out.returncode == 0, f"plansearch cite {pid} --format {fmt}: {out.stderr.decode()}")
            return out.stdout.decode("utf-8")

        items = json.loads(cite("csl-json"))
        rendered = render(items)
        expect(len(rendered) == 1, f"{pid}: {len(rendered)} references")
        check_rendered(rendered[0], pid, title)
        log(f"citeproc-py ({STYLE}): {rendered[0]}")
        entries = read_ris(cite("ris"))
        expect(len(entries) == 1, f"{pid}: {len(entries)} RIS entries")
        check_entry(entries[0], pid, title)
    log(f"rispy: {entries[0]}")


def test_page_downloads_are_read_by_citeproc_and_rispy(binary, base):
    for pid, title in CASES:
        status, headers, body = fetch(f"{base}/api/passages/caidian/{urllib.parse.quote(pid)}/cite?format=ris")
        expect(status == 200, f"{pid} RIS: HTTP {status}: {body[:200]}")
        expect(headers.get("Content-Type") == "application/x-research-info-systems", f"{pid}: {headers.get('Content-Type')}")
        expect(headers.get("Content-Disposition") == f'attachment; filename="caidian-{pid}.ris"', f"{pid}: {headers.get('Content-Disposition')}")
        entries = read_ris(body)
        expect(len(entries) == 1, f"{pid}: {len(entries)} entries")
        check_entry(entries[0], pid, title)
        status, headers, body = fetch(f"{base}/api/passages/caidian/{urllib.parse.quote(pid)}/cite?format=csl-json")
        expect(status == 200, f"{pid} CSL-JSON: HTTP {status}")
        expect(headers.get("Content-Type") == "application/vnd.citationstyles.csl+json", f"{pid}: {headers.get('Content-Type')}")
        check_rendered(render(json.loads(body))[0], pid, title)


def test_a_search_exports_every_hit_in_ranking_order(binary, base):
    q = urllib.parse.quote("乡村振兴")
    status, _, body = fetch(f"{base}/api/search?q={q}&limit=100")
    expect(status == 200, f"/api/search: HTTP {status}")
    hits = json.loads(body)["hits"]
    expect(len(hits) > 10, f"more than one page of hits: {len(hits)}")
    urls = [f"{BASE_URL}/p/{h['doc']}/{h['id']}" for h in hits]
    status, headers, body = fetch(f"{base}/api/search/cite?q={q}&format=ris")
    expect(status == 200, f"/api/search/cite RIS: HTTP {status}: {body[:200]}")
    entries = read_ris(body)
    expect([e["urls"][0] for e in entries] == urls, "the RIS entries are the hits, in ranking order")
    status, headers, body = fetch(f"{base}/api/search/cite?q={q}&format=csl-json")
    items = json.loads(body)
    rendered = render(items)
    expect(len(rendered) == len(urls), f"{len(rendered)} references for {len(urls)} hits")
    for url in urls:
        expect(any(f"Available at: {url} " in r for r in rendered), f"no reference points at {url}")
    log(f"{len(entries)} RIS entries and {len(rendered)} rendered references for 乡村振兴")


TESTS = [
    test_command_line_exports_are_read_by_citeproc_and_rispy,
    test_page_downloads_are_read_by_citeproc_and_rispy,
    test_a_search_exports_every_hit_in_ranking_order,
]


@contextlib.contextmanager
def server(binary):
    """The server, its permalinks pointing at the published site as a deployment sets them;
    yields (binary, its base URL)."""
    with harness.serve(binary, SERVER_LOG, env=dict(os.environ, PLANSEARCH_BASE_URL=BASE_URL)) as base:
        yield binary, base


def main():
    return harness.run(TESTS, server, what="the reference manager tests", server_log=SERVER_LOG)


if __name__ == "__main__":
    sys.exit(main())
