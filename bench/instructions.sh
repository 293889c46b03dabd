#!/usr/bin/env bash
# Instructions per request of a server, counted by valgrind's callgrind: the same figure whatever
# else the machine is doing (req/s on a shared machine is not). Used for "Where the time went" in the
# README; needs valgrind (Debian package valgrind) and a built dist/ for the service.
#
#   bench/instructions.sh URL [POST-BODY-FILE] -- COMMAND...
#   CONFIG_FILE=config/default.json PORT=18080 \
#     bench/instructions.sh 'http://127.0.0.1:18080/mail/config-v1.1.xml?emailaddress=pop.user%40example.com' -- node dist/main.js
#
# Starts COMMAND under callgrind, waits until URL answers, sends 1,500 requests to warm V8 up, zeroes
# the counters, sends 3,000 more (autocannon, 4 connections), and prints user-space instructions per
# request over those 3,000 (the kernel's share, the same for every server, is not counted).
set -euo pipefail
url=$1; shift
body=""
if [ "$1" != "--" ]; then body=$1; shift; fi
shift
autocannon="$(dirname "$0")/../node_modules/.bin/autocannon"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.out" --smc-check=all-non-file "$@" >/dev/null 2>"$out/valgrind.err" &
server=$!
load=(-c 4)
curl_args=()
if [ -n "$body" ]; then
  load+=(-m POST -H 'content-type=text/xml' -i "$body")
  curl_args=(-X POST --data-binary "@$body")
fi
for _ in $(seq 1 300); do curl -sf -o /dev/null "${curl_args[@]}" "$url" && break; sleep 1; done
"$autocannon" "${load[@]}" -a 1500 "$url" >/dev/null 2>&1
callgrind_control -z "$server" >/dev/null 2>&1
"$autocannon" "${load[@]}" -a 3000 "$url" 2>&1 | grep -E 'requests in|non 2xx' || true
callgrind_control -d "$server" >/dev/null 2>&1
sleep 1
kill -INT "$server"; wait "$server" 2>/dev/null || true
dump="$out/callgrind.out.1"  # the dump taken after the 3,000 requests
total=$(grep -h '^summary\|^totals' "$dump" | head -n 1 | awk '{print $2}')
echo "instructions per request: $((total / 3000))"
