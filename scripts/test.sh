#!/usr/bin/env bash
# The project's one test command (README, .ci/run). Runs every crate's test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --workspace --locked
