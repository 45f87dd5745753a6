#!/usr/bin/env bash
# The project's one test command (README, .ci/run). Runs every crate's test suite, then the web suite again on
# PostgreSQL; the store suite and that run need PostgreSQL on 127.0.0.1:5432 (database `test`, trust auth),
# started here if the machine has it stopped.
set -euo pipefail
cd "$(dirname "$0")/.."
if command -v pg_isready >/dev/null 2>&1 && ! pg_isready -q -h 127.0.0.1 -p 5432; then
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
  fi
fi
cargo test --workspace --locked
# The web suite on PostgreSQL: one schema per test, dropped afterwards (the store suite runs on both already).
GIAMNGHEO_WEB_TEST_BACKEND=postgres cargo test --locked -p giamngheo-web --test web
