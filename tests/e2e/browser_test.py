#!/usr/bin/env python3
"""Real-browser end-to-end tests of `plansearch serve`.

Standard library only: it drives Debian's `chromium` through `chromedriver` (package
`chromium-driver`) with the W3C WebDriver HTTP protocol over urllib.

    python3 tests/e2e/browser_test.py [path/to/plansearch]

The tests: a search typed into the box and a hit opened; no Content-Security-Policy
violation on any page (with a passage page's JSON-LD data block present, and a deliberate
inline script refused, so the check is known to be listening); axe-core over every kind of
page, in each language view of the search pages, failing on any serious or critical
violation and printing the moderate and minor ones; the keyboard: Tab reaches every visible
control of a page, and each shows a focus indicator (`:focus-visible` with an outline).

The server binary comes from argv[1], else $PLANSEARCH_BIN, else target/release/plansearch
(relative to the repository root); nothing is built or installed here (scripts/e2e.sh builds
the binary and installs axe-core with `npm ci` into tests/e2e/node_modules; $AXE_JS names
another axe.min.js). The browser and driver come from $CHROMIUM / $CHROMEDRIVER, else
`chromium` / `chromedriver` on PATH. Screenshots go to target/e2e/ (search.png, passage.png,
targets-focus.png; failure-<test>.png on failure), with the server's and the driver's logs
and axe.json (every page's violations) beside them.

Finding the binary, starting, waiting for and stopping the server and chromedriver, HTTP and
the test loop are tests/e2e/harness.py's, shared with tests/e2e/reference_managers.py; this
file has the tests, the WebDriver client, the browser session and the failure screenshots
(harness.run's on_failure hook).

The closing line is `N passed, M failed` (harness.run); the exit code is non-zero on any
failure. Everything started here (server, chromedriver and its browser, the temporary
profile) is torn down on success and on failure.
"""

import base64
import contextlib
import json
import os
import shutil
import sys
import tempfile
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import ARTIFACTS, REPO, Failure, http, log, wait_until  # noqa: E402

QUERY = "蔡甸莲藕"
HIGHLIGHT = "莲藕"
NO_RESULT = "chapter:3 莲藕"
AXE_JS = os.environ.get("AXE_JS", os.path.join(REPO, "tests", "e2e", "node_modules", "axe-core", "axe.min.js"))
KEY_TAB = "\ue004"
SERVER_LOG = os.path.join(ARTIFACTS, "server.log")
DRIVER_LOG = os.path.join(ARTIFACTS, "chromedriver.log")

# Every kind of page; the search pages in each of their language views.
def _q(q):
    return urllib.parse.quote(q)


PAGES = [
    ("start", "/"),
    ("results", f"/search?q={_q(QUERY)}"),
    ("results, Chinese view", f"/search?q={_q(QUERY)}&view=zh"),
    ("results, English view", f"/search?q={_q(QUERY)}&view=en"),
    ("results in English", f"/search?q={_q('lotus root')}&view=en"),
    ("no result", f"/search?q={_q(NO_RESULT)}"),
    ("no result, Chinese view", f"/search?q={_q(NO_RESULT)}&view=zh"),
    ("no result, English view", f"/search?q={_q(NO_RESULT)}&view=en"),
    ("passage", "/p/caidian/4.1.3"),
    ("passage under inferred headings", f"/p/caidian/5.2.1?q={_q('发展')}"),
    ("outline", "/outline"),
    ("targets", "/targets"),
    ("projects", "/projects"),
]

# Registered before any page script runs (DevTools, not the page: the CSP does not apply).
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__cspViolations.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' ' + (e.sample || ''));
});
"""

# WebDriver's element reference key and the Enter key.
ELEMENT = "element-6066-11e4-a52e-4f735466cecf"
KEY_ENTER = "\ue007"


class WebDriver:
    """The handful of W3C WebDriver commands this test needs."""

    def __init__(self, base):
        self.base = base
        self.session = None

    def cmd(self, method, path, body=None, timeout=60):
        url = f"{self.base}/session/{self.session}{path}"
        status, payload = http(method, url, body, timeout=timeout)
        value = payload.get("value") if isinstance(payload, dict) else payload
        if status != 200:
            if isinstance(value, dict):
                raise Failure(f"WebDriver {method} {path}: {value.get('error')}: {value.get('message', '')[:300]}")
            raise Failure(f"WebDriver {method} {path}: HTTP {status}: {str(payload)[:300]}")
        return value

    def start(self, chromium, profile):
        args = [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--no-proxy-server",
            "--window-size=1280,1000",
            f"--user-data-dir={profile}",
        ]
        caps = {
            "capabilities": {
                "alwaysMatch": {
                    "browserName": "chrome",
                    "pageLoadStrategy": "normal",
                    "goog:chromeOptions": {"binary": chromium, "args": args},
                }
            }
        }
        status, payload = http("POST", f"{self.base}/session", caps, timeout=120)
        value = payload.get("value") if isinstance(payload, dict) else None
        if status != 200 or not isinstance(value, dict) or "sessionId" not in value:
            raise Failure(f"cannot start a browser session: HTTP {status}: {str(payload)[:500]}")
        self.session = value["sessionId"]
        caps = value.get("capabilities", {})
        log(f"browser: {caps.get('browserName')} {caps.get('browserVersion')}")
        self.cmd("POST", "/timeouts", {"pageLoad": 30000, "script": 60000, "implicit": 0})

    def quit(self):
        if self.session:
            try:
                self.cmd("DELETE", "", timeout=20)
            finally:
                self.session = None

    def get(self, url):
        self.cmd("POST", "/url", {"url": url})

    def url(self):
        return self.cmd("GET", "/url")

    def find_all(self, css, within=None):
        path = f"/element/{within}/elements" if within else "/elements"
        return [e[ELEMENT] for e in self.cmd("POST", path, {"using": "css selector", "value": css})]

    def find(self, css):
        found = self.find_all(css)
        if not found:
            raise Failure(f"no element matches {css!r} on {self.url()}")
        return found[0]

    def text(self, el):
        return self.cmd("GET", f"/element/{el}/text")

    def attr(self, el, name):
        return self.cmd("GET", f"/element/{el}/attribute/{name}")

    def prop(self, el, name):
        return self.cmd("GET", f"/element/{el}/property/{name}")

    def type(self, el, text):
        self.cmd("POST", f"/element/{el}/value", {"text": text})

    def click(self, el):
        self.cmd("POST", f"/element/{el}/click", {})

    def ready(self):
        return self.cmd("POST", "/execute/sync", {"script": "return document.readyState", "args": []}) == "complete"

    def js(self, script, *args):
        return self.cmd("POST", "/execute/sync", {"script": script, "args": list(args)})

    def js_async(self, script, *args):
        return self.cmd("POST", "/execute/async", {"script": script, "args": list(args)}, timeout=120)

    def cdp(self, cmd, params):
        """A Chrome DevTools command through chromedriver."""
        return self.cmd("POST", "/goog/cdp/execute", {"cmd": cmd, "params": params})

    def keys(self, *keys):
        """Press and release each key in turn, as one action sequence."""
        actions = []
        for k in keys:
            actions += [{"type": "keyDown", "value": k}, {"type": "keyUp", "value": k}]
        self.cmd("POST", "/actions", {"actions": [{"type": "key", "id": "keyboard", "actions": actions}]}, timeout=300)
        self.cmd("DELETE", "/actions")

    def load(self, url):
        self.get(url)
        wait_until(f"{url} to load", self.ready)

    def screenshot(self, path):
        png = base64.b64decode(self.cmd("GET", "/screenshot"))
        if not png.startswith(b"\x89PNG\r\n\x1a\n"):
            raise Failure("the screenshot is not a PNG")
        with open(path, "wb") as f:
            f.write(png)
        log(f"screenshot: {os.path.relpath(path, REPO)} ({len(png)} bytes)")


def find_tool(env, *names):
    if os.environ.get(env):
        return os.environ[env]
    for n in names:
        p = shutil.which(n)
        if p:
            return p
    raise Failure(f"none of {', '.join(names)} is on PATH (set ${env}); scripts/e2e.sh installs them")


def test_search_and_open_passage(wd, base):
    # 1. The start page has the search form.
    wd.get(base + "/")
    wait_until("the start page", wd.ready)
    box = wd.find("form.search input#q")
    if wd.prop(box, "value"):
        raise Failure("the search box is not empty on the start page")

    # 2. Type the query and press Enter: the form submits to /search?q=….
    wd.type(box, QUERY + KEY_ENTER)

    def on_results():
        u = urllib.parse.urlsplit(wd.url())
        return u.path == "/search" and urllib.parse.parse_qs(u.query).get("q") == [QUERY] and wd.ready()

    wait_until(f"the results page for {QUERY}", on_results)
    hits = wait_until("li.hit results", lambda: wd.find_all("li.hit"))
    log(f"{len(hits)} hits on the first page; total shown: {wd.text(wd.find('#total'))}")
    if wd.prop(wd.find("input#q"), "value") != QUERY:
        raise Failure("the results page does not keep the query in the search box")

    # 3. Highlighted results: a <mark> containing 莲藕 inside the first hits.
    first = hits[:3]
    marks = []
    for h in first:
        marks += [wd.text(m) for m in wd.find_all("mark", within=h)]
    log(f"highlights in the first {len(first)} hits: {marks}")
    if not any(HIGHLIGHT in m for m in marks):
        raise Failure(f"no <mark> containing {HIGHLIGHT!r} in the first {len(first)} hits (marks: {marks})")
    wd.screenshot(os.path.join(ARTIFACTS, "search.png"))

    # 4. Open the first hit.
    link = wd.find_all("a.hit-link", within=hits[0])
    if not link:
        raise Failure("the first hit has no a.hit-link")
    href = wd.attr(link[0], "href")
    target = urllib.parse.urlsplit(urllib.parse.urljoin(base + "/", href))
    if not target.path.startswith("/p/caidian/"):
        raise Failure(f"the first hit links to {href!r}, not under /p/caidian/")
    if urllib.parse.parse_qs(target.query).get("q") != [QUERY]:
        raise Failure(f"the first hit's link does not carry the query: {href!r}")
    pid = target.path.rsplit("/", 1)[1]
    log(f"clicking the first hit: {urllib.parse.unquote(href)}")
    wd.click(link[0])

    # 5. The passage page.
    wait_until("the passage page", lambda: urllib.parse.urlsplit(wd.url()).path.startswith("/p/caidian/") and wd.ready())
    here = urllib.parse.urlsplit(wd.url())
    if urllib.parse.unquote(here.path) != urllib.parse.unquote(target.path):
        raise Failure(f"opened {wd.url()}, expected {target.path}")
    shown = wd.text(wait_until("#pid", lambda: wd.find_all("#pid"))[0])
    if shown != f"caidian/{urllib.parse.unquote(pid)}":
        raise Failure(f"#pid shows {shown!r}, expected 'caidian/{pid}'")
    text = wd.text(wd.find(".passage .text"))
    if not text.strip():
        raise Failure("the passage text is empty")
    log(f"passage {shown}: {text[:60]!r}…")
    wd.screenshot(os.path.join(ARTIFACTS, "passage.png"))


# ---- the Content-Security-Policy, with a JSON-LD data block on the page -----------------------

def csp_violations(wd):
    v = wd.js("return window.__cspViolations === undefined ? null : window.__cspViolations")
    if v is None:
        raise Failure(f"the CSP listener is not installed on {wd.url()}")
    return v


def test_no_page_violates_the_content_security_policy(wd, base):
    for name, path in PAGES:
        wd.load(base + path)
        v = csp_violations(wd)
        if v:
            raise Failure(f"{name} ({path}): Content-Security-Policy violations: {v}")
    log(f"no CSP violation on {len(PAGES)} pages")

    # The passage page's JSON-LD is read by the browser as data: it parses, and it never runs.
    wd.load(base + "/p/caidian/4.1.3")
    ld = wd.js("var s = document.querySelectorAll('script[type=\"application/ld+json\"]');"
               " return s.length === 1 ? JSON.parse(s[0].textContent) : null;")
    if not ld or not str(ld.get("isPartOf", {}).get("name", "")).startswith("蔡甸区") or not ld.get("url", "").endswith("/p/caidian/4.1.3"):
        raise Failure(f"the passage page's JSON-LD: {ld!r}")
    canonical = wd.js("var l = document.querySelector('link[rel=canonical]'); return l ? l.href : null;")
    if canonical != ld["url"]:
        raise Failure(f"canonical {canonical!r} is not the JSON-LD url {ld['url']!r}")
    log(f"JSON-LD: {ld['@type']} {ld['name']!r}, part of {ld['isPartOf']['name']!r}; canonical {canonical}")

    # The listener hears: an inline script put into the page is refused and reported.
    wd.js("var s = document.createElement('script'); s.textContent = 'window.__inlineRan = true;'; document.head.appendChild(s);")
    reported = wait_until("the refused inline script to be reported", lambda: csp_violations(wd))
    if wd.js("return window.__inlineRan === true;"):
        raise Failure("an inline script ran: the CSP allows inline script")
    log(f"an inline script is refused as it should be: {reported[0]}")


# ---- accessibility: axe-core ------------------------------------------------------------------

AXE_RUN = """
var done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ['violations']}).then(function (r) {
  done({version: axe.version, violations: r.violations.map(function (v) {
    return {id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl, nodes: v.nodes.map(function (n) {
      return {target: n.target.join(' '), html: n.html.slice(0, 200), summary: n.failureSummary};
    })};
  })});
}, function (e) { done({error: String(e)}); });
"""


def test_axe_finds_no_serious_or_critical_violation(wd, base):
    if not os.path.exists(AXE_JS):
        raise Failure(f"no axe-core at {AXE_JS} (scripts/e2e.sh installs it: npm ci --prefix tests/e2e)")
    with open(AXE_JS, encoding="utf-8") as f:
        axe = f.read()
    report, serious, other, version = {}, [], [], None
    for name, path in PAGES:
        wd.load(base + path)
        if wd.js(axe + "\nreturn typeof window.axe;") != "object":
            raise Failure(f"{name}: axe-core did not load")
        res = wd.js_async(AXE_RUN)
        if not isinstance(res, dict) or "error" in res:
            raise Failure(f"{name}: axe.run failed: {res!r}")
        version = res["version"]
        report[path] = res["violations"]
        for v in res["violations"]:
            line = f"{name} ({path}): {v['impact']} {v['id']}: {v['help']} — {len(v['nodes'])} node(s), e.g. {v['nodes'][0]['target']}: {v['nodes'][0]['html']}"
            (serious if v["impact"] in ("serious", "critical") else other).append(line)
    with open(os.path.join(ARTIFACTS, "axe.json"), "w", encoding="utf-8") as f:
        json.dump(report, f, ensure_ascii=False, indent=1)
    for line in other:
        log(f"axe (not failing): {line}")
    log(f"axe-core {version} on {len(PAGES)} pages: {len(serious)} serious or critical, {len(other)} moderate or minor violation(s)")
    if serious:
        raise Failure("axe-core: serious or critical violations:\n  " + "\n  ".join(serious))


# ---- the keyboard -----------------------------------------------------------------------------

KEYBOARD_SETUP = """
var visible = function (el) {
  if (el.disabled || el.getAttribute('tabindex') === '-1' || !el.getClientRects().length) return false;
  var cs = getComputedStyle(el);
  return cs.visibility !== 'hidden' && cs.display !== 'none';
};
var list = Array.prototype.filter.call(
  document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]'), visible);
list.forEach(function (el, i) { el.setAttribute('data-e2e-control', String(i)); });
window.__focusLog = [];
document.addEventListener('focusin', function (e) {
  var el = e.target, cs = getComputedStyle(el);
  window.__focusLog.push({
    i: el.getAttribute('data-e2e-control'), tag: el.tagName.toLowerCase(),
    text: (el.textContent || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 40),
    focusVisible: el.matches(':focus-visible'),
    ring: (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2) || cs.boxShadow !== 'none'
  });
});
return list.map(function (el) { return el.tagName.toLowerCase() + ' ' + (el.textContent || el.value || '').trim().slice(0, 30); });
"""

KEYBOARD_PAGES = ["/", f"/search?q={_q(QUERY)}", f"/search?q={_q(NO_RESULT)}", "/p/caidian/4.1.3", "/outline", "/targets", "/projects"]


def test_the_keyboard_reaches_every_control_and_shows_where_it_is(wd, base):
    for path in KEYBOARD_PAGES:
        wd.load(base + path)
        controls = wd.js(KEYBOARD_SETUP)
        wd.keys(*([KEY_TAB] * (len(controls) + 2)))
        seen = wd.js("return window.__focusLog;")
        reached = {e["i"] for e in seen if e["i"] is not None}
        missed = [c for i, c in enumerate(controls) if str(i) not in reached]
        if missed:
            raise Failure(f"{path}: Tab never reaches {len(missed)} of {len(controls)} controls, e.g. {missed[:5]}")
        unseen = [e for e in seen if not (e["focusVisible"] and e["ring"])]
        if unseen:
            raise Failure(f"{path}: {len(unseen)} control(s) show no focus indicator, e.g. {unseen[:3]}")
        log(f"{path}: Tab reaches all {len(controls)} controls, each with a visible focus ring")
        if path == "/targets":
            # What a keyboard user sees on a chart bar.
            wd.js("var a = document.querySelector('figure.chart svg a'); a.focus(); a.scrollIntoView({block: 'center'});")
            wd.screenshot(os.path.join(ARTIFACTS, "targets-focus.png"))


TESTS = [
    test_search_and_open_passage,
    test_no_page_violates_the_content_security_policy,
    test_axe_finds_no_serious_or_critical_violation,
    test_the_keyboard_reaches_every_control_and_shows_where_it_is,
]


@contextlib.contextmanager
def chromedriver(path):
    """chromedriver on a free loopback port; yields its URL once /status says ready."""
    port = harness.free_port()
    url = f"http://127.0.0.1:{port}"

    def ready():
        status, payload = http("GET", f"{url}/status", timeout=5)
        try:
            return status == 200 and payload["value"]["ready"]
        except (KeyError, TypeError):
            return False

    with harness.process("chromedriver", [path, f"--port={port}", "--allowed-ips=127.0.0.1"], DRIVER_LOG,
                         ready, "chromedriver", 30):
        yield url


@contextlib.contextmanager
def browser(binary):
    """The server, chromedriver, then a headless browser with a fresh profile, listening for CSP
    violations; yields (WebDriver, the server's base URL) and tears all of it down."""
    chromium = find_tool("CHROMIUM", "chromium", "chromium-browser", "google-chrome")
    driver = find_tool("CHROMEDRIVER", "chromedriver")
    profile = tempfile.mkdtemp(prefix="plansearch-e2e-profile-")
    try:
        with harness.serve(binary, SERVER_LOG) as base, chromedriver(driver) as driver_url:
            wd = WebDriver(driver_url)
            try:
                wd.start(chromium, profile)
                wd.cdp("Page.addScriptToEvaluateOnNewDocument", {"source": CSP_LISTENER})
                yield wd, base
            finally:
                try:
                    wd.quit()
                except Exception as e:  # noqa: BLE001
                    log(f"closing the browser session: {e}")
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def screenshot_failure(test, wd, base):
    """What the browser showed when a test failed: a screenshot, the URL, the title and text."""
    try:
        wd.screenshot(os.path.join(ARTIFACTS, f"failure-{test.__name__}.png"))
        log(f"failure at {wd.url()}")
        page = wd.js("return [document.title, (document.body || document.documentElement).innerText.slice(0, 400)]")
        log(f"page title {page[0]!r}; text: {page[1]!r}")
    except Exception as e:  # noqa: BLE001
        log(f"no failure screenshot: {e}")


def main():
    for stale in ["search.png", "passage.png", "targets-focus.png", "axe.json"] + [f"failure-{t.__name__}.png" for t in TESTS]:
        try:
            os.remove(os.path.join(ARTIFACTS, stale))
        except FileNotFoundError:
            pass
    return harness.run(TESTS, browser, screenshot_failure, what="the browser tests", server_log=SERVER_LOG)


if __name__ == "__main__":
    sys.exit(main())
