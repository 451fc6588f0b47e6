#!/usr/bin/env python3
"""Makespan of `choo run` against the lower bound and against `make -j p` on the same DAG.

For each DAG shape it generates a spec tree of 40 units (tasks with given durations), commits it
in a fresh git repository with a fake agent that sleeps for the task's duration and marks it
complete, and measures the wall time of the real `choo run -p 4` (worktrees, checks, merges).
It writes a Makefile with the same DAG (one target per unit whose recipe sleeps for each task in turn) and measures `make -j 4`. The lower bound is max(critical path, total work / p).

It also measures choo's overhead per task with an agent that returns at once.

Usage: Benchmarks/makespan/makespan.py [--choo PATH] [--p 4] [--scale 1.0] [--repeat 1]
"""
import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

AGENT = r"""#!/bin/sh
prompt="$1"
file=$(printf '%s\n' "$prompt" | sed -n 's/^- File: `\(.*\)` (it describes the work)$/\1/p' | head -n 1)
[ -n "$file" ] || exit 0
seconds=$(sed -n 's/^Duration: //p' "$file")
sleep "${seconds:-0}"
sed -i 's/^status:.*/status: complete/' "$file"
"""


def layered(rng):
    """5 layers of 8 units; each depends on 1-3 units of the layer above; 1-4 tasks each."""
    units = {}
    layers = [[f"l{layer}-u{index}" for index in range(8)] for layer in range(5)]
    for layer, names in enumerate(layers):
        for name in names:
            deps = sorted(rng.sample(layers[layer - 1], rng.randint(1, 3))) if layer else []
            units[name] = (deps, [round(rng.uniform(0.2, 0.6), 2) for _ in range(rng.randint(1, 4))])
    return units


def chain_beside_short(rng):
    """A chain of 8 units with 3 tasks each beside 32 independent one-task units.

    The short units sort first by name, so an order that ignores the critical path (make's,
    which follows the order targets are listed) starts them before the chain."""
    units = {}
    for index in range(32):
        units[f"a-short-{index:02d}"] = ([], [0.4])
    for index in range(8):
        units[f"z-chain-{index}"] = ([f"z-chain-{index - 1}"] if index else [], [0.3, 0.3, 0.3])
    return units


def fan_out_fan_in(rng):
    """One root, 38 units that need only the root, and one sink that needs all 38."""
    units = {"a-root": ([], [0.3, 0.3])}
    middle = [f"m-{index:02d}" for index in range(38)]
    for name in middle:
        units[name] = (["a-root"], [round(rng.uniform(0.2, 0.6), 2) for _ in range(rng.randint(1, 3))])
    units["z-sink"] = (middle, [0.3])
    return units


def instant(rng):
    """40 independent units of 5 tasks each whose agent returns at once: choo's own overhead."""
    return {f"unit-{index:02d}": ([], [0.0] * 5) for index in range(40)}


SHAPES = {"layered random": layered, "long chain beside short units": chain_beside_short,
          "fan-out/fan-in": fan_out_fan_in}


def scaled(units, scale):
    return {name: (deps, [round(d * scale, 3) for d in durations]) for name, (deps, durations) in units.items()}


def bound(units, p):
    total = sum(sum(durations) for _, durations in units.values())
    longest = {}
    for name in topological(units):
        deps, durations = units[name]
        longest[name] = sum(durations) + max((longest[d] for d in deps), default=0)
    return max(max(longest.values()), total / p), max(longest.values()), total


def list_schedule(units, p, rank):
    """The makespan of list scheduling with no cost at all: whenever a slot is free, the ready unit
    that sorts first by `rank` starts. With choo's rank (most remaining tasks downstream first, then
    name) and make's (name), it shows what each order could reach; the gap to choo's measured time
    is choo's own cost."""
    finish, running, clock = {}, [], 0.0
    waiting = set(units)
    while waiting or running:
        ready = sorted((n for n in waiting if all(d in finish and finish[d] <= clock for d in units[n][0])), key=rank)
        while ready and len(running) < p:
            name = ready.pop(0)
            waiting.discard(name)
            running.append((clock + sum(units[name][1]), name))
        running.sort()
        clock, name = running.pop(0)
        finish[name] = clock
    return max(finish.values())


def choo_rank(units):
    downstream = {}
    for name in reversed(topological(units)):
        below = [other for other in units if name in units[other][0]]
        downstream[name] = len(units[name][1]) + max((downstream[b] for b in below), default=0)
    return lambda name: (-downstream[name], name)


def topological(units):
    order, seen = [], set()
    def visit(name):
        if name in seen:
            return
        seen.add(name)
        for dep in units[name][0]:
            visit(dep)
        order.append(name)
    for name in sorted(units):
        visit(name)
    return order


def write_tree(root, units, agent):
    tasks = os.path.join(root, "specs", "tasks")
    for name, (deps, durations) in units.items():
        folder = os.path.join(tasks, name)
        os.makedirs(folder)
        with open(os.path.join(folder, "IMPLEMENTATION_PLAN.md"), "w") as f:
            f.write(f"---\nunit: {name}\ndepends_on: [{', '.join(deps)}]\n---\n\n# {name}\n")
        for index, seconds in enumerate(durations, start=1):
            with open(os.path.join(folder, f"{index:02d}-task.md"), "w") as f:
                f.write(f"---\ntask: {index}\nstatus: pending\nbackpressure: \"true\"\n"
                        f"depends_on: [{index - 1 if index > 1 else ''}]\n---\n\n# Task {index}\n\nDuration: {seconds}\n")
    with open(os.path.join(root, ".choo.yaml"), "w") as f:
        f.write(f"provider:\n  type: sleeper\n  providers:\n    sleeper:\n      command: {agent}\n"
                f"      args: [\"{{prompt}}\"]\n")
        # MAKESPAN_SETTINGS: more .choo.yaml lines, to compare settings (e.g. "unit_niceness: 0").
        f.write(os.environ.get("MAKESPAN_SETTINGS", "").replace("\\n", "\n") + "\n")
    env = dict(os.environ, GIT_CONFIG_GLOBAL="/dev/null", GIT_CONFIG_NOSYSTEM="1")
    for command in (["git", "init", "-q", "-b", "main"], ["git", "config", "user.name", "bench"],
                    ["git", "config", "user.email", "bench@example.com"], ["git", "add", "-A"],
                    ["git", "commit", "-q", "-m", "spec tree"]):
        subprocess.run(command, cwd=root, check=True, env=env)


def write_makefile(path, units):
    with open(path, "w") as f:
        names = sorted(units)
        f.write(".PHONY: all " + " ".join(names) + "\nall: " + " ".join(names) + "\n")
        for name in names:
            deps, durations = units[name]
            # One recipe line (one shell) per task, as choo starts the agent once per task.
            f.write(f"{name}: {' '.join(deps)}\n" + "".join(f"\tsleep {seconds}\n" for seconds in durations))


def timed(command, cwd, keep=None):
    start = time.monotonic()
    result = subprocess.run(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    elapsed = time.monotonic() - start
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed in {cwd}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    if keep:
        with open(keep, "w") as f:
            f.write(result.stdout)
    return elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    here = os.path.dirname(os.path.abspath(__file__))
    parser.add_argument("--choo", default=os.path.join(here, "..", "..", ".build", "release", "choo"))
    parser.add_argument("--p", type=int, default=4)
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every task duration")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--only", choices=sorted(shape.split()[0] for shape in SHAPES), help="run one shape only (and skip the overhead run)")
    parser.add_argument("--events", help="keep choo's --json event lines of each run in this folder")
    args = parser.parse_args()
    choo = os.path.abspath(args.choo)
    if not os.access(choo, os.X_OK):
        sys.exit(f"no choo at {choo}; build it with: swift build -c release --product choo")
    work = tempfile.mkdtemp(prefix="choo-makespan-")
    agent = os.path.join(work, "agent.sh")
    with open(agent, "w") as f:
        f.write(AGENT)
    os.chmod(agent, 0o755)
    rows = []
    try:
        for shape, build in SHAPES.items():
            if args.only and shape.split()[0] != args.only:
                continue
            units = scaled(build(random.Random(42)), args.scale)
            lower, critical, total = bound(units, args.p)
            for attempt in range(args.repeat):
                root = os.path.join(work, f"{shape.split()[0]}-{attempt}")
                write_tree(root, units, agent)
                keep = None
                if args.events:
                    os.makedirs(args.events, exist_ok=True)
                    keep = os.path.join(args.events, f"{shape.split()[0].replace('/', '-')}-{attempt}.jsonl")
                choo_time = timed([choo, "run", "-p", str(args.p), "--json"], root, keep)
                makefile = os.path.join(work, f"Makefile-{attempt}")
                write_makefile(makefile, units)
                make_time = timed(["make", "-s", "-f", makefile, f"-j{args.p}", "all"], work)
                floor_choo = list_schedule(units, args.p, choo_rank(units))
                floor_make = list_schedule(units, args.p, lambda name: name)
                rows.append({"shape": shape, "units": len(units),
                             "list_schedule_choo_order": round(floor_choo, 2),
                             "list_schedule_name_order": round(floor_make, 2),
                             "tasks": sum(len(d) for _, d in units.values()),
                             "critical_path": round(critical, 2), "work_over_p": round(total / args.p, 2),
                             "bound": round(lower, 2), "choo": round(choo_time, 2), "make": round(make_time, 2),
                             "choo_over_bound": round(choo_time / lower, 3),
                             "choo_over_make": round(choo_time / make_time, 3)})
        if args.only:
            for row in rows:
                print(json.dumps(row))
            return
        units = instant(random.Random(1))
        root = os.path.join(work, "instant")
        write_tree(root, units, agent)
        tasks = sum(len(d) for _, d in units.values())
        elapsed = timed([choo, "run", "-p", str(args.p), "--json"], root)
        overhead = {"units": len(units), "tasks": tasks, "seconds": round(elapsed, 2),
                    "per_task_ms": round(elapsed / tasks * 1000, 1), "p": args.p}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.json:
        print(json.dumps({"rows": rows, "overhead": overhead}, indent=2))
        return
    print(f"p = {args.p}, task durations x{args.scale}")
    print(f"{'shape':32} {'units':>5} {'tasks':>5} {'bound s':>8} {'list s':>7} {'choo s':>7} {'make s':>7} "
          f"{'choo/bound':>10} {'choo/make':>9}")
    for row in rows:
        print(f"{row['shape']:32} {row['units']:5} {row['tasks']:5} {row['bound']:8.2f} "
              f"{row['list_schedule_choo_order']:7.2f} {row['choo']:7.2f} "
              f"{row['make']:7.2f} {row['choo_over_bound']:10.3f} {row['choo_over_make']:9.3f}")
    print("list s: list scheduling in choo's order at no cost per unit (in name order: --json)")
    print(f"overhead with an instant agent: {overhead['tasks']} tasks in {overhead['units']} units took "
          f"{overhead['seconds']} s = {overhead['per_task_ms']} ms per task at p = {overhead['p']}")


if __name__ == "__main__":
    main()
