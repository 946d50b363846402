#!/usr/bin/env bash
# The lark-errors-reqwest middleware's overhead on a success response, against plain
# reqwest to the same in-process mock server, in one run (ratios printed by the bench).
#
#   scripts/bench-middleware.sh                 # 100 rounds x 200 requests per variant
#   BENCH_ROUNDS=300 scripts/bench-middleware.sh
set -euo pipefail
cd "$(dirname "$0")/.."

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
cargo bench -q -p lark-errors-reqwest --bench overhead
