#!/usr/bin/env python3
"""Does `showpress serve` give its memory back after heavy use?

Starts `showpress serve` on a site (by default the 10k corpus that bench/run.sh generates) and
prints serve's VmRSS and VmHWM (peak) from /proc/PID/status at each step:
  1. baseline: VmRSS after 3 s idle, once serve is ready;
  2. opens STREAMS live-reload connections (GET /__showpress/events) and keeps them open;
  3. saves one published post EDITS times (appends a unique paragraph; temp file + rename, as
     editors do); after each save every stream must get a `reload` event within 30 s. Meanwhile
     `wrk -t2 -c50 -dDURATIONs` (without wrk: a Python thread pool) GETs a rotation of
     existing pages; prints requests/s, p99 and the count of bad responses;
  4. closes the streams, restores the post (and waits for its rebuild), reads VmRSS after 3 s
     and again 10 s later (serve closes idle keep-alive connections after 10 s);
  5. SUMMARY: baseline, peak, after, and after - baseline in MiB and percent.
Exits non-zero if a stream missed a reload or was closed, a response was not 2xx, a request
failed (wrk socket errors), or serve died. The post is restored and serve stopped on any exit.

    bench/serve_memory.py [--root SITE] [--bin PATH] [--streams 200] [--edits 50] [--duration 20]

Without --bin: `cargo build --release`, then target/release/showpress. Only 127.0.0.1 is used.
"""
import argparse, http.client, json, os, re, selectors, shutil, signal, socket, subprocess
import sys, tempfile, threading, time
from concurrent.futures import ThreadPoolExecutor

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WAIT = 30  # seconds: the bound on every wait, so a hang is a failure, not a stuck benchmark


class Failed(Exception):
    pass


def proc_mem(pid):  # {"VmRSS": MiB, "VmHWM": MiB}
    with open(f"/proc/{pid}/status") as f:
        fields = dict(line.split(":", 1) for line in f)
    return {k: int(fields[k].split()[0]) / 1024 for k in ("VmRSS", "VmHWM")}


class Streams:
    """Live-reload streams, all read by one thread with select: 200 reader threads would
    compete with serve and wrk for the machine's 2 cores and blur the measurement."""

    def __init__(self, port, n):
        self.sel, self.socks, self.stop = selectors.DefaultSelector(), [], False
        self.hello, self.reloads, self.ended = [0] * n, [0] * n, [False] * n
        for i in range(n):
            s = socket.create_connection(("127.0.0.1", port))
            s.sendall(b"GET /__showpress/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                      b"Accept: text/event-stream\r\n\r\n")
            s.setblocking(False)
            self.sel.register(s, selectors.EVENT_READ, [i, b""])  # stream index, unparsed bytes
            self.socks.append(s)
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        # SSE is parsed loosely: the `event:` lines matter, the chunked framing doesn't.
        while not self.stop:
            for key, _ in self.sel.select(timeout=0.2):
                st = key.data
                try:
                    chunk = key.fileobj.recv(65536)
                except BlockingIOError:
                    continue
                except OSError:
                    chunk = b""
                if not chunk:  # serve ended a stream that a page would keep open
                    self.ended[st[0]] = True
                    self.sel.unregister(key.fileobj)
                    continue
                *lines, st[1] = (st[1] + chunk).split(b"\n")
                for line in lines:
                    event = line[6:].strip() if line.startswith(b"event:") else None
                    if event == b"hello":
                        self.hello[st[0]] += 1
                    elif event == b"reload":
                        self.reloads[st[0]] += 1

    def close(self):
        self.stop = True
        self.thread.join()
        for s in self.socks:
            s.close()


def wait_for(pred, what, server, detail=lambda: ""):
    deadline = time.monotonic() + WAIT
    while not pred():
        if server.poll() is not None:
            raise Failed(f"serve died (exit {server.returncode}) while waiting for {what}")
        if time.monotonic() > deadline:
            raise Failed(f"timed out after {WAIT} s waiting for {what}{detail()}")
        time.sleep(0.005)


def atomic_write(path, text):
    tmp = os.path.join(os.path.dirname(path), ".bench-memory.tmp")  # hidden: serve ignores it
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def status_of(port, path):  # http.client, not urllib: a redirect must not be followed
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request("GET", path)
    status = c.getresponse().status
    c.close()
    return status


def run_wrk(port, paths, duration, workdir, procs):
    lua = os.path.join(workdir, "rotate.lua")
    with open(lua, "w") as f:
        f.write(f"local paths = {json.dumps(paths).replace('[', '{').replace(']', '}')}\n"
                "local i = 0\nrequest = function()\n  i = i + 1\n"
                "  return wrk.format('GET', paths[(i % #paths) + 1])\nend\n")
    p = subprocess.Popen(["wrk", "-t2", "-c50", f"-d{duration}s", "--latency", "-s", lua,
                          f"http://127.0.0.1:{port}/"], stdout=subprocess.PIPE, text=True)
    procs.append(p)
    out = p.communicate()[0]
    find = lambda rx: (re.search(rx, out, re.M) or [None, None])[1]
    errors = find(r"Socket errors: (.*)$")
    # wrk only counts responses that are neither 2xx nor 3xx; the rotation is pages that
    # answered 200, so a 3xx would also be a fault, but wrk cannot see it.
    return {"tool": f"wrk -t2 -c50 -d{duration}s", "rps": float(find(r"^Requests/sec:\s+(\S+)") or 0),
            "p99": find(r"^\s+99%\s+(\S+)"), "bad": int(find(r"Non-2xx or 3xx responses: (\d+)") or 0),
            "bad_label": "non-2xx/3xx", "errors": errors, "failed": bool(errors) or p.returncode != 0}


def run_pool(port, paths, duration, workers=16):
    deadline = time.monotonic() + duration
    lat, bad, errors = [], [0], [0]  # lists: the workers update them in place

    def worker(i):
        conn = None
        while time.monotonic() < deadline:
            conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            t0, i = time.perf_counter(), i + 1
            try:
                conn.request("GET", paths[i % len(paths)])
                r = conn.getresponse()
                r.read()
                lat.append(time.perf_counter() - t0)
                bad[0] += not 200 <= r.status < 300
            except OSError:
                errors[0] += 1
                conn = conn.close()  # None: reconnect
        if conn:
            conn.close()  # idle keep-alive connections would otherwise hold serve's memory

    with ThreadPoolExecutor(workers) as ex:
        list(ex.map(worker, range(workers)))
    lat.sort()
    return {"tool": f"python pool ({workers} threads, {duration} s)", "rps": len(lat) / duration,
            "p99": f"{lat[int(len(lat) * 0.99)] * 1000:.2f}ms" if lat else None, "bad": bad[0],
            "bad_label": "non-2xx", "errors": errors[0] or None, "failed": errors[0] > 0}


def main():
    ap = argparse.ArgumentParser(description="serve's memory before, during and after heavy use")
    ap.add_argument("--root", default=os.path.join(os.environ.get("OUT_BASE", "/tmp/showpress-bench"), "sp-10000"))
    ap.add_argument("--bin", help="showpress binary (default: cargo build --release)")
    ap.add_argument("--streams", type=int, default=200)
    ap.add_argument("--edits", type=int, default=50)
    ap.add_argument("--duration", type=int, default=20, help="seconds of load (wrk -d)")
    args = ap.parse_args()
    if not args.bin:
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
        args.bin = os.path.join(REPO, "target/release/showpress")

    posts = os.path.join(args.root, "content/posts")
    files = sorted(os.path.join(d, f) for d, _, fs in os.walk(posts) for f in fs if f.endswith(".md"))
    published = [p for p in files[:400] if "draft = true" not in open(p, encoding="utf-8").read()]
    if not published:
        sys.exit(f"no published post under {posts}: run bench/run.sh first, or pass --root")

    def url_of(p):  # a post's URL: its `slug`, else the file name without its date prefix
        m = re.search(r'^slug = "(.*)"$', open(p, encoding="utf-8").read(), re.M)
        slug = m.group(1) if m else re.sub(r"^\d{4}-\d{2}-\d{2}-", "", os.path.basename(p)[:-3])
        return f"/posts/{slug}/"

    target = published[0]
    original = open(target, encoding="utf-8").read()
    # Ctrl-C is a KeyboardInterrupt; a kill (SIGTERM) must reach the `finally` below as well.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    workdir = tempfile.mkdtemp(prefix="serve-memory.")
    err = open(os.path.join(workdir, "serve.err"), "w")
    server = subprocess.Popen([args.bin, "--root", args.root, "serve", "--port", "0"],
                              stdout=subprocess.PIPE, stderr=err, text=True, bufsize=1)
    streams, procs, problems = None, [], []
    try:
        port, head = None, []
        for line in server.stdout:  # serve prints `Built ...`, then Serving once it is ready
            head.append(line.rstrip())
            if m := re.search(r"Serving http://127\.0\.0\.1:(\d+)/", line):
                port = int(m.group(1))
                break
        if port is None:
            raise Failed("serve did not start:\n" + "\n".join(head))
        print("\n".join(head))
        out = []
        threading.Thread(target=lambda: [out.append(l.rstrip()) for l in server.stdout], daemon=True).start()
        rebuilt = lambda: sum(l.startswith("Rebuilt ") for l in out)

        def mem(label):
            m = proc_mem(server.pid)
            print(f"{label:<44} VmRSS {m['VmRSS']:7.1f} MiB   VmHWM {m['VmHWM']:7.1f} MiB")
            return m

        # The rotation is probed before the baseline, so the baseline has served requests.
        rotation = [url_of(target), "/", "/archive/", "/tags/", "/page/2/", "/rss.xml"]
        rotation += [url_of(p) for p in published[1::40][:6]]
        rotation = [p for p in rotation if status_of(port, p) == 200]
        print(f"site: {args.root}   edited post: {url_of(target)}\nrotation ({len(rotation)}): {' '.join(rotation)}")
        mem("1. ready")
        time.sleep(3)
        baseline = mem("1. baseline (3 s idle)")["VmRSS"]

        streams = Streams(port, args.streams)
        wait_for(lambda: all(streams.hello), f"hello on {args.streams} streams", server)
        mem(f"2. {args.streams} streams open")

        load, use_wrk = {}, shutil.which("wrk") is not None
        loader = threading.Thread(target=lambda: load.update(
            run_wrk(port, rotation, args.duration, workdir, procs) if use_wrk
            else run_pool(port, rotation, args.duration)), daemon=True)
        loader.start()
        t0 = time.monotonic()
        for i in range(args.edits):
            # A body edit rebuilds in milliseconds: spread the edits over the load, so that
            # rebuilds, reload fan-out and requests overlap for the whole run.
            time.sleep(max(0.0, t0 + i * args.duration / args.edits - time.monotonic()))
            before, n_rebuilt = list(streams.reloads), rebuilt()
            atomic_write(target, original + f"\n\nserve-memory edit {i} {time.time_ns()}\n")
            wait_for(lambda: rebuilt() > n_rebuilt, f"the rebuild of edit {i}", server)
            wait_for(lambda: all(r > b for r, b in zip(streams.reloads, before)),
                     f"the reload of edit {i} on every stream", server,
                     lambda: f": {sum(r <= b for r, b in zip(streams.reloads, before))} of "
                             f"{args.streams} streams missed it ({sum(streams.ended)} ended by serve)")
            if (i + 1) % 10 == 0:
                mem(f"3. edit {i + 1}/{args.edits} ({time.monotonic() - t0:.1f} s)")
        edits_s = time.monotonic() - t0
        loader.join()
        if not load:
            raise Failed("the load generator failed (see above)")
        mem("3. load over")
        print(f"edits: {args.edits} in {edits_s:.1f} s, every stream got every reload "
              f"(reloads per stream: {min(streams.reloads)}-{max(streams.reloads)})")
        print(f"load ({load['tool']}): {load['rps']:.0f} requests/s, p99 {load['p99']}, "
              f"{load['bad_label']} {load['bad']}, socket errors {load['errors'] or 'none'}")
        if load["bad"] or load["failed"]:
            problems.append("the load saw bad responses or failed requests")
        if any(streams.ended):
            problems.append(f"serve ended {sum(streams.ended)} live-reload streams")

        streams.close()
        streams, n_rebuilt = None, rebuilt()
        atomic_write(target, original)
        wait_for(lambda: rebuilt() > n_rebuilt, "the rebuild of the restored post", server)
        time.sleep(3)
        mem("4. streams closed, post restored, +3 s")
        time.sleep(10)
        final = mem("4. +10 s more (idle keep-alive timeout)")
        d = final["VmRSS"] - baseline
        print(f"SUMMARY baseline {baseline:.1f} MiB, peak VmHWM {final['VmHWM']:.1f} MiB, "
              f"after {final['VmRSS']:.1f} MiB, after - baseline {d:+.1f} MiB ({d / baseline * 100:+.1f}%)")
    except Failed as e:
        problems.append(str(e))
    except KeyboardInterrupt:
        print("interrupted")
        sys.exit(130)
    finally:
        if streams:
            streams.close()
        for p in procs:
            if p.poll() is None:
                p.terminate()
        if open(target, encoding="utf-8").read() != original:
            atomic_write(target, original)
        if server.poll() is not None:
            problems.append(f"serve is no longer running (exit {server.returncode})")
        server.terminate()
        server.wait(timeout=10)
        err.close()
        if os.path.getsize(err.name):
            print("serve's stderr (last lines):\n" + "".join(open(err.name).readlines()[-20:]))
        shutil.rmtree(workdir)
    for p in problems:
        print(f"FAILED: {p}")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
