#!/usr/bin/env bash
# How choo's own cost grows with the number of units and the size of the repository. For each
# repository size (small: SMALL_FILES files; large: LARGE_FILES files of LARGE_FILE_BYTES each) and
# each unit count, it makes a repository, a spec tree of that many units (two tasks each, checks
# `true`; every fourth unit depends on the fourth unit before it: a chain through the run whose
# next link has the longest path left, so each of its landings hands off to a dependent) and
# runs it at `-p PARALLELISM` with an agent that marks the offered task complete at once.
#
# From the run's --json event times it prints, per configuration:
#   - wall time and per-task overhead (wall / tasks);
#   - unit started -> its first agent started, p50 and p99, also for units whose worktree was
#     prepared (made or recycled ahead of the start: `prepared` in its unit.worktree event);
#   - landing throughput (units landed per second between the first and the last landing);
#   - a landing -> its dependent's first agent started, p50 and p99, also for the hand-offs where
#     the dependent was the next unit started (the chain's next link outranks every ready unit, so
#     it is the scheduler's pick);
#   - peak resident memory: the largest of choo and the processes it waited for (getrusage);
#   - disk per worktree (the checkout's size without .git: what each unit's worktree writes).
#
# Usage: Benchmarks/scale.sh [CHOO_BINARY] ["UNIT COUNTS"] ["REPOSITORY SIZES"]
#   defaults: .build/release/choo, "40 400", "small large"
# Environment: PARALLELISM (8), SMALL_FILES (2000), LARGE_FILES (50000), LARGE_FILE_BYTES (6000),
#   KEEP_WORK=1 to keep the generated repositories and event files (their folder is printed),
#   WORK_DIR to make them elsewhere than $TMPDIR (e.g. /dev/shm, to take a throttled disk out).
# The large repository is several hundred MB and every unit's worktree is a full checkout of it:
# 400 units write about 400 times that over the run (each worktree is removed after it lands).
set -euo pipefail
choo=$(realpath "${1:-.build/release/choo}")
counts=${2:-"40 400"}
sizes=${3:-"small large"}
parallelism=${PARALLELISM:-8}
work=$(mktemp -d -p "${WORK_DIR:-${TMPDIR:-/tmp}}")
if [ -n "${KEEP_WORK:-}" ]; then echo "work folder: $work"; else trap 'rm -rf "$work"' EXIT; fi
agent=$(realpath "$(dirname "$0")/instant-agent.sh")

# Makes the repository `$1` with `$2` files of `$3` bytes each, spread over folders of 100.
make_files() {
    python3 - "$1" "$2" "$3" <<'PY'
import os, sys
root, count, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
line = b"let value = 0x5f3759df // filler for a large repository\n"
body = (line * (size // len(line) + 1))[:size]
for index in range(count):
    folder = os.path.join(root, "src", f"module{index // 100:04d}")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, f"file{index:06d}.swift"), "wb") as handle:
        handle.write(body)
PY
}

# Writes a spec tree of `$2` units into the repository `$1`.
make_units() {
    local repo=$1 units=$2 previous="" unit
    for i in $(seq 1 "$units"); do
        unit=$(printf 'u%04d' "$i")
        mkdir -p "$repo/specs/tasks/$unit"
        # Every fourth unit depends on the fourth before it (u0008 on u0004, ...).
        deps=""
        if [ $((i % 4)) -eq 0 ]; then deps=$previous; previous=$unit; fi
        printf -- '---\nunit: %s\ndepends_on: [%s]\n---\n# %s\n' "$unit" "$deps" "$unit" \
            > "$repo/specs/tasks/$unit/IMPLEMENTATION_PLAN.md"
        for task in 1 2; do
            printf -- '---\ntask: %d\nstatus: pending\nbackpressure: "true"\n---\n# Task %d\n' "$task" "$task" \
                > "$repo/specs/tasks/$unit/0$task-task.md"
        done
    done
}

for size in $sizes; do
    case $size in
        small) files=${SMALL_FILES:-2000}; bytes=100 ;;
        large) files=${LARGE_FILES:-50000}; bytes=${LARGE_FILE_BYTES:-6000} ;;
        *) echo "error: unknown repository size \`$size\`; use small or large" >&2; exit 2 ;;
    esac
    template="$work/template-$size"
    git init -q -b main "$template"
    make_files "$template" "$files" "$bytes"
    git -C "$template" add -A
    git -C "$template" -c user.name=bench -c user.email=bench@localhost commit -qm "files"
    checkout_kb=$(du -sk --exclude=.git "$template" | cut -f1)
    for units in $counts; do
        repo="$work/repo-$size-$units"
        git clone -q "$template" "$repo"
        make_units "$repo" "$units"
        printf 'provider:\n  type: fake\n  providers:\n    fake:\n      command: %s\n      args: ["{prompt}"]\n' \
            "$agent" > "$repo/.choo.yaml"
        git -C "$repo" add -A
        git -C "$repo" -c user.name=bench -c user.email=bench@localhost commit -qm "spec tree"
        events="$work/events-$size-$units.json"
        python3 - "$choo" "$repo" "$parallelism" "$events" "$size" "$units" "$files" "$checkout_kb" <<'PY'
import datetime, json, resource, statistics, subprocess, sys, time
choo, repo, parallelism, events_file, size, units, files, checkout_kb = sys.argv[1:]
start = time.monotonic()
with open(events_file, "w") as out:
    done = subprocess.run([choo, "run", "-p", parallelism, "--json"], cwd=repo, stdout=out, stderr=subprocess.PIPE)
wall = time.monotonic() - start
if done.returncode != 0:
    sys.exit(f"the run of {units} units ({size} repository) failed: {done.stderr.decode()[-2000:]}")
peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
events = [json.loads(line) for line in open(events_file) if line.startswith("{")]
def at(event):
    return datetime.datetime.fromisoformat(event["time"].replace("Z", "+00:00")).timestamp()
def pct(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] if ordered else float("nan")
first = {}
for event in events:
    first.setdefault((event["type"], event.get("unit")), event)
unit_ids = sorted({e["unit"] for e in events if e.get("unit")})
starts, prepared_starts = [], []
for u in unit_ids:
    if ("task.claude.invoke", u) in first and ("unit.started", u) in first:
        latency = (at(first[("task.claude.invoke", u)]) - at(first[("unit.started", u)])) * 1000
        starts.append(latency)
        if first.get(("unit.worktree", u), {}).get("payload", {}).get("prepared"):
            prepared_starts.append(latency)
started_at = sorted((at(e), e["unit"]) for e in events if e["type"] == "unit.started")
merged = sorted(at(e) for e in events if e["type"] == "unit.merged")
throughput = (len(merged) - 1) / (merged[-1] - merged[0]) if len(merged) > 1 and merged[-1] > merged[0] else float("nan")
# A hand-off is "next" when the dependent was the first unit started after its dependency landed:
# the scheduler's pick. Others waited behind units with longer remaining paths, by design.
handoffs, next_handoffs = [], []
for index, unit in enumerate(unit_ids):
    number = int(unit[1:])
    if number % 4 != 0 or number == 4:
        continue
    before = f"u{number - 4:04d}"
    if ("unit.merged", before) in first and ("task.claude.invoke", unit) in first:
        landed = at(first[("unit.merged", before)])
        latency = (at(first[("task.claude.invoke", unit)]) - landed) * 1000
        handoffs.append(latency)
        after = [name for time, name in started_at if time >= landed]
        if after and after[0] == unit:
            next_handoffs.append(latency)
tasks = int(units) * 2
print(
    f"{size} repository ({files} files, {int(checkout_kb) / 1024:.0f} MB checked out), {units} units, "
    f"{tasks} tasks, -p {parallelism}:\n"
    f"  wall {wall:.1f} s, {wall / tasks * 1000:.1f} ms per task\n"
    f"  unit started -> agent started: p50 {pct(starts, 50):.0f} ms, p99 {pct(starts, 99):.0f} ms; "
    f"with a prepared worktree ({len(prepared_starts)}): p50 {pct(prepared_starts, 50):.0f} ms, "
    f"p99 {pct(prepared_starts, 99):.0f} ms\n"
    f"  landing throughput: {throughput:.2f} units/s\n"
    f"  landing -> dependent's agent started: p50 {pct(handoffs, 50):.0f} ms, p99 {pct(handoffs, 99):.0f} ms "
    f"({len(handoffs)} hand-offs); where the dependent was the next unit started ({len(next_handoffs)}): "
    f"p50 {pct(next_handoffs, 50):.0f} ms, p99 {pct(next_handoffs, 99):.0f} ms\n"
    f"  peak memory (choo or its largest child): {peak_mb:.0f} MB; disk per worktree: {int(checkout_kb) / 1024:.1f} MB"
)
PY
        rm -rf "$repo"
    done
done
