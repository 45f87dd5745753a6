"""giamngheo mpi against the mpitb Python package (0.2), on the same generated data, in the same run.

    python3 bench/mpi_vs_mpitb.py [ROWS] [--binary target/release/giamngheo]

Generates ROWS households with 10 indicators in 6 dimensions (deterministic), a region column and sampling
weights; runs `giamngheo mpi` and mpitb's `MPIToolbox.est` for k = 20, 33, 50, over the whole population
and by region; compares every measure (largest absolute difference) and times both.
"""
import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from mpitb import MPIToolbox

DIMS = [
    (["employment", "dependants"], "employment"),
    (["nutrition", "health_insurance"], "health"),
    (["adult_education", "child_schooling"], "education"),
    (["housing_quality", "floor_area"], "housing"),
    (["water", "sanitation"], "water_sanitation"),
]
KS = [20, 33, 50]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("rows", type=int, nargs="?", default=100_000)
    ap.add_argument("--binary", default="target/release/giamngheo")
    a = ap.parse_args()
    rng = np.random.default_rng(2019)
    n = a.rows
    latent = rng.normal(size=n)
    df = pd.DataFrame({"region": rng.choice(["north", "central", "south"], size=n)})
    df["w"] = rng.uniform(0.5, 2.0, size=n).round(3)
    for inds, _ in DIMS:
        for ind in inds:
            df[ind] = (rng.normal(size=n) + latent * 0.8 > 1.1).astype(int)
    indicators = [i for inds, _ in DIMS for i in inds]
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data.csv"
        spec = Path(tmp) / "spec.toml"
        out = Path(tmp) / "out.csv"
        df.to_csv(data, index=False)
        spec.write_text("".join(f'[[dimensions]]\nname = "{d}"\nindicators = {inds!r}\n'.replace("'", '"') for inds, d in DIMS))
        t0 = time.perf_counter()
        cmd = [a.binary, "mpi", "--spec", str(spec), "--over", "region", "--weight", "w", "--output", str(out)]
        for k in KS:
            cmd += ["--k", str(k)]
        subprocess.run(cmd + [str(data)], check=True)
        t_g = time.perf_counter() - t0
        g = pd.read_csv(out, keep_default_na=False)

        t0 = time.perf_counter()
        df_m = pd.read_csv(data)
        tb = MPIToolbox()
        tb.set(name="bench", dimensions=[(inds, d) for inds, d in DIMS])
        tb.svyset(weight="w")
        res = tb.est(df_m, name="bench", klist=KS, svy=True, over={"region": {}}, indmeasures=["hdk", "actb", "pctb"], aux=["hd"])
        t_m = time.perf_counter() - t0
    r = pd.DataFrame(res) if isinstance(res, list) else res
    if not isinstance(r, pd.DataFrame):
        r = pd.DataFrame(tb.results if hasattr(tb, "results") else res)
    r["over"] = np.where(r["loa"] == "nat", "", r["loa"])
    r["subgroup"] = r.get("subg", pd.Series([None] * len(r))).fillna("").astype(str)
    r["indicator"] = r.get("indicator", pd.Series([None] * len(r))).fillna("").astype(str)
    g["subgroup"] = g["subgroup"].astype(str)
    m = g.merge(r[["k", "over", "subgroup", "measure", "indicator", "b"]], on=["k", "over", "subgroup", "measure", "indicator"], how="outer", indicator=True)
    missing = (m["_merge"] != "both").sum()
    diff = (m["value"] - m["b"]).abs().max()
    print(f"rows={n} measures compared={int((m['_merge'] == 'both').sum())} unmatched={missing} max_abs_diff={diff:.3e}")
    print(f"giamngheo mpi: {t_g:.3f} s   mpitb {__import__('mpitb').__name__} est (incl. reading the CSV): {t_m:.3f} s   ratio {t_m / t_g:.1f}x")
    return 0 if missing == 0 and diff <= 1e-9 else 1


if __name__ == "__main__":
    sys.exit(main())
