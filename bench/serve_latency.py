#!/usr/bin/env python3
"""Save-to-screen latency of `showpress serve`, per way of saving.

Starts `showpress serve` on a site (by default the 10k corpus that bench/run.sh generates),
then saves one post EDITS times per save style and edit, and measures, from the moment the
save is complete (the last rename, write or `sed` returned),
  (a) until the live-reload event arrives on /__showpress/events, and
  (b) until GET of the post's page returns the new text,
and reads the rebuild's own time from serve's `Rebuilt ... in N ms` line (and counts lines that
name more than the post: "(... and 1 more)"). When the site has search on (serve answers
/search/meta.json), also
  (c) until the search index served holds the edit's unique number: meta.json, then the
      chunk whose range holds that term (as search.js picks it), polled like (b).
Styles run in turns (one save of each, then the next round), so a drift of the machine's
speed affects them alike. Prints medians and the 90th percentile per edit and style, and
serve's memory (VmRSS now, VmHWM peak) from /proc.

    bench/serve_latency.py [--root SITE] [--bin PATH] [--edits 20]
                           [--style inplace|rename|vim|sed|gedit|jetbrains|kate|all[,...]]
                           [--edit body|title|all]

Save styles (what the editor does to the post, as its file system calls):
  inplace    open with O_TRUNC and write (VS Code, nano, current Kate)
  rename     write `.bench-save.tmp` beside it, rename it over the post
  vim        vim's default: create and delete `4913`, rename the post to `post.md~`, write a
             new `post.md`, delete `post.md~`
  sed        `sed -i` (GNU sed: temp `sedXXXXXX`, renamed over the post)
  gedit      GIO's g_file_replace: temp `.goutputstream-XXXXXX`, renamed over the post
  jetbrains  "safe write": `post.md___jb_tmp___` written, the post renamed to
             `post.md___jb_old___`, the temp renamed to `post.md`, the old one deleted
  kate       Qt's QSaveFile (KWrite/Kate before KTextEditor 6, Qt apps): an O_TMPFILE file
             written, linked as `post.md.XXXXXX` (six letters), renamed over the post
Edits: body (a paragraph with a unique number changes: only the post's page) and title (the
title changes too: every list showing the post). Every save makes the same change from the
state the previous one left, whatever the style.
"""
import argparse
import ctypes
import json
import os
import random
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


STYLES = ["inplace", "rename", "vim", "sed", "gedit", "jetbrains", "kate"]
ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def random_name(alphabet, n=6):
    return "".join(random.choice(alphabet) for _ in range(n))


def linkat_follow(src, dst):
    """linkat(AT_FDCWD, src, AT_FDCWD, dst, AT_SYMLINK_FOLLOW), as Qt names an O_TMPFILE file
    (Python's os.link calls link(2), which does not follow /proc/self/fd/N)."""
    libc = ctypes.CDLL(None, use_errno=True)
    at_fdcwd, at_symlink_follow = -100, 0x400
    if libc.linkat(at_fdcwd, src.encode(), at_fdcwd, dst.encode(), at_symlink_follow) != 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e), dst)


def save(style, target, text, sed_script):
    """Saves `text` as `target` the way `style` does; returns once the save is complete."""
    d, name = os.path.split(target)
    data = text.encode("utf-8")
    if style == "inplace":
        with open(target, "wb") as f:
            f.write(data)
    elif style == "rename":
        tmp = os.path.join(d, ".bench-save.tmp")
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, target)
    elif style == "vim":
        probe = os.path.join(d, "4913")
        open(probe, "wb").close()
        os.remove(probe)
        backup = target + "~"
        os.replace(target, backup)
        with open(target, "wb") as f:
            f.write(data)
        os.remove(backup)
    elif style == "sed":
        subprocess.run(["sed", "-i", *sed_script, target], check=True)
        with open(target, encoding="utf-8") as f:
            if f.read() != text:
                sys.exit("sed did not write the expected text")
    elif style == "gedit":
        tmp = os.path.join(d, ".goutputstream-" + random_name(ALNUM))
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, target)
    elif style == "jetbrains":
        tmp, old = target + "___jb_tmp___", target + "___jb_old___"
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(target, old)
        os.replace(tmp, target)
        os.remove(old)
    elif style == "kate":
        fd = os.open(d, os.O_TMPFILE | os.O_WRONLY, 0o644)
        try:
            os.write(fd, data)
            # QTemporaryFileEngine::materializeUnnamedFile: linkat to the name fails (it
            # exists), so the file is linked under the template name, then renamed.
            tmp = target + "." + random_name(ALNUM[:52])
            linkat_follow(f"/proc/self/fd/{fd}", tmp)
        finally:
            os.close(fd)
        os.replace(tmp, target)
    else:
        raise ValueError(style)


def text_for(original, edit, n, unique):
    """The post after save `n` of an edit: a marker paragraph (and title prefix) of its own."""
    text = original + f"\n\nlatency-marker-{n}-{unique}\n"
    if edit == "title":
        text = re.sub(r'^title = "', f'title = "{n}번 ', text, count=1, flags=re.M)
    return text


def sed_script_for(edit, n, unique):
    """What `sed -i` runs to turn the previous save's text into `text_for(..., n, unique)`."""
    script = ["-e", f"s/^latency-marker-.*$/latency-marker-{n}-{unique}/"]
    if edit == "title":
        script += ["-e", f's/^title = "[^ ]*번 /title = "{n}번 /']
    return script


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", default=os.path.join(os.environ.get("OUT_BASE", "/tmp/showpress-bench"), "sp-10000"))
    ap.add_argument("--bin", default=os.path.join(REPO, "target/release/showpress"))
    ap.add_argument("--edits", type=int, default=20, help="saves per style and edit")
    ap.add_argument("--style", default="rename",
                    help="comma-separated save styles, or all: " + ", ".join(STYLES))
    ap.add_argument("--edit", "--mode", dest="edit", default="body",
                    choices=["body", "title", "all"],
                    help="body: a paragraph changes (only the post's page changes); "
                         "title: the title too (every list showing the post changes)")
    ap.add_argument("--settle", type=float, default=0.3,
                    help="seconds between saves, after the previous one is served")
    args = ap.parse_args()
    styles = STYLES if args.style == "all" else args.style.split(",")
    for st in styles:
        if st not in STYLES:
            sys.exit(f"unknown style {st}: one of {', '.join(STYLES)} or all")
    edits = ["body", "title"] if args.edit == "all" else [args.edit]

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
    results = {}
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
        # Reload events with the moment they arrived, read on a thread of their own: a save's
        # figure is the first one after it (the prep save's event is never mistaken for it).
        arrived = []
        threading.Thread(
            target=lambda: [arrived.append((time.perf_counter(), e)) for e, _ in events
                            if e in ("reload", "css")],
            daemon=True,
        ).start()
        mem_before = proc_mem(server.pid)
        search = has_search(port)

        n = 0
        for edit in edits:
            for style in styles:
                results[(edit, style)] = {"event": [], "served": [], "indexed": [],
                                          "rebuild": [], "extra": 0}
            # Every later save of this edit changes the marker (and title) the previous left.
            n += 1
            save("inplace", target, text_for(original, edit, n, "prep"), None)
            time.sleep(1.0)
            for i in range(args.edits):
                for style in styles:
                    n += 1
                    r = results[(edit, style)]
                    unique = str(time.time_ns())  # a word of its own: a term of the search index
                    marker = f"latency-marker-{n}-{unique}"
                    text = text_for(original, edit, n, unique)
                    n_before = len(rebuilt)
                    served = {}

                    def poll():
                        end = time.perf_counter() + 30
                        while time.perf_counter() < end:
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

                    save(style, target, text, sed_script_for(edit, n, unique))
                    t0 = time.perf_counter()
                    poller = threading.Thread(target=poll)
                    poller.start()
                    poller.join(timeout=31)
                    # Started once the page is served: the index is written after the page
                    # (serve defers it), and a second poller fetching and parsing index
                    # files every 2 ms took CPU from the rebuild it was measuring (this
                    # machine has 2 cores).
                    indexer = threading.Thread(target=poll_index) if search else None
                    if indexer:
                        indexer.start()
                    if "t" not in served:
                        sys.exit(f"{style} {edit} save {i}: the page never showed {marker} (30 s)")
                    r["served"].append((served["t"] - t0) * 1000)
                    if indexer:
                        indexer.join(timeout=31)
                        if "indexed" not in served:
                            sys.exit(f"{style} {edit} save {i}: the search index never listed {unique}")
                        r["indexed"].append((served["indexed"] - t0) * 1000)
                    deadline = time.time() + 5
                    while len(rebuilt) == n_before and time.time() < deadline:
                        time.sleep(0.01)
                    time.sleep(args.settle)
                    after = [t for t, _ in list(arrived) if t >= t0]
                    if after:
                        r["event"].append((after[0] - t0) * 1000)
                    for line in rebuilt[n_before:]:
                        m = re.search(r"in (\d+) ms", line)
                        if m:
                            r["rebuild"].append(int(m.group(1)))
                        if " more)" in line:
                            r["extra"] += 1
        mem_after = proc_mem(server.pid)
    finally:
        with open(target, "w", encoding="utf-8") as f:
            f.write(original)
        server.terminate()
        server.wait(timeout=10)

    def stats(xs):
        if not xs:
            return "      -              -        "
        xs = sorted(xs)
        p90 = xs[min(len(xs) - 1, int(len(xs) * 0.9))]
        return f"{statistics.median(xs):7.1f} / {p90:7.1f} ms (n={len(xs):2})"

    print(f"\nsite: {args.root}  post: {path}  saves per style and edit: {args.edits}")
    print(f"load average at the end: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    print("median / p90: write -> reload event | write -> new text served (HTTP) | "
          + ("-> in search index | " if search else "") + "rebuild (serve's line) | lines naming more")
    for edit in edits:
        for style in styles:
            r = results[(edit, style)]
            cols = [stats(r["event"]), stats(r["served"])]
            if search:
                cols.append(stats(r["indexed"]))
            cols.append(stats(r["rebuild"]))
            print(f"{edit:<5} {style:<9} " + " | ".join(cols) + f" | {r['extra']}")
    if not search:
        print("(search off: no /search/meta.json served)")
    print(f"serve memory: VmRSS {mem_after['VmRSS']:.0f} MiB after the edits "
          f"({mem_before['VmRSS']:.0f} before), peak VmHWM {mem_after['VmHWM']:.0f} MiB")


if __name__ == "__main__":
    main()
