#!/usr/bin/env python3
"""Generate a deterministic CSV of synthetic households for benchmarks.

The file has the input format of `giamngheo classify`:

    household_id,area,income_per_capita,employment,dependants,nutrition,
    health_insurance,adult_education,child_schooling,housing_quality,
    floor_area,water,sanitation,telecom,information_means

Everything is computed by DuckDB SQL from a hash of the row number, so the
same N always gives the same file (for a given DuckDB version) and 10 million
rows take seconds, not minutes.

Distribution:
  * about 70 % rural, 30 % urban;
  * income per capita log-normal (Box-Muller from two hashed uniforms), median
    about 2.3 million VND rural and 3.0 million urban, sigma 0.5, rounded to
    1,000 VND, so that all four classes (poor, near_poor, middle_income,
    not_poor) occur and some incomes fall exactly on the lines;
  * twelve 0/1 deprivation flags with base probabilities of 5-25 %, scaled up
    for low incomes and down for high incomes (deprivation correlates with
    poverty).

Usage: python3 bench/gen_households.py [N] [--output PATH]
Default N is 10,000,000; default output bench/data/households-<N>.csv with N
written as e.g. 10M or 1M when it is a whole number of millions.
"""

import argparse
import os
import sys
import time

import duckdb

INDICATORS = [
    # (column, base probability that the household is deprived)
    ("employment", 0.12),
    ("dependants", 0.18),
    ("nutrition", 0.07),
    ("health_insurance", 0.10),
    ("adult_education", 0.25),
    ("child_schooling", 0.05),
    ("housing_quality", 0.15),
    ("floor_area", 0.09),
    ("water", 0.11),
    ("sanitation", 0.20),
    ("telecom", 0.06),
    ("information_means", 0.08),
]

# Number of independent hash streams per row (must exceed the largest k used).
STREAMS = 32


def default_name(n: int) -> str:
    if n % 1_000_000 == 0:
        return f"households-{n // 1_000_000}M.csv"
    return f"households-{n}.csv"


def uniform(k: int) -> str:
    """SQL for a uniform value in [0, 1) from hash stream k of row i."""
    return f"((hash(i * {STREAMS} + {k}) % 1000000007)::DOUBLE / 1000000007.0)"


def build_query(n: int) -> str:
    # Low-income multiplier for the flag probabilities.
    factor = (
        "CASE WHEN income <= 1500000 THEN 2.2 "
        "WHEN income <= 2250000 THEN 1.3 "
        "WHEN income <= 3000000 THEN 0.9 ELSE 0.5 END"
    )
    flags = ",\n        ".join(
        f"({uniform(3 + k)} < {p} * {factor})::INTEGER AS {name}"
        for k, (name, p) in enumerate(INDICATORS)
    )
    return f"""
    WITH base AS (
        SELECT
            i,
            CASE WHEN {uniform(0)} < 0.70 THEN 'rural' ELSE 'urban' END AS area,
            -- Box-Muller normal from two uniforms (the first kept away from 0).
            sqrt(-2.0 * ln(1.0 - {uniform(1)})) * cos(2.0 * pi() * {uniform(2)}) AS z
        FROM range({n}) AS t(i)
    ), inc AS (
        SELECT
            i, area,
            (round(exp(ln(CASE WHEN area = 'rural' THEN 2300000.0 ELSE 3000000.0 END)
                       + 0.5 * z) / 1000.0) * 1000)::BIGINT AS income
        FROM base
    )
    SELECT
        'HH' || lpad((i + 1)::VARCHAR, 8, '0') AS household_id,
        area,
        income AS income_per_capita,
        {flags}
    FROM inc
    """


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", nargs="?", type=int, default=10_000_000,
                    help="number of households (default 10000000)")
    ap.add_argument("--output", "-o", help="output CSV path")
    args = ap.parse_args()
    if args.n <= 0:
        ap.error("N must be positive")

    root = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    out = args.output or os.path.join(root, "bench", "data", default_name(args.n))
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    tmp = out + ".tmp"

    start = time.perf_counter()
    con = duckdb.connect()
    con.execute(
        f"COPY ({build_query(args.n)}) TO '{tmp}' (FORMAT CSV, HEADER, DELIMITER ',')"
    )
    os.replace(tmp, out)
    secs = time.perf_counter() - start
    size = os.path.getsize(out)
    print(f"wrote {args.n:,} households to {out} ({size / 1e6:.0f} MB) in {secs:.1f} s",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
