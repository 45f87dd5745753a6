#!/usr/bin/env bash
# Benchmark: `giamngheo classify` against DuckDB doing the same classification
# (vn-2022-2025, same reason text) on the same CSV file, in the same run.
#
# Usage: bash bench/classify_vs_duckdb.sh
# Environment:
#   HOUSEHOLDS  number of households in the generated file (default 10000000)
#   RUNS        timed runs per contender (default 3; best and median reported)
#   THREADS     giamngheo --threads (default 0 = one per core); DuckDB always
#               uses its default (all cores)
#   GIAMNGHEO_BIN  use this giamngheo binary instead of building
#               target/release/giamngheo (e.g. one built from a clean checkout)
#
# Files (bench/data/ is git-ignored):
#   bench/data/households-<N>.csv      input, generated once by gen_households.py
#   bench/data/out-giamngheo.csv       giamngheo's output
#   bench/data/out-duckdb.csv          DuckDB's output, with the reason text
#   bench/data/out-duckdb-class.csv    DuckDB's output without the reason (reference)
#   bench/data/results-<N>.txt         the printed results table
#
# Each timed run is a whole process, file in -> file out: wall time measured
# around the process, peak RSS from /usr/bin/time -v. The input is read once
# before timing so that every run finds it in the page cache, and `sync` runs
# before each timed run so that earlier output is not being written back
# during it. Outputs are deleted before each run. The machine should be
# otherwise idle: for each run the script also reports the CPU time that other
# processes used meanwhile (from /proc/stat), so that a disturbed run shows.
set -euo pipefail
cd "$(dirname "$0")/.."

HOUSEHOLDS=${HOUSEHOLDS:-10000000}
RUNS=${RUNS:-3}
THREADS=${THREADS:-0}
STANDARD=vn-2022-2025

if (( HOUSEHOLDS % 1000000 == 0 )); then
    LABEL="$((HOUSEHOLDS / 1000000))M"
else
    LABEL="$HOUSEHOLDS"
fi
DATA=bench/data
IN="$DATA/households-$LABEL.csv"
OUT_G="$DATA/out-giamngheo.csv"
OUT_D="$DATA/out-duckdb.csv"
OUT_DC="$DATA/out-duckdb-class.csv"
TIMINGS="$DATA/timings-$LABEL.tsv"
RESULTS="$DATA/results-$LABEL.txt"
BIN=${GIAMNGHEO_BIN:-target/release/giamngheo}
mkdir -p "$DATA"

log() { printf '>> %s\n' "$*" >&2; }

# --- tools -------------------------------------------------------------------
if [[ ! -x /usr/bin/time ]]; then
    log "installing GNU time"
    apt-get update -qq && apt-get install -y -qq time >/dev/null
fi
if ! python3 -c 'import duckdb' 2>/dev/null; then
    log "installing the duckdb Python package"
    python3 -m pip install --quiet duckdb
fi

if [[ -n "${GIAMNGHEO_BIN:-}" ]]; then
    log "using $BIN ($("$BIN" --version)), not building"
else
    log "building $BIN"
    cargo build --release -p giamngheo --quiet
fi

if [[ ! -f "$IN" ]]; then
    log "generating $IN ($HOUSEHOLDS households)"
    python3 bench/gen_households.py "$HOUSEHOLDS" --output "$IN"
fi
ROWS=$(( $(wc -l < "$IN") - 1 ))
if (( ROWS != HOUSEHOLDS )); then
    echo "error: $IN has $ROWS households, expected $HOUSEHOLDS (delete it to regenerate)" >&2
    exit 1
fi
log "warming the page cache with $IN ($(du -h "$IN" | cut -f1))"
cat "$IN" > /dev/null

# --- timed runs ----------------------------------------------------------------
HZ=$(getconf CLK_TCK)
# Busy CPU time of the whole machine so far, in clock ticks (all but idle and iowait).
busy_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat; }

# time_one NAME OUTFILE CMD...: one timed run; appends
# "NAME<TAB>seconds<TAB>maxrss_kb<TAB>query_s<TAB>other_cpu_s" to $TIMINGS.
time_one() {
    local name=$1 out=$2; shift 2
    local tv="$DATA/.time-$name.txt" err="$DATA/.stderr-$name.txt"
    rm -f "$out"
    sync
    local t0 t1 b0 b1
    b0=$(busy_ticks)
    t0=$(date +%s%N)
    /usr/bin/time -v -o "$tv" "$@" 2> "$err"
    t1=$(date +%s%N)
    b1=$(busy_ticks)
    local rss secs q own other
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tv")
    secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
    q=$(sed -n 's/.*query_seconds=\([0-9.]*\).*/\1/p' "$err")
    own=$(awk -F': ' '/User time|System time/ { s += $2 } END { print s }' "$tv")
    other=$(awk -v b0="$b0" -v b1="$b1" -v hz="$HZ" -v own="$own" \
        'BEGIN { o = (b1 - b0) / hz - own; if (o < 0) o = 0; printf "%.1f", o }')
    printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$secs" "$rss" "${q:-}" "$other" >> "$TIMINGS"
    log "$(printf '%-20s %8s s  %8.0f MB peak RSS  %5s s CPU by other processes%s' \
        "$name" "$secs" "$((rss / 1024))" "$other" "${q:+  (query $q s)}")"
}

: > "$TIMINGS"
for run in $(seq 1 "$RUNS"); do
    log "run $run of $RUNS"
    # Contenders interleaved, so that each run of each sees the same conditions.
    time_one giamngheo "$OUT_G" \
        "$BIN" classify --standard "$STANDARD" --threads "$THREADS" -q --output "$OUT_G" "$IN"
    # Two references for giamngheo: the same classification to /dev/null (the computation alone), and the
    # time the machine needs merely to write a file of the same size (the floor of any tool's end-to-end).
    time_one giamngheo-devnull /dev/null.unused \
        bash -c "\"$BIN\" classify --standard $STANDARD --threads $THREADS -q \"$IN\" > /dev/null"
    OUT_BYTES=$(stat -c %s "$OUT_G")
    time_one write-floor "$DATA/out-write-floor.bin" \
        dd if=/dev/zero of="$DATA/out-write-floor.bin" bs=1M count=$(( OUT_BYTES / 1048576 )) status=none
    time_one duckdb "$OUT_D" \
        python3 bench/duckdb_classify.py --timing "$IN" "$OUT_D"
    time_one duckdb-class-only "$OUT_DC" \
        python3 bench/duckdb_classify.py --timing --no-reason "$IN" "$OUT_DC"
done

# --- correctness -----------------------------------------------------------------
log "verifying: joining the outputs on household_id"
VERIFY=$(python3 - "$OUT_G" "$OUT_D" "$OUT_DC" <<'PY'
import sys, duckdb
g, d, dc = sys.argv[1:4]
con = duckdb.connect()
def rd(p):
    return f"read_csv('{p}', header = true, all_varchar = true, auto_detect = true)"
row = con.execute(f"""
    SELECT count(*),
           count(*) FILTER (WHERE g.household_id IS NULL OR d.household_id IS NULL),
           count(*) FILTER (WHERE g.deprivations IS DISTINCT FROM d.deprivations
                               OR g.class IS DISTINCT FROM d.class),
           count(*) FILTER (WHERE g.reason IS DISTINCT FROM d.reason)
    FROM {rd(g)} g FULL OUTER JOIN {rd(d)} d ON g.household_id = d.household_id
""").fetchone()
row2 = con.execute(f"""
    SELECT count(*) FILTER (WHERE g.household_id IS NULL OR d.household_id IS NULL
                               OR g.deprivations IS DISTINCT FROM d.deprivations
                               OR g.class IS DISTINCT FROM d.class)
    FROM {rd(g)} g FULL OUTER JOIN {rd(dc)} d ON g.household_id = d.household_id
""").fetchone()
classes = con.execute(f"SELECT class, count(*) FROM {rd(g)} GROUP BY class ORDER BY class").fetchall()
print(f"rows={row[0]} missing={row[1]} mismatches={row[2]} reason_diffs={row[3]} "
      f"class_only_mismatches={row2[0]}")
print("classes=" + ",".join(f"{c}:{n}" for c, n in classes))
PY
)
echo "$VERIFY" >&2
if cmp -s <(tail -n +2 "$OUT_G") <(tail -n +2 "$OUT_D"); then
    BYTES="identical"
else
    BYTES="different"
fi
log "output bodies (below the header line) of giamngheo and DuckDB are byte for byte $BYTES"

# --- results ---------------------------------------------------------------------
DUCKDB_VERSION=$(python3 -c 'import duckdb; print(duckdb.__version__)')
GIAMNGHEO_VERSION=$("$BIN" --version)
python3 - "$TIMINGS" "$HOUSEHOLDS" "$RUNS" "$VERIFY" "$BYTES" "$DUCKDB_VERSION" "$GIAMNGHEO_VERSION" "$BIN" <<'PY' | tee "$RESULTS"
import statistics, subprocess, sys
from collections import defaultdict

path, n, runs, verify, same_bytes, duckdb_v, giamngheo_v, binary = sys.argv[1:9]
n = int(n)
rows = defaultdict(list)
other_cpu = []
for line in open(path):
    name, secs, rss, q, other = (line.rstrip("\n").split("\t") + ["", ""])[:5]
    rows[name].append((float(secs), int(rss), float(q) if q else None))
    other_cpu.append(float(other or 0))

def stat(name):
    r = rows[name]
    secs = sorted(x[0] for x in r)
    qs = sorted(x[2] for x in r if x[2] is not None)
    return {
        "best": secs[0], "median": statistics.median(secs),
        "rss": max(x[1] for x in r) / 1024,
        "qbest": qs[0] if qs else None, "qmed": statistics.median(qs) if qs else None,
    }

s = {k: stat(k) for k in ("giamngheo", "giamngheo-devnull", "write-floor", "duckdb", "duckdb-class-only")}
nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
print(f"households: {n:,}   runs per contender: {runs}   cores: {nproc}")
print(f"{giamngheo_v} ({binary}), duckdb {duckdb_v} (Python package)")
print(f"CPU time used by other processes during a timed run: at most {max(other_cpu):.1f} s")
print()
hdr = f"| {'contender':<34} | {'best s':>7} | {'median s':>8} | {'households/s (best)':>19} | {'households/s (median)':>21} | {'peak RSS MB (max)':>17} |"
print(hdr)
print("|" + "|".join("-" * (len(c)) for c in hdr.split("|")[1:-1]) + "|")
labels = {
    "giamngheo": "giamngheo classify",
    "giamngheo-devnull": "giamngheo, output to /dev/null",
    "write-floor": "dd: only writing the same bytes",
    "duckdb": "DuckDB, with reason",
    "duckdb-class-only": "DuckDB, class only (reference)",
}
for k, label in labels.items():
    v = s[k]
    print(f"| {label:<34} | {v['best']:>7.3f} | {v['median']:>8.3f} | {n / v['best']:>19,.0f} | {n / v['median']:>21,.0f} | {v['rss']:>17.0f} |")
print()
for k in ("duckdb", "duckdb-class-only"):
    v = s[k]
    if v["qbest"] is not None:
        print(f"{labels[k]}: query alone (without Python start-up) best {v['qbest']:.3f} s, "
              f"median {v['qmed']:.3f} s")
g = s["giamngheo"]
print()
rate_best, rate_med = n / g["best"], n / g["median"]
print(f"target 1: >= 4,000,000 households/s end to end: best {rate_best:,.0f}, median {rate_med:,.0f} -> "
      f"{'MET' if rate_med >= 4e6 else ('met on best run only' if rate_best >= 4e6 else 'NOT MET')}")
d = s["duckdb"]
sp_best, sp_med = d["best"] / g["best"], d["median"] / g["median"]
sp_q = d["qbest"] / g["best"] if d["qbest"] is not None else None
print(f"target 2: >= 2x DuckDB (with reason), whole process: best/best {sp_best:.2f}x, median/median {sp_med:.2f}x -> "
      f"{'MET' if sp_med >= 2 else ('met on best runs only' if sp_best >= 2 else 'NOT MET')}")
if sp_q is not None:
    print(f"          against DuckDB's query time alone (best/best): {sp_q:.2f}x")
w = s["write-floor"]
print(f"          writing the {w['best']:.3f} s of output bytes alone (dd, best) is {100 * w['best'] / g['best']:.0f} % of giamngheo's best time")
dc = s["duckdb-class-only"]
print(f"          against DuckDB without the reason (best/best): {dc['best'] / g['best']:.2f}x")
print()
print("verification: " + verify.replace("\n", "; ") + f"; output bodies byte-identical: {same_bytes}")
PY

# Fail loudly if the classifications differ.
if ! grep -q ' missing=0 mismatches=0 ' <<< "$VERIFY" || ! grep -q 'class_only_mismatches=0' <<< "$VERIFY"; then
    echo "error: giamngheo and DuckDB disagree on household_id/deprivations/class" >&2
    exit 1
fi
