#!/usr/bin/env bash
# Build benchmark: showpress vs Hugo on the same generated corpus, as clean builds
# and as the writer's loop (repeated builds into one output folder, with edits).
#
#   bench/run.sh [SIZES [RUNS]]
#
#   SIZES  post counts, space- or comma-separated (default "1000 10000")
#   RUNS   clean builds per tool and size, and repetitions of the writer's loop (default 3)
#
# Environment:
#   BENCH           clean | loop | all (default all): clean builds, the writer's loop, or both
#   CARDS           off | on (default off): showpress's social cards (Hugo has none)
#   SEARCH          on | off (default on, like showpress): off appends `[search] enabled = false`
#                   to the corpus config.toml (no search page, no index)
#   SEARCH_SIZES    sizes after whose clean builds bench/search_download.mjs measures what a
#                   reader's browser downloads for a search (default 10000; "none" to skip);
#                   needs node, Chromium (CHROMIUM_BIN, default /usr/bin/chromium) and
#                   `npm ci --prefix tests/browser`, else it is skipped with a note
#   OUT_BASE        where corpora, outputs and logs go (default /tmp/showpress-bench)
#   SHARED          folder holding bench/gen_corpus.py and bench/hugo-site/ (default $REPO/../shared)
#   SHOWPRESS_BIN   use this showpress binary instead of running `cargo build --release`
#   SHOWPRESS_ARGS  extra arguments after `build` for every showpress run, split on whitespace
#                   (e.g. "--no-cache"; a "--cache-dir DIR" in it must be absolute: that folder
#                   is deleted with .showpress/ before every clean build)
#   LOOP_SETTLE     seconds to wait after deleting outputs before the loop's clean build
#                   (default 0: measure the state right after the delete; see bench/README.md)
#   LOOP_POST       number of the post the loop edits (default: the newest published one)
#   SKIP_SHOWPRESS  1: don't build or run showpress (corpus generation and Hugo only)
#   SKIP_HUGO       1: don't run Hugo even if it is on PATH
#
# See bench/README.md.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SHARED=${SHARED:-$REPO/../shared}
OUT_BASE=${OUT_BASE:-/tmp/showpress-bench}
SKIP_SHOWPRESS=${SKIP_SHOWPRESS:-0}
SKIP_HUGO=${SKIP_HUGO:-0}
BENCH=${BENCH:-all}
SHOWPRESS_BIN=${SHOWPRESS_BIN:-}
SHOWPRESS_ARGS=${SHOWPRESS_ARGS:-}
LOOP_SETTLE=${LOOP_SETTLE:-0}
LOOP_POST=${LOOP_POST:-}
SEARCH=${SEARCH:-on}
SEARCH_FAILED=0
SEARCH_SIZES=${SEARCH_SIZES:-10000}
SEARCH_SIZES=${SEARCH_SIZES//,/ }
CHROMIUM_BIN=${CHROMIUM_BIN:-/usr/bin/chromium}

SIZES=${1:-"1000 10000"}
SIZES=${SIZES//,/ }
RUNS=${2:-3}

GEN=$SHARED/bench/gen_corpus.py
HUGO_SITE=$SHARED/bench/hugo-site
TIME=/usr/bin/time

die() { echo "run.sh: $*" >&2; exit 1; }

[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer, got '$RUNS'"
case $BENCH in
    clean) DO_CLEAN=1 DO_LOOP=0 ;;
    loop) DO_CLEAN=0 DO_LOOP=1 ;;
    all) DO_CLEAN=1 DO_LOOP=1 ;;
    *) die "BENCH must be clean, loop or all, got '$BENCH'" ;;
esac
case $SEARCH in on | off) ;; *) die "SEARCH must be on or off, got '$SEARCH'" ;; esac
[[ $SEARCH_SIZES == none ]] && SEARCH_SIZES=
for n in $SEARCH_SIZES; do
    [[ $n =~ ^[1-9][0-9]*$ ]] || die "SEARCH_SIZES must be post counts or none, got '$n'"
done
[[ $LOOP_SETTLE =~ ^[0-9]+$ ]] || die "LOOP_SETTLE must be a whole number of seconds, got '$LOOP_SETTLE'"
[[ -z $LOOP_POST || $LOOP_POST =~ ^[1-9][0-9]*$ ]] || die "LOOP_POST must be a post number, got '$LOOP_POST'"
read -ra SP_ARGS <<<"$SHOWPRESS_ARGS"
# A cache folder given in SHOWPRESS_ARGS is deleted before every clean build, like .showpress/.
SP_CACHE_DIR=
for ((i = 0; i < ${#SP_ARGS[@]}; i++)); do
    case ${SP_ARGS[i]} in
        --cache-dir) SP_CACHE_DIR=${SP_ARGS[i + 1]:-} ;;
        --cache-dir=*) SP_CACHE_DIR=${SP_ARGS[i]#--cache-dir=} ;;
    esac
done
if [[ -n $SP_CACHE_DIR || " $SHOWPRESS_ARGS " == *" --cache-dir "* ]]; then
    [[ $SP_CACHE_DIR == /?* && $SP_CACHE_DIR != *..* ]] \
        || die "--cache-dir in SHOWPRESS_ARGS must be an absolute path (it is deleted before clean builds), got '$SP_CACHE_DIR'"
fi
for n in $SIZES; do
    [[ $n =~ ^[1-9][0-9]*$ ]] || die "sizes must be positive integers, got '$n'"
done
[[ -n ${SIZES// /} ]] || die "no sizes given"
[[ -f $GEN ]] || die "corpus generator not found: $GEN (set SHARED)"
[[ -x $TIME ]] || die "$TIME (GNU time) not found: apt-get install -y time"
$TIME -v true >/dev/null 2>&1 || die "$TIME does not accept -v (need GNU time)"
command -v python3 >/dev/null || die "python3 not found"

RUN_HUGO=0
if [[ $SKIP_HUGO != 1 ]]; then
    if command -v hugo >/dev/null; then
        [[ -d $HUGO_SITE ]] || die "Hugo site not found: $HUGO_SITE (set SHARED)"
        RUN_HUGO=1
    else
        echo "note: hugo not on PATH, running showpress only (apt-get install -y hugo)" >&2
    fi
fi
RUN_SP=1
[[ $SKIP_SHOWPRESS == 1 ]] && RUN_SP=0
(( RUN_SP || RUN_HUGO )) || die "nothing to run (SKIP_SHOWPRESS=1 and no Hugo)"

mkdir -p "$OUT_BASE"
OUT_BASE=$(cd "$OUT_BASE" && pwd)
LOGS=$OUT_BASE/logs
mkdir -p "$LOGS"
RESULTS=$OUT_BASE/results.tsv

echo "== output location (disk vs tmpfs matters for absolute times)"
df -T "$OUT_BASE"
FSTYPE=$(df -T "$OUT_BASE" | awk 'NR == 2 {print $2}')
if [[ $FSTYPE != tmpfs ]]; then
    echo "note: output on $FSTYPE, not tmpfs: absolute times include disk writes and can drift" \
         "from run to run; OUT_BASE=/dev/shm/showpress-bench gives steadier figures"
fi
echo "cpus: $(nproc)   host: $(uname -srm)"
(( RUN_HUGO )) && echo "hugo: $(hugo version)"
(( RUN_SP )) && echo "showpress build args: ${SHOWPRESS_ARGS:-(none)}   cards: ${CARDS:-off}   search: $SEARCH"

# --- build showpress ---------------------------------------------------------
BIN=
if (( RUN_SP )); then
    if [[ -n $SHOWPRESS_BIN ]]; then
        BIN=$SHOWPRESS_BIN
        [[ -x $BIN ]] || die "SHOWPRESS_BIN is not an executable: $BIN"
        echo "== showpress binary: $BIN (SHOWPRESS_BIN, not rebuilt)"
    else
        echo "== cargo build --release"
        (cd "$REPO" && cargo build --release) || die "cargo build --release failed"
        target_dir=$(cd "$REPO" && cargo metadata --format-version 1 --no-deps \
            | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
        BIN=$target_dir/release/showpress
        [[ -x $BIN ]] || die "binary not found after build: $BIN"
    fi
    echo "showpress: $("$BIN" --version 2>&1)"
fi

# --- corpora -------------------------------------------------------------------
# A corpus is reused when its stamp says it was fully generated with the same
# posts, flavor and generator; otherwise it is regenerated from scratch.
gen_corpus() { # flavor dir posts
    local flavor=$1 dir=$2 n=$3 stamp
    stamp="posts=$n flavor=$flavor gen=$(sha256sum "$GEN" | cut -c1-16)"
    if [[ -f $dir/.bench-corpus && $(<"$dir/.bench-corpus") == "$stamp" ]]; then
        echo "corpus $dir: reused ($stamp)"
        return
    fi
    echo "corpus $dir: generating ($stamp)"
    rm -rf "$dir"
    python3 "$GEN" --posts "$n" --flavor "$flavor" --out "$dir"
    echo "$stamp" >"$dir/.bench-corpus"
}

prepare_sp() { # dir: the generated content plus the repo's own site files
    local dir=$1 item
    for item in config.toml templates static; do
        rm -rf "${dir:?}/$item"
        [[ -e $REPO/$item ]] && cp -r "$REPO/$item" "$dir/$item"
    done
    # The footer links to the example's about page; the generated posts show
    # /images/graphic-NN.png, which the corpus does not ship (Hugo's site has no images either):
    # links there are not checked, every other link of every page is.
    mkdir -p "$dir/content"
    cp "$REPO/content/about.md" "$dir/content/about.md"
    if ! grep -q '^\[links\]' "$dir/config.toml"; then
        printf '\n[links]\nskip_prefixes = ["/images/graphic-"]\n' >>"$dir/config.toml"
    fi
    # The Hugo site lists 10 posts per page; do the same amount of work.
    sed -i 's/^paginate *=.*/paginate = 10/' "$dir/config.toml"
    grep -q '^paginate = 10' "$dir/config.toml" || echo 'paginate = 10' >>"$dir/config.toml"
    # Hugo draws no social cards: compared like for like, showpress draws none either
    # (CARDS=on to include them; their own cost is in bench/README.md, "Social cards").
    if [[ ${CARDS:-off} == off ]] && ! grep -q '^\[cards\]' "$dir/config.toml"; then
        printf '\n[cards]\nenabled = false\n' >>"$dir/config.toml"
    fi
    # Search is on by default in showpress (Hugo's site has none): SEARCH=off measures without.
    if [[ $SEARCH == off ]] && ! grep -q '^\[search\]' "$dir/config.toml"; then
        printf '\n[search]\nenabled = false\n' >>"$dir/config.toml"
    fi
    return 0
}

prepare_hu() { # dir
    local dir=$1
    rm -rf "${dir:?}/layouts" "$dir/hugo.toml" "$dir/resources" "$dir/.hugo_build.lock"
    cp -r "$HUGO_SITE/." "$dir/"
}

# Seconds with microseconds from bash's EPOCHREALTIME (better than time -v's 10 ms).
now_us() { local t=${EPOCHREALTIME/[.,]/}; echo "$t"; }

# Bulk deletions on the output file system, as (time, files): on ext4 they slow down the
# builds of the next minutes (see below and bench/README.md), so the loop reports them.
DEL_T=() DEL_N=()
note_deleted() { DEL_T+=("$(now_us)"); DEL_N+=("$1"); }
deleted_within() { # seconds: files deleted in that many seconds before now
    local now i sum=0
    now=$(now_us)
    for ((i = 0; i < ${#DEL_T[@]}; i++)); do
        (( now - DEL_T[i] <= $1 * 1000000 )) && (( sum += DEL_N[i] ))
    done
    echo "$sum"
}
rm_counted() { # dir...: rm -rf, noting how many files went
    local d c
    for d in "$@"; do
        [[ -e $d ]] || continue
        c=$(find "$d" -type f | wc -l)
        rm -rf "$d"
        (( c > 0 )) && note_deleted "$c"
    done
    return 0
}

# showpress keeps its cache in .showpress/ inside the site (or in --cache-dir DIR): a clean
# build starts without it.
drop_sp_cache() { # site
    rm_counted "$1/.showpress"
    [[ -z $SP_CACHE_DIR ]] || rm_counted "$SP_CACHE_DIR"
}

# --- the loop's edits are undone even if the script dies -------------------------------
# Before editing a post the loop saves it as $ORIG_DIR/<tag>.md and its path in <tag>.path;
# restore_edits writes the saved bytes back (new mtime, original size and content), so the
# corpus stays what its .bench-corpus stamp says. A run killed with SIGKILL is repaired at
# the start of the next one, before the corpora are checked.
ORIG_DIR=$OUT_BASE/loop/orig
restore_edits() {
    local p target
    [[ -d $ORIG_DIR ]] || return 0
    for p in "$ORIG_DIR"/*.path; do
        [[ -e $p ]] || continue
        target=$(<"$p")
        if [[ -e $target ]]; then
            cat "${p%.path}.md" >"$target"
            echo "restored $target"
        fi
        rm -f "$p" "${p%.path}.md"
    done
}
save_original() { # tag file
    mkdir -p "$ORIG_DIR"
    cp "$2" "$ORIG_DIR/$1.md"
    printf '%s' "$2" >"$ORIG_DIR/$1.path"
}
trap 'restore_edits >&2' EXIT
trap 'exit 130' INT TERM
restore_edits

# --- corpora ---------------------------------------------------------------------
for n in $SIZES; do
    echo "== $n posts: corpora"
    if (( RUN_SP )); then gen_corpus showpress "$OUT_BASE/sp-$n" "$n"; prepare_sp "$OUT_BASE/sp-$n"; fi
    if (( RUN_HUGO )); then gen_corpus hugo "$OUT_BASE/hu-$n" "$n"; prepare_hu "$OUT_BASE/hu-$n"; fi
done

# --- clean builds ------------------------------------------------------------------
timed_run() { # tool posts run outdir cmd...
    local tool=$1 n=$2 run=$3 out=$4; shift 4
    local log=$LOGS/$tool-$n-$run t0 t1 status wall cpu rss pages bytes
    [[ ! -e $out ]] || die "output $out exists; every run writes a fresh folder"
    t0=$(now_us)
    set +e
    "$TIME" -v -o "$log.time" "$@" >"$log.stdout" 2>"$log.stderr"
    status=$?
    set -e
    t1=$(now_us)
    if (( status != 0 )); then
        echo "run.sh: $tool failed (exit $status) on $n posts, run $run: $*" >&2
        echo "--- stderr ($log.stderr) ---" >&2
        tail -n 60 "$log.stderr" >&2
        echo "--- stdout (last 20 lines) ---" >&2
        tail -n 20 "$log.stdout" >&2
        exit 1
    fi
    pages=0 bytes=0
    if [[ -d $out ]]; then
        pages=$(find "$out" -type f -name '*.html' | wc -l)
        bytes=$(find "$out" -type f -printf '%s\n' | awk '{s += $1} END {printf "%d", s}')
    fi
    if (( pages == 0 )); then
        echo "run.sh: $tool exited 0 but wrote no HTML pages to $out ($n posts, run $run): $*" >&2
        echo "--- stderr ---" >&2; tail -n 60 "$log.stderr" >&2
        echo "--- stdout (last 20 lines) ---" >&2; tail -n 20 "$log.stdout" >&2
        exit 1
    fi
    wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", (b - a) / 1e6}')
    rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2 / 1024}' "$log.time")
    cpu=$(awk -F': ' '/User time \(seconds\)/ {u = $2} /System time \(seconds\)/ {s = $2}
                      END {printf "%.2f", u + s}' "$log.time")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$tool" "$n" "$run" "$wall" "$cpu" "$pages" "$bytes" "$rss" >>"$RESULTS"
    printf '%-10s %7s %4s %9s %8s %8s %12s %9s\n' "$tool" "$n" "$run" "$wall" "$cpu" "$pages" "$bytes" "$rss"
}

if (( DO_CLEAN )); then
printf 'tool\tposts\trun\twall_s\tcpu_s\tpages\tbytes\trss_mib\n' >"$RESULTS"

# Every run writes a new folder and nothing is deleted between runs. On ext4 without a journal
# (this machine's /tmp), allocating an inode skips free inodes deleted in the last 60 s, or in
# the last 6 minutes when their inode-table block is dirty (and a build keeps dirtying them), at
# one buffer lookup each. A build soon after `rm -rf` of a large output therefore spends most of
# its time in the kernel walking past the deleted inodes: that measures the rm, not the tool
# (perf shows recently_deleted / find_get_block_common on top). So old outputs are deleted once,
# synced, and left to settle (SETTLE seconds, default 370 on disk) before any timing.
RUNS_DIR=$OUT_BASE/outputs
if [[ -d $RUNS_DIR ]]; then
    rm_counted "$RUNS_DIR"
    sync
    if [[ $FSTYPE != tmpfs ]]; then
        SETTLE=${SETTLE:-370}
        echo "== waiting ${SETTLE}s after deleting old outputs (SETTLE=0 to skip)"
        sleep "$SETTLE"
    fi
fi
mkdir -p "$RUNS_DIR"

echo
echo "== clean builds ($RUNS per tool and size, interleaved; logs in $LOGS)"
printf '%-10s %7s %4s %9s %8s %8s %12s %9s\n' tool posts run wall_s cpu_s pages bytes rss_mib
for n in $SIZES; do
    for ((r = 1; r <= RUNS; r++)); do
        if (( RUN_SP )); then
            # Only the cache (a few files, if any) goes: a clean build starts without one.
            drop_sp_cache "$OUT_BASE/sp-$n"
            timed_run showpress "$n" "$r" "$RUNS_DIR/sp-$n-$r" \
                "$BIN" --root "$OUT_BASE/sp-$n" build --output "$RUNS_DIR/sp-$n-$r" "${SP_ARGS[@]}"
        fi
        if (( RUN_HUGO )); then
            rm -rf "$OUT_BASE/hu-$n/resources"
            timed_run hugo "$n" "$r" "$RUNS_DIR/hu-$n-$r" \
                hugo --quiet -s "$OUT_BASE/hu-$n" -d "$RUNS_DIR/hu-$n-$r"
        fi
    done
done

echo
echo "== clean builds: medians"
python3 - "$RESULTS" <<'EOF'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
groups = {}
for r in rows:
    groups.setdefault((r["tool"], int(r["posts"])), []).append(r)
med = {}
print(f"{'tool':<10} {'posts':>7} {'runs':>4} {'wall_s':>9} {'cpu_s':>8} {'pages':>8} {'bytes':>12} {'rss_mib':>9}")
for (tool, n), rs in sorted(groups.items(), key=lambda kv: (kv[0][1], kv[0][0] != "showpress")):
    m = lambda k: statistics.median(float(r[k]) for r in rs)
    med[tool, n] = m("wall_s")
    pages = sorted({r["pages"] for r in rs})
    print(f"{tool:<10} {n:>7} {len(rs):>4} {m('wall_s'):>9.3f} {m('cpu_s'):>8.2f} "
          f"{'/'.join(pages):>8} {m('bytes'):>12.0f} {m('rss_mib'):>9.1f}")
ns = sorted({n for _, n in med})
if any(("showpress", n) in med and ("hugo", n) in med for n in ns):
    print()
    print("hugo/showpress median wall time (>1: showpress faster)")
    for n in ns:
        if ("showpress", n) in med and ("hugo", n) in med and med["showpress", n] > 0:
            print(f"  {n:>7} posts: {med['hugo', n] / med['showpress', n]:.2f}x")
EOF
echo "raw results: $RESULTS"

# What a reader's browser downloads for a search of the last clean build of each size in
# SEARCH_SIZES (bench/search_download.mjs), after all the timed runs so it disturbs none.
if (( RUN_SP )) && [[ -n $SEARCH_SIZES ]]; then
    why_not=
    if [[ $SEARCH == off ]]; then why_not="SEARCH=off: no index"
    elif ! command -v node >/dev/null; then why_not="node not on PATH"
    elif [[ ! -x $CHROMIUM_BIN ]]; then why_not="no Chromium at $CHROMIUM_BIN (apt-get install -y chromium, or CHROMIUM_BIN)"
    elif [[ ! -d $REPO/tests/browser/node_modules/playwright-core ]]; then
        why_not="playwright-core not installed (npm ci --prefix tests/browser)"
    fi
    for n in $SEARCH_SIZES; do
        [[ " $SIZES " == *" $n "* ]] || continue
        echo
        if [[ -n $why_not ]]; then
            echo "== search downloads, $n posts: skipped ($why_not)"
            continue
        fi
        log=$LOGS/search-download-$n.txt
        echo "== search downloads, $n posts (bench/search_download.mjs; also in $log)"
        if ! CHROMIUM_BIN=$CHROMIUM_BIN node "$REPO/bench/search_download.mjs" "$RUNS_DIR/sp-$n-$RUNS" 2>&1 | tee "$log"; then
            echo "run.sh: bench/search_download.mjs failed on $RUNS_DIR/sp-$n-$RUNS" >&2
            SEARCH_FAILED=1
        fi
    done
fi
fi

# --- the writer's loop -------------------------------------------------------------------
# Per size, RUNS repetitions of five builds per tool, each tool always into the same folder
# ($OUT_BASE/loop/sp-N, $OUT_BASE/loop/hu-N), showpress then Hugo for every scenario:
#   1-clean     the output folder and the tool's cache (.showpress/ or --cache-dir, and
#               showpress's leftover staging/journal beside the output; Hugo's resources/)
#               deleted first, then `sync` and LOOP_SETTLE seconds of wait
#   2-nochange  the same build again, nothing changed
#   3-body      after appending a sentence (a new last paragraph) to one post's body
#   4-title     after also changing that post's title in its front matter
#   5-template  after appending a hidden paragraph to a template every HTML page includes
#               (showpress: templates/partials/footer.html; Hugo: layouts/_default/baseof.html)
# The post is the same in both corpora (same number, same title); edits go to both before
# the pair of runs and change each file's size and mtime; after 5-template the post and the
# template are restored.
if (( DO_LOOP )); then
LOOP_DIR=$OUT_BASE/loop
LOOP_RESULTS=$OUT_BASE/loop-results.tsv
mkdir -p "$LOOP_DIR"
BODY_MARK="이 문장은 writer-loop 편집으로 덧붙였습니다."
TITLE_MARK=" (writer-loop 편집)"
# Visible text, not an HTML comment: Hugo (Go html/template) drops comments from templates.
TEMPLATE_MARK="<p hidden>writer-loop template edit</p>"
CLK_TCK=$(getconf CLK_TCK)

# Busy CPU ticks of the whole machine (user, nice, system, irq, softirq): the difference to
# the tool's own CPU time is what else ran meanwhile (a compile next door shows up here).
cpu_busy_ticks() { awk '$1 == "cpu" {print $2 + $3 + $4 + $7 + $8; exit}' /proc/stat; }
list_files() { find "$1" -type f -printf '%i %P\n' | LC_ALL=C sort; }

pick_post() { # n: prints "number<TAB>showpress file<TAB>hugo file" ("-" for a skipped tool)
    python3 - "$OUT_BASE/sp-$1" "$OUT_BASE/hu-$1" "$LOOP_POST" "$RUN_SP" "$RUN_HUGO" <<'EOF'
import datetime as dt, glob, os, re, sys
sp, hu, want, use_sp, use_hu = sys.argv[1:]

def front(path):
    head = open(path, encoding="utf-8").read().split("+++", 2)[1]
    title = re.search(r"^title = (.*)$", head, re.M).group(1)
    date = dt.datetime.fromisoformat(re.search(r"^date = (.*)$", head, re.M).group(1))
    return title, date, re.search(r"^draft = true$", head, re.M) is not None

def files_of(num):
    out = {}
    if use_sp == "1":
        found = glob.glob(f"{sp}/content/posts/*/post-{num:05d}.md")
        out["showpress"] = found[0] if len(found) == 1 else None
    if use_hu == "1":
        p = f"{hu}/content/posts/post-{num:05d}.md"
        out["hugo"] = p if os.path.isfile(p) else None
    return out

base = sp if use_sp == "1" else hu
nums = sorted(int(re.search(r"post-(\d+)\.md$", p).group(1))
              for p in glob.glob(f"{base}/content/posts/**/post-*.md", recursive=True))
now = dt.datetime.now(dt.timezone.utc)
for num in ([int(want)] if want else reversed(nums)):
    files = files_of(num)
    if not all(files.values()):
        if want:
            sys.exit(f"post {num} is not in every corpus: {files}")
        continue
    fronts = {tool: front(f) for tool, f in files.items()}
    if len({t for t, _, _ in fronts.values()}) != 1:
        sys.exit(f"post {num} has different titles in the two corpora: {fronts}")
    _, date, draft = next(iter(fronts.values()))
    if draft or date > now:  # neither tool would publish it, or not both (Hugo builds future posts)
        if want:
            sys.exit(f"post {num} is a draft or dated in the future; pick a published one")
        continue
    print(num, files.get("showpress", "-"), files.get("hugo", "-"), sep="\t")
    break
else:
    sys.exit("no published post found in the corpus")
EOF
}

file_state() { stat -c '%s %.9Y' "$1"; }
edit_post() { # body|title file
    local kind=$1 f=$2 before after
    before=$(file_state "$f")
    case $kind in
        body) printf '\n%s\n' "$BODY_MARK" >>"$f" ;;
        title)
            sed -i -E "0,/^title = \"/ s/^(title = \".*)\"\$/\\1${TITLE_MARK}\"/" "$f"
            grep -qF "${TITLE_MARK}\"" "$f" || die "could not change the title line of $f" ;;
    esac
    after=$(file_state "$f")
    [[ ${before% *} != "${after% *}" ]] || die "the $kind edit did not change the size of $f"
    [[ ${before#* } != "${after#* }" ]] || die "the $kind edit did not change the mtime of $f"
}

edit_template() { # tag file: appends TEMPLATE_MARK, restored at the end of the loop
    [[ -f $2 ]] || die "no template $2 to edit"
    save_original "$1" "$2"
    printf '%s\n' "$TEMPLATE_MARK" >>"$2"
}

# Is the edit (or its absence) in the output? A build that is fast because it missed the
# edit must not pass for a fast build. The home page check needs the newest post (default).
check_output() { # out num scenario
    local page=$1/posts/post-$2/index.html home=$1/index.html
    [[ -f $page ]] || { echo "no-page:${page#"$1"/}"; return; }
    case $3 in
        1-clean | 2-nochange)
            if grep -qF -e "$BODY_MARK" -e "$TITLE_MARK" -e "$TEMPLATE_MARK" "$page"; then
                echo "STALE:edit-still-in-post"; return
            fi ;;
        3-body)
            grep -qF "$BODY_MARK" "$page" || { echo "STALE:body-not-in-post"; return; } ;;
        5-template)
            grep -qF "$TEMPLATE_MARK" "$page" || { echo "STALE:template-not-in-post"; return; }
            grep -qF "$TEMPLATE_MARK" "$home" || { echo "STALE:template-not-on-home"; return; } ;;
        4-title)
            grep -qF "$BODY_MARK" "$page" || { echo "STALE:body-not-in-post"; return; }
            grep -qF "$TITLE_MARK" "$page" || { echo "STALE:title-not-in-post"; return; }
            if [[ -z $LOOP_POST ]] && ! grep -qF "$TITLE_MARK" "$home"; then
                echo "STALE:title-not-on-home"; return
            fi ;;
    esac
    echo ok
}

LOOP_FMT='%6s %3s %-10s %-9s %8s %7s %7s %7s %7s %7s %7s %7s %6s  %s\n'
loop_run() { # posts rep scenario tool out post-number cmd...
    local n=$1 rep=$2 scen=$3 tool=$4 out=$5 num=$6; shift 6
    local log=$LOGS/loop-$tool-$n-$rep-$scen stamp=$LOOP_DIR/stamp-$tool
    local before=$LOOP_DIR/files-$tool.before after=$LOOP_DIR/files-$tool.after
    local d60 d6m b0 b1 t0 t1 status wall cpu rss other written total new_ino gone check
    if [[ -d $out ]]; then list_files "$out" >"$before"; else : >"$before"; fi
    d60=$(deleted_within 60)
    d6m=$(deleted_within 370)
    touch "$stamp"
    sleep 0.05 # file times tick coarsely (a few ms): nothing the run writes shares the stamp's time
    b0=$(cpu_busy_ticks)
    t0=$(now_us)
    set +e
    "$TIME" -v -o "$log.time" "$@" >"$log.stdout" 2>"$log.stderr"
    status=$?
    set -e
    t1=$(now_us)
    b1=$(cpu_busy_ticks)
    if (( status != 0 )) || [[ ! -d $out ]]; then
        echo "run.sh: $tool failed (exit $status) on $n posts, loop $rep, $scen: $*" >&2
        echo "--- stderr ($log.stderr) ---" >&2; tail -n 60 "$log.stderr" >&2
        echo "--- stdout (last 20 lines) ---" >&2; tail -n 20 "$log.stdout" >&2
        exit 1
    fi
    written=$(find "$out" -type f -newer "$stamp" | wc -l)
    list_files "$out" >"$after"
    total=$(wc -l <"$after")
    new_ino=$(LC_ALL=C comm -13 "$before" "$after" | wc -l)
    gone=$(LC_ALL=C comm -23 "$before" "$after" | wc -l) # deleted, or replaced by a new inode
    if (( gone > 0 )); then note_deleted "$gone"; fi
    wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", (b - a) / 1e6}')
    rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2 / 1024}' "$log.time")
    cpu=$(awk -F': ' '/User time \(seconds\)/ {u = $2} /System time \(seconds\)/ {s = $2}
                      END {printf "%.2f", u + s}' "$log.time")
    other=$(awk -v a="$b0" -v b="$b1" -v hz="$CLK_TCK" -v c="$cpu" 'BEGIN {printf "%.1f", (b - a) / hz - c}')
    check=$(check_output "$out" "$(printf %05d "$num")" "$scen")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$rep" "$scen" "$tool" \
        "$wall" "$cpu" "$rss" "$written" "$new_ino" "$total" "$d60" "$d6m" "$other" "$check" >>"$LOOP_RESULTS"
    # shellcheck disable=SC2059
    printf "$LOOP_FMT" "$n" "$rep" "$scen" "$tool" "$wall" "$cpu" "$rss" "$written" "$new_ino" \
        "$total" "$d60" "$d6m" "$other" "$check"
}

printf 'posts\trep\tscenario\ttool\twall_s\tcpu_s\trss_mib\twritten\tnew_inodes\ttotal\tdel_60s\tdel_6m\tother_cpu_s\tcheck\n' >"$LOOP_RESULTS"
echo
echo "== writer's loop (repeated $RUNS x per size; logs in $LOGS/loop-*)"
for n in $SIZES; do
    picked=$(pick_post "$n") || die "no post to edit in the $n-post corpus"
    IFS=$'\t' read -r num sp_post hu_post <<<"$picked"
    sp_site=$OUT_BASE/sp-$n hu_site=$OUT_BASE/hu-$n
    sp_out=$LOOP_DIR/sp-$n hu_out=$LOOP_DIR/hu-$n
    where=()
    (( RUN_SP )) && where+=("${sp_post#"$OUT_BASE"/} -> ${sp_out#"$OUT_BASE"/}")
    (( RUN_HUGO )) && where+=("${hu_post#"$OUT_BASE"/} -> ${hu_out#"$OUT_BASE"/}")
    echo "-- $n posts: the loop edits post $num"
    printf '   %s\n' "${where[@]}"
    # shellcheck disable=SC2059
    printf "$LOOP_FMT" posts rep scenario tool wall_s cpu_s rss_mib written new_ino total \
        del_60s del_6m other check
    for ((r = 1; r <= RUNS; r++)); do
        for scen in 1-clean 2-nochange 3-body 4-title 5-template; do
            case $scen in
                1-clean)
                    if (( RUN_SP )); then
                        # also a killed build's staging folder and journal beside the output
                        # (.NAME.showpress-stage, -journal): the next build would complete it
                        rm_counted "$sp_out" "$LOOP_DIR/.sp-$n.showpress-"*
                        drop_sp_cache "$sp_site"
                    fi
                    if (( RUN_HUGO )); then rm_counted "$hu_out" "$hu_site/resources"; fi
                    sync
                    (( LOOP_SETTLE == 0 )) || sleep "$LOOP_SETTLE" ;;
                3-body)
                    if (( RUN_SP )); then save_original "sp-$n" "$sp_post"; edit_post body "$sp_post"; fi
                    if (( RUN_HUGO )); then save_original "hu-$n" "$hu_post"; edit_post body "$hu_post"; fi ;;
                4-title)
                    if (( RUN_SP )); then edit_post title "$sp_post"; fi
                    if (( RUN_HUGO )); then edit_post title "$hu_post"; fi ;;
                5-template)
                    # A template every HTML page includes: showpress's footer partial, Hugo's
                    # base layout. Every page changes; neither tool can skip the work.
                    if (( RUN_SP )); then edit_template "sp-$n-tpl" "$sp_site/templates/partials/footer.html"; fi
                    if (( RUN_HUGO )); then edit_template "hu-$n-tpl" "$hu_site/layouts/_default/baseof.html"; fi ;;
            esac
            if (( RUN_SP )); then
                loop_run "$n" "$r" "$scen" showpress "$sp_out" "$num" \
                    "$BIN" --root "$sp_site" build --output "$sp_out" "${SP_ARGS[@]}"
            fi
            if (( RUN_HUGO )); then
                loop_run "$n" "$r" "$scen" hugo "$hu_out" "$num" \
                    hugo --quiet -s "$hu_site" -d "$hu_out"
            fi
        done
        restore_edits >/dev/null
    done
done

echo
echo "== writer's loop: medians of $RUNS"
set +e
python3 - "$LOOP_RESULTS" "$LOOP_SETTLE" "$FSTYPE" <<'EOF'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
settle, fstype = sys.argv[2], sys.argv[3]
groups = {}
for r in rows:
    groups.setdefault((int(r["posts"]), r["scenario"], r["tool"]), []).append(r)
med = lambda rs, k: statistics.median(float(r[k]) for r in rs)
cols = ["wall_s", "cpu_s", "rss_mib", "written", "new_inodes", "total", "del_60s", "other_cpu_s"]
print(f"{'posts':>6} {'scenario':<10} {'tool':<9} {'runs':>4} {'wall_s':>8} {'cpu_s':>7} {'rss_mib':>7} "
      f"{'written':>7} {'new_ino':>7} {'total':>7} {'del_60s':>7} {'other':>6}")
for n in sorted({k[0] for k in groups}):
    for scen in ["1-clean", "2-nochange", "3-body", "4-title", "5-template"]:
        m = {}
        for tool in ["showpress", "hugo"]:
            rs = groups.get((n, scen, tool))
            if not rs:
                continue
            m[tool] = {k: med(rs, k) for k in cols}
            v = m[tool]
            print(f"{n:>6} {scen:<10} {tool:<9} {len(rs):>4} {v['wall_s']:>8.3f} {v['cpu_s']:>7.2f} "
                  f"{v['rss_mib']:>7.1f} {v['written']:>7.0f} {v['new_inodes']:>7.0f} {v['total']:>7.0f} "
                  f"{v['del_60s']:>7.0f} {v['other_cpu_s']:>6.1f}")
        if len(m) == 2 and m["showpress"]["wall_s"] > 0 and m["showpress"]["cpu_s"] > 0:
            print(f"{'':>6} {scen:<10} hugo/showpress: wall {m['hugo']['wall_s'] / m['showpress']['wall_s']:.2f}x, "
                  f"cpu {m['hugo']['cpu_s'] / m['showpress']['cpu_s']:.2f}x, "
                  f"peak RSS {m['hugo']['rss_mib'] / m['showpress']['rss_mib']:.2f}x  (>1: showpress better)")
print(f"""
State of each figure ({fstype}):
  1-clean     right after deleting the tool's output folder and cache, `sync`, then a wait of
              LOOP_SETTLE={settle} s{" (the ext4 'recently deleted inodes' state, see bench/README.md)" if settle == "0" and fstype != "tmpfs" else ""}
  2..5        into the folder the previous build left (no deletion by this script)
  del_60s     files deleted on this file system in the 60 s before the run: by this script and
              by the tools themselves (a file whose inode the previous run freed); on ext4 a
              build allocating inodes soon after many deletions is slowed down by them
  written     regular files in the output with an mtime newer than a stamp touched before the run
  new_ino     files that are new inodes (created, or replaced instead of overwritten in place)
  other       CPU seconds used by other processes on the machine during the run (noise)""")
bad = [r for r in rows if r["check"] != "ok"]
if bad:
    print("\nOUTPUT CHECK FAILED (the build did not show the edit, or still showed an undone one):")
    for r in bad:
        print(f"  {r['posts']} posts, loop {r['rep']}, {r['scenario']}, {r['tool']}: {r['check']}")
    sys.exit(1)
EOF
loop_status=$?
set -e
echo "raw results: $LOOP_RESULTS"
(( loop_status == 0 )) || exit "$loop_status"
fi

echo
echo "== output went to (absolute times depend on this: disk vs tmpfs): $FSTYPE"
df -T "$OUT_BASE"
(( SEARCH_FAILED == 0 )) || exit 1
