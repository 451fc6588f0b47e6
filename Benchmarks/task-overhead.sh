#!/usr/bin/env bash
# choo's own cost per task: one unit of N tasks whose checks are `true`, run serially with an agent
# script that marks the offered task complete at once. Prints the wall time and the time per task,
# then where one task's time went, from the --json event times.
# Usage: Benchmarks/task-overhead.sh [CHOO_BINARY] [TASKS]   (defaults: .build/release/choo, 20)
set -euo pipefail
choo=$(realpath "${1:-.build/release/choo}")
tasks=${2:-20}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
agent=$(realpath "$(dirname "$0")/instant-agent.sh")
git init -q -b main "$work/repo"
cd "$work/repo"
mkdir -p specs/tasks/u
printf -- '---\nunit: u\ndepends_on: []\n---\n# u\n' > specs/tasks/u/IMPLEMENTATION_PLAN.md
for i in $(seq 1 "$tasks"); do
    printf -- '---\ntask: %d\nstatus: pending\nbackpressure: "true"\n---\n# Task %d\n' "$i" "$i" \
        > "specs/tasks/u/$(printf %02d "$i")-task.md"
done
printf 'provider:\n  type: fake\n  providers:\n    fake:\n      command: %s\n      args: ["{prompt}"]\n' \
    "$agent" > .choo.yaml
git add -A && git -c user.name=bench -c user.email=bench@localhost commit -qm "spec tree"
start=$(date +%s.%N)
"$choo" run -p 1 --json > "$work/events.json"
end=$(date +%s.%N)
python3 - "$work/events.json" "$start" "$end" "$tasks" <<'PY'
import datetime, json, sys
events = [json.loads(line) for line in open(sys.argv[1]) if line.startswith("{")]
wall = float(sys.argv[3]) - float(sys.argv[2])
tasks = int(sys.argv[4])
print(f"{tasks} tasks in {wall:.2f} s: {wall / tasks * 1000:.1f} ms per task (the whole run)")
def at(event):
    return datetime.datetime.fromisoformat(event["time"].replace("Z", "+00:00")).timestamp()
middle = tasks // 2
steps = [e for e in events if e.get("task") == middle]
for before, after in zip(steps, steps[1:]):
    print(f"  task {middle}: {before['type']} -> {after['type']}: {(at(after) - at(before)) * 1000:.0f} ms")
PY
