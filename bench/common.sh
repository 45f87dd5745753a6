# Sourced by the bench scripts: the program (GIAMNGHEO_BIN, or the release build, built when missing), the
# sqlite3 shell their peers run (installed when missing), `now` and `ms` for timing, and bench/data.
BIN=${GIAMNGHEO_BIN:-target/release/giamngheo}
command -v sqlite3 >/dev/null || { apt-get update -qq && apt-get install -y -qq sqlite3; }
[ -x "$BIN" ] || cargo build --release -p giamngheo
mkdir -p bench/data
now() { date +%s.%N; }
# ms START END: the milliseconds between two `now`s.
ms() { echo "($2 - $1) * 1000 / 1" | bc; }
