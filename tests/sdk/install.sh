#!/usr/bin/env bash
# Installs the official SDKs the suites in tests/sdk run, from their registries, into
# target/sdk (a Python virtualenv and a node_modules folder; nothing in the source tree).
# Needs python3 (with venv), pip and npm. Versions are pinned in python/requirements.txt
# and node/package.json.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="${LARK_SDK_WORK:-$here/../../target/sdk}"
mkdir -p "$work/node"

if [ ! -x "$work/venv/bin/python" ]; then
    python3 -m venv "$work/venv"
fi
"$work/venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/python/requirements.txt"
"$work/venv/bin/python" -c 'import lark_oapi.core.const as c; print("lark-oapi", c.VERSION)'

cp "$here/node/package.json" "$work/node/package.json"
# No lock file: the version is pinned in package.json.
(cd "$work/node" && npm install --no-audit --no-fund --no-package-lock --loglevel=error)
node -e 'console.log("@larksuiteoapi/node-sdk", require(process.argv[1] + "/node_modules/@larksuiteoapi/node-sdk/package.json").version)' "$work/node"
