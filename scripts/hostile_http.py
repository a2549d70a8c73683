#!/usr/bin/env python3
"""Send malformed HTTP to a running plansearch server and check it never answers 5xx.

    python3 scripts/hostile_http.py                 # starts target/release/plansearch itself
    python3 scripts/hostile_http.py --base http://127.0.0.1:8080 --n 20000

Each request goes over its own raw socket, so nothing is cleaned up by an HTTP library:
random bytes in parameters, huge values, broken percent-escapes, path tricks, bad methods,
broken request lines and headers, and raw garbage. Every answer's status is counted; any
5xx, and a server that stops answering /healthz afterwards, fail the run (exit 1). No
answer at all (the server closing a connection on garbage) is counted, not failed.
Traffic goes to loopback only, bounded in count and time.
"""

import argparse
import collections
import json
import os
import random
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

PIECES = ['"', "“", "”", "「", "-", " ", "\u3000", "OR", "|", "chapter:", "section:", "panel:", "kind:", "doc:", "company:",
          "：", "第七章", "4-1", "4.1", "99999999999999999999", "-1", "&", "<script>", "'", "%", "\\", "../", "\x00", "\x07",
          "\u200b", "\ufeff", "😀", "ＧＤＰ", "鄉村振興", "莲藕", "中法武汉生态示范城", "lianou", "air quality", "\r\n", "\n"]
PARAMS = ["q", "limit", "offset", "page", "chapter", "section", "panel", "kind", "doc", "company", "lang", "x", ""]
PATHS = ["/", "/search", "/api/search", "/api/outline", "/api/openapi.json", "/outline", "/healthz", "/p/caidian/1.1",
         "/p/1.1", "/api/passages/caidian/1.1", "/api/passages/1.1", "/static/style.css", "/static/app.js"]


def rand_text(rng, n):
    return "".join(rng.choice(PIECES) if rng.random() < 0.5 else chr(rng.choice(
        [rng.randrange(0x20, 0x7f), rng.randrange(0x4e00, 0x9fff), rng.randrange(0x80, 0x10ffff)])) for _ in range(n))


def pct(s, rng):
    """Percent-encode UTF-8 (surrogates as raw escapes), sometimes leaving bytes raw."""
    b = s.encode("utf-8", "surrogatepass")
    return "".join(chr(c) if (c < 0x80 and chr(c).isalnum() and rng.random() < 0.7) else f"%{c:02X}" for c in b)


def request(method, target, headers=None, body=b"", version="HTTP/1.1"):
    head = f"{method} {target} {version}\r\n".encode("latin-1", "replace") if isinstance(target, str) else \
        method.encode() + b" " + target + b" " + version.encode() + b"\r\n"
    hs = {"Host": "127.0.0.1", "Connection": "close"}
    hs.update(headers or {})
    for k, v in hs.items():
        if v is None:
            continue
        head += (k.encode("latin-1") if isinstance(k, str) else k) + b": " + (v.encode("latin-1") if isinstance(v, str) else v) + b"\r\n"
    return head + b"\r\n" + body


def cases(rng, n):
    """(category, raw bytes) for n requests."""
    gens = []

    def add(weight):
        def deco(f):
            gens.append((weight, f.__name__, f))
            return f
        return deco

    @add(4)
    def random_params():
        k = rng.randint(1, 6)
        qs = "&".join(f"{rng.choice(PARAMS)}={pct(rand_text(rng, rng.randint(0, 30)), rng)}" for _ in range(k))
        return request("GET", f"{rng.choice(['/api/search', '/search', '/'])}?{qs}")

    @add(4)
    def random_queries():
        # Valid encoding, hostile text: these reach the search engine.
        q = pct(rand_text(rng, rng.randint(0, 40)), rng).replace("%ED%A0", "%E4%B8")
        extra = rng.choice(["", "&lang=en", "&lang=zh", "&limit=100", "&offset=37", "&page=3"])
        return request("GET", f"{rng.choice(['/api/search', '/search'])}?q={q}{extra}")

    @add(2)
    def random_bytes_in_params():
        raw = bytes(rng.randrange(256) for _ in range(rng.randint(1, 60)))
        enc = "".join(f"%{c:02X}" for c in raw)
        return request("GET", f"/api/search?q={enc}&chapter={enc[:12]}")

    @add(1)
    def raw_bytes_in_target():
        raw = bytes(rng.choice([rng.randrange(0x80, 0x100), rng.randrange(0x21, 0x7f)]) for _ in range(rng.randint(1, 40)))
        return request("GET", b"/api/search?q=" + raw)

    @add(2)
    def huge_values():
        kind = rng.randrange(7)
        if kind == 0:
            return request("GET", "/api/search?q=" + "%E8%8E%B2" * rng.choice([501, 2000, 20000]))
        if kind == 1:
            return request("GET", "/api/search?q=a&" + "x=" + "y" * rng.choice([70000, 200000]))
        if kind == 2:
            v = rng.choice(["99999999999999999999999", "-1", "1e9", "0x10", "１０", "0", "10000", "10001", " 5", "NaN", "+3"])
            return request("GET", f"/api/search?q=%E8%8E%B2&{rng.choice(['limit', 'offset', 'page', 'chapter'])}={urllib.parse.quote(v)}")
        if kind == 3:
            return request("GET", "/api/search?q=x", {"X-Big": "a" * rng.choice([10000, 70000, 200000])})
        if kind == 4:
            return request("GET", "/api/search?q=x", {f"X-H{i}": "v" for i in range(rng.choice([100, 500, 2000]))})
        if kind == 5:
            return request("GET", "/" + "a/" * rng.choice([1000, 10000, 50000]))
        return request("GET", "/api/search?" + "&".join(f"q={i}" for i in range(rng.choice([1000, 8000]))))

    @add(2)
    def broken_escapes():
        bad = rng.choice(["%", "%z", "%ZZ", "%f", "%E4%B8", "%00", "%C0%AF", "%ED%A0%80", "%FF%FE", "%%", "%2", "%u4e00", "%E8%8E",
                          "+%", "%F4%90%80%80", "%e8%8e%b2%"])
        name = rng.choice(PARAMS)
        where = rng.randrange(3)
        if where == 0:
            return request("GET", f"/api/search?{name}={bad}")
        if where == 1:
            return request("GET", f"/api/search?{bad}=1&q=x")
        return request("GET", f"/p/caidian/{bad}")

    @add(2)
    def path_tricks():
        p = rng.choice([
            "/../../etc/passwd", "/static/../Cargo.toml", "/static/%2e%2e%2fCargo.toml", "/static/..%2f..%2fCargo.toml",
            "//api/search?q=x", "/api//search", "/api/passages/../../etc/passwd", "/p/caidian/%00", "/p/%ff/%fe", "/static/style.css%00",
            "/static/", "/static", "/p/", "/p", "/p/caidian/", "/api/passages/", "/api/passages/caidian/" + "9" * 400,
            "/p/" + "x" * 5000, "/%2e%2e/%2e%2e/etc/passwd", "/api/search/../../healthz", "/healthz?" + "&" * 1000, "*",
            "http://evil.example/api/search?q=x", "/api/search#frag", "/api/search?q=x#y", "/\\..\\..\\Cargo.toml", "/static/app.js/..",
            "/p/caidian/1.1/../../..", "/api/outline?doc=%00", "/%", "/%ZZ", "/%C0%AE%C0%AE/", "/;/api/search",
        ])
        return request("GET", p)

    @add(2)
    def bad_methods():
        m = rng.choice(["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT", "FOO", "get", "G ET", "GET\x00", "X" * 300,
                        "PROPFIND", "HEAD"])
        body = b""
        headers = {}
        if m in ("POST", "PUT", "PATCH"):
            body = os.urandom(rng.randint(0, 200))
            headers["Content-Length"] = str(len(body))
        return request(m, rng.choice(PATHS) + "?q=x", headers, body)

    @add(2)
    def broken_protocol():
        k = rng.randrange(12)
        if k == 0:
            return b"GET /\r\n\r\n"  # HTTP/0.9
        if k == 1:
            return request("GET", "/healthz", version=rng.choice(["HTTP/9.9", "HTTP/1", "HTTP/1.1.1", "HTTX/1.1", "", "HTTP/0.9"]))
        if k == 2:
            return b"GET /healthz HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n"  # header without a colon
        if k == 3:
            return b"GET /healthz HTTP/1.1\n\n"  # bare LF
        if k == 4:
            return request("GET", "/api/search?q=x", {"Content-Length": rng.choice(["-1", "abc", "99999999999999999999", "5, 6"])})
        if k == 5:
            return request("POST", "/api/search", {"Transfer-Encoding": "chunked"}, b"zz\r\nhello\r\n0\r\n\r\n")
        if k == 6:
            return request("GET", "/api/search?q=x", {"Transfer-Encoding": "chunked", "Content-Length": "3"}, b"0\r\n\r\n")
        if k == 7:
            return request("GET", "/api/search?q=x", {"Host": None})
        if k == 8:
            return request("GET", "/api/search?q=x", {b"X-Bin": bytes(rng.randrange(1, 256) for _ in range(30)).replace(b"\r", b"").replace(b"\n", b"")})
        if k == 9:
            return b"GET /api/search?q=x HTTP/1.1\r\nHost: a\r\n folded: header\r\n\r\n"
        if k == 10:
            return request("GET", "/api/search?q=x", {"Accept-Encoding": "gzip;q=" + "9" * 100, "Range": "bytes=-1-2"})
        return b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + os.urandom(60) + b"\r\n\r\n"  # TLS to plain HTTP

    @add(1)
    def raw_garbage():
        # Ended as a request head would be, so the server reads it all and must decide.
        return bytes(rng.randrange(256) for _ in range(rng.randint(1, 400))) + b"\r\n\r\n"

    total_w = sum(w for w, _, _ in gens)
    for _ in range(n):
        r = rng.uniform(0, total_w)
        for w, name, f in gens:
            r -= w
            if r <= 0:
                yield name, f()
                break
        else:
            yield gens[-1][1], gens[-1][2]()


def send(host, port, data, timeout):
    """The status code of the answer (None when the server closed without one) and the answer."""
    with socket.create_connection((host, port), timeout=timeout) as s:
        try:
            # No half-close: the server would take it as the client going away.
            s.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server may answer (431, 400) and close before the whole request is sent
        buf = b""
        try:
            while len(buf) < (1 << 20):
                chunk = s.recv(65536)
                if not chunk:
                    break
                buf += chunk
                # The answer has begun: a connection kept alive (requests without
                # `Connection: close`) then ends the read by a short timeout.
                s.settimeout(1.0)
        except ConnectionResetError:
            pass
        except (socket.timeout, TimeoutError):
            if not buf:
                raise
        if not buf.startswith(b"HTTP/"):
            return None, buf
        try:
            return int(buf.split(b" ", 2)[1]), buf
        except (IndexError, ValueError):
            return -1, buf


def start_server():
    binary = os.path.join(ROOT, "target/release/plansearch")
    if not os.path.exists(binary):
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    out = os.path.join(ROOT, "target/hostile")
    os.makedirs(out, exist_ok=True)
    index = os.path.join(out, "index")
    log = open(os.path.join(out, "server.log"), "wb")
    proc = subprocess.Popen([binary, "--index", index, "serve", "--addr", f"127.0.0.1:{port}"], cwd=ROOT, stdout=log, stderr=log)
    return proc, f"http://127.0.0.1:{port}"


def healthz(base, tries):
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    for _ in range(tries):
        try:
            with opener.open(base + "/healthz", timeout=3) as r:
                if r.status == 200:
                    return True
        except Exception:
            time.sleep(0.2)
    return False


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", help="a running server, http://127.0.0.1:PORT (default: start one)")
    ap.add_argument("--n", type=int, default=12000, help="requests to send")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--timeout", type=float, default=15.0, help="seconds to wait for one answer")
    args = ap.parse_args()

    proc = None
    base = args.base
    if base is None:
        proc, base = start_server()
    try:
        if not healthz(base, 600):
            sys.exit("hostile_http: the server never answered /healthz")
        u = urllib.parse.urlparse(base)
        host, port = u.hostname, u.port
        if host not in ("127.0.0.1", "localhost", "::1"):
            sys.exit("hostile_http: loopback only")
        rng = random.Random(args.seed)
        work = list(cases(rng, args.n))
        statuses = collections.Counter()
        by_cat = collections.defaultdict(collections.Counter)
        bad = []
        lock = threading.Lock()
        started = time.time()

        def worker(items):
            for cat, data in items:
                body = b""
                try:
                    st, body = send(host, port, data, args.timeout)
                except (socket.timeout, TimeoutError):
                    st = "timeout"
                except OSError as e:
                    st = f"error:{e.errno}"
                # A path trick that reached a file outside the app (Cargo.toml, /etc/passwd).
                leaked = b"[package]" in body or b"root:x:0:0" in body
                with lock:
                    statuses[st] += 1
                    by_cat[cat][st] += 1
                    if (isinstance(st, int) and st >= 500) or leaked:
                        bad.append((cat, f"{st}{' LEAKED A FILE' if leaked else ''}", data[:300]))

        threads = [threading.Thread(target=worker, args=(work[i::args.threads],)) for i in range(args.threads)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        secs = time.time() - started
        alive = healthz(base, 20)
        print(f"hostile_http: {len(work)} requests in {secs:.1f} s ({args.threads} connections at a time, seed {args.seed})")
        for cat in sorted(by_cat):
            c = by_cat[cat]
            print(f"  {cat:24} {sum(c.values()):6}  " + ", ".join(f"{k}: {v}" for k, v in sorted(c.items(), key=lambda kv: str(kv[0]))))
        print("  statuses: " + json.dumps({str(k): v for k, v in sorted(statuses.items(), key=lambda kv: str(kv[0]))}))
        for cat, st, data in bad[:20]:
            print(f"  5xx: {cat}: {st}: {data!r}")
        print(f"hostile_http: 5xx answers or leaked files: {len(bad)}; /healthz afterwards: {'200' if alive else 'NO ANSWER'}")
        if proc is not None and proc.poll() is not None:
            print("hostile_http: the server exited")
            alive = False
        if bad or not alive:
            sys.exit(1)
        print("hostile_http: ok")
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=10)
            logf = os.path.join(ROOT, "target/hostile/server.log")
            text = open(logf, encoding="utf-8", errors="replace").read()
            if "panicked" in text:
                print("hostile_http: the server log has a panic:\n" + "\n".join(l for l in text.splitlines() if "panicked" in l)[:2000])
                sys.exit(1)


if __name__ == "__main__":
    main()
