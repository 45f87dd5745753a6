#!/usr/bin/env bash
# The forecast under the next standard and the graduation plan (issue 15): a province of 1 million households
# forecast under vn-2026-2030 in under 2 s warm on SQLite, a commune of about 10,000 households planned in
# under 200 ms. Builds the demo registry once for each (HOUSEHOLDS, default 1,000,000; PLAN_HOUSEHOLDS, default
# 90,000, which gives Thọ Xuân's commune 15499 about 10,000 households), then times whole processes:
#   forecast: `giamngheo forecast --unit 38 --from-year 2025` (Thanh Hóa on today's boundaries; from 2025 the
#   reviews read are those of 2024-2025 whatever the day the demo is built), RUNS warm runs after one run
#   that fills the rates cache the denominator comes from;
#   plan: `giamngheo plan --unit 15499 --budget 2000000000`, RUNS warm runs.
# The peer, in the same run: the sqlite3 shell reading the same reviews (each household's last decided review
# of 2024-2025 in the province) and counting the poor under the new line with the shared deprivations, in SQL:
# what SQLite itself takes to answer the question without ranges, drivers, support or the survey list.
set -euo pipefail
cd "$(dirname "$0")/.."
HOUSEHOLDS=${HOUSEHOLDS:-1000000}
PLAN_HOUSEHOLDS=${PLAN_HOUSEHOLDS:-90000}
RUNS=${RUNS:-5}
DB=bench/data/forecast-$HOUSEHOLDS.db
PLAN_DB=bench/data/plan-$PLAN_HOUSEHOLDS.db
. bench/common.sh
[ -f "$DB" ] || "$BIN" --db "$DB" demo --no-serve --households "$HOUSEHOLDS" > /dev/null
[ -f "$PLAN_DB" ] || "$BIN" --db "$PLAN_DB" demo --no-serve --households "$PLAN_HOUSEHOLDS" > /dev/null
forecast() { "$BIN" --db "$DB" forecast --unit 38 --from-year "${FROM_YEAR:-2025}" 2> /dev/null; }
echo "households in the registry: $(sqlite3 "$DB" 'SELECT count(*) FROM household')"
t0=$(now); forecast > /dev/null; t1=$(now)
echo "forecast, first run (rates cache filled for the denominator): $(echo "$t1 - $t0" | bc) s"
forecast | sed -n 2p | awk -F, '{ print "  " $2 ": " $3 " households, poor now " $4 ", forecast " $6 "-" $7 }'
for i in $(seq "$RUNS"); do
  t0=$(now); forecast > /dev/null; t1=$(now)
  echo "forecast warm run $i: $(echo "($t1 - $t0) * 1000" | bc) ms"
done
plan() { "$BIN" --db "$PLAN_DB" plan --unit 15499 --year 2025 --budget 2000000000 2> /dev/null; }
echo "households of commune 15499 in the plan's registry: $(sqlite3 "$PLAN_DB" "SELECT count(*) FROM residence r JOIN unit u ON u.id = r.village_id JOIN unit_parent p ON p.unit_id = u.id JOIN unit c ON c.id = p.parent_id WHERE r.valid_until IS NULL AND c.code = '15499' AND p.valid_until IS NULL")"
plan > /dev/null
for i in $(seq "$RUNS"); do
  t0=$(now); plan > /dev/null; t1=$(now)
  echo "plan warm run $i: $(echo "($t1 - $t0) * 1000" | bc) ms"
done
# The peer: the same reviews read and the poor counted under the new rural/urban lines with the ten shared
# indicators (bits 0-9 of vn-2022-2025), by the sqlite3 shell.
cat > bench/data/forecast-peer.sql <<'SQL'
CREATE TEMP TABLE u (id INTEGER PRIMARY KEY);
INSERT INTO u WITH RECURSIVE sub(id) AS (SELECT id FROM unit WHERE level = 'province' AND code = '38' AND valid_until IS NULL UNION SELECT p.unit_id FROM unit_parent p JOIN sub ON p.parent_id = sub.id WHERE p.valid_until IS NULL) SELECT id FROM sub;
WITH last AS (
  SELECT v.household_id, v.area, v.income_per_capita AS income, v.deprivations AS d,
         row_number() OVER (PARTITION BY v.household_id ORDER BY v.review_date DESC, v.id DESC) AS k
  FROM review v
  WHERE v.year BETWEEN 2024 AND 2025 AND v.decided_class IS NOT NULL
    AND (v.village_id IN (SELECT id FROM u) OR (v.village_id IS NULL AND v.commune_id IN (SELECT id FROM u)))
    AND NOT EXISTS (SELECT 1 FROM review w WHERE w.corrects_id = v.id)
)
SELECT count(*),
  sum(CASE WHEN income <= (CASE area WHEN 'urban' THEN 2800000 ELSE 2200000 END)
        AND ((d & 1) + ((d >> 1) & 1) + ((d >> 2) & 1) + ((d >> 3) & 1) + ((d >> 4) & 1) + ((d >> 5) & 1)
             + ((d >> 6) & 1) + ((d >> 7) & 1) + ((d >> 8) & 1) + ((d >> 9) & 1)) >= 3 THEN 1 ELSE 0 END)
FROM last WHERE k = 1;
SQL
for i in $(seq "${PEER_RUNS:-3}"); do
  t0=$(now); sqlite3 "$DB" < bench/data/forecast-peer.sql > /dev/null; t1=$(now)
  echo "peer: sqlite3 shell, the reviews read and the poor counted in SQL, run $i: $(echo "($t1 - $t0) * 1000" | bc) ms"
done
