#!/usr/bin/env bash
# `make bench`: measures the release build on this machine and writes target/bench/report.{md,json}.
# Every speed figure is reported next to a reference measured in the same run (the bare endpoint,
# the smaller dataset), because absolute numbers on a shared 2-core machine mean little. The
# benchmark reports; it fails only when the server misbehaves (errors, lost or duplicated messages).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${PARLEY_SERVER_BIN:?the release server binary}
BENCH=${PARLEY_BENCH_BIN:?the release parley-bench binary}
SITE=${LEPTOS_SITE_ROOT:?the built site}
OUT="$ROOT/target/bench"
DURATION=${BENCH_DURATION:-10s}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
THREADS=${BENCH_THREADS:-100000}
OVERLOAD_CONNECTIONS=${BENCH_OVERLOAD_CONNECTIONS:-1000}
# The overload run holds a socket per connection on both ends.
ulimit -n 8192 2>/dev/null || true
mkdir -p "$OUT"
rm -f "$OUT"/*.json "$OUT"/*.txt
WORK=$(mktemp -d)
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"
DB="surrealkv://$WORK/bench.db"

cleanup() { [ -n "${SERVER:-}" ] && kill "$SERVER" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

echo "== scaling: generating 1,000 then $THREADS threads and timing the polls in-process"
"$BENCH" scale --db "$DB" --large "$THREADS" --out "$OUT/scale.json" > /dev/null

echo "== starting the release server on that database"
PARLEY_ADDR="127.0.0.1:$PORT" PARLEY_DB="$DB" PARLEY_FILES="$WORK/files" PARLEY_LOG=warn LEPTOS_HASH_FILES=true \
  LEPTOS_SITE_ROOT="$SITE" "$BIN" > "$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 240); do curl -fs "$BASE/healthz" > /dev/null && break; sleep 0.5; done
curl -fs "$BASE/healthz" > /dev/null || { cat "$WORK/server.log"; exit 1; }

# A staff session (Maya, at the location with the generated threads) for the inbox poll.
curl -fs -o /dev/null -c "$WORK/cookies" -H "Origin: $BASE" \
  --data 'email=maya%40parley.demo&password=demo-maya-2026' "$BASE/api/login" || true
SESSION=$(awk '$6 == "parley_session" { print $7 }' "$WORK/cookies")
[ -n "$SESSION" ] || { echo "could not sign in"; exit 1; }
# The polls below ask for what is newer than everything there is: nothing new.
PORTAL_FORM="token=demo-portal-ana-silva-kayak&after_seq=1000000"
INBOX_FORM="after=$(( ($(date +%s) + 60) * 1000000000 ))."

# Each call's body as its page sends it: postcard for the portal's, the form for the dashboard's.
"$BENCH" body --endpoint portal_poll --form "$PORTAL_FORM" --out "$WORK/portal.body"
"$BENCH" body --endpoint inbox_changes --form "$INBOX_FORM" --out "$WORK/inbox.body"
# The team's open thread (Ana's): its poll also says who is replying and brings new notes.
THREAD_ID=$(curl -fs -H "Origin: $BASE" -H "Cookie: parley_session=$SESSION" -H 'Accept: application/json' \
  --data 'unread_only=false&search=Ana+Silva' "$BASE/api/inbox_page" \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["rows"][0]["thread_id"])')
THREAD_FORM="thread_id=$THREAD_ID&after_seq=1000000&after_edit=1000000&after_note=1000000"
post_script() { # body file, content type, accept, extra header line
  cat <<LUA
local file = assert(io.open("$1", "rb"))
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "$2"
wrk.headers["Accept"] = "$3"
wrk.headers["Origin"] = "$BASE"
$4
LUA
}
post_script "$WORK/portal.body" application/x-postcard application/x-postcard "" > "$WORK/portal.lua"
post_script "$WORK/inbox.body" application/x-www-form-urlencoded application/json \
  "wrk.headers[\"Cookie\"] = \"parley_session=$SESSION\"" > "$WORK/inbox.lua"
printf '%s' "$THREAD_FORM" > "$WORK/thread.body"
post_script "$WORK/thread.body" application/x-www-form-urlencoded application/json \
  "wrk.headers[\"Cookie\"] = \"parley_session=$SESSION\"" > "$WORK/thread.lua"

run_wrk() { # name, url, [script]
  local name=$1 url=$2 script=${3:-}
  wrk -t2 -c"$CONNECTIONS" -d2s ${script:+-s "$script"} "$url" > /dev/null # warm-up
  wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency ${script:+-s "$script"} "$url" > "$OUT/wrk-$name.txt"
}
echo "== empty polls against the bare endpoint (wrk, $CONNECTIONS connections, $DURATION each)"
run_wrk bare "$BASE/api/ping"
run_wrk portal_poll "$BASE/api/portal_poll" "$WORK/portal.lua"
run_wrk inbox_poll "$BASE/api/inbox_changes" "$WORK/inbox.lua"
run_wrk thread_poll "$BASE/api/thread_poll" "$WORK/thread.lua"

echo "== empty polls at a fixed 2,000 a second"
"$BENCH" rate --url "$BASE" --endpoint portal_poll --form "$PORTAL_FORM" --out "$OUT/rate-portal_poll.json" > /dev/null
"$BENCH" rate --url "$BASE" --endpoint inbox_changes --form "$INBOX_FORM" \
  --cookie "parley_session=$SESSION" --out "$OUT/rate-inbox_poll.json" > /dev/null

echo "== empty portal polls at 2,000 a second while 20 sign-ins a second run (argon2 each), spread, then in bursts"
# Twenty staff accounts (made with the dataset), each signing in once a second.
SIGN_INS=(--sign-ins-per-s 20)
for i in $(seq -w 0 19); do SIGN_INS+=(--sign-in-form "email=bench-staff-$i%40parley.demo&password=bench-password-2026"); done
"$BENCH" rate --url "$BASE" --endpoint portal_poll --form "$PORTAL_FORM" "${SIGN_INS[@]}" \
  --out "$OUT/rate-portal_poll-sign-ins.json" > /dev/null
"$BENCH" rate --url "$BASE" --endpoint portal_poll --form "$PORTAL_FORM" "${SIGN_INS[@]}" --sign-in-burst \
  --out "$OUT/rate-portal_poll-sign-in-bursts.json" > /dev/null

# What one empty poll costs on the wire.
curl -fs -o /dev/null -w '%{size_download}' -H "Origin: $BASE" -H "Content-Type: application/x-postcard" \
  --data-binary @"$WORK/portal.body" "$BASE/api/portal_poll" > "$OUT/portal-poll-bytes.txt"

echo "== durable sends: one sender, then 200 over 50 threads"
"$BENCH" sends --url "$BASE" --out "$OUT/sends.json" > /dev/null

echo "== a message to a 200-booking departure, beside another customer's sends"
"$BENCH" broadcast --url "$BASE" --session "$SESSION" --out "$OUT/broadcast.json" > /dev/null

echo "== uploads: a 5 MB photo, then ten 10 MB files at once"
"$BENCH" uploads --url "$BASE" --token demo-portal-ben-okafor-kayak --pid "$SERVER" --out "$OUT/uploads.json" > /dev/null

echo "== page weight: the portal page as a phone fetches it, and the app bundle the other pages load"
weigh() { # url, encoding -> bytes on the wire
  curl -fs -o /dev/null -w '%{size_download}' -H "Accept-Encoding: $2" "$1"
}
weigh_page() { # url, label -> one line per file: raw gzip brotli path
  local page=$1 label=$2 html
  html=$(mktemp -p "$WORK")
  curl -fs -H 'Accept-Encoding: identity' "$page" > "$html"
  echo "$(weigh "$page" identity) $(weigh "$page" gzip) $(weigh "$page" br) $label"
  # The assets the page links to, with whatever hashed names this build gave them.
  grep -oE '/pkg/[^"'"'"' ]+\.(js|wasm|css)' "$html" | sort -u | while read -r asset; do
    echo "$(weigh "$BASE$asset" identity) $(weigh "$BASE$asset" gzip) $(weigh "$BASE$asset" br) $asset"
  done
}
PAGE="$BASE/portal/demo-portal-ana-silva-kayak"
weigh_page "$PAGE" "/portal/<token>" > "$OUT/weight.txt"
weigh_page "$BASE/login" "/login" > "$OUT/weight-app.txt"
awk '{ print $4 }' "$OUT/weight.txt" | grep '^/pkg/' | while read -r asset; do
  curl -fs -D - -o /dev/null -H 'Accept-Encoding: br' "$BASE$asset" \
    | tr -d '\r' | grep -iE '^(content-encoding|cache-control):' | sed "s|^|$asset |" >> "$OUT/asset-headers.txt"
done

echo "== what the portal's wasm is made of (twiggy top)"
twiggy top -n 25 --format csv "${PARLEY_PORTAL_WASM_NAMED:?the portal wasm with names}" > "$OUT/twiggy-top.csv"

echo "== Lighthouse on the portal page (mobile preset, simulated throttling, Debian's Chromium)"
CHROME_PATH=$(command -v chromium) lighthouse "$PAGE" --only-categories=performance --output=json \
  --output-path="$OUT/lighthouse.json" --chrome-flags="--headless=new --no-sandbox" --quiet

echo "== overload: empty portal polls over $OVERLOAD_CONNECTIONS connections"
rss_kb() { ps -o rss= -p "$SERVER" | tr -d ' '; }
RSS_BEFORE=$(rss_kb)
wrk -t2 -c"$OVERLOAD_CONNECTIONS" -d"$DURATION" --latency -s "$WORK/portal.lua" "$BASE/api/portal_poll" > "$OUT/wrk-overload.txt"
echo "$RSS_BEFORE $(rss_kb) $OVERLOAD_CONNECTIONS" > "$OUT/overload-rss.txt"

python3 "$ROOT/bench/report.py" "$OUT" "$DURATION" "$CONNECTIONS"
cat "$OUT/report.md"
