#!/usr/bin/env bash
# Review-round benchmark (issue "The review as the law sets it out"): a periodic round of 100,000 households
# in one commune, step by step (list, survey with classification, meeting, posting, decision with transitions
# and one audit entry per household, certificates, lists), on SQLite and on PostgreSQL, then a walk of the
# whole audit chain. No peer system models the procedure (../shared/domain/peers.md), so there is no peer to
# run beside it; the figures are compared with the target (the decision of 100,000 households under 10 s).
#
#   HOUSEHOLDS  households in the round (default 100000)
#   PG          PostgreSQL URL (default postgres://postgres@127.0.0.1:5432/test; a schema bench_round is used)
set -euo pipefail
cd "$(dirname "$0")/.."
HOUSEHOLDS=${HOUSEHOLDS:-100000}
PG=${PG:-postgres://postgres@127.0.0.1:5432/test}
mkdir -p bench/data
cargo build --release -p giamngheo-store --example decide_round --quiet
for db in "bench/data/round-$HOUSEHOLDS.db" "$PG"; do
    echo ">> $db" >&2
    target/release/examples/decide_round "$db" "$HOUSEHOLDS"
done
