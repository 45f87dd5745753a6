#!/usr/bin/env python3
"""The vn-2022-2025 classification of `giamngheo classify`, done by DuckDB.

Reads the same input CSV and writes a CSV with the same four columns,
household_id,deprivations,class,reason, the reason being the same Vietnamese
text that giamngheo writes (numbers with '.' thousands separators, the
deprived indicators listed by their Vietnamese names). It is the reference
competitor of bench/classify_vs_duckdb.sh.

Usage: python3 bench/duckdb_classify.py INPUT.csv OUTPUT.csv [--no-reason]
                                        [--threads N] [--timing] [--print-sql]

--no-reason writes household_id,deprivations,class only (a lower bound for
DuckDB: the cost of the classification without the explanation text).
DuckDB uses its default thread count (all cores) unless --threads is given.
"""

import argparse
import os
import sys
import time

import duckdb

# The indicators (column id, short Vietnamese name used in reasons) and the lines are read from the same
# standard file giamngheo compiles in, so the two never drift apart.
import pathlib
import tomllib

_STANDARD = tomllib.loads(
    (pathlib.Path(__file__).resolve().parent.parent / "standards" / "vn-2022-2025.toml").read_text(encoding="utf-8")
)
INDICATORS = [(i["id"], i.get("short_vi", i["name_vi"])) for i in _STANDARD["indicators"]]

# vn-2022-2025: poverty line P and middle-income ceiling M, VND per person-month.
LINES = {
    area: {
        "label": label,
        "P": _STANDARD["income"][area]["poverty"]["value"],
        "M": _STANDARD["income"][area]["middle_income"]["value"],
    }
    for area, label in (("rural", "nông thôn"), ("urban", "thành thị"))
}
MIN_DEPRIVATIONS = 3


def vnd(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def q(s: str) -> str:
    """SQL string literal."""
    return "'" + s.replace("'", "''") + "'"


def by_area(key) -> str:
    """CASE over the area code a giving LINES[a][key] (or key(LINES[a]) if callable)."""
    val = (lambda a: key(LINES[a])) if callable(key) else (lambda a: LINES[a][key])
    r, u = val("rural"), val("urban")
    lit = (lambda v: q(v)) if isinstance(r, str) else (lambda v: str(v))
    return f"CASE a WHEN 'rural' THEN {lit(r)} ELSE {lit(u)} END"


# The area column: the codes rural/urban, or (as giamngheo accepts) the
# Vietnamese names with or without diacritics, in any case; anything else is
# an error, as in giamngheo.
AREA_CODE = """CASE WHEN area = 'rural' OR area = 'urban' THEN area
                   ELSE CASE replace(strip_accents(lower(trim(area))), 'đ', 'd')
                          WHEN 'rural' THEN 'rural' WHEN 'nong thon' THEN 'rural' WHEN 'nt' THEN 'rural'
                          WHEN 'urban' THEN 'urban' WHEN 'thanh thi' THEN 'urban'
                          WHEN 'do thi' THEN 'urban' WHEN 'tt' THEN 'urban'
                          ELSE error('invalid area: ' || coalesce(area, 'NULL'))
                        END
              END"""


def build_query(src: str, with_reason: bool) -> str:
    cols = {
        "household_id": "VARCHAR",
        "area": "VARCHAR",
        "income_per_capita": "BIGINT",
        **{c: "UTINYINT" for c, _ in INDICATORS},
    }
    columns = "{" + ", ".join(f"{q(k)}: {q(v)}" for k, v in cols.items()) + "}"
    dep_sum = " + ".join(f"{c}::INTEGER" for c, _ in INDICATORS)
    names = ", ".join(f"CASE WHEN {c} = 1 THEN {q(n)} END" for c, n in INDICATORS)

    # Constant pieces of text (a line's label and formatted amount) are
    # precomputed per area, as a hand-tuned query would.
    poor_line = by_area(lambda l: f"chuẩn nghèo {l['label']} {vnd(l['P'])} đ")
    middle_line = by_area(lambda l: f"mức sống trung bình {l['label']} {vnd(l['M'])} đ")
    income_txt = "'thu nhập ' || replace(format('{:,}', income_per_capita), ',', '.') || ' đ'"

    reason = f""",
            CASE
              WHEN income_per_capita <= p THEN
                {income_txt} || ' ≤ ' || {poor_line} || '; thiếu hụt ' || d::VARCHAR
                || CASE WHEN d >= {MIN_DEPRIVATIONS} THEN ' ≥ {MIN_DEPRIVATIONS} chỉ số'
                        ELSE ' < {MIN_DEPRIVATIONS} chỉ số' END
                || CASE WHEN d > 0 THEN ': ' || concat_ws(', ', {names}) ELSE '' END
              WHEN income_per_capita <= m THEN
                {income_txt} || ' > ' || {poor_line} || ' ≤ ' || {middle_line} || ' (chưa xác minh)'
              ELSE
                {income_txt} || ' > ' || {middle_line} || ' (chưa xác minh)'
            END AS reason""" if with_reason else ""

    return f"""
        WITH r AS (
            SELECT *, {AREA_CODE} AS a
            FROM read_csv({q(src)}, header = true, delim = ',', quote = '"',
                          auto_detect = false, columns = {columns})
        ), h AS (
            SELECT *,
                   {dep_sum} AS d,
                   {by_area('P')} AS p,
                   {by_area('M')} AS m
            FROM r
        )
        SELECT household_id,
               d AS deprivations,
               CASE
                 WHEN income_per_capita <= p THEN
                   CASE WHEN d >= {MIN_DEPRIVATIONS} THEN 'poor' ELSE 'near_poor' END
                 WHEN income_per_capita <= m THEN 'middle_income'
                 ELSE 'not_poor'
               END AS class{reason}
        FROM h"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--no-reason", action="store_true")
    ap.add_argument("--threads", type=int, default=0, help="0 = DuckDB default")
    ap.add_argument("--print-sql", action="store_true")
    ap.add_argument("--timing", action="store_true",
                    help="print the query's own time (without Python start-up) on stderr")
    args = ap.parse_args()

    sql = build_query(os.path.abspath(args.input), not args.no_reason)
    # giamngheo quotes every reason; FORCE_QUOTE makes the files comparable byte for byte.
    opts = "FORMAT CSV, HEADER, DELIMITER ','"
    if not args.no_reason:
        opts += ", FORCE_QUOTE (reason)"
    copy = f"COPY ({sql}\n) TO {q(os.path.abspath(args.output))} ({opts})"
    if args.print_sql:
        print(copy)
        return 0

    con = duckdb.connect()
    if args.threads > 0:
        con.execute(f"SET threads = {args.threads}")
    start = time.perf_counter()
    con.execute(copy)
    secs = time.perf_counter() - start
    if args.timing:
        threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
        print(f"query_seconds={secs:.3f} threads={threads}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
