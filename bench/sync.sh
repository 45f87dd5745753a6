#!/usr/bin/env bash
# Sync between communes' databases and their province's server (issue 16), over HTTP on loopback:
#   first sync: a commune of about TARGET households (default 10,000; target under 10 s) made from the server
#     with `sync init --server` (the server's bundle built, sent, applied);
#   incremental: CHANGES births recorded offline (default 100), then `sync now` (target under 1 s);
#   at once: COMMUNES devices (default 50) set up for the other communes, one birth each, then all syncing at
#     the same time. The demo has 11 communes, so the devices are spread over the 10 others (five each by
#     default): 50 syncs at once, each on its own device with its own changes.
# The peer, in the same run: shipping the server's whole database instead (`sqlite3 .backup`, then gzip).
# The server is the demo registry of HOUSEHOLDS households (default 250,000: its smallest communes hold about
# 10,000) on SQLite, or, with SERVER_URL (a postgres:// URL whose schema holds a demo registry; bench/scale_pg.sh
# builds one), that server; the peer is then not measured (a dump of a province's server is no commune's copy).
set -euo pipefail
cd "$(dirname "$0")/.."
HOUSEHOLDS=${HOUSEHOLDS:-250000}
TARGET=${TARGET:-10000}
CHANGES=${CHANGES:-100}
COMMUNES=${COMMUNES:-50}
DATA=bench/data/sync
. bench/common.sh
mkdir -p "$DATA"
DEMO=bench/data/demo-$HOUSEHOLDS.db
[ -n "${SERVER_URL:-}" ] || [ -f "$DEMO" ] || "$BIN" --db "$DEMO" demo --households "$HOUSEHOLDS" --no-serve > /dev/null
rm -rf "$DATA"/*
TODAY=$(date +%Y-%m-%d)
COUNT_SQL="SELECT u.code, count(DISTINCT r.household_id) n FROM residence r JOIN unit u ON u.id = r.commune_id \
  WHERE r.valid_until IS NULL GROUP BY u.code ORDER BY abs(count(DISTINCT r.household_id) - $TARGET)"
if [[ -n "${SERVER_URL:-}" ]]; then
  SERVER=$SERVER_URL
  PGURL=${SERVER_URL%%\?*}
  SCHEMA=$(echo "$SERVER_URL" | sed -n 's/.*search_path%3D\([A-Za-z0-9_]*\).*/\1/p')
  pgq() { PGOPTIONS="-c search_path=${SCHEMA:-public}" psql "$PGURL" -Atq -F '|' -c "$1"; }
  pgq "$COUNT_SQL" > "$DATA/communes.txt"
  HOUSEHOLDS_NOW=$(pgq 'SELECT count(*) FROM household')
  # A server measured before has the devices' accounts already: their names are new each run.
  RUN=$(date +%s)
else
  SERVER=$DATA/tinh.db
  cp "$DEMO" "$SERVER"; [ -f "$DEMO.audit-key" ] && cp "$DEMO.audit-key" "$SERVER.audit-key"
  sqlite3 "$SERVER" "$COUNT_SQL" > "$DATA/communes.txt"
  HOUSEHOLDS_NOW=$(sqlite3 "$SERVER" 'SELECT count(*) FROM household')
  RUN=0
fi
read -r COMMUNE N < <(head -1 "$DATA/communes.txt" | tr '|' ' ')
echo "server: $HOUSEHOLDS_NOW households; commune $COMMUNE: $N households"
PASS=bench-sync-password-123
# account NAME COMMUNE: an officer of the commune, whose device syncs as NAME.
account() { echo "$PASS" | "$BIN" --db "$SERVER" user add --name "$1" --role commune_officer --unit "$2" --password-stdin > /dev/null; }
account "xa-$COMMUNE-$RUN" "$COMMUNE"
PORT=${PORT:-18282}
"$BIN" --db "$SERVER" serve --bind "127.0.0.1:$PORT" > "$DATA/serve.log" 2>&1 &
SERVE=$!
trap 'kill $SERVE 2>/dev/null || true' EXIT
for _ in $(seq 1 1500); do curl -sf "http://127.0.0.1:$PORT/healthz" > /dev/null && break; sleep 0.2; done
# init NAME COMMUNE: the device NAME's database, made from the server.
init() { echo "$PASS" | "$BIN" --db "$DATA/$1.db" sync init --server "http://127.0.0.1:$PORT" --commune "$2" --account "$1" > /dev/null; }

t0=$(now); init "xa-$COMMUNE-$RUN" "$COMMUNE"; t1=$(now)
echo "first sync of commune $COMMUNE ($N households): $(ms "$t0" "$t1") ms (target 10,000 ms)"
if [[ -z "${SERVER_URL:-}" ]]; then
  t0=$(now); sqlite3 "$SERVER" ".backup $DATA/copy.db"; gzip -1 -c "$DATA/copy.db" > "$DATA/copy.db.gz"; t1=$(now)
  echo "peer: the server's whole database shipped instead (backup and gzip, not counting the transfer): $(ms "$t0" "$t1") ms, $(du -m "$DATA/copy.db.gz" | cut -f1) MB"
  rm -f "$DATA/copy.db" "$DATA/copy.db.gz"
fi

XA=$DATA/xa-$COMMUNE-$RUN.db
mapfile -t HH < <(sqlite3 "$XA" "SELECT h.code FROM household h JOIN residence r ON r.household_id = h.id AND r.valid_until IS NULL LIMIT $CHANGES")
for h in "${HH[@]}"; do "$BIN" --db "$XA" household birth "$h" --name "Trẻ Đồng Bộ" --sex nam --born "$TODAY" > /dev/null; done
"$BIN" --db "$XA" --lang en sync status | grep -E "waiting to go" | head -1
for run in 1 2 3; do
  t0=$(now); "$BIN" --db "$XA" sync now > /dev/null; t1=$(now)
  echo "incremental sync, run $run ($([ "$run" = 1 ] && echo "$CHANGES births" || echo "acknowledgements only")): $(ms "$t0" "$t1") ms (target 1,000 ms)"
done

if [ "$COMMUNES" -gt 0 ]; then
  # Devices of the other communes, in turn: device i belongs to the (i mod 10)-th commune after the first.
  mapfile -t REST < <(sed -n '2,$p' "$DATA/communes.txt" | cut -d'|' -f1)
  DEVICES=()
  for i in $(seq 1 "$COMMUNES"); do DEVICES+=("may-$i-$RUN:${REST[$(( (i - 1) % ${#REST[@]} ))]}"); done
  t0=$(now)
  for d in "${DEVICES[@]}"; do account "${d%%:*}" "${d#*:}"; init "${d%%:*}" "${d#*:}"; done
  t1=$(now)
  echo "${#DEVICES[@]} devices set up one after another (the other communes, ${#REST[@]} of them): $(ms "$t0" "$t1") ms"
  for d in "${DEVICES[@]}"; do
    db="$DATA/${d%%:*}.db"
    h=$(sqlite3 "$db" "SELECT h.code FROM household h JOIN residence r ON r.household_id = h.id AND r.valid_until IS NULL ORDER BY random() LIMIT 1")
    "$BIN" --db "$db" household birth "$h" --name "Trẻ Đồng Bộ" --sex nữ --born "$TODAY" > /dev/null
  done
  t0=$(now)
  PIDS=()
  for d in "${DEVICES[@]}"; do
    ( s=$(now); "$BIN" --db "$DATA/${d%%:*}.db" sync now > /dev/null; e=$(now); echo "$(ms "$s" "$e")" >> "$DATA/each.txt" ) &
    PIDS+=($!)
  done
  wait "${PIDS[@]}"
  t1=$(now)
  sort -n "$DATA/each.txt" > "$DATA/each-sorted.txt"
  echo "${#DEVICES[@]} devices syncing at once: all done in $(ms "$t0" "$t1") ms; each: median $(awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}' "$DATA/each-sorted.txt") ms, slowest $(tail -1 "$DATA/each-sorted.txt") ms"
  bad=0
  # Each device once more (the server's answer carried the other devices' births of its commune), then the
  # digests: every device of a commune holds what the server holds.
  for d in "${DEVICES[@]}"; do "$BIN" --db "$DATA/${d%%:*}.db" sync now > /dev/null; done
  for d in "${DEVICES[@]}"; do
    here=$("$BIN" --db "$DATA/${d%%:*}.db" --lang en sync status | sed -n 's/^Digest here: //p')
    there=$("$BIN" --db "$SERVER" --lang en sync status --commune "${d#*:}" | sed -n 's/^Digest here: //p')
    [ "$here" = "$there" ] || bad=$((bad + 1))
  done
  echo "devices whose digests differ from the server's after one more sync each: $bad"
fi
