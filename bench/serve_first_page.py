#!/usr/bin/env python3
"""Time from starting `showpress serve` to the first 200 for `/`, and to the `Serving` line
(printed once the whole site is in memory). Usage:

    bench/serve_first_page.py SITE [--bin target/release/showpress] [--runs 3] [--port 18111]

Build the site once before (`showpress --root SITE build`) to measure serve starting from the
build cache; move SITE/.showpress aside to measure it without."""
import argparse
import subprocess
import time
import urllib.request

ap = argparse.ArgumentParser()
ap.add_argument("site")
ap.add_argument("--bin", default="target/release/showpress")
ap.add_argument("--runs", type=int, default=3)
ap.add_argument("--port", type=int, default=18111)
a = ap.parse_args()
for run in range(a.runs):
    t0 = time.time()
    p = subprocess.Popen([a.bin, "--root", a.site, "serve", "--port", str(a.port)],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    first = None
    try:
        while time.time() - t0 < 60:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{a.port}/", timeout=60) as r:
                    if r.status == 200:
                        first = time.time() - t0
                        break
            except OSError:
                time.sleep(0.01)
        serving = None
        for line in p.stdout:
            if line.startswith("Serving"):
                serving = time.time() - t0
                break
    finally:
        p.kill()
        p.wait()
    fmt = lambda x: "none" if x is None else f"{x:.3f} s"
    print(f"run {run + 1}: first 200 for /: {fmt(first)}; 'Serving' (whole site in memory): {fmt(serving)}")
