#!/usr/bin/env bash
# Benchmark `larkerr scan` against its physical anchor (`cat FILE > /dev/null`) and its
# practical anchor (`rg -o '"code":[0-9]+' FILE | sort | uniq -c`), on a generated
# JSON-lines log, all timed in the same run from the page cache.
#
# usage: scripts/bench-scan.sh [SEED] [ERROR_RATE] [SIZE_MIB] [OUT_DIR]
#   SEED        random seed of the generator (default 42)
#   ERROR_RATE  fraction of lines that carry a Feishu error (default 0.01)
#   SIZE_MIB    size of the generated log (default 1024)
#   OUT_DIR     where the logs go (default /tmp/larkerr-bench); never the repository
#
# It also generates a single line of 200 MB without a newline and reports the peak
# RSS (`/usr/bin/time -v`) of `larkerr scan` on both inputs. Needs python3, bc, rg
# (`apt-get install -y ripgrep`) and GNU time (`apt-get install -y time`).
# The same seed, rate and size always give the same bytes.
set -euo pipefail

SEED=${1:-42}
RATE=${2:-0.01}
SIZE_MIB=${3:-1024}
OUT=${4:-/tmp/larkerr-bench}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}

for tool in python3 rg /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "bench-scan: needs $tool" >&2; exit 2; }
done

mkdir -p "$OUT"
LOG="$OUT/app-$SEED-$RATE-$SIZE_MIB.jsonl"
LONG="$OUT/long-line-200MB.log"

generate() {
    python3 - "$SEED" "$RATE" "$SIZE_MIB" "$1" <<'PY'
import random, sys, datetime
seed, rate, size_mib, path = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
rng = random.Random(seed)
target = size_mib * 1024 * 1024
paths = ["/open-apis/im/v1/messages", "/open-apis/contact/v3/users/batch",
         "/open-apis/bitable/v1/apps/bascn/tables/tbl/records", "/open-apis/drive/v1/files",
         "/open-apis/auth/v3/tenant_access_token/internal", "/open-apis/calendar/v4/calendars"]
nodes = ["worker-1", "worker-2", "worker-3", "api-gw-7"]
# (weight, shape) for error lines; several shapes of log, one undocumented code.
errors = [
    (40, '"status_code":429,"msg":"feishu call failed","resp":{"code":99991400,"msg":"request trigger frequency limit","error":{"log_id":"%s"}}'),
    (20, '"status_code":400,"msg":"feishu call failed","resp":{"code":99991663,"msg":"Invalid access token for authorization. Please make a request with token attached."}'),
    (12, '"status_code":400,"msg":"feishu call failed","err":"msg:Access denied. One of the following scopes is required: [im:message],code:99991672"'),
    (10, '"status_code":400,"msg":"feishu call failed","body":"{\\"code\\":1254040,\\"msg\\":\\"BaseTokenNotFound\\",\\"data\\":{}}"'),
    (10, '"status_code":400,"msg":"feishu call failed","resp":{"code":40001,"msg":"param error"}'),
    (8, '"status_code":200,"msg":"feishu call failed","resp":{"code":230002,"msg":"The bot can not be outside the group."}'),
]
weights = [w for w, _ in errors]
start = datetime.datetime(2025, 3, 1, tzinfo=datetime.timezone.utc)
lines_per_second = 60
out = open(path, "w", newline="\n")
written, n, batch = 0, 0, []
stamp_cache = {}
while written < target:
    sec = n // lines_per_second
    stamp = stamp_cache.get(sec)
    if stamp is None:
        stamp_cache.clear()
        stamp = (start + datetime.timedelta(seconds=sec)).strftime("%Y-%m-%dT%H:%M:%S")
        stamp_cache[sec] = stamp
    ms = (n % lines_per_second) * 16
    trace = "%016x" % rng.getrandbits(64)
    # a burst of errors between 10:00 and 11:00
    r = rate * (4 if 10 * 3600 <= sec < 11 * 3600 else 1)
    head = '{"time":"%s.%03dZ","level":"%%s","node":"%s","trace_id":"%s","method":"POST","path":"%s",' % (
        stamp, ms, rng.choice(nodes), trace, rng.choice(paths))
    if rng.random() < r:
        shape = rng.choices(errors, weights)[0][1]
        if "%s" in shape:
            shape = shape % ("2025030100%016x" % rng.getrandbits(64))
        line = head % "error" + shape + ',"latency_ms":%d}\n' % rng.randrange(5, 900)
    else:
        line = head % "info" + '"status_code":200,"msg":"request done","user":"ou_%012x","latency_ms":%d}\n' % (
            rng.getrandbits(48), rng.randrange(5, 900))
    batch.append(line)
    written += len(line)
    n += 1
    if len(batch) >= 20000:
        out.write("".join(batch))
        batch = []
out.write("".join(batch))
out.close()
PY
}

if [ ! -s "$LOG" ]; then
    echo "generating $LOG (seed $SEED, error rate $RATE, $SIZE_MIB MiB) ..." >&2
    generate "$LOG.tmp" && mv "$LOG.tmp" "$LOG"
fi
if [ ! -s "$LONG" ]; then
    echo "generating $LONG ..." >&2
    python3 - "$LONG" <<'PY'
import sys
# 200 MB, no newline: padding with a Feishu error body every 64 KiB.
unit = ("x" * 65400 + '{"code":99991400,"msg":"request trigger frequency limit"} ').encode()
with open(sys.argv[1], "wb") as f:
    total = 0
    while total < 200_000_000:
        f.write(unit)
        total += len(unit)
PY
fi

(cd "$ROOT" && cargo build --release -q -p larkerr)
LARKERR="$CARGO_TARGET_DIR/release/larkerr"
BYTES=$(stat -c %s "$LOG")

# Warm the page cache.
cat "$LOG" >/dev/null; cat "$LOG" >/dev/null

# Best of 3 wall-clock seconds of a shell command.
best() {
    local best="" t
    for _ in 1 2 3; do
        local s e
        s=$(date +%s.%N)
        bash -c "$1" >/dev/null
        e=$(date +%s.%N)
        t=$(echo "$e - $s" | bc -l)
        if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; fi
    done
    echo "$best"
}

command -v bc >/dev/null || { echo "bench-scan: needs bc" >&2; exit 2; }

T_CAT=$(best "cat '$LOG' > /dev/null")
T_SCAN=$(best "'$LARKERR' scan '$LOG' > /dev/null")
T_SCAN_JSON=$(best "'$LARKERR' scan --json --timeline '$LOG' > /dev/null")
T_RG=$(best "rg -o '\"code\":[0-9]+' '$LOG' | sort | uniq -c > /dev/null")
T_RG1=$(best "rg -j1 -o '\"code\":[0-9]+' '$LOG' | sort | uniq -c > /dev/null")

mbps() { echo "scale=0; $BYTES / $1 / 1000000" | bc -l; }
ratio() { echo "scale=2; $1 / $2" | bc -l; }

echo
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "input:   $LOG ($BYTES bytes, $(wc -l <"$LOG") lines), best of 3, page cache warm"
row() { printf '%-46s %7.3f s %6s MB/s  %s\n' "$1" "$2" "$(mbps "$2")" "$3"; }
row "cat > /dev/null" "$T_CAT" ""
row "larkerr scan" "$T_SCAN" "time = $(ratio "$T_SCAN" "$T_CAT") x cat"
row "larkerr scan --json --timeline" "$T_SCAN_JSON" "time = $(ratio "$T_SCAN_JSON" "$T_CAT") x cat"
row "rg -o '\"code\":[0-9]+' | sort | uniq -c" "$T_RG" "time = $(ratio "$T_RG" "$T_SCAN") x scan"
row "  the same with rg -j1" "$T_RG1" "time = $(ratio "$T_RG1" "$T_SCAN") x scan"

rss() { /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}'; }
echo "peak RSS, larkerr scan on $SIZE_MIB MiB log:      $(rss "$LARKERR" scan "$LOG") KiB"
echo "peak RSS, larkerr scan on the 200 MB single line: $(rss "$LARKERR" scan "$LONG") KiB"
echo "peak RSS, cat on the $SIZE_MIB MiB log:           $(rss cat "$LOG") KiB"
