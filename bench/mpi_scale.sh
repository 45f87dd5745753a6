#!/usr/bin/env bash
# giamngheo mpi at national scale: 27 million rows (the 1 million generated rows of bench/mpi_vs_mpitb.py's
# kind, repeated 27 times), timed end to end as a process, RUNS times. Target: under 10 s.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
BIN=${GIAMNGHEO_BIN:-target/release/giamngheo}
[ -x "$BIN" ] || cargo build --release -p giamngheo
mkdir -p bench/data
if [ ! -f bench/data/mpi-1M.csv ]; then
  python3 - <<'PY'
import numpy as np, pandas as pd
DIMS = [(["employment", "dependants"], "employment"), (["nutrition", "health_insurance"], "health"),
        (["adult_education", "child_schooling"], "education"), (["housing_quality", "floor_area"], "housing"),
        (["water", "sanitation"], "water_sanitation")]
rng = np.random.default_rng(2019); n = 1_000_000
latent = rng.normal(size=n)
df = pd.DataFrame({"region": rng.choice(["north", "central", "south"], size=n)})
df["w"] = rng.uniform(0.5, 2.0, size=n).round(3)
df["year"] = np.where(rng.uniform(size=n) < 0.5, 2019, 2023)
for inds, _ in DIMS:
    for ind in inds:
        df[ind] = (rng.normal(size=n) + latent * 0.8 > 1.1).astype(int)
df.to_csv("bench/data/mpi-1M.csv", index=False)
open("bench/data/mpi-spec.toml", "w").write("".join(
    f'[[dimensions]]\nname = "{d}"\nindicators = {inds!r}\n'.replace("'", '"') for inds, d in DIMS))
PY
fi
if [ ! -f bench/data/mpi-27M.csv ]; then
  (cat bench/data/mpi-1M.csv; for _ in $(seq 2 27); do tail -n +2 bench/data/mpi-1M.csv; done) > bench/data/mpi-27M.csv
fi
cat bench/data/mpi-27M.csv > /dev/null
for f in mpi-1M mpi-27M; do
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "$f: %e s, peak %M KB" "$BIN" mpi --spec bench/data/mpi-spec.toml --k 20 --k 33 --k 50 \
      --over region --weight w "bench/data/$f.csv" > /dev/null
  done
done
