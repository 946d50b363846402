#!/usr/bin/env bash
# Runs every fuzz target of fuzz/ (or those named) for SECONDS each, one after the
# other, and prints per target how many inputs were executed and what was found.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]     # default: 60 s, every target
#
# Needs cargo-fuzz (`cargo install cargo-fuzz --locked`) and a nightly compiler (see
# below). The seed corpora are (re)written first by `cargo xtask fuzz-seeds` into
# fuzz/corpus/, which the fuzzer then grows; both are ignored by git. A finding (crash, timeout,
# out-of-memory, leak) is left in fuzz/artifacts/<target>/: minimise it with
# `cargo +nightly fuzz tmin -a <target> <file>` and keep it in fuzz/regressions/<target>/.
# Exits 1 if anything was found, 2 if a target could not be run.
set -euo pipefail
cd "$(dirname "$0")/.."

secs=${1:-60}
shift || true
# cargo-fuzz needs a nightly compiler: the nightly toolchain where there is one (or
# FUZZ_TOOLCHAIN), else the machine's own toolchain in nightly mode (RUSTC_BOOTSTRAP,
# set for the fuzz commands only), as on a machine that has one toolchain only.
if [ -n "${FUZZ_TOOLCHAIN:-}" ]; then
    fuzz=(cargo "+$FUZZ_TOOLCHAIN" fuzz)
elif rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
    fuzz=(cargo +nightly fuzz)
else
    fuzz=(env RUSTC_BOOTSTRAP=1 cargo fuzz)
fi
# -a: debug assertions and overflow checks, as in `cargo test` (cargo-fuzz's default,
# spelled out): an overflow is a finding, not a silent wrap.
flags=(-a)

if [ $# -gt 0 ]; then
    targets=("$@")
else
    mapfile -t targets < <("${fuzz[@]}" list)
fi

cargo xtask fuzz-seeds
"${fuzz[@]}" build "${flags[@]}"

logs=target/fuzz-logs
mkdir -p "$logs"
printf '\n%-16s %12s %10s  %s\n' target executions exec/s findings
status=0
for t in "${targets[@]}"; do
    mkdir -p "fuzz/corpus/$t" "fuzz/artifacts/$t"
    before=$(find "fuzz/artifacts/$t" -type f | sort)
    log="$logs/$t.log"
    rc=0
    # Kept findings run first, with the seeds: one that still fails is a finding again.
    corpora=("fuzz/corpus/$t")
    [ ! -d "fuzz/regressions/$t" ] || corpora+=("fuzz/regressions/$t")
    "${fuzz[@]}" run "${flags[@]}" "$t" "${corpora[@]}" -- \
        -max_total_time="$secs" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
        -report_slow_units=5 >"$log" 2>&1 || rc=$?
    # libFuzzer's final statistics: `stat::number_of_executed_units: N`, else (when the
    # end of the output is lost, as happens when the time runs out while it prints its
    # dictionary) the `#N DONE ... exec/s: R` line.
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    [ -n "$execs" ] || execs=$(sed -n 's/^#\([0-9]*\)[[:space:]]*DONE.*/\1/p' "$log" | tail -n 1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    [ -n "$rate" ] || rate=$(sed -n 's/^#[0-9]*[[:space:]]*DONE.* exec\/s: \([0-9]*\).*/\1/p' "$log" | tail -n 1)
    found=$(comm -13 <(printf '%s\n' "$before") <(find "fuzz/artifacts/$t" -type f | sort) |
        sed '/^$/d')
    slow=$(grep -c '^Slowest unit:' "$log" || true)
    if [ -n "$found" ]; then
        what=$(printf '%s\n' "$found" | tr '\n' ' ')
        status=1
    elif [ "$rc" -ne 0 ]; then
        what="run failed (exit $rc), see $log"
        [ "$status" -eq 1 ] || status=2
    else
        what=none
    fi
    [ "$slow" -eq 0 ] || what="$what (slow units reported: see $log)"
    printf '%-16s %12s %10s  %s\n' "$t" "${execs:-?}" "${rate:-?}" "$what"
done
exit "$status"
