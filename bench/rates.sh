#!/usr/bin/env bash
# The rates report at province scale (issue 5: a province of 1 million households and ten review years in
# under 200 ms warm). Builds the demo registry once (HOUSEHOLDS, default 1,000,000, eleven review years), then
# times `giamngheo report rates` for the province (UNIT, default 38 Thanh Hóa) over 2015-2024 on the boundaries
# of 01/01/2020, as whole processes:
#   cold: the cache of counts emptied first (as after any change to the registry), so it is filled;
#   first: the counts cached, this unit's result not (the first report of another unit);
#   warm: RUNS runs reading the remembered result;
#   after a change: a head's death in one commune, then the report (that commune recounted).
# The peer, in the same run: the sqlite3 shell answering the same question (households by area and the head's
# ethnicity on each review day, reviews by class) with the SQL the report used before the cache, on the same
# database — what SQLite itself takes without it.
set -euo pipefail
cd "$(dirname "$0")/.."
HOUSEHOLDS=${HOUSEHOLDS:-1000000}
RUNS=${RUNS:-5}
UNIT=${UNIT:-38}
DB=bench/data/rates-$HOUSEHOLDS.db
. bench/common.sh
[ -f "$DB" ] || "$BIN" --db "$DB" demo --households "$HOUSEHOLDS"
report() { "$BIN" --db "$DB" report rates --unit "$UNIT" --years 2015-2024 --as-of-boundaries 2020-01-01; }
report > /dev/null # migrations applied, pages in the cache of the operating system
echo "households in the registry: $(sqlite3 "$DB" 'SELECT count(*) FROM household')"
report | awk -F, 'NR > 1 { print "  " $3 ": " $4 " households, " $5 " poor (" $6 " %)" }'
sqlite3 "$DB" 'DELETE FROM rate_cached'
t0=$(now); report > /dev/null; t1=$(now)
echo "cold (cache filled): $(echo "$t1 - $t0" | bc) s"
for i in 1 2 3; do
  sqlite3 "$DB" 'DELETE FROM rate_results'
  t0=$(now); report > /dev/null; t1=$(now)
  echo "first report of the unit, counts cached, run $i: $(echo "($t1 - $t0) * 1000" | bc) ms"
done
for i in $(seq "$RUNS"); do
  t0=$(now); report > bench/data/rates-out.csv; t1=$(now)
  echo "warm run $i: $(echo "($t1 - $t0) * 1000" | bc) ms"
done
# After a change in one commune (the head of a household of Thọ Xuân, 15499, dies): only that commune's counts
# are recounted (migration 0007), and the results of the units holding it forgotten.
for i in 1 2 3; do
  read -r HH PID < <(sqlite3 -separator ' ' "$DB" "SELECT h.code, m.person_id FROM household h \
    JOIN membership m ON m.household_id = h.id AND m.relation = 'head' AND m.valid_until IS NULL \
    JOIN residence r ON r.household_id = h.id AND r.valid_until IS NULL JOIN unit u ON u.id = r.commune_id \
    WHERE u.code = '15499' AND h.id > 1000 * $i ORDER BY h.id LIMIT 1")
  "$BIN" --db "$DB" household death "$HH" --person "$PID" --date 2024-06-01 > /dev/null
  t0=$(now); report > /dev/null; t1=$(now)
  echo "after a death in $HH (commune 15499), run $i: $(echo "($t1 - $t0) * 1000" | bc) ms"
done
# The peer: the same counts straight from the registry tables.
{
  echo "CREATE TEMP TABLE u (id INTEGER PRIMARY KEY);"
  echo "INSERT INTO u WITH RECURSIVE sub(id) AS (SELECT id FROM unit WHERE level = 'province' AND code = '$UNIT' UNION SELECT p.unit_id FROM unit_parent p JOIN sub ON p.parent_id = sub.id WHERE (p.valid_from IS NULL OR p.valid_from <= '2020-01-01') AND (p.valid_until IS NULL OR p.valid_until >= '2020-01-01')) SELECT id FROM sub;"
  for y in $(seq 2015 2024); do
    d="$y-11-15"
    echo "SELECT r.area, (SELECT min(p.ethnicity) FROM membership m JOIN person p ON p.id = m.person_id WHERE m.household_id = r.household_id AND m.relation = 'head' AND m.valid_from <= '$d' AND (m.valid_until IS NULL OR m.valid_until >= '$d')) AS e, count(*) FROM residence r WHERE r.valid_from <= '$d' AND (r.valid_until IS NULL OR r.valid_until >= '$d') AND (r.village_id IN (SELECT id FROM u) OR (r.village_id IS NULL AND r.commune_id IN (SELECT id FROM u))) GROUP BY r.area, e;"
    echo "SELECT coalesce(v.decided_class, v.computed_class), v.area, v.ethnic_minority, count(*), min(v.standard_id) FROM review v WHERE v.year = $y AND v.round = 'periodic' AND (v.village_id IN (SELECT id FROM u) OR (v.village_id IS NULL AND v.commune_id IN (SELECT id FROM u))) AND NOT EXISTS (SELECT 1 FROM review w WHERE w.corrects_id = v.id) GROUP BY 1, 2, 3;"
  done
} > bench/data/rates-peer.sql
for i in $(seq "${PEER_RUNS:-1}"); do
  t0=$(now); sqlite3 "$DB" < bench/data/rates-peer.sql > /dev/null; t1=$(now)
  echo "peer: sqlite3 shell, the uncached SQL, run $i: $(echo "$t1 - $t0" | bc) s"
done
