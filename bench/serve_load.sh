#!/usr/bin/env bash
# Load on `showpress serve` from another process (wrk) while a post is saved in a loop: requests
# per second, latency percentiles, and whether any page answered other than 2xx/3xx (a page
# that exists before and after an edit must never 404 while the site is rebuilt).
#
#   bench/serve_load.sh
#
# Environment:
#   OUT_BASE     default /tmp/showpress-bench; the site served is $OUT_BASE/sp-10000 (the 10k
#                corpus bench/run.sh generates) or, if it is missing, a temp copy of
#                tests/fixtures/pages
#   SITE         serve this site folder instead
#   DURATION     seconds of each wrk run (default 10)
#   THREADS      wrk -t (default 2)
#   CONNECTIONS  wrk -c (default 50)
#   MODE         body (default): each edit appends a paragraph to one post (its page only);
#                title: each edit also renames the post (every list showing it changes)
#   PAUSE        seconds between one edit's rebuild and the next edit (default 0.2)
#   IDLE         1 (default): first a wrk run without edits, for comparison; 0 skips it
#   BIN          the showpress binary (default: cargo build --release, then target/release)
#
# Needs wrk and curl (apt-get install -y wrk curl). The edited post is restored at the end.
# Only 127.0.0.1 is ever requested.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT_BASE=${OUT_BASE:-/tmp/showpress-bench}
DURATION=${DURATION:-10}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-50}
MODE=${MODE:-body}
PAUSE=${PAUSE:-0.2}
IDLE=${IDLE:-1}

die() { echo "serve_load.sh: $*" >&2; exit 1; }

command -v wrk >/dev/null || die "wrk not found: apt-get install -y wrk"
command -v curl >/dev/null || die "curl not found: apt-get install -y curl"
[[ $DURATION =~ ^[1-9][0-9]*$ ]] || die "DURATION must be a positive integer, got '$DURATION'"
[[ $MODE == body || $MODE == title ]] || die "MODE must be body or title, got '$MODE'"

WORK=$(mktemp -d /tmp/serve-load.XXXXXX)
SERVE_PID=
TARGET=
# shellcheck disable=SC2317  # called by the trap
cleanup() {
    if [[ -n $SERVE_PID ]]; then
        kill "$SERVE_PID" 2>/dev/null || true
        wait "$SERVE_PID" 2>/dev/null || true
    fi
    if [[ -n $TARGET && -f $WORK/original ]]; then
        cp "$WORK/original" "$TARGET"
        rm -f "$(dirname "$TARGET")/.serve-load.tmp"
    fi
    echo "logs: $WORK"
}
trap cleanup EXIT

# --- the binary and the site ---------------------------------------------------------------
if [[ -z ${BIN:-} ]]; then
    (cd "$REPO" && cargo build --release --quiet) || die "cargo build --release failed"
    target_dir=$(cd "$REPO" && cargo metadata --format-version 1 --no-deps \
        | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
    BIN=$target_dir/release/showpress
fi
[[ -x $BIN ]] || die "binary not found: $BIN"

if [[ -z ${SITE:-} ]]; then
    SITE=$OUT_BASE/sp-10000
    if [[ ! -f $SITE/config.toml ]]; then
        echo "note: $SITE not found (bench/run.sh 10000 generates it); using tests/fixtures/pages"
        SITE=$WORK/site
        cp -r "$REPO/tests/fixtures/pages" "$SITE"
    fi
fi
[[ -d $SITE/content ]] || die "no content/ in $SITE"
# The first 400 posts by path (no `| head` under pipefail: its early exit fails the pipe).
mapfile -t posts < <(find "$SITE/content/posts" -name '*.md' 2>/dev/null | sort)
((${#posts[@]} > 0)) || die "no posts under $SITE/content/posts"
posts=("${posts[@]:0:400}")

# A post's URL: its `slug`, else the file name without a date prefix.
url_of() {
    local f=$1 slug
    slug=$(sed -n 's/^slug = "\(.*\)"$/\1/p; T; q' "$f")
    if [[ -z $slug ]]; then
        slug=$(basename "$f" .md)
        slug=$(sed -E 's/^[0-9]{4}-[0-9]{2}-[0-9]{2}-//' <<<"$slug")
    fi
    echo "/posts/$slug/"
}

published=$(grep -L '^draft = true' "${posts[@]}" || true)
TARGET=$(head -n 1 <<<"$published")
[[ -n $TARGET ]] || die "no published post"
TARGET_URL=$(url_of "$TARGET")
cp "$TARGET" "$WORK/original"

# --- the server --------------------------------------------------------------------------------
"$BIN" --root "$SITE" serve --port 0 >"$WORK/serve.out" 2>"$WORK/serve.err" &
SERVE_PID=$!
PORT=
for ((i = 0; i < 3000; i++)); do
    PORT=$(sed -n 's|^Serving http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$WORK/serve.out")
    [[ -n $PORT ]] && break
    kill -0 "$SERVE_PID" 2>/dev/null || { cat "$WORK/serve.err" >&2; die "serve exited"; }
    sleep 0.1
done
[[ -n $PORT ]] || die "serve did not start within 300 s"
BASE=http://127.0.0.1:$PORT
echo "== $(head -n 1 "$WORK/serve.out")"
echo "site: $SITE ($(find "$SITE/content" -name '*.md' | wc -l) Markdown files)"
echo "machine: $(nproc) cpus, $(uname -srm); binary: $BIN"

# Pages in rotation: the edited post, other posts, lists. Only those that answer 200 now.
candidates=("$TARGET_URL" / /archive/ /tags/ /guests/ /shows/ /page/2/ /rss.xml /sitemap.xml)
while read -r f; do
    [[ -n $f ]] && candidates+=("$(url_of "$f")")
done < <(sed -n '2~40p' <<<"$published" | sed -n '1,8p')
PATHS=()
for p in "${candidates[@]}"; do
    code=$(curl -s -o /dev/null -w '%{http_code}' "$BASE$p")
    if [[ $code == 200 ]]; then PATHS+=("$p"); else echo "skipped $p ($code)"; fi
done
[[ ${#PATHS[@]} -gt 0 && ${PATHS[0]} == "$TARGET_URL" ]] || die "the edited post $TARGET_URL does not answer 200"
echo "pages in rotation (${#PATHS[@]}): ${PATHS[*]}"
echo "edited post: $TARGET ($TARGET_URL), mode $MODE"
{
    printf 'local paths = {'
    printf '"%s", ' "${PATHS[@]}"
    printf '}\nlocal i = 0\nrequest = function()\n  i = i + 1\n'
    printf '  return wrk.format("GET", paths[(i %% #paths) + 1])\nend\n'
} >"$WORK/rotate.lua"

# --- runs ----------------------------------------------------------------------------------------
rebuilt_count() { grep -c '^Rebuilt ' "$WORK/serve.out" || true; }

# Saves the post like an editor (temp file renamed over it), waits for serve's Rebuilt line,
# pauses, again, until $WORK/stop exists. Writes the number of edits to $WORK/edits.
edit_loop() {
    local i=0 before w tmp
    tmp=$(dirname "$TARGET")/.serve-load.tmp
    while [[ ! -e $WORK/stop ]]; do
        before=$(rebuilt_count)
        if [[ $MODE == title ]]; then
            sed "0,/^title = \"/s//title = \"$i /" "$WORK/original" >"$tmp"
        else
            cat "$WORK/original" >"$tmp"
        fi
        printf '\n\nserve-load edit %d %s\n' "$i" "$EPOCHREALTIME" >>"$tmp"
        mv -f "$tmp" "$TARGET"
        i=$((i + 1))
        for ((w = 0; w < 3000; w++)); do
            (($(rebuilt_count) > before)) && break
            sleep 0.01
        done
        sleep "$PAUSE"
    done
    echo "$i" >"$WORK/edits"
}

mem() { awk -v k="$1:" '$1 == k {printf "%.0f MiB", $2 / 1024}' "/proc/$SERVE_PID/status"; }

# Prints wrk's output and a one-line summary; returns 1 if any response was not 2xx/3xx or
# any socket error happened.
run_wrk() { # label
    local label=$1 out=$WORK/wrk-$1.txt
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$WORK/rotate.lua" "$BASE/" >"$out"
    sed 's/^/    /' "$out"
    local rps p50 p99 non2xx sockerr
    rps=$(awk '/^Requests\/sec:/ {print $2}' "$out")
    p50=$(awk '$1 == "50%" {print $2}' "$out")
    p99=$(awk '$1 == "99%" {print $2}' "$out")
    non2xx=$(awk -F': *' '/Non-2xx or 3xx responses/ {print $2}' "$out")
    sockerr=$(sed -n 's/^ *Socket errors: //p' "$out")
    printf 'SUMMARY %-6s rps %s  p50 %s  p99 %s  non-2xx/3xx %s  socket errors %s\n' \
        "$label" "$rps" "$p50" "$p99" "${non2xx:-0}" "${sockerr:-none}" | tee -a "$WORK/summary"
    [[ -z $non2xx && -z $sockerr ]]
}

status=0
echo "memory after start: VmRSS $(mem VmRSS)"
if [[ $IDLE == 1 ]]; then
    echo "== wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency, no edits"
    run_wrk idle || status=1
fi

echo "== wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency, saving $TARGET_URL in a loop"
rebuilds_before=$(rebuilt_count)
rm -f "$WORK/stop"
edit_loop &
EDIT_PID=$!
run_wrk edits || status=1
touch "$WORK/stop"
wait "$EDIT_PID"
sleep 1

edits=$(cat "$WORK/edits")
ms=$(grep '^Rebuilt ' "$WORK/serve.out" | tail -n +"$((rebuilds_before + 1))" \
    | sed -n 's/.* in \([0-9]*\) ms.*/\1/p' | sort -n)
n=$(grep -c . <<<"$ms" || true)
if ((n > 0)); then
    median=$(sed -n "$(((n + 1) / 2))p" <<<"$ms")
    p90=$(sed -n "$(((n * 9 + 9) / 10))p" <<<"$ms")
    [[ -n $p90 ]] || p90=$(tail -n 1 <<<"$ms")
    echo "edits during the run: $edits; rebuilds: $n, serve's rebuild time median $median ms, p90 $p90 ms, max $(tail -n 1 <<<"$ms") ms"
else
    echo "edits during the run: $edits; no Rebuilt line seen"
    status=1
fi
code=$(curl -s -o "$WORK/last.html" -w '%{http_code}' "$BASE$TARGET_URL")
grep -q "serve-load edit $((edits - 1)) " "$WORK/last.html" \
    || { echo "the last edit is not served ($code)"; status=1; }
echo "memory: VmRSS $(mem VmRSS) now, peak VmHWM $(mem VmHWM)"
if [[ -s $WORK/serve.err ]]; then
    echo "serve's stderr:"
    sed 's/^/    /' "$WORK/serve.err" | tail -n 20
fi
kill -0 "$SERVE_PID" 2>/dev/null || { echo "serve is no longer running"; status=1; }
cat "$WORK/summary"
((status == 0)) || echo "FAILED: see above"
exit "$status"
