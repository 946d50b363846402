#!/usr/bin/env bash
# Throughput of the mock Feishu server under wrk on loopback, for a bounded run:
# a success path (valid token) and an error path (no token: 99991661).
#
#   scripts/bench-mock.sh                      # 10 s per path, 2 threads, 32 connections
#   DURATION=30s CONNECTIONS=64 scripts/bench-mock.sh
#
# Needs wrk (`apt-get install -y wrk`) and curl. Server and wrk share the machine's
# cores, so the figures are a floor for the server alone.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install -y wrk" >&2; exit 1; }
command -v curl >/dev/null || { echo "curl is not installed" >&2; exit 1; }

cargo build -q --release -p lark-errors-mock --example serve
target_dir=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
out=$(mktemp)
"$target_dir/release/examples/serve" --port 0 --quiet >"$out" &
server=$!
trap 'kill "$server" 2>/dev/null; rm -f "$out"' EXIT
for _ in $(seq 50); do
    grep -q 'listening on' "$out" && break
    sleep 0.1
done
url=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$out")
[ -n "$url" ] || { echo "the mock did not start" >&2; exit 1; }

token=$(curl -sf -X POST -H 'content-type: application/json' \
    -d '{"app_id":"cli_mock","app_secret":"mock_secret"}' \
    "$url/open-apis/auth/v3/tenant_access_token/internal" | grep -o 't-[0-9a-f]*')

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency, mock at $url"
summary() {
    awk '/Requests\/sec/ {rps=$2} /^ +99%/ {p99=$2} /^ +50%/ {p50=$2}
         /Non-2xx/ {non2xx=$NF} /requests in/ {n=$1}
         END {printf "%-28s %10s req/s   p50 %8s   p99 %8s   requests %s   non-2xx %s\n", label, rps, p50, p99, n, (non2xx==""?0:non2xx)}' label="$1"
}
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency \
    -H "Authorization: Bearer $token" "$url/open-apis/im/v1/chats" | summary "success (code 0)"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency \
    "$url/open-apis/im/v1/chats" | summary "no token (99991661, 400)"
curl -sf "$url/_mock/stats" | head -c 400; echo
