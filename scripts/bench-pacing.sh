#!/usr/bin/env bash
# Pacing by the documented tier: a burst of concurrent requests through the middleware
# with Pacing::Documented against the in-process mock, its time against the ideal time
# the tier allows (ratio printed by the bench), and the 429s met with and without it.
#
#   scripts/bench-pacing.sh                          # 3 rounds of 200 requests (4 s each)
#   BENCH_ROUNDS=5 BENCH_REQUESTS=400 scripts/bench-pacing.sh
set -euo pipefail
cd "$(dirname "$0")/.."

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
cargo bench -q -p lark-errors-reqwest --bench pacing
