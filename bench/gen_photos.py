#!/usr/bin/env python3
"""Writes a showpress site of photo post bundles for bench/images.sh.

    gen_photos.py REPO SITE [COUNT]

SITE gets REPO's config.toml, templates/ (if any), content/shows/*.md and
content/guests/*.md, and COUNT (default 30) bundles content/posts/2025/photo-NN/index.md,
each with a photo.jpg of 2400x1600 (noise over gradients and soft shapes, JPEG quality 90,
EXIF Orientation 1) shown in the body as ![사진 설명](photo.jpg).

Needs Pillow; nothing else outside the standard library. Photos are made by code: nothing is
downloaded.
"""

import datetime
import random
import shutil
import sys
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter

WIDTH, HEIGHT = 2400, 1600
# Shows and guests of the repository's example site (content/shows, content/guests).
SHOWS = ["경제토크쇼픽", "Tech Weekly"]
GUESTS = [["김도현"], ["서영주", "박희덕"], ["박희덕"], ["김도현", "서영주"]]
TAGS = [["사진", "현장"], ["사진", "반도체"], ["사진", "AI"]]


def photo(n: int) -> Image.Image:
    """A photo-like 2400x1600 RGB image: gradients, blurred blobs, sensor-like noise."""
    rnd = random.Random(n)
    size = (WIDTH, HEIGHT)
    # Gradients: a horizontal one, a vertical one and a radial one, turned by n.
    horiz = Image.linear_gradient("L").rotate(90 + 12 * n).resize(size)
    vert = Image.linear_gradient("L").rotate(7 * n).resize(size)
    radial = Image.radial_gradient("L").resize(size)
    base = Image.merge("RGB", (horiz, vert, ImageChops.invert(radial)))
    # Soft shapes, like objects out of focus.
    shapes = Image.new("RGB", size, (0, 0, 0))
    draw = ImageDraw.Draw(shapes)
    for _ in range(14):
        x, y = rnd.randrange(WIDTH), rnd.randrange(HEIGHT)
        r = rnd.randrange(80, 420)
        colour = tuple(rnd.randrange(40, 220) for _ in range(3))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
    shapes = shapes.filter(ImageFilter.GaussianBlur(40))
    img = Image.blend(base, shapes, 0.5)
    # Per-channel noise (Gaussian around 128), added with offset -128.
    noise = Image.merge("RGB", [Image.effect_noise(size, 14) for _ in range(3)])
    return ImageChops.add(img, noise, scale=1.0, offset=-128)


def exif_bytes(n: int) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = 1  # Orientation: as stored
    exif[0x010F] = "Samsung"  # Make
    exif[0x0110] = "SM-S928N"  # Model
    exif[0x0132] = f"2025:09:{n % 28 + 1:02} 12:00:00"  # DateTime
    return exif.tobytes()


def front_matter(n: int) -> str:
    day = datetime.date(2025, 9, 1) + datetime.timedelta(days=n - 1)
    guests = ", ".join(f'"{g}"' for g in GUESTS[n % len(GUESTS)])
    tags = ", ".join(f'"{t}"' for t in TAGS[n % len(TAGS)])
    return (
        "+++\n"
        f'title = "사진으로 보는 방송 {n:02}"\n'
        f"date = {day.isoformat()}\n"
        f'show = "{SHOWS[n % len(SHOWS)]}"\n'
        f"episode = {300 + n}\n"
        f"tags = [{tags}]\n"
        f"guests = [{guests}]\n"
        f'source = "https://news.example.com/photo/{n:02}"\n'
        "+++\n"
    )


def body(n: int) -> str:
    return (
        f"방송 {300 + n}회의 현장 사진 한 장을 남긴다.\n\n"
        "![사진 설명](photo.jpg)\n\n"
        "사진은 휴대전화로 찍은 원본 그대로다. 가로 2400, 세로 1600 픽셀이다.\n"
    )


def main() -> None:
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    repo, site = Path(sys.argv[1]), Path(sys.argv[2])
    count = int(sys.argv[3]) if len(sys.argv) == 4 else 30
    site.mkdir(parents=True, exist_ok=True)
    shutil.copy(repo / "config.toml", site / "config.toml")
    if (repo / "templates").is_dir():
        shutil.copytree(repo / "templates", site / "templates")
    for part in ("shows", "guests"):
        (site / "content" / part).mkdir(parents=True, exist_ok=True)
        for md in sorted((repo / "content" / part).glob("*.md")):
            shutil.copy(md, site / "content" / part / md.name)
    for n in range(1, count + 1):
        bundle = site / "content" / "posts" / "2025" / f"photo-{n:02}"
        bundle.mkdir(parents=True, exist_ok=True)
        (bundle / "index.md").write_text(front_matter(n) + "\n" + body(n), encoding="utf-8")
        photo(n).save(bundle / "photo.jpg", "JPEG", quality=90, exif=exif_bytes(n))


if __name__ == "__main__":
    main()
