#!/usr/bin/env bash
# Runs the official SDKs (lark-oapi for Python, @larksuiteoapi/node-sdk for Node) against
# `larkerr mock` on a free loopback port with tests/sdk/mock.toml, then a burst through
# the middleware with pacing (the paced_burst example) beside the SDKs' unpaced ones, and
# stops the mock.
# Install the SDKs first with tests/sdk/install.sh (.ci/run does).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="${LARK_SDK_WORK:-$root/target/sdk}"

if [ ! -x "$work/venv/bin/python" ] || [ ! -d "$work/node/node_modules/@larksuiteoapi/node-sdk" ]; then
    echo "tests/sdk/run.sh: the SDKs are not installed in $work: run tests/sdk/install.sh" >&2
    exit 2
fi

cargo build --quiet -p larkerr
cargo build --quiet -p lark-errors-reqwest --example paced_burst
mkdir -p "$work"
banner="$work/mock.banner"
: > "$banner"
"$root/target/debug/larkerr" --color never mock --port 0 --config "$here/mock.toml" \
    > "$banner" 2> "$work/mock.log" &
mock=$!
trap 'kill "$mock" 2>/dev/null || true; wait "$mock" 2>/dev/null || true' EXIT

url=""
for _ in $(seq 1 100); do
    url="$(sed -n 's/^mock Feishu Open API listening on //p' "$banner")"
    [ -n "$url" ] && break
    if ! kill -0 "$mock" 2>/dev/null; then
        echo "tests/sdk/run.sh: the mock did not start: $(cat "$work/mock.log")" >&2
        exit 1
    fi
    sleep 0.1
done
if [ -z "$url" ]; then
    echo "tests/sdk/run.sh: the mock printed no address" >&2
    exit 1
fi
export LARK_MOCK_URL="$url"
echo "mock at $url"

echo "--- Python: lark-oapi"
"$work/venv/bin/python" -m unittest discover --start-directory "$here/python" --pattern 'test_*.py' -v

echo "--- Node: @larksuiteoapi/node-sdk"
NODE_PATH="$work/node/node_modules" node --test "$here/node/sdk.test.cjs"

echo "--- the middleware, paced by the documented tier"
"$root/target/debug/examples/paced_burst" "$url" 200
