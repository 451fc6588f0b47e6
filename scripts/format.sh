#!/usr/bin/env bash
# Checks formatting with `swift format` (the toolchain's swift-format) using .swift-format.
# Usage: scripts/format.sh          check only; exit 1 and list the problems if any
#        scripts/format.sh --fix    rewrite the files in place
set -euo pipefail
cd "$(dirname "$0")/.."
paths=(Package.swift Sources Tests)
[ -d Benchmarks ] && paths+=(Benchmarks/Package.swift Benchmarks/Benchmarks Benchmarks/Sources)
if [ "${1:-}" = "--fix" ]; then
    swift format format --in-place --recursive --parallel "${paths[@]}"
    exit 0
fi
if ! output=$(swift format lint --strict --recursive --parallel "${paths[@]}" 2>&1); then
    printf '%s\n' "$output"
    echo "Formatting problems found. Run scripts/format.sh --fix to correct them." >&2
    exit 1
fi
if [ -n "$output" ]; then
    printf '%s\n' "$output"
    echo "Formatting problems found. Run scripts/format.sh --fix to correct them." >&2
    exit 1
fi
echo "swift format: clean"
