#!/usr/bin/env bash
# Wall-clock time of typical larkerr commands (release build): explain (generic, across
# API pages, with --api), search, list and api (by route, by title, many matches),
# against /bin/true as the baseline, measured in the same hyperfine run, and their
# ratios to it.
#
#   scripts/bench-cli.sh            # needs hyperfine (apt-get install -y hyperfine)
#
# Target: each command under 5 ms and within 5x /bin/true on the project's machine
# (2 cores). The catalog is static data, so start-up parses nothing; what is measured
# is process start, the command's work and writing its output (to /dev/null).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v hyperfine >/dev/null; then
    echo "bench-cli: needs hyperfine (apt-get install -y hyperfine)" >&2
    exit 2
fi

cargo build --release --quiet -p larkerr
bin="${CARGO_TARGET_DIR:-target}/release/larkerr"
csv="$(mktemp)"
trap 'rm -f "$csv"' EXIT

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
hyperfine --shell=none --warmup 50 --runs "${RUNS:-500}" --style basic --export-csv "$csv" \
    -n '/bin/true' '/bin/true' \
    -n 'explain 99991663' "$bin explain 99991663" \
    -n 'search 权限' "$bin search 权限" \
    -n 'list --json' "$bin list --json" \
    -n 'explain 232011 (across APIs)' "$bin explain 232011" \
    -n 'explain 230002 --api' "$bin explain 230002 --api 'POST /open-apis/im/v1/messages?receive_id_type=chat_id'" \
    -n 'api POST URL' "$bin api POST https://open.feishu.cn/open-apis/im/v1/messages" \
    -n 'api 发送消息 (title search)' "$bin api 发送消息" \
    -n 'api 消息 (many matches)' "$bin api 消息"

echo
awk -F, -v target_ms=5 -v target_ratio=5 '
    NR == 1 { next }
    {
        gsub(/"/, "", $1)
        name[NR] = $1; mean[NR] = $2 * 1000; median[NR] = $4 * 1000; n = NR
    }
    END {
        base = mean[2]
        # The name goes last: printf pads by bytes, and CJK names would skew columns.
        printf "%10s %10s %12s %11s %11s  %s\n", "mean ms", "median ms", "x /bin/true", "under 5 ms", "within 5x", "command"
        for (i = 2; i <= n; i++) {
            ok = (i == 2) ? "-" : (mean[i] < target_ms ? "yes" : "NO")
            ratio = (i == 2) ? "-" : (mean[i] / base <= target_ratio ? "yes" : "NO")
            printf "%10.3f %10.3f %12.2f %11s %11s  %s\n", mean[i], median[i], mean[i] / base, ok, ratio, name[i]
        }
    }' "$csv"

# --- search over the whole catalog ----------------------------------------------------
# Every per-API entry, API title and meaning is searched: one pass over the library's
# search corpus per query word. Target: within 5x /bin/true, measured in this run.
search_csv="$(mktemp)"
trap 'rm -f "$csv" "$search_csv"' EXIT
echo
hyperfine --shell=none --warmup 50 --runs "${RUNS:-500}" --style basic --export-csv "$search_csv" \
    -n '/bin/true' '/bin/true' \
    -n 'search "rate limit"' "$bin search 'rate limit'" \
    -n 'search 1254018' "$bin search 1254018" \
    -n 'search "token expired"' "$bin search 'token expired'"

echo
awk -F, -v target=5 '
    NR == 1 { next }
    {
        gsub(/"/, "", $1)
        name[NR] = $1; mean[NR] = $2 * 1000; median[NR] = $4 * 1000; n = NR
    }
    END {
        base = mean[2]
        printf "%10s %10s %12s %11s  %s\n", "mean ms", "median ms", "x /bin/true", "within 5x", "command"
        for (i = 2; i <= n; i++) {
            ok = (i == 2) ? "-" : (mean[i] / base <= target ? "yes" : "NO")
            printf "%10.3f %10.3f %12.2f %11s  %s\n", mean[i], median[i], mean[i] / base, ok, name[i]
        }
    }' "$search_csv"
