#!/usr/bin/env bash
# The province's server on PostgreSQL at the size of the largest province after the 2025 merger (issue 16):
# about 14 million people in 4.5 million households. Figures go to docs/scale.md.
#
#   HOUSEHOLDS  households of the demo registry built on PostgreSQL (default 4500000)
#   PG          the server (default postgres://127.0.0.1:5432/test, trust auth); the registry lives in the
#               schema giamngheo_scale_HOUSEHOLDS, built once (the build is the import measured) and kept
#   STEPS       which steps to run, among: build rates web decide sync (default all of them)
#
# Steps:
#   build   the demo registry built on the server: 4.5 million households, their members, eleven years of
#           reviews and a round (the import), timed, and the database's size
#   rates   `report rates` for the province, first (its counts cached) and again
#   web     bench/web.sh against the server: search and household pages and dashboards under load (wrk, 16
#           connections), and the dashboard after a registry change
#   decide  a round of the smallest commune run with past dates, its survey and its decision timed
#   sync    bench/sync.sh against the server: a commune's first sync, an incremental sync, devices at once
set -euo pipefail
cd "$(dirname "$0")/.."
HOUSEHOLDS=${HOUSEHOLDS:-4500000}
PG=${PG:-postgres://127.0.0.1:5432/test}
SCHEMA=giamngheo_scale_$HOUSEHOLDS
URL="$PG?options=-c%20search_path%3D$SCHEMA"
STEPS=${STEPS:-build rates web decide sync}
. bench/common.sh
OUT=bench/data/scale-pg-$HOUSEHOLDS.txt
say() { echo "$*" | tee -a "$OUT"; }
# sql QUERY: one value from the registry's schema.
sql() { PGOPTIONS="-c search_path=$SCHEMA" psql "$PG" -Atq -c "$1"; }
step() { [[ " $STEPS " == *" $1 "* ]]; }
say "== $(date -u +%FT%TZ) PostgreSQL $(sql 'SHOW server_version'), $HOUSEHOLDS households, schema $SCHEMA"

if step build; then
  have=$(sql "SELECT count(*) FROM household" 2>/dev/null || echo 0)
  if [ "$have" != "$HOUSEHOLDS" ]; then
    psql "$PG" -q -c "DROP SCHEMA IF EXISTS $SCHEMA CASCADE; CREATE SCHEMA $SCHEMA"
    t0=$(now)
    "$BIN" --db "$URL" demo --households "$HOUSEHOLDS" --no-serve > "bench/data/scale-pg-demo.txt"
    t1=$(now)
    say "build (the import: households, members, eleven years of reviews, a round): $(ms "$t0" "$t1") ms"
  fi
  say "registry: $(sql 'SELECT count(*) FROM household') households, $(sql 'SELECT count(*) FROM person') people, $(sql 'SELECT count(*) FROM review') reviews, $(sql 'SELECT count(*) FROM audit_log') audit entries"
  say "database size: $(sql "SELECT pg_size_pretty(sum(pg_total_relation_size(c.oid))) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '$SCHEMA' AND c.relkind = 'r'")"
fi

if step rates; then
  # The demo's province (Thanh Hóa, code 38), every year of the demo.
  for run in first again; do
    t0=$(now); "$BIN" --db "$URL" report rates --unit 38 --years 2015-2025 > /dev/null; t1=$(now)
    say "rates report of the province, 2015-2025 ($run): $(ms "$t0" "$t1") ms"
  done
fi

if step web; then
  DB_URL="$URL" HOUSEHOLDS="$HOUSEHOLDS" bash bench/web.sh 2>&1 | tee bench/data/scale-pg-web.txt | grep -E "^>> (cold|after)" | tee -a "$OUT"
  awk '/^== /{name=$0} /Requests\/sec|  50%|  99%/{print name " | " $0}' bench/data/web-results.txt | tee -a "$OUT"
fi

if step decide; then
  # A periodic round of the province's smallest commune, opened, surveyed, voted and posted with past dates
  # (the demo's own round is still posted), then its decision timed: every household on the commune's poor
  # and near-poor lists, with transitions and an audit entry each.
  commune=$(sql "SELECT u.code FROM residence r JOIN unit u ON u.id = r.commune_id WHERE r.valid_until IS NULL \
    GROUP BY u.code ORDER BY count(*) LIMIT 1")
  opened=$("$BIN" --db "$URL" round open --commune "$commune" --year 2026 --date 01/09/2026 2>/dev/null)
  round=$(echo "$opened" | sed -n 's/.*đợt rà soát số \([0-9]*\).*/\1/p' | head -1)
  "$BIN" --db "$URL" round sheet "$round" -o bench/data/scale-pg-sheet.csv > /dev/null 2>&1
  python3 - bench/data/scale-pg-sheet.csv bench/data/scale-pg-filled.csv bench/data/scale-pg-votes.csv <<'PY'
import sys
rows = open(sys.argv[1], encoding="utf-8-sig").read().splitlines()
head = rows[0].split(","); income = head.index("income_per_capita")
filled, votes = [rows[0]], ["household_code,votes_for,votes_against"]
for i, line in enumerate(rows[1:]):
    c = line.split(",")
    poor = i % 3 == 0
    c[income] = "1100000" if poor else "3500000"
    for j in range(income + 1, len(c)):
        c[j] = "1" if poor and j < income + 4 else "0"
    filled.append(",".join(c)); votes.append(f"{c[0]},30,2")
open(sys.argv[2], "w").write("\n".join(filled) + "\n"); open(sys.argv[3], "w").write("\n".join(votes) + "\n")
PY
  cases=$(( $(wc -l < bench/data/scale-pg-filled.csv) - 1 ))
  t0=$(now)
  "$BIN" --db "$URL" round survey --as "Người rà soát" --role village-reviewer "$round" bench/data/scale-pg-filled.csv --date 01/10/2026 > /dev/null 2>&1
  t1=$(now)
  "$BIN" --db "$URL" round meeting "$round" bench/data/scale-pg-votes.csv --date 20/10/2026 --attendees 45 --chair "Chủ trì" --secretary "Thư ký" > /dev/null 2>&1
  "$BIN" --db "$URL" round post "$round" --date 12/11/2026 > /dev/null 2>&1
  t2=$(now)
  if "$BIN" --db "$URL" round decide "$round" --date 17/11/2026 --number "1/QĐ-UBND" --signed-by "Chủ tịch" > bench/data/scale-pg-decide.txt 2>&1; then
    t3=$(now)
    say "round $round of commune $commune ($cases households): survey $(ms "$t0" "$t1") ms; decision $(ms "$t2" "$t3") ms"
  else
    say "round $round of commune $commune not decided: $(tail -2 bench/data/scale-pg-decide.txt)"
  fi
fi

if step sync; then
  SERVER_URL="$URL" COMMUNES=${COMMUNES:-10} bash bench/sync.sh 2>&1 | tee -a "$OUT"
fi
