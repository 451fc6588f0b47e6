#!/bin/sh
# A stand-in agent for the benchmarks: marks the first task the prompt offers complete, at once.
file=$(printf '%s\n' "$1" | sed -n 's/^- File: `\(.*\)` (it describes the work)$/\1/p' | head -n 1)
sed -i 's/^status:.*/status: complete/' "$file"
