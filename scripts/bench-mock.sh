#!/usr/bin/env bash
# Throughput of the mock Feishu server under wrk on loopback, for a bounded run:
#
#   - success at one API (valid token, code 0);
#   - success over every documented GET API in turn (each request routed through the
#     catalog to a different API);
#   - no token (99991661, HTTP 400).
#
# The rate limits are off for these (`rate_limits = "off"`): they measure the server, not
# the tiers. A last line measures the documented tiers over every GET API (mostly 429s).
#
#   scripts/bench-mock.sh                      # 10 s per load, 2 threads, 32 connections
#   BASELINE_REF=main scripts/bench-mock.sh    # the same loads against a build of `main`
#                                              # first, then the ratio of each figure
#   DURATION=30s CONNECTIONS=64 ROUNDS=3 scripts/bench-mock.sh   # best of 3 rounds
#
# Besides wrk's figures it prints the server's CPU time per request (from
# /proc/PID/stat), which moves much less than wall throughput when other work shares
# the cores.
#
# Needs wrk (`apt-get install -y wrk`) and curl. Server and wrk share the machine's
# cores, so the figures are a floor for the server alone; run the baseline in the same
# run (BASELINE_REF) to compare.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
ROUNDS=${ROUNDS:-1}
command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install -y wrk" >&2; exit 1; }
command -v curl >/dev/null || { echo "curl is not installed" >&2; exit 1; }

target_dir=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
work=$(mktemp -d)
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT

if [ -n "${BASELINE_REF:-}" ]; then
    # The baseline's sources, built in a target directory of their own (cargo names the
    # workspace's artifacts by their path relative to the workspace, so a build of the
    # other sources in this target directory would overwrite the current ones).
    git archive "$BASELINE_REF" | tar -x -C "$work" --one-top-level=baseline
    cargo build -q --release --manifest-path "$work/baseline/Cargo.toml" \
        --target-dir "$target_dir/bench-baseline" -p lark-errors-mock --example serve
    cp "$target_dir/bench-baseline/release/examples/serve" "$work/serve-baseline"
fi
cargo build -q --release -p lark-errors-mock --example serve
cp "$target_dir/release/examples/serve" "$work/serve-current"

printf 'rate_limits = "off"\n' > "$work/off.toml"
: > "$work/documented.toml"

# Starts `$1` with config `$2` (without it when the build does not know the keys);
# sets $url and $server.
start() {
    local out="$work/banner"
    : > "$out"
    "$1" --port 0 --quiet --config "$2" >"$out" 2>"$work/err" &
    server=$!
    sleep 0.3
    if ! kill -0 "$server" 2>/dev/null; then
        "$1" --port 0 --quiet >"$out" 2>"$work/err" &
        server=$!
    fi
    for _ in $(seq 50); do
        grep -q 'listening on' "$out" && break
        sleep 0.1
    done
    url=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$out")
    [ -n "$url" ] || { echo "the mock did not start: $(cat "$work/err")" >&2; exit 1; }
}

stop() {
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    server=""
}

token() {
    curl -sf -X POST -H 'content-type: application/json' \
        -d '{"app_id":"cli_mock","app_secret":"mock_secret"}' \
        "$url/open-apis/auth/v3/tenant_access_token/internal" | grep -o 't-[0-9a-f]*'
}

# Every documented GET API as a concrete path (parameters filled), from the current
# build's route list; a wrk script cycles through them.
start "$work/serve-current" "$work/off.toml"
curl -sf "$url/_mock/apis" | grep -o '"api":"GET [^"]*"' | sed 's/"api":"GET \([^"]*\)"/\1/' \
    | grep '^/open-apis/' | sed 's/:\([A-Za-z0-9_]*\)/x_\1/g' > "$work/paths"
stop
cat > "$work/cycle.lua" <<EOF
local paths = {}
for line in io.lines("$work/paths") do paths[#paths + 1] = line end
local n = 0
request = function()
    n = n + 1
    return wrk.format("GET", paths[n % #paths + 1])
end
EOF

# The server's CPU time so far (user + system), in clock ticks: the load-independent
# figure on a machine whose cores are shared (wall throughput moves with the other load).
cpu_ticks() {
    awk '{print $14 + $15}' "/proc/$server/stat"
}

# Runs wrk with the given arguments against the server; prints its figures as one line
# and keeps `build<TAB>label<TAB>req/s<TAB>server CPU µs per request` for the ratios.
measure() {
    local build="$1" label="$2"
    shift 2
    local before after
    before=$(cpu_ticks)
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$@" > "$work/wrk"
    after=$(cpu_ticks)
    awk '/Requests\/sec/ {rps=$2} /^ +99%/ {p99=$2} /^ +50%/ {p50=$2}
         /Non-2xx/ {non2xx=$NF} /requests in/ {n=$1}
         END {us = n > 0 ? (ticks / hz) * 1e6 / n : 0
              printf "%-9s %-36s %10s req/s   p50 %8s   p99 %8s   server CPU %5.2f us/req   requests %s   non-2xx %s\n", build, label, rps, p50, p99, us, n, (non2xx==""?0:non2xx)
              printf "%s\t%s\t%s\t%s\n", build, label, rps, us >> results}' \
        build="$build" label="$label" results="$work/results" ticks=$((after - before)) \
        hz="$(getconf CLK_TCK)" "$work/wrk"
}

# Runs the three loads against build `$1` (`baseline` or `current`).
loads() {
    start "$work/serve-$1" "$work/off.toml"
    local t
    t=$(token)
    measure "$1" "success, one API" -H "Authorization: Bearer $t" "$url/open-apis/im/v1/chats"
    measure "$1" "success, $(wc -l < "$work/paths") GET APIs in turn" -s "$work/cycle.lua" \
        -H "Authorization: Bearer $t" "$url"
    measure "$1" "no token (99991661, 400)" "$url/open-apis/im/v1/chats"
    stop
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency, $ROUNDS round(s)"
for _ in $(seq "$ROUNDS"); do
    # Interleaved, so that a change in the machine's other load hits both builds alike.
    [ -n "${BASELINE_REF:-}" ] && loads baseline
    loads current
done

start "$work/serve-current" "$work/documented.toml"
t=$(token)
measure current "documented tiers, GET APIs in turn" -s "$work/cycle.lua" \
    -H "Authorization: Bearer $t" "$url"
stop

if [ -n "${BASELINE_REF:-}" ]; then
    echo "current / baseline ($BASELINE_REF), best of $ROUNDS round(s): requests/s (higher is better), server CPU per request (lower is better)"
    awk -F'\t' '$1 == "baseline" { if (!($2 in brps) || $3 > brps[$2]) brps[$2] = $3
                                   if (!($2 in bcpu) || $4 < bcpu[$2]) bcpu[$2] = $4 }
                 $1 == "current"  { if (!($2 in crps) || $3 > crps[$2]) crps[$2] = $3
                                   if (!($2 in ccpu) || $4 < ccpu[$2]) ccpu[$2] = $4
                                   if (!($2 in seen)) { seen[$2] = 1; order[++n] = $2 } }
                 END { for (i = 1; i <= n; i++) { k = order[i]; if (k in brps)
                         printf "  %-36s req/s %.3f   CPU/req %.3f\n", k, crps[k] / brps[k], ccpu[k] / bcpu[k] } }' \
        "$work/results"
fi
