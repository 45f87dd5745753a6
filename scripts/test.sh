#!/usr/bin/env bash
# The project's one test command (README, .ci/run). Runs every crate's test suite, then the web suite again on
# PostgreSQL; the store suite and that run need PostgreSQL on 127.0.0.1:5432 (database `test`, trust auth),
# started here if the machine has it stopped. Ends with the totals of every suite.
set -euo pipefail
cd "$(dirname "$0")/.."
if command -v pg_isready >/dev/null 2>&1 && ! pg_isready -q -h 127.0.0.1 -p 5432; then
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
  fi
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
started=$(date +%s)
echo ">> 1/2: building the test programs (the first time takes several minutes on 2 cores), then every suite on SQLite and PostgreSQL" >&2
cargo test --workspace --locked 2>&1 | tee "$log"
# The web suite on PostgreSQL: one schema per test, dropped afterwards (the store suite runs on both already).
echo ">> 2/2: the web suite again, on PostgreSQL" >&2
GIAMNGHEO_WEB_TEST_BACKEND=postgres cargo test --locked -p giamngheo-web --test web 2>&1 | tee -a "$log"
awk '/^test result:/ { p += $4; f += $6; i += $8 } END {
  printf ">> all suites: %d passed, %d failed, %d ignored (ignored tests say why: cargo test -- --ignored --list)\n", p, f, i
}' "$log" >&2
grep -h "^SKIPPED" "$log" >&2 || true
echo ">> $(( $(date +%s) - started )) s" >&2
