#!/usr/bin/env python3
"""Make the 1,000-post corpus site that `.ci/run` builds and validates.

    python3 tests/validate/make_corpus.py --posts 1000 --out DIR

Runs ../shared/bench/gen_corpus.py (content only), then makes DIR a complete site:
- copies the repo's config.toml, templates/ and static/ next to the content;
- copies the example site's standalone pages (content/*.md, i.e. about.md), because the
  repo's templates/partials/footer.html links every page to /about/;
- writes a tiny placeholder PNG for each /images/... file that the generated Markdown
  embeds but gen_corpus.py does not ship (graphic-NN.png), so that the link checker can
  stay strict about missing images.
Then: target/release/showpress --root DIR build --output OUT.
"""
import argparse
import os
import re
import shutil
import struct
import subprocess
import sys
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def tiny_png():
    """A valid 1x1 grey PNG."""
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)
    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00\x80")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--posts", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--out", required=True, help="the corpus site folder (must not exist, or be empty)")
    ap.add_argument("--repo", default=REPO, help="the showpress repo (config.toml, templates/, static/)")
    ap.add_argument("--gen", default=None, help="gen_corpus.py (default: REPO/../shared/bench/gen_corpus.py)")
    args = ap.parse_args()
    gen = args.gen or os.path.join(args.repo, "..", "shared", "bench", "gen_corpus.py")
    if not os.path.isfile(gen):
        sys.exit(f"make_corpus: {gen} not found")
    if os.path.exists(args.out) and os.listdir(args.out):
        sys.exit(f"make_corpus: {args.out} exists and is not empty")
    cmd = [sys.executable, gen, "--posts", str(args.posts), "--out", args.out]
    if args.seed is not None:
        cmd += ["--seed", str(args.seed)]
    subprocess.run(cmd, check=True)
    shutil.copy(os.path.join(args.repo, "config.toml"), args.out)
    for d in ("templates", "static"):
        src = os.path.join(args.repo, d)
        if os.path.isdir(src):
            shutil.copytree(src, os.path.join(args.out, d), dirs_exist_ok=True)
    pages = 0
    content = os.path.join(args.repo, "content")
    for f in sorted(os.listdir(content)):
        if f.endswith(".md") and os.path.isfile(os.path.join(content, f)):
            dst = os.path.join(args.out, "content", f)
            if not os.path.exists(dst):
                shutil.copy(os.path.join(content, f), dst)
                pages += 1
    refs = set()
    for dirpath, _, files in os.walk(os.path.join(args.out, "content")):
        for f in files:
            if f.endswith(".md"):
                with open(os.path.join(dirpath, f), encoding="utf-8") as fh:
                    refs.update(re.findall(r"\]\((/images/[^)\s]+\.png)\)", fh.read()))
    made = 0
    png = tiny_png()
    for ref in sorted(refs):
        dst = os.path.join(args.out, "static", ref.lstrip("/"))
        if not os.path.exists(dst):
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            with open(dst, "wb") as fh:
                fh.write(png)
            made += 1
    print(f"make_corpus: {args.out}: {args.posts} posts, {pages} standalone page(s) copied, "
          f"{made} placeholder image(s)")


if __name__ == "__main__":
    main()
