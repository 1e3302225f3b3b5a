#!/usr/bin/env bash
# The load/export benchmark of the "Foundation" issue (see bench/RESULTS.md).
#
#   bench/run.sh [ACTIONS]        (make bench)
#
# Generates a synthetic dataset of ACTIONS operational actions (default 100,000) and the same
# rows as CSV into bench/out/, then, in this run and on this machine, RUNS times each (default 3,
# the median is reported), interleaved:
#   import  the sqlite3 shell importing every CSV (.import --csv --skip 1) in one transaction,
#           foreign keys on, WAL, synchronous FULL, into a fresh `empact init` database, one
#           INSERT per row as .import does (bench/out/import.sql; tables with NULLs through a
#           TEMP view with an INSTEAD OF trigger, since .import cannot write NULL);
#   bulk    the same, but tables with NULLs staged in memory and copied with one INSERT ...
#           SELECT each (bench/out/import_bulk.sql): a stricter reference, not the target;
#   load    `empact load dataset.json` into a fresh `empact init` database;
#   export  `empact export -o FILE` of the loaded database.
# It checks that both imported databases and the loaded one hold the same rows (rowids and
# types included) and that the export loads back and exports again byte for byte, and prints a
# Markdown table with the medians, the peak RSS, the ratios and PASS or FAIL against the
# targets: load <= 2.0 x import, export < 2 s. Exit status 1 if a check or a target fails.
#
# Environment: EMPACT (the binary, default build/empact), RUNS (default 3), SEED.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
EMPACT=${EMPACT:-$ROOT/build/empact}
OUT=$ROOT/bench/out
ACTIONS=${1:-100000}
RUNS=${RUNS:-3}
SEED=${SEED:-20260101}
RATIO_MAX=2.0
EXPORT_MAX=2.0

die() { echo "bench/run.sh: $*" >&2; exit 1; }
[ -x "$EMPACT" ] || die "no empact binary at $EMPACT (run make)"
command -v sqlite3 >/dev/null || die "the sqlite3 shell is not installed"
command -v python3 >/dev/null || die "python3 is not installed"
TIME=
if [ -x /usr/bin/time ] && /usr/bin/time -f %M -o /dev/null true 2>/dev/null; then
	TIME=/usr/bin/time
fi

mkdir -p "$OUT"
rm -rf "$OUT"/db "$OUT"/csv
mkdir -p "$OUT"/db
# A private copy of the binary: a rebuild during the run must not change what is measured.
cp "$EMPACT" "$OUT/empact"
EMPACT_SRC=$EMPACT
EMPACT=$OUT/empact
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
LOAD_BEFORE=$(loadavg)
echo "== generating $ACTIONS actions (seed $SEED) into bench/out/"
python3 bench/gen_dataset.py --actions "$ACTIONS" --seed "$SEED" "$OUT"

# run NAME DIR CMD...: runs CMD in DIR, appends its wall time (s) to $OUT/NAME.times and its
# peak RSS (KiB) to $OUT/NAME.rss. Output goes to $OUT/NAME.log; a failure stops the benchmark.
run() {
	local name=$1 dir=$2
	shift 2
	local t0 t1 rc=0
	t0=$(date +%s.%N)
	if [ -n "$TIME" ]; then
		(cd "$dir" && "$TIME" -f %M -o "$OUT/$name.rss1" "$@") >>"$OUT/$name.log" 2>&1 || rc=$?
	else
		(cd "$dir" && "$@") >>"$OUT/$name.log" 2>&1 || rc=$?
	fi
	t1=$(date +%s.%N)
	[ $rc -eq 0 ] || { tail -5 "$OUT/$name.log" >&2; die "$name failed (exit $rc), see bench/out/$name.log"; }
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }' >>"$OUT/$name.times"
	if [ -n "$TIME" ]; then tail -1 "$OUT/$name.rss1" >>"$OUT/$name.rss"; fi
}

fresh() { # fresh DB: an empty database with empact's schema
	rm -f "$1" "$1-wal" "$1-shm" "$1.anchor"
	"$EMPACT" --db "$1" init >/dev/null
}

rm -f "$OUT"/{import,bulk,load,export}.{times,rss,rss1,log}
for i in $(seq 1 "$RUNS"); do
	echo "== run $i of $RUNS"
	fresh "$OUT/db/import.db"
	run import "$OUT" sqlite3 "$OUT/db/import.db" ".read import.sql"
	fresh "$OUT/db/bulk.db"
	run bulk "$OUT" sqlite3 "$OUT/db/bulk.db" ".read import_bulk.sql"
	fresh "$OUT/db/load.db"
	run load "$OUT" "$EMPACT" --db "$OUT/db/load.db" load dataset.json
done
for i in $(seq 1 "$RUNS"); do
	run export "$OUT" "$EMPACT" --db "$OUT/db/load.db" export -o "$OUT/export.json"
done

status=0
echo "== checking the imported and the loaded rows"
rows_ok=PASS
while read -r table count; do
	for db in import bulk load; do
		sqlite3 -cmd '.mode quote' "$OUT/db/$db.db" "SELECT rowid, * FROM $table ORDER BY rowid" >"$OUT/db/$db.$table.rows"
	done
	n=$(wc -l <"$OUT/db/load.$table.rows")
	for db in import bulk; do
		if ! cmp -s "$OUT/db/$db.$table.rows" "$OUT/db/load.$table.rows" || [ "$n" -ne "$count" ]; then
			echo "  $table: the $db and the loaded rows differ (loaded $n, expected $count)"
			rows_ok=FAIL
		fi
	done
done <"$OUT/tables.txt"
rm -f "$OUT"/db/*.rows
[ $rows_ok = PASS ] || status=1

echo "== checking that the export loads back and exports the same bytes"
fresh "$OUT/db/roundtrip.db"
rt_ok=PASS
if "$EMPACT" --db "$OUT/db/roundtrip.db" load "$OUT/export.json" >"$OUT/roundtrip.log" 2>&1 &&
	"$EMPACT" --db "$OUT/db/roundtrip.db" export -o "$OUT/export2.json" >>"$OUT/roundtrip.log" 2>&1 &&
	cmp "$OUT/export.json" "$OUT/export2.json" >>"$OUT/roundtrip.log" 2>&1; then
	:
else
	rt_ok=FAIL
	status=1
	cat "$OUT/roundtrip.log" >&2
fi

median() { sort -g "$1" | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
runs() { paste -sd' ' "$1" | sed 's/ /, /g'; }
rss() { # peak over the runs, MiB
	if [ -s "$1" ]; then sort -n "$1" | tail -1 | awk '{ printf "%.0f MiB", $1 / 1024 }'; else echo "n/a"; fi
}
mi=$(median "$OUT/import.times")
mb=$(median "$OUT/bulk.times")
ml=$(median "$OUT/load.times")
me=$(median "$OUT/export.times")
ratio=$(awk -v l="$ml" -v i="$mi" 'BEGIN { printf "%.2f", l / i }')
ratio_bulk=$(awk -v l="$ml" -v i="$mb" 'BEGIN { printf "%.2f", l / i }')
ratio_ok=$(awk -v r="$ratio" -v m="$RATIO_MAX" 'BEGIN { print (r <= m) ? "PASS" : "FAIL" }')
export_ok=$(awk -v e="$me" -v m="$EXPORT_MAX" 'BEGIN { print (e < m) ? "PASS" : "FAIL" }')
[ "$ratio_ok" = PASS ] && [ "$export_ok" = PASS ] || status=1

dsize=$(awk '{ printf "%.1f MB", $1 / 1e6 }' <<<"$(stat -c %s "$OUT/dataset.json")")
esize=$(awk '{ printf "%.1f MB", $1 / 1e6 }' <<<"$(stat -c %s "$OUT/export.json")")
csize=$(du -cb "$OUT"/csv/*.csv | tail -1 | awk '{ printf "%.1f MB", $1 / 1e6 }')
rows=$(awk '{ s += $2 } END { print s }' "$OUT/tables.txt")
{
	echo
	echo "$ACTIONS actions, $rows rows in $(wc -l <"$OUT/tables.txt") tables; dataset $dsize, CSV $csize, export $esize;"
	echo "$RUNS runs each, median; $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) CPUs, SQLite $(sqlite3 --version | cut -d' ' -f1);"
	echo "binary $EMPACT_SRC (sha256 $(sha256sum "$EMPACT" | cut -c1-12)), schema $(sqlite3 "$OUT/db/load.db" "SELECT group_concat(name, ' ') FROM schema_migrations");"
	echo "load average before $LOAD_BEFORE, after $(loadavg)"
	echo
	echo "| step | median | runs (s) | peak RSS | target | result |"
	echo "|---|---|---|---|---|---|"
	echo "| sqlite3 \`.import\` of the CSVs, one INSERT per row (import.sql) | $mi s | $(runs "$OUT/import.times") | $(rss "$OUT/import.rss") | | |"
	echo "| sqlite3, tables with NULLs by INSERT ... SELECT (import_bulk.sql) | $mb s | $(runs "$OUT/bulk.times") | $(rss "$OUT/bulk.rss") | | |"
	echo "| \`empact load\` | $ml s | $(runs "$OUT/load.times") | $(rss "$OUT/load.rss") | | |"
	echo "| load / import | **$ratio** | | | <= $RATIO_MAX | **$ratio_ok** |"
	echo "| load / bulk (reference) | $ratio_bulk | | | | |"
	echo "| \`empact export -o\` | **$me s** | $(runs "$OUT/export.times") | $(rss "$OUT/export.rss") | < $EXPORT_MAX s | **$export_ok** |"
	echo "| imported rows = loaded rows | | | | identical | $rows_ok |"
	echo "| export, load, export again | | | | same bytes | $rt_ok |"
} | tee "$OUT/results.md"
exit $status
