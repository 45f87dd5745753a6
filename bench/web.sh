#!/usr/bin/env bash
# Web benchmarks (issue 6): household search, household page and dashboard latency and throughput on a demo
# registry of HOUSEHOLDS households (default 1,000,000), with wrk on loopback. Figures go to docs/benchmarks.md.
#
#   HOUSEHOLDS   size of the demo registry (default 1000000)
#   DURATION     seconds per wrk run (default 20)
#   CONNECTIONS  concurrent connections (default 16)
#   ONLY         run only the measurements whose name starts with this (e.g. "search"); default all
#   DB_URL       a postgres:// URL whose schema holds a demo registry already (bench/scale_pg.sh builds one):
#                measured there instead of a fresh SQLite copy of the demo
set -euo pipefail
cd "$(dirname "$0")/.."
HOUSEHOLDS=${HOUSEHOLDS:-1000000}
DURATION=${DURATION:-20}
CONNECTIONS=${CONNECTIONS:-16}
DATA=bench/data
mkdir -p "$DATA"
BIN=target/release/giamngheo
PORT=${PORT:-18181}
BASE="http://127.0.0.1:$PORT"
log() { echo ">> $*" >&2; }

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
log "building"
cargo build --release -p giamngheo --quiet

if [[ -n "${DB_URL:-}" ]]; then
    DB=$DB_URL
else
    DEMO="$DATA/demo-$HOUSEHOLDS.db"
    if [[ ! -f "$DEMO" ]]; then
        log "building the demo registry of $HOUSEHOLDS households (once)"
        "$BIN" --db "$DEMO" demo --households "$HOUSEHOLDS" --no-serve > /dev/null
    fi
    DB="$DATA/web-bench-$HOUSEHOLDS.db"
    rm -f "$DB" "$DB-wal" "$DB-shm" "$DB.audit-key"
    cp "$DEMO" "$DB"
    # The copy's audit chain is keyed with the demo's key: it goes along (a new key would be refused).
    [ -f "$DEMO.audit-key" ] && cp "$DEMO.audit-key" "$DB.audit-key"
fi
PASS="bench-password-123"
# A database measured before (DB_URL) has the accounts already.
echo "$PASS" | "$BIN" --db "$DB" user add --name bench-admin --role administrator --password-stdin > /dev/null || true

"$BIN" --db "$DB" serve --bind "127.0.0.1:$PORT" > "$DATA/web-serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
# Up to 5 minutes: a registry left stale by a bulk write has its search tables rebuilt before the server listens.
for _ in $(seq 1 1500); do curl -sf "$BASE/healthz" > /dev/null && break; sleep 0.2; done

# Logs in with curl; prints the Cookie header value.
login() {
    local jar; jar=$(mktemp)
    local pre; pre=$(curl -s -c "$jar" "$BASE/login" | grep -o 'name="csrf" value="[^"]*"' | cut -d'"' -f4)
    curl -s -b "$jar" -c "$jar" -o /dev/null "$BASE/login" -H "Origin: $BASE" \
        --data-urlencode "csrf=$pre" --data-urlencode "name=$1" --data-urlencode "password=$PASS"
    echo "gn_session=$(awk '$6 == "gn_session" { print $7 }' "$jar")"
    rm -f "$jar"
}
ADMIN=$(login bench-admin)
# The commune of the first household: the commune officer's unit.
FIRST=$(curl -s -b "$ADMIN" "$BASE/api/households" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["household"])')
COMMUNE=$(curl -s -b "$ADMIN" "$BASE/api/households/$FIRST" | python3 -c 'import json,sys; print(json.load(sys.stdin)["residences"][-1]["commune_code"])')
PROVINCE=$(curl -s -b "$ADMIN" "$BASE/api/units/$COMMUNE" | python3 -c 'import json,sys; print(json.load(sys.stdin)["parent"]["code"])')
echo "$PASS" | "$BIN" --db "$DB" user add --name bench-xa --role commune_officer --unit "$COMMUNE" --password-stdin > /dev/null || true
XA=$(login bench-xa)
log "commune $COMMUNE; $(curl -s -b "$XA" "$BASE/api/units/$COMMUNE" | python3 -c 'import json,sys; print(json.load(sys.stdin)["name"])')"

# Unaccented name prefixes people type, and household codes of the commune, rotated by wrk.
QUERIES="nguyen+van+a nguyen+thi+h le+van+b tran+thi+m pham+van+d hoang+thi+l dang vu+thi le+thi+hoa do+van+t bui+thi+n ngo+van+c"
CODES=$(curl -s -b "$XA" "$BASE/api/households?q=nguyen" | python3 -c 'import json,sys; print(" ".join(sorted({i["household"] for i in json.load(sys.stdin)["items"]})[:200]))')
lua() { # lua FILE path...
    local f=$1; shift
    { echo "paths = {"; for p in "$@"; do echo "  \"$p\","; done; echo "}"
      echo 'i = 0'
      echo 'request = function() i = i + 1; return wrk.format("GET", paths[(i % #paths) + 1]) end'; } > "$f"
}
SEARCH=()
for q in $QUERIES; do SEARCH+=("/households?q=$q"); done
PAGES=()
for c in $CODES; do PAGES+=("/households/$c"); done
lua "$DATA/search.lua" "${SEARCH[@]}"
lua "$DATA/household.lua" "${PAGES[@]}"
lua "$DATA/dashboard.lua" "/dashboard"
lua "$DATA/dashboard-province.lua" "/dashboard?unit=$PROVINCE"

cold() { # the first, uncached dashboard
    curl -s -o /dev/null -w "%{time_total}" -b "$2" "$BASE$1"
}
log "cold dashboard (commune): $(cold /dashboard "$XA") s; province: $(cold "/dashboard?unit=$PROVINCE" "$ADMIN") s"
RESULTS="$DATA/web-results.txt"
: > "$RESULTS"
run() { # run NAME COOKIE LUA: at CONNECTIONS (throughput), then at 2 connections (latency of a light load)
    [[ "$1" == "${ONLY:-}"* ]] || return 0
    for c in "$CONNECTIONS" 2; do
        log "wrk: $1, $c connections"
        echo "== $1, $c connections" >> "$RESULTS"
        wrk -t2 -c"$c" -d"${DURATION}s" --latency -H "Cookie: $2" -s "$3" "$BASE" | tee -a "$RESULTS" \
            | grep -E "Requests/sec|  50%|  99%|Non-2xx" >&2
    done
}
run "search (commune officer)" "$XA" "$DATA/search.lua"
run "search (administrator, whole country)" "$ADMIN" "$DATA/search.lua"
run "household page (commune officer)" "$XA" "$DATA/household.lua"
run "dashboard (commune officer, own commune)" "$XA" "$DATA/dashboard.lua"
run "dashboard (administrator, province)" "$ADMIN" "$DATA/dashboard-province.lua"
# After a registry change in the commune (the head of one household dies): the dashboards recount only the
# commune the change touched (migration 0007), and the search table follows by its triggers.
HH=$(curl -s -b "$XA" "$BASE/api/households?q=nguyen" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["household"])')
PID=$("$BIN" --db "$DB" household show "$HH" | grep -o '\[[0-9]*\]' | head -1 | tr -d '[]')
"$BIN" --db "$DB" household death "$HH" --person "$PID" --date "$(date +%Y-%m-%d)" > /dev/null
log "after a death in $HH: dashboard (commune) $(cold /dashboard "$XA") s; province $(cold "/dashboard?unit=$PROVINCE" "$ADMIN") s; search $(cold "/households?q=nguyen+van" "$XA") s"
echo "== after a change: $(cold /dashboard "$XA") s (commune, again)" >> "$RESULTS"
log "audit log entries written: $(curl -s -b "$ADMIN" "$BASE/audit" | grep -o 'Chuỗi băm nguyên vẹn: [0-9.]*')"
log "results in $RESULTS"
