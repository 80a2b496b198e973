#!/usr/bin/env bash
# make bench: every figure the issues ask for, printed and written to out/bench.txt (raw) and
# bench/results.md (a table with the machine and the date), so issue notes quote a file any run makes.
set -euo pipefail
cd "$(dirname "$0")/.."
# The commit measured: results.md itself (rewritten below) does not make the tree count as changed.
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "$(git status --porcelain -- . ':!bench/results.md' ':!out' 2>/dev/null)" ]; then
  commit="$commit with uncommitted changes"
fi
mkdir -p out
rm -f out/bench.txt
export BENCH_OUT="$PWD/out/bench.txt"
go tool ginkgo --no-color --succinct bench

cpu=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | sed 's/^ *//' || true)
{
  echo "# make bench results"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- commit: $commit"
  echo "- machine: $(uname -sm), $(nproc 2>/dev/null || echo '?') cores${cpu:+, $cpu}, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo 2>/dev/null)"
  echo "- $(go version)"
  echo
  echo "| figure | value |"
  echo "|---|---:|"
  sort out/bench.txt | awk '{printf "| %s | %s |\n", $1, $2}'
} > bench/results.md
echo
cat bench/results.md
