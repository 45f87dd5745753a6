#!/usr/bin/env bash
# Registry benchmarks (issue "The registry"): import of 1 million households with their members into SQLite,
# database size per household, and the latency of reading one household's full history.
#
# In the same run, the peer: the sqlite3 shell's `.import` of the same CSV into one plain table (no
# validation, no history, no indexes) — the floor of getting those bytes into SQLite at all.
#
#   HOUSEHOLDS  households of the demo registry the import file is exported from (default 1000000)
#   RUNS        timed imports (default 2)
set -euo pipefail
cd "$(dirname "$0")/.."
HOUSEHOLDS=${HOUSEHOLDS:-1000000}
RUNS=${RUNS:-2}
DATA=bench/data
mkdir -p "$DATA"
BIN=target/release/giamngheo
log() { echo ">> $*" >&2; }

command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time; }
command -v sqlite3 >/dev/null || { apt-get update -qq && apt-get install -y -qq sqlite3; }
log "building"
cargo build --release -p giamngheo --quiet
cargo build --release -p giamngheo-store --example history_latency --quiet

DEMO="$DATA/demo-$HOUSEHOLDS.db"
CSV="$DATA/households-$HOUSEHOLDS-registry.csv"
if [[ ! -f "$DEMO" ]]; then
    log "building the demo registry of $HOUSEHOLDS households (once)"
    "$BIN" --db "$DEMO" demo --households "$HOUSEHOLDS" > /dev/null
fi
if [[ ! -f "$CSV" ]]; then
    "$BIN" --db "$DEMO" export households --as-of 2020-01-01 --output "$CSV" > /dev/null
fi
MEMBERS=$(( $(wc -l < "$CSV") - 1 ))
log "import file: $CSV ($MEMBERS member rows, $(du -h "$CSV" | cut -f1))"
cat "$CSV" > /dev/null

RESULTS="$DATA/registry-results.txt"
: > "$RESULTS"
for run in $(seq 1 "$RUNS"); do
    DB="$DATA/import-bench.db"
    rm -f "$DB" "$DB-wal" "$DB-shm"
    "$BIN" --db "$DB" units load > /dev/null
    sync
    /usr/bin/time -f "%e %M" -o "$DATA/.time-import" "$BIN" --db "$DB" import households --as-of 2020-01-01 "$CSV" > /dev/null
    read -r secs rss < "$DATA/.time-import"
    size=$(stat -c %s "$DB")
    log "giamngheo import run $run: $secs s, peak RSS $((rss / 1024)) MB, database $((size / 1048576)) MB"
    echo "giamngheo_import $secs $rss $size" >> "$RESULTS"

    PEER="$DATA/import-peer.db"
    rm -f "$PEER"
    sync
    /usr/bin/time -f "%e %M" -o "$DATA/.time-peer" sqlite3 "$PEER" ".import --csv $CSV members" > /dev/null
    read -r psecs prss < "$DATA/.time-peer"
    psize=$(stat -c %s "$PEER")
    log "sqlite3 .import run $run: $psecs s, database $((psize / 1048576)) MB"
    echo "sqlite3_import $psecs $prss $psize" >> "$RESULTS"
done
UNITS_ONLY="$DATA/units-only.db"
rm -f "$UNITS_ONLY"
"$BIN" --db "$UNITS_ONLY" units load > /dev/null
UNITS_SIZE=$(stat -c %s "$UNITS_ONLY")

log "history latency on the imported registry and on the demo registry with its reviews"
IMPORTED=$(target/release/examples/history_latency "$DATA/import-bench.db" 10000)
WITH_REVIEWS=$(target/release/examples/history_latency "$DEMO" 10000)
DEMO_SIZE=$(stat -c %s "$DEMO")

python3 - "$RESULTS" "$HOUSEHOLDS" "$MEMBERS" "$UNITS_SIZE" "$DEMO_SIZE" "$IMPORTED" "$WITH_REVIEWS" <<'PY'
import statistics, sys
path, n, members, units_size, demo_size, imported, with_reviews = sys.argv[1:8]
n, members, units_size, demo_size = int(n), int(members), int(units_size), int(demo_size)
rows = {}
for line in open(path):
    name, secs, rss, size = line.split()
    rows.setdefault(name, []).append((float(secs), int(rss), int(size)))
g, p = rows["giamngheo_import"], rows["sqlite3_import"]
gbest, gmed = min(x[0] for x in g), statistics.median(x[0] for x in g)
pbest = min(x[0] for x in p)
size = g[-1][2]
print(f"households: {n:,}   members: {members:,}   runs: {len(g)}")
print(f"giamngheo import: best {gbest:.1f} s, median {gmed:.1f} s ({n / gmed:,.0f} households/s), peak RSS {max(x[1] for x in g) / 1024:.0f} MB")
print(f"sqlite3 .import of the same CSV into one plain table (peer floor): best {pbest:.1f} s")
print(f"target: import of 1 million households in under 60 s -> {'MET' if gmed < 60 else 'NOT MET'} (median)")
print(f"database after import: {size / 1048576:.0f} MB, of which units {units_size / 1048576:.1f} MB; "
      f"{(size - units_size) / n:,.0f} bytes per household with its members")
print(f"demo registry with 11 years of reviews: {demo_size / 1048576:.0f} MB, {demo_size / n:,.0f} bytes per household")
print(f"history read, imported registry: {imported}")
print(f"history read, demo registry with reviews: {with_reviews}")
PY
