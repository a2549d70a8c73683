"""What the end-to-end scripts share: the server binary, starting and stopping processes, HTTP,
waiting, and the test loop with its closing line.

Standard library only. tests/e2e/browser_test.py and tests/e2e/reference_managers.py import
it from beside them; each keeps only its own tests and what it alone starts (the browser test:
chromedriver, the browser session and its failure screenshots).

- `server_binary()`: argv[1], else $PLANSEARCH_BIN, else target/release/plansearch (relative
  to the repository root); nothing is built here (scripts/e2e.sh builds it).
- `serve(binary, log_path, env=None)`: `plansearch serve` on a free loopback port, from the
  repository root (its corpus/ and index/ are relative), its output in log_path; yields the
  base URL once /healthz answers, and stops the server on leaving. `process` is the same for
  any program that says when it is ready.
- `run(tests, setup, …)`: every test inside what setup starts; a failing test prints
  `FAILED name: message` (with the traceback when it is not a Failure) and the others still
  run; the closing line is `N passed, M failed`, which scripts/e2e.sh sums, and the return
  value is the exit code, non-zero on any failure.

Artifacts go to target/e2e/ (ARTIFACTS).
"""

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import traceback
import urllib.error
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ARTIFACTS = os.path.join(REPO, "target", "e2e")
STARTUP_TIMEOUT = float(os.environ.get("E2E_STARTUP_TIMEOUT", "180"))
WAIT_TIMEOUT = float(os.environ.get("E2E_WAIT_TIMEOUT", "20"))

# Never send loopback traffic through a proxy from the environment.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class Failure(Exception):
    pass


def log(msg):
    print(f"[e2e] {msg}", flush=True)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url, method="GET", body=None, timeout=60):
    """One HTTP request, body (if any) sent as JSON: (status, headers (names in any case), body text)."""
    data = None
    headers = {}
    if body is not None:
        data = json.dumps(body).encode("utf-8")
        headers["Content-Type"] = "application/json; charset=utf-8"
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with _OPENER.open(req, timeout=timeout) as resp:
            return resp.status, resp.headers, resp.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read().decode("utf-8", "replace")


def http(method, url, body=None, timeout=60):
    """One HTTP request; returns (status, decoded JSON or text)."""
    status, _, text = fetch(url, method, body, timeout)
    try:
        return status, json.loads(text)
    except ValueError:
        return status, text


def wait_until(what, fn, timeout=WAIT_TIMEOUT, interval=0.1):
    """Call fn until it returns something truthy; Failure after timeout."""
    deadline = time.monotonic() + timeout
    last_exc = None
    while True:
        try:
            value = fn()
            if value:
                return value
        except Failure as e:  # e.g. a WebDriver error while the page is navigating
            last_exc = e
        if time.monotonic() > deadline:
            extra = f" (last error: {last_exc})" if last_exc else ""
            raise Failure(f"timed out after {timeout:.0f}s waiting for {what}{extra}")
        time.sleep(interval)


def stop_process(proc, name, grace=5.0):
    """SIGTERM the process group we started (the process is its leader), then SIGKILL."""
    if proc is None or proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        log(f"{name} did not stop on SIGTERM; killing it")
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=grace)


def tail(path, lines=30):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError:
        return ""


def server_binary():
    """The plansearch binary: argv[1], else $PLANSEARCH_BIN, else target/release/plansearch."""
    binary = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("PLANSEARCH_BIN", "target/release/plansearch")
    binary = os.path.join(REPO, binary) if not os.path.isabs(binary) else binary
    if not os.access(binary, os.X_OK):
        raise Failure(f"no server binary at {binary} (run `cargo build --release`, or pass its path)")
    return binary


@contextlib.contextmanager
def process(name, argv, log_path, ready, until, timeout, **popen):
    """Start argv in a process group of its own, its output in log_path, and yield it once
    ready() is true (waiting for `until`; an OSError from ready() is "not yet"); Failure if it
    exits first or takes longer than timeout. Stopped on leaving, however that is."""
    log(f"{name}: {' '.join(argv)}")
    with open(log_path, "wb") as out:
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True, **popen)
    try:
        def up():
            # An exit ends the wait: a Failure raised in here would only be retried by wait_until.
            if proc.poll() is not None:
                return True
            try:
                return ready()
            except OSError:
                return False

        wait_until(until, up, timeout=timeout, interval=0.2)
        if proc.poll() is not None:
            raise Failure(f"{name} exited with {proc.returncode}:\n{tail(log_path)}")
        yield proc
    finally:
        stop_process(proc, name)


@contextlib.contextmanager
def serve(binary, log_path, env=None):
    """`binary serve` on a free loopback port, from the repository root, with env (default: this
    one's); yields its base URL once /healthz answers 200, and stops the server on leaving."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    t0 = time.monotonic()
    with process("server", [binary, "serve", "--addr", f"127.0.0.1:{port}"], log_path,
                 lambda: fetch(base + "/healthz", timeout=5)[0] == 200, "/healthz", STARTUP_TIMEOUT,
                 cwd=REPO, env=env):
        log(f"server healthy after {time.monotonic() - t0:.1f}s")
        yield base


def run(tests, setup, on_failure=None, *, what, server_log):
    """Run the tests inside setup and print the closing line; return the exit code.

    setup(binary) is a context manager: it starts what the tests need for the server binary
    (server_binary()), logging the server to server_log, and yields the arguments every test
    is called with. A failing test prints `FAILED name: message` (the traceback too when it is
    not a Failure), then on_failure(test, *arguments) runs (e.g. a screenshot), and the other
    tests still run. If setting up fails (`FAILED setting up <what>`), every test that has not
    passed counts as failed. What setup started is stopped before the closing line
    `N passed, M failed`; on any failure the server log's tail is printed.
    """
    os.makedirs(ARTIFACTS, exist_ok=True)
    with contextlib.suppress(FileNotFoundError):
        os.remove(server_log)  # a stale log would be read as this run's
    passed = 0
    failures = []
    try:
        with setup(server_binary()) as args:
            for test in tests:
                log(f"test: {test.__name__}")
                try:
                    test(*args)
                    passed += 1
                except Exception as e:  # noqa: BLE001 - a failing test is reported, the others still run
                    failures.append(test.__name__)
                    print(f"FAILED {test.__name__}: {e}", flush=True)
                    if not isinstance(e, Failure):
                        traceback.print_exc()
                    if on_failure is not None:
                        on_failure(test, *args)
        failed = len(failures)
    except Exception as e:  # noqa: BLE001 - setting up failed: every test not passed counts as failed
        failed = len(tests) - passed
        print(f"FAILED setting up {what}: {e}", flush=True)
        if not isinstance(e, Failure):
            traceback.print_exc()
        if os.path.exists(server_log):
            log(f"server log tail:\n{tail(server_log)}")
    if failures:
        log(f"failed: {', '.join(failures)}; server log tail:\n{tail(server_log)}")
    print(f"{passed} passed, {failed} failed", flush=True)
    return 0 if failed == 0 and passed == len(tests) else 1
