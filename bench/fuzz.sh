#!/usr/bin/env bash
# Fuzzing on stable Rust (issue 12): each proptest-driven target of crates/formats/tests/formats/fuzz.rs runs
# for FUZZ_SECONDS (default 60) and reports executions, crashes and its slowest input; figures go to
# docs/fuzzing.md. A crash's input is written to target/fuzz-crashes/.
#
#   FUZZ_SECONDS   seconds per target (default 60)
#   TARGETS        which targets (default all): households_csv reviews_csv classify indicator_csv xlsx
#                  standard_toml mpi_spec_toml
set -euo pipefail
cd "$(dirname "$0")/.."
export FUZZ_SECONDS=${FUZZ_SECONDS:-60}
TARGETS=${TARGETS:-"households_csv reviews_csv classify indicator_csv xlsx standard_toml mpi_spec_toml"}
export FUZZ_REPORT=${FUZZ_REPORT:-$PWD/target/fuzz-report.txt}
mkdir -p target
: > "$FUZZ_REPORT"
cargo test -q -p giamngheo-formats --test formats --no-run
status=0
for t in $TARGETS; do
    echo ">> fuzz_$t for ${FUZZ_SECONDS} s" >&2
    RUST_BACKTRACE=0 cargo test -q -p giamngheo-formats --test formats "fuzz::fuzz_$t" -- --ignored --exact \
        > /dev/null 2>&1 || { status=1; echo "!! fuzz_$t failed: rerun it with --nocapture" >&2; }
done
cat "$FUZZ_REPORT"
exit $status
