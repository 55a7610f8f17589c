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

cleanup() {
  local status=$?
  # A failed run shows what the servers said before their logs go with the work directory.
  [ "$status" -eq 0 ] || tail -n 40 "$WORK"/*.log 2>/dev/null || true
  for pid in ${SERVER:-} ${NGINX:-} ${WS_SERVERS[@]:-} ${SURREAL:-}; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
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
inbox_form() { # base url, session -> the inbox poll's form, from the position after every change so far
  echo "after=$(curl -fs --data '' -H "Origin: $1" -H "Cookie: parley_session=$2" -H 'Accept: application/json' "$1/api/inbox_start" \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["changes"])')"
}
INBOX_FORM=$(inbox_form "$BASE" "$SESSION")

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

echo "== several servers: two Parley servers behind nginx (round robin) on one SurrealDB server over ws://"
kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null || true; SERVER=
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
DB_PORT=$(free_port)
export PARLEY_DB_USER=root PARLEY_DB_PASS="bench-$(python3 -c 'import uuid; print(uuid.uuid4())')"
# surrealkv on the server syncs every commit by default, as Parley's embedded store is opened.
SURREAL_ONLINE_VERSION_CHECK=false SURREAL_USER=$PARLEY_DB_USER SURREAL_PASS=$PARLEY_DB_PASS \
  "${PARLEY_SURREAL_BIN:?the release SurrealDB server}" start --log warn --no-banner --bind "127.0.0.1:$DB_PORT" \
  "surrealkv://$WORK/ws.db" > "$WORK/surreal.log" 2>&1 &
SURREAL=$!
for _ in $(seq 1 120); do curl -fs "http://127.0.0.1:$DB_PORT/health" > /dev/null && break; sleep 0.5; done
WS_DB="ws://127.0.0.1:$DB_PORT"
echo "   scaling over ws:// (the same dataset and requests, in-process router, remote database)"
"$BENCH" scale --db "$WS_DB" --large "$THREADS" --out "$OUT/scale-ws.json" > /dev/null
PORT_A=$(free_port); PORT_B=$(free_port); LB_PORT=$(free_port)
WS_SERVERS=()
for port in "$PORT_A" "$PORT_B"; do
  PARLEY_ADDR="127.0.0.1:$port" PARLEY_DB="$WS_DB" PARLEY_FILES="$WORK/files" PARLEY_LOG=warn LEPTOS_HASH_FILES=true \
    LEPTOS_SITE_ROOT="$SITE" "$BIN" > "$WORK/server-$port.log" 2>&1 &
  WS_SERVERS+=($!)
  for _ in $(seq 1 240); do curl -fs "http://127.0.0.1:$port/healthz" > /dev/null && break; sleep 0.5; done
done
# The same nginx configuration the two-server Playwright run uses, with connections to the
# servers kept open (they do not restart here).
mkdir -p "$WORK/nginx"
sed -e "s|@PREFIX@|$WORK/nginx|g" -e "s|@LISTEN@|$LB_PORT|g" -e "s|@PORT_A@|$PORT_A|g" -e "s|@PORT_B@|$PORT_B|g" \
  -e "s|@UPSTREAM_KEEPALIVE@|keepalive 64;|g" "$ROOT/end2end/nginx.conf.template" > "$WORK/nginx/nginx.conf"
/usr/sbin/nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -e stderr > "$WORK/nginx.log" 2>&1 &
NGINX=$!
LB="http://127.0.0.1:$LB_PORT"
for _ in $(seq 1 60); do curl -fs "$LB/healthz" > /dev/null && break; sleep 0.5; done
rm -f "$WORK/cookies"
curl -fs -o /dev/null -c "$WORK/cookies" -H "Origin: $LB" \
  --data 'email=maya%40parley.demo&password=demo-maya-2026' "$LB/api/login"
WS_SESSION=$(awk '$6 == "parley_session" { print $7 }' "$WORK/cookies")
"$BENCH" body --endpoint inbox_changes --form "$(inbox_form "$LB" "$WS_SESSION")" --out "$WORK/ws-inbox.body"
BASE=$LB post_script "$WORK/portal.body" application/x-postcard application/x-postcard "" > "$WORK/ws-portal.lua"
BASE=$LB post_script "$WORK/ws-inbox.body" application/x-www-form-urlencoded application/json \
  "wrk.headers[\"Cookie\"] = \"parley_session=$WS_SESSION\"" > "$WORK/ws-inbox.lua"
run_wrk ws_bare "$LB/api/ping"
run_wrk ws_portal_poll "$LB/api/portal_poll" "$WORK/ws-portal.lua"
run_wrk ws_inbox_poll "$LB/api/inbox_changes" "$WORK/ws-inbox.lua"
"$BENCH" sends --url "$LB" --out "$OUT/sends-ws.json" > /dev/null
kill "$NGINX" "${WS_SERVERS[@]}" 2>/dev/null; wait "$NGINX" "${WS_SERVERS[@]}" 2>/dev/null || true
kill "$SURREAL" 2>/dev/null; wait "$SURREAL" 2>/dev/null || true

python3 "$ROOT/bench/report.py" "$OUT" "$DURATION" "$CONNECTIONS"
cat "$OUT/report.md"
