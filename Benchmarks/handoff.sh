#!/usr/bin/env bash
# The hand-off between units: how long after a unit lands its dependent's agent starts. A chain of
# UNITS units (each depends on the one before, one task each, checks `true`) runs with an agent
# script that marks the offered task complete at once, RUNS times. From the --json event times it
# prints, over every hand-off, the median, p90, p99 and worst of `unit.merged` (unit i) ->
# `task.claude.invoke` (unit i+1), and the same for `unit.merged` -> `unit.started`.
# Usage: Benchmarks/handoff.sh [CHOO_BINARY] [UNITS] [RUNS]   (defaults: .build/release/choo, 8, 5)
set -euo pipefail
choo=$(realpath "${1:-.build/release/choo}")
units=${2:-8}
runs=${3:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
agent=$(realpath "$(dirname "$0")/instant-agent.sh")
for run in $(seq 1 "$runs"); do
    repo="$work/repo-$run"
    git init -q -b main "$repo"
    (
        cd "$repo"
        previous=""
        for i in $(seq 1 "$units"); do
            unit=$(printf 'u%02d' "$i")
            mkdir -p "specs/tasks/$unit"
            printf -- '---\nunit: %s\ndepends_on: [%s]\n---\n# %s\n' "$unit" "$previous" "$unit" \
                > "specs/tasks/$unit/IMPLEMENTATION_PLAN.md"
            printf -- '---\ntask: 1\nstatus: pending\nbackpressure: "true"\n---\n# Task 1\n' \
                > "specs/tasks/$unit/01-task.md"
            previous=$unit
        done
        printf 'provider:\n  type: fake\n  providers:\n    fake:\n      command: %s\n      args: ["{prompt}"]\n' \
            "$agent" > .choo.yaml
        git add -A && git -c user.name=bench -c user.email=bench@localhost commit -qm "spec tree"
        if ! "$choo" run -p 1 --json > "$work/events-$run.json" 2> "$work/stderr-$run.txt"; then
            echo "run $run of $runs failed:" >&2
            tail -n 20 "$work/stderr-$run.txt" "$work/events-$run.json" >&2
            exit 1
        fi
    )
done
python3 - "$work" "$runs" <<'PY'
import datetime, json, statistics, sys
work, runs = sys.argv[1], int(sys.argv[2])
def at(event):
    return datetime.datetime.fromisoformat(event["time"].replace("Z", "+00:00")).timestamp()
def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]
gaps = {"task.claude.invoke": [], "unit.started": []}
for run in range(1, runs + 1):
    events = [json.loads(line) for line in open(f"{work}/events-{run}.json") if line.startswith("{")]
    first = {}
    for event in events:
        first.setdefault((event["type"], event.get("unit")), event)
    for (kind, unit), merged in first.items():
        if kind != "unit.merged":
            continue
        following = f"u{int(unit[1:]) + 1:02d}"
        for target in gaps:
            if (target, following) in first:
                gaps[target].append((at(first[(target, following)]) - at(merged)) * 1000)
for target, values in gaps.items():
    print(
        f"unit.merged -> {target} of the dependent: {len(values)} hand-offs, "
        f"median {statistics.median(values):.1f} ms, p90 {percentile(values, 90):.1f} ms, "
        f"p99 {percentile(values, 99):.1f} ms, worst {max(values):.1f} ms"
    )
PY
