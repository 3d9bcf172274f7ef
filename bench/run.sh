#!/usr/bin/env bash
# Clean-build benchmark: showpress vs Hugo on the same generated corpus.
#
#   bench/run.sh [SIZES [RUNS]]
#
#   SIZES  post counts, space- or comma-separated (default "1000 10000")
#   RUNS   clean builds per tool and size (default 3)
#
# Environment:
#   OUT_BASE        where corpora, outputs and logs go (default /tmp/showpress-bench)
#   SHARED          folder holding bench/gen_corpus.py and bench/hugo-site/ (default $REPO/../shared)
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

SIZES=${1:-"1000 10000"}
SIZES=${SIZES//,/ }
RUNS=${2:-3}

GEN=$SHARED/bench/gen_corpus.py
HUGO_SITE=$SHARED/bench/hugo-site
TIME=/usr/bin/time

die() { echo "run.sh: $*" >&2; exit 1; }

[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer, got '$RUNS'"
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

# --- build showpress ---------------------------------------------------------
BIN=
if (( RUN_SP )); then
    echo "== cargo build --release"
    (cd "$REPO" && cargo build --release) || die "cargo build --release failed"
    target_dir=$(cd "$REPO" && cargo metadata --format-version 1 --no-deps \
        | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
    BIN=$target_dir/release/showpress
    [[ -x $BIN ]] || die "binary not found after build: $BIN"
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
    # The Hugo site lists 10 posts per page; do the same amount of work.
    sed -i 's/^paginate *=.*/paginate = 10/' "$dir/config.toml"
    grep -q '^paginate = 10' "$dir/config.toml" || echo 'paginate = 10' >>"$dir/config.toml"
    return 0
}

prepare_hu() { # dir
    local dir=$1
    rm -rf "${dir:?}/layouts" "$dir/hugo.toml" "$dir/resources" "$dir/.hugo_build.lock"
    cp -r "$HUGO_SITE/." "$dir/"
}

# --- timed runs ------------------------------------------------------------------
printf 'tool\tposts\trun\twall_s\tcpu_s\tpages\tbytes\trss_mib\n' >"$RESULTS"

# Seconds with microseconds from bash's EPOCHREALTIME (better than time -v's 10 ms).
now_us() { local t=${EPOCHREALTIME/[.,]/}; echo "$t"; }

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

for n in $SIZES; do
    echo "== $n posts: corpora"
    if (( RUN_SP )); then gen_corpus showpress "$OUT_BASE/sp-$n" "$n"; prepare_sp "$OUT_BASE/sp-$n"; fi
    if (( RUN_HUGO )); then gen_corpus hugo "$OUT_BASE/hu-$n" "$n"; prepare_hu "$OUT_BASE/hu-$n"; fi
done

# Every run writes a new folder and nothing is deleted between runs. On ext4 without a journal
# (this machine's /tmp), allocating an inode skips free inodes deleted in the last 60 s, or in
# the last 6 minutes when their inode-table block is dirty (and a build keeps dirtying them), at
# one buffer lookup each. A build soon after `rm -rf` of a large output therefore spends most of
# its time in the kernel walking past the deleted inodes: that measures the rm, not the tool
# (perf shows recently_deleted / find_get_block_common on top). So old outputs are deleted once,
# synced, and left to settle (SETTLE seconds, default 370 on disk) before any timing.
RUNS_DIR=$OUT_BASE/outputs
if [[ -d $RUNS_DIR ]]; then
    rm -rf "$RUNS_DIR"
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
            timed_run showpress "$n" "$r" "$RUNS_DIR/sp-$n-$r" \
                "$BIN" --root "$OUT_BASE/sp-$n" build --output "$RUNS_DIR/sp-$n-$r"
        fi
        if (( RUN_HUGO )); then
            timed_run hugo "$n" "$r" "$RUNS_DIR/hu-$n-$r" \
                hugo --quiet -s "$OUT_BASE/hu-$n" -d "$RUNS_DIR/hu-$n-$r"
        fi
    done
done

# --- summary ---------------------------------------------------------------------
echo
echo "== medians"
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

echo
echo "== output went to (absolute times depend on this: disk vs tmpfs): $FSTYPE"
df -T "$OUT_BASE"
echo "raw results: $RESULTS"
