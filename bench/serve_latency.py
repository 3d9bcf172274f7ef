#!/usr/bin/env python3
"""Save-to-screen latency of `showpress serve`.

Starts `showpress serve` on a site (by default the 10k corpus that bench/run.sh generates),
then, EDITS times: appends a unique sentence to one post with an atomic save (temp file +
rename, as editors do) and measures, from the moment the rename returns,
  (a) until the live-reload event arrives on /__showpress/events, and
  (b) until GET of the post's page returns the new sentence,
and reads the rebuild's own time from serve's `Rebuilt ... in N ms` line. When the site has
search on (serve answers /search/meta.json), also
  (c) until the search index served holds the sentence's unique number: meta.json, then the
      chunk whose range holds that term (as search.js picks it), polled like (b).
Prints medians and the 90th percentile, and serve's memory (VmRSS now, VmHWM peak) from /proc.

    bench/serve_latency.py [--root SITE] [--bin PATH] [--edits 20]
"""
import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def sse_connect(port):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"GET /__showpress/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
    s.settimeout(30)
    return s


def sse_events(sock):
    """Yields (event, data) pairs, parsing chunked SSE loosely: lines matter, framing doesn't."""
    buf = b""
    event = None
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return
        buf += chunk
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            line = line.strip(b"\r")
            if line.startswith(b"event:"):
                event = line[6:].strip().decode()
            elif line.startswith(b"data:") and event:
                yield event, line[5:].strip().decode()
                event = None


def get(port, path):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as r:
        return r.read().decode("utf-8", "replace")


def search_has(port, term):
    """Whether the served search index lists `term` (an ASCII term: Python's order is JS's)."""
    meta = json.loads(get(port, "/search/meta.json"))
    chunk = None
    for first, name in meta["chunks"]:
        if first <= term:
            chunk = name
        else:
            break
    if chunk is None:
        return False
    return any(entry[0] == term for entry in json.loads(get(port, "/search/" + chunk)))


def has_search(port):
    try:
        get(port, "/search/meta.json")
        return True
    except urllib.error.HTTPError:
        return False


def proc_mem(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(("VmRSS", "VmHWM")):
                k, v = line.split(":", 1)
                out[k] = int(v.split()[0]) / 1024
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", default=os.path.join(os.environ.get("OUT_BASE", "/tmp/showpress-bench"), "sp-10000"))
    ap.add_argument("--bin", default=os.path.join(REPO, "target/release/showpress"))
    ap.add_argument("--edits", type=int, default=20)
    ap.add_argument("--mode", choices=["body", "title"], default="body",
                    help="body: append a paragraph (only the post's page changes); "
                         "title: also change the title (every list showing the post changes)")
    args = ap.parse_args()

    posts = os.path.join(args.root, "content/posts")
    candidates = sorted(
        os.path.join(d, f) for d, _, fs in os.walk(posts) for f in fs if f.endswith(".md")
    )
    if not candidates:
        sys.exit(f"no posts under {posts}: run bench/run.sh first, or pass --root")
    # A published post: the corpus marks about 1% as drafts.
    target = next(p for p in candidates if "draft = true" not in open(p, encoding="utf-8").read())
    original = open(target, encoding="utf-8").read()
    slug = re.sub(r"^\d{4}-\d{2}-\d{2}-", "", os.path.basename(target)[:-3])
    m = re.search(r'^slug = "(.*)"$', original, re.M)
    if m:
        slug = m.group(1)
    path = f"/posts/{slug}/"

    server = subprocess.Popen(
        [args.bin, "--root", args.root, "serve", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, bufsize=1,
    )
    lines = []
    port = None
    try:
        for line in server.stdout:
            lines.append(line.rstrip())
            m = re.search(r"Serving http://127\.0\.0\.1:(\d+)/", line)
            if m:
                port = int(m.group(1))
                break
        if port is None:
            sys.exit("serve did not start:\n" + "\n".join(lines))
        print("\n".join(lines))
        rebuilt = []
        threading.Thread(
            target=lambda: [rebuilt.append(l.rstrip()) for l in server.stdout], daemon=True
        ).start()
        sock = sse_connect(port)
        events = sse_events(sock)
        assert next(events)[0] == "hello"
        mem_before = proc_mem(server.pid)
        search = has_search(port)

        to_event, to_served, to_indexed, rebuild_ms = [], [], [], []
        tmp = os.path.join(os.path.dirname(target), ".bench-save.tmp")
        for i in range(args.edits):
            unique = str(time.time_ns())  # a word of its own: a term of the search index
            marker = f"latency-marker-{i}-{unique}"
            text = original + f"\n\n{marker}\n"
            if args.mode == "title":
                text = re.sub(r'^title = "', f'title = "{i} ', text, count=1, flags=re.M)
            with open(tmp, "w", encoding="utf-8") as f:
                f.write(text)
            n_before = len(rebuilt)
            served = {}

            def poll():
                while True:
                    if marker in get(port, path):
                        served["t"] = time.perf_counter()
                        return
                    time.sleep(0.002)

            def poll_index():
                end = time.perf_counter() + 30
                while time.perf_counter() < end:
                    try:
                        found = search_has(port, unique)
                    except (OSError, ValueError):  # a chunk of the index just replaced
                        found = False
                    if found:
                        served["indexed"] = time.perf_counter()
                        return
                    time.sleep(0.002)

            t0 = time.perf_counter()
            os.replace(tmp, target)
            poller = threading.Thread(target=poll)
            poller.start()
            indexer = threading.Thread(target=poll_index) if search else None
            if indexer:
                indexer.start()
            for event, _ in events:
                if event in ("reload", "css"):
                    to_event.append((time.perf_counter() - t0) * 1000)
                    break
            poller.join(timeout=30)
            to_served.append((served["t"] - t0) * 1000)
            if indexer:
                indexer.join(timeout=31)
                if "indexed" not in served:
                    sys.exit(f"edit {i}: the search index never listed {unique} (30 s)")
                to_indexed.append((served["indexed"] - t0) * 1000)
            deadline = time.time() + 5
            while len(rebuilt) == n_before and time.time() < deadline:
                time.sleep(0.01)
            m = re.search(r"in (\d+) ms", rebuilt[-1]) if len(rebuilt) > n_before else None
            if m:
                rebuild_ms.append(int(m.group(1)))
            time.sleep(0.3)
        mem_after = proc_mem(server.pid)
    finally:
        with open(target, "w", encoding="utf-8") as f:
            f.write(original)
        server.terminate()
        server.wait(timeout=10)

    def row(name, xs):
        xs = sorted(xs)
        p90 = xs[min(len(xs) - 1, int(len(xs) * 0.9))]
        print(f"{name:<34} median {statistics.median(xs):7.1f} ms   p90 {p90:7.1f} ms   (n={len(xs)})")

    print(f"\nsite: {args.root}  post: {path}  edits: {args.edits} ({args.mode})")
    row("write -> reload event", to_event)
    row("write -> new text served (HTTP)", to_served)
    if to_indexed:
        row("write -> new text in search index", to_indexed)
    else:
        print("(search off: no /search/meta.json served)")
    row("rebuild itself (serve's report)", rebuild_ms)
    print(f"serve memory: VmRSS {mem_after['VmRSS']:.0f} MiB after the edits "
          f"({mem_before['VmRSS']:.0f} before), peak VmHWM {mem_after['VmHWM']:.0f} MiB")


if __name__ == "__main__":
    main()
