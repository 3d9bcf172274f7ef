#!/usr/bin/env bash
# Image benchmark: a site of 30 photo post bundles (2400x1600 JPEGs, made by
# bench/gen_photos.py), built three times:
#   (a) first build: cache and output deleted first
#   (b) rebuild into an empty output folder, cache kept
#   (c) rebuild with nothing changed
# Prints wall time and peak RSS of each, showpress's "Built ..." line, and the ratio (b)/(a).
#
#   bench/images.sh
#
# Environment:
#   SHOWPRESS_BIN  the binary to run (default target/release/showpress, relative to the repo;
#                  build it first with `cargo build --release`)
#   OUT_BASE       where the site, output, cache and logs go (default /tmp/showpress-bench);
#                  everything is under $OUT_BASE/images-30
#   PHOTOS         number of photo bundles (default 30)
#   PYTHON         Python with Pillow (default: python3, or Debian's /usr/bin/python3 after
#                  `apt-get install -y python3-pil`, which this script runs when needed)
#
# See bench/README.md, section "Images".
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT_BASE=${OUT_BASE:-/tmp/showpress-bench}
SHOWPRESS_BIN=${SHOWPRESS_BIN:-$REPO/target/release/showpress}
PHOTOS=${PHOTOS:-30}
TIME=/usr/bin/time

die() { echo "images.sh: $*" >&2; exit 1; }

[[ $PHOTOS =~ ^[1-9][0-9]?$ ]] || die "PHOTOS must be 1-99, got '$PHOTOS'"
[[ -x $SHOWPRESS_BIN ]] || die "not an executable: $SHOWPRESS_BIN (cargo build --release, or set SHOWPRESS_BIN)"
[[ -x $TIME ]] || die "$TIME (GNU time) not found: apt-get install -y time"
$TIME -f %e true >/dev/null 2>&1 || die "$TIME does not accept -f (need GNU time)"

# Pillow: the pyenv python3 may lack it while Debian's has it, or neither does.
PY=${PYTHON:-python3}
if ! "$PY" -c 'import PIL' 2>/dev/null; then
    if [[ -z ${PYTHON:-} ]] && /usr/bin/python3 -c 'import PIL' 2>/dev/null; then
        PY=/usr/bin/python3
    elif [[ -z ${PYTHON:-} ]]; then
        echo "== installing Pillow (apt-get install -y python3-pil)"
        apt-get install -y python3-pil >/dev/null \
            || { apt-get update >/dev/null && apt-get install -y python3-pil >/dev/null; } \
            || die "could not install python3-pil"
        PY=/usr/bin/python3
        "$PY" -c 'import PIL' || die "Pillow still not importable by $PY"
    else
        die "PYTHON=$PYTHON cannot import PIL"
    fi
fi

BASE=$OUT_BASE/images-$PHOTOS
SITE=$BASE/site
OUT=$BASE/out
CACHE=$BASE/cache
LOGS=$BASE/logs
# Paths deleted below must be where we think they are.
[[ $BASE == /?*/images-* && $BASE != *..* ]] || die "OUT_BASE must be an absolute path, got '$OUT_BASE'"

echo "== generating $PHOTOS photo bundles in $SITE"
rm -rf "$SITE"
mkdir -p "$SITE" "$LOGS"
"$PY" "$REPO/bench/gen_photos.py" "$REPO" "$SITE" "$PHOTOS"
echo "   $(find "$SITE/content/posts" -name photo.jpg | wc -l) photos," \
    "$(du -sh "$SITE/content/posts" | cut -f1) in content/posts"
echo "== showpress binary: $SHOWPRESS_BIN"

# run NAME: one timed build; sets WALL (s) and RSS (MiB), prints the row and the Built line.
run() {
    local name=$1
    local tf=$LOGS/$name.time
    if ! $TIME -o "$tf" -f '%e %M' "$SHOWPRESS_BIN" --root "$SITE" build \
        --output "$OUT" --cache-dir "$CACHE" >"$LOGS/$name.out" 2>"$LOGS/$name.err"; then
        echo "images.sh: build '$name' failed; stderr:" >&2
        cat "$LOGS/$name.err" >&2
        exit 1
    fi
    read -r WALL RSS_KB < <(tail -n 1 "$tf")
    RSS=$((RSS_KB / 1024))
    printf '%-28s wall %6.2f s   peak RSS %5d MiB\n' "$name" "$WALL" "$RSS"
    local built
    built=$(grep -m1 '^Built ' "$LOGS/$name.out" || true)
    echo "    ${built:-(no Built line; stdout in $LOGS/$name.out)}"
    if [[ -s $LOGS/$name.err ]]; then
        echo "    stderr: $(wc -l <"$LOGS/$name.err") lines, first: $(head -n 1 "$LOGS/$name.err")"
    fi
}

rm -rf "$OUT" "$CACHE"
run "a-first-build"
WALL_A=$WALL
rm -rf "$OUT"
run "b-empty-output-cache-kept"
WALL_B=$WALL
run "c-nothing-changed"

echo "published photos: $(find "$OUT" -type f \( -iname '*.jpg' -o -iname '*.jpeg' -o -iname '*.webp' -o -iname '*.avif' -o -iname '*.png' \) | wc -l) image files in $OUT"
awk -v a="$WALL_A" -v b="$WALL_B" 'BEGIN {
    if (a > 0) printf "ratio (b)/(a) wall: %.3f\n", b / a
    else print "ratio (b)/(a) wall: n/a (first build took 0.00 s)"
}'
echo "logs: $LOGS"
