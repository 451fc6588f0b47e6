#!/usr/bin/env bash
# Compares `choo validate` with `cat` reading the same files, on generated trees of 1,000 and
# 10,000 units (10 tasks each), and checks the goals in docs/PERFORMANCE.md:
#   - choo's median wall-clock time is at most MAX_RATIO (3) times cat's;
#   - choo's peak resident memory is under MAX_PEAK_MB (300 MB, 1 MB = 10^6 bytes).
#
# Usage:       Benchmarks/discovery-vs-cat.sh    (from any folder; it builds what it needs)
# Environment: RUNS        timed runs per command, after one warm-up run (default 7)
#              SIZES       the unit counts to generate (default "1000 10000")
#              MAX_RATIO   the time goal (default 3)
#              MAX_PEAK_MB the memory goal (default 300)
# Exit status: 0 when every size meets both goals, 1 when a goal is missed, 2 when something
#              could not be built, generated or run.
set -euo pipefail

runs=${RUNS:-7}
sizes=${SIZES:-"1000 10000"}
max_ratio=${MAX_RATIO:-3}
max_peak_mb=${MAX_PEAK_MB:-300}

benchmarks_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_dir=$(cd "$benchmarks_dir/.." && pwd)

if [ ! -x /usr/bin/time ]; then
    echo "error: GNU time (/usr/bin/time) is needed to measure peak memory; install the 'time' package" >&2
    exit 2
fi

echo "Building release choo and generate-spec-tree (a few minutes the first time)..." >&2
(cd "$repo_dir" && swift build -c release --product choo) >&2 || exit 2
(cd "$benchmarks_dir" && swift build -c release --product generate-spec-tree) >&2 || exit 2
choo="$repo_dir/.build/release/choo"
generate="$benchmarks_dir/.build/release/generate-spec-tree"

work=$(mktemp -d "${TMPDIR:-/tmp}/choo-discovery-vs-cat.XXXXXX")
trap 'rm -rf "$work"' EXIT

# time_once COMMAND...: runs COMMAND once, output discarded; prints "seconds peak-KB cpu-seconds".
# Seconds come from bash's microsecond clock around the run (GNU time's %e has only 10 ms
# resolution); peak KB is GNU time's %M, the largest resident set of the process or any of its
# children; CPU seconds are user plus system time (%U + %S) of the process and its children.
time_once() {
    local start end
    start=$EPOCHREALTIME
    if ! /usr/bin/time -o "$work/time.out" -f "%M %U %S" "$@" > /dev/null 2> "$work/stderr"; then
        echo "error: this command failed: $*" >&2
        cat "$work/stderr" >&2
        exit 2
    fi
    end=$EPOCHREALTIME
    tail -n 1 "$work/time.out" | awk -v s="$start" -v e="$end" '{ printf "%.3f %d %.2f\n", e - s, $1, $2 + $3 }'
}

# median: the median of the numbers on standard input, one per line.
median() {
    sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# measure LABEL COMMAND...: one warm-up run, then $runs timed runs. Sets median_s (the median
# seconds), median_cpu_s (the median CPU seconds) and peak_kb (the largest peak of the timed runs).
measure() {
    local label=$1
    shift
    time_once "$@" > /dev/null
    : > "$work/samples"
    for _ in $(seq "$runs"); do
        time_once "$@" >> "$work/samples"
    done
    median_s=$(cut -d' ' -f1 "$work/samples" | median)
    peak_kb=$(cut -d' ' -f2 "$work/samples" | sort -g | tail -n 1)
    median_cpu_s=$(cut -d' ' -f3 "$work/samples" | median)
    echo "  $label, wall/CPU seconds per run: $(awk '{ printf "%s/%s ", $1, $3 }' "$work/samples")-> median wall $median_s" >&2
}

failed=0
rows=()
for units in $sizes; do
    tree="$work/tree-$units"
    echo "Generating $units units..." >&2
    "$generate" "$tree" "$units" >&2 || exit 2
    tasks="$tree/specs/tasks"
    files=$(find "$tasks" -type f | wc -l)
    size_mb=$(find "$tasks" -type f -printf '%s\n' | awk '{ sum += $1 } END { printf "%.0f", sum / 1e6 }')

    echo "Timing $units units ($files files, $size_mb MB):" >&2
    measure "cat " sh -c 'find "$1" -type f -print0 | xargs -0 cat > /dev/null' sh "$tasks"
    cat_s=$median_s
    measure "choo" "$choo" validate "$tasks"
    choo_s=$median_s
    choo_cpu_s=$median_cpu_s
    choo_peak_mb=$(awk -v kb="$peak_kb" 'BEGIN { printf "%.0f", kb * 1024 / 1e6 }')
    ratio=$(awk -v a="$choo_s" -v b="$cat_s" 'BEGIN { printf "%.2f", a / (b > 0 ? b : 0.001) }')

    missed=()
    if awk -v r="$ratio" -v m="$max_ratio" 'BEGIN { exit !(r > m) }'; then
        missed+=("choo/cat > $max_ratio")
    fi
    if [ "$choo_peak_mb" -ge "$max_peak_mb" ]; then
        missed+=("peak >= $max_peak_mb MB")
    fi
    result=ok
    if [ "${#missed[@]}" -gt 0 ]; then
        result="MISSED: $(IFS=';'; echo "${missed[*]}" | sed 's/;/; /g')"
        failed=1
    fi
    rows+=("$(printf '| %6s | %6s | %4s MB | %7s | %8s | %12s | %8s | %14s | %s |' \
        "$units" "$files" "$size_mb" "$cat_s" "$choo_s" "$choo_cpu_s" "${ratio}x" "$choo_peak_mb" "$result")")
done

echo
echo "choo validate vs cat: median of $runs runs after a warm-up; goals: choo/cat <= $max_ratio, peak < $max_peak_mb MB"
echo
printf '| %6s | %6s | %7s | %7s | %8s | %12s | %8s | %14s | %s |\n' \
    units files size "cat (s)" "choo (s)" "choo CPU (s)" choo/cat "choo peak (MB)" result
echo "| -----: | -----: | ------: | ------: | -------: | -----------: | -------: | -------------: | ------ |"
for row in "${rows[@]}"; do
    echo "$row"
done
exit "$failed"
