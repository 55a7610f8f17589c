#!/usr/bin/env bash
# The REST API against its own OpenAPI document: schemathesis generates requests from the document
# (valid and invalid ones, a fixed seed, a bounded number per operation) and checks every answer
# with every check it has. Run by `make test`; needs PARLEY_SERVER_BIN, SCHEMATHESIS, LEPTOS_SITE_ROOT.
set -euo pipefail

BIN=${PARLEY_SERVER_BIN:?the server binary}
ST=${SCHEMATHESIS:?the schemathesis command}
WORK=$(mktemp -d)
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"
cleanup() { [ -n "${SERVER:-}" ] && kill "$SERVER" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

# The generated requests come faster than a key's rate limit allows; the limit has its own test.
PARLEY_ADDR="127.0.0.1:$PORT" PARLEY_DB=mem:// PARLEY_DEMO=1 PARLEY_LOG=warn PARLEY_API_BURST=100000 \
  "$BIN" > "$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 120); do curl -fs "$BASE/healthz" > /dev/null && break; sleep 0.25; done

# A key of the demo's kayak location, made the way a business makes one: signed in, in Settings.
curl -fs -o /dev/null -c "$WORK/cookies" -H "Origin: $BASE" \
  --data 'email=maya%40parley.demo&password=demo-maya-2026' "$BASE/api/login"
KEY=$(curl -fs -b "$WORK/cookies" -H "Origin: $BASE" -H 'Accept: application/json' \
  --data 'name=schemathesis' "$BASE/api/create_api_key" | python3 -c 'import json, sys; print(json.load(sys.stdin)["secret"])')

cd "$(dirname "$0")"
"$ST" run "$BASE/api/v1/openapi.json" \
  --url "$BASE" \
  --checks all \
  --seed 20261124 \
  --max-examples 100 \
  --request-timeout 10 \
  --header "Authorization: Bearer $KEY" \
  --no-color \
  || { echo "--- server log"; tail -50 "$WORK/server.log"; exit 1; }
