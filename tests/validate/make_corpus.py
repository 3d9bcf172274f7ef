#!/usr/bin/env python3
"""Make the 1,000-post corpus site that `.ci/run` builds and validates.

    python3 tests/validate/make_corpus.py --posts 1000 --out DIR

Runs ../shared/bench/gen_corpus.py (content only), then makes DIR a complete site:
- copies the repo's config.toml, templates/ and static/ next to the content;
- copies the example site's standalone pages (content/*.md, i.e. about.md), because the
  repo's templates/partials/footer.html links every page to /about/;
- writes a tiny placeholder PNG for each /images/... file that the generated Markdown
  embeds but gen_corpus.py does not ship (graphic-NN.png), so that the link checker can
  stay strict about missing images;
- gives every 10th post a `video =` (YouTube, Naver TV or an .mp4 in turn, made-up ids) and
  a `quote` shortcode by one of its guests, and every 20th a `youtube` shortcode, so the
  validators see the video facade, its JSON-LD and the shortcodes' output.
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


def add_videos(posts_dir):
    """Adds videos and shortcodes to every 10th post (sorted by path): deterministic."""
    files = []
    for dirpath, _, names in os.walk(posts_dir):
        files += [os.path.join(dirpath, n) for n in names if n.endswith(".md")]
    files.sort()
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    done = 0
    for n, path in enumerate(files):
        if n % 10:
            continue
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
        if not text.startswith("+++\n"):
            continue
        vid = "".join(alphabet[(n * 7 + i * 13) % len(alphabet)] for i in range(11))
        kind = (n // 10) % 3
        url = [f"https://www.youtube.com/watch?v={vid}&t={n % 600}s",
               f"https://tv.naver.com/v/{1000000 + n}",
               f"https://media.example.com/episodes/{n}.mp4"][kind]
        head, sep, body = text[4:].partition("\n+++")
        m = re.search(r'name\s*=\s*"([^"]+)"', head) or re.search(r'guests\s*=\s*\["([^"]+)"', head)
        speaker = m.group(1) if m else "시청자"
        extra = (f'\n\n{{% quote(speaker="{speaker}", at="{n % 60}:{n % 50:02d}") %}}\n'
                 f"방송에서 나온 말을 옮깁니다.\n{{% end %}}\n")
        if n % 20 == 0:
            extra += f'\n{{{{ youtube(id="{vid}", start={n % 300}) }}}}\n'
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(f'+++\nvideo = "{url}"\n{head}{sep}{body.rstrip()}{extra}')
        done += 1
    return done


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
    videos = add_videos(os.path.join(args.out, "content", "posts"))
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
          f"{made} placeholder image(s), {videos} post(s) with a video")


if __name__ == "__main__":
    main()
