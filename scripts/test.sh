#!/usr/bin/env bash
# The project's one test command (README, .ci/run). Runs every crate's test suite; the store suite needs
# PostgreSQL on 127.0.0.1:5432 (database `test`, trust auth), started here if the machine has it stopped.
set -euo pipefail
cd "$(dirname "$0")/.."
if command -v pg_isready >/dev/null 2>&1 && ! pg_isready -q -h 127.0.0.1 -p 5432; then
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
  fi
fi
cargo test --workspace --locked
