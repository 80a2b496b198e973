#!/usr/bin/env bash
# Runs the benchmark suite and prints the figures the issues ask for (also written to out/bench.txt).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p out
rm -f out/bench.txt
export BENCH_OUT="$PWD/out/bench.txt"
go tool ginkgo --succinct bench
echo
echo "== make bench figures (out/bench.txt) =="
cat out/bench.txt
