#!/usr/bin/env bash
# The audit verification benchmark (see the "Audit verify" section of bench/RESULTS.md).
#
#   bench/audit.sh [RECORDS]      (from anywhere; needs `make` to have built build/libempact.a)
#
# Builds bench/audit_fill.c against build/libempact.a as the Makefile builds the unit tests,
# creates a fresh `empact init` database in bench/out/audit/, and lets the driver append RECORDS
# audit records (default 1,000,000) through ep_audit_append in one transaction, anchor every
# record (one line each in audit.db.anchor, as the server anchors after each commit), and write
# the canonical bytes of every record (what verify hashes) to records.bin. Then, RUNS times
# (default 3, interleaved, median reported), it times
#   verify   `empact --db audit.db audit verify` (reads, hashes and checks every record and
#            every anchor line);
#   sha256   `sha256sum records.bin` (the same bytes hashed as one stream: the floor);
# and prints a Markdown table with the medians, the peak RSS and the ratio verify / sha256sum.
# Exit status 1 if verify does not report the trail intact with RECORDS records.
#
# Environment: EMPACT (default build/empact), RUNS (3), CC (gcc).
set -euo pipefail
export LC_ALL=C

cd "$(dirname "$0")/.."
ROOT=$(pwd)
EMPACT=${EMPACT:-$ROOT/build/empact}
LIB=$ROOT/build/libempact.a
OUT=$ROOT/bench/out/audit
RECORDS=${1:-1000000}
RUNS=${RUNS:-3}
CC=${CC:-gcc}

die() { echo "bench/audit.sh: $*" >&2; exit 1; }
[ -x "$EMPACT" ] || die "no empact binary at $EMPACT (run make)"
[ -f "$LIB" ] || die "no $LIB (run make)"
TIME=
if [ -x /usr/bin/time ] && /usr/bin/time -f %M -o /dev/null true 2>/dev/null; then
	TIME=/usr/bin/time
fi

rm -rf "$OUT"
mkdir -p "$OUT"
cp "$EMPACT" "$OUT/empact"
EMPACT_SRC=$EMPACT
EMPACT=$OUT/empact
PKGS="sqlite3 jansson inih libsodium libmicrohttpd liboath libqrencode"
echo "== building bench/audit_fill.c"
# shellcheck disable=SC2046
"$CC" -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Wpedantic -Wshadow \
	-Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wvla -Werror -O2 -D_FORTIFY_SOURCE=2 -fPIE -pie \
	-Isrc $(pkg-config --cflags $PKGS) -o "$OUT/audit_fill" bench/audit_fill.c "$LIB" \
	$(pkg-config --libs $PKGS) -lm

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
LOAD_BEFORE=$(loadavg)
echo "== filling $OUT/audit.db with $RECORDS records"
"$EMPACT" --db "$OUT/audit.db" init >/dev/null
"$OUT/audit_fill" "$OUT/audit.db" "$RECORDS" "$OUT/audit.db.anchor" "$OUT/records.bin" | tee "$OUT/fill.log"

# run NAME CMD...: appends the wall time (s) to NAME.times and the peak RSS (KiB) to NAME.rss.
run() {
	local name=$1 t0 t1 rc=0
	shift
	t0=$(date +%s.%N)
	if [ -n "$TIME" ]; then
		"$TIME" -f %M -o "$OUT/$name.rss1" "$@" >"$OUT/$name.log" 2>&1 || rc=$?
	else
		"$@" >"$OUT/$name.log" 2>&1 || rc=$?
	fi
	t1=$(date +%s.%N)
	[ $rc -eq 0 ] || { cat "$OUT/$name.log" >&2; die "$name failed (exit $rc)"; }
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }' >>"$OUT/$name.times"
	if [ -n "$TIME" ]; then tail -1 "$OUT/$name.rss1" >>"$OUT/$name.rss"; fi
}

for i in $(seq 1 "$RUNS"); do
	echo "== run $i of $RUNS"
	run verify "$EMPACT" --db "$OUT/audit.db" audit verify
	run sha256 sha256sum "$OUT/records.bin"
done

status=0
want="audit trail intact: $RECORDS records, $RECORDS anchors checked"
verify_ok=PASS
grep -qF "$want" "$OUT/verify.log" || { verify_ok=FAIL; status=1; }

median() { sort -g "$1" | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
runs() { paste -sd' ' "$1" | sed 's/ /, /g'; }
rss() { if [ -s "$1" ]; then sort -n "$1" | tail -1 | awk '{ printf "%.0f MiB", $1 / 1024 }'; else echo "n/a"; fi; }
mv_=$(median "$OUT/verify.times")
ms=$(median "$OUT/sha256.times")
ratio=$(awk -v v="$mv_" -v s="$ms" 'BEGIN { printf "%.2f", v / s }')
rate=$(awk -v v="$mv_" -v n="$RECORDS" 'BEGIN { printf "%.0f", n / v }')
mb() { awk '{ printf "%.1f MB", $1 / 1e6 }' <<<"$(stat -c %s "$1")"; }
{
	echo
	echo "$RECORDS records; database $(mb "$OUT/audit.db"), anchor file $(mb "$OUT/audit.db.anchor") ($RECORDS lines),"
	echo "canonical bytes $(mb "$OUT/records.bin"); $RUNS runs each, median; $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) CPUs,"
	echo "binary $EMPACT_SRC (sha256 $(sha256sum "$EMPACT" | cut -c1-12)), libsodium $(pkg-config --modversion libsodium),"
	echo "$(sha256sum --version | head -1); load average before $LOAD_BEFORE, after $(loadavg)"
	echo
	echo "| step | median | runs (s) | peak RSS | result |"
	echo "|---|---|---|---|---|"
	echo "| \`empact audit verify\` | **$mv_ s** ($rate records/s) | $(runs "$OUT/verify.times") | $(rss "$OUT/verify.rss") | $verify_ok |"
	echo "| \`sha256sum records.bin\` | $ms s | $(runs "$OUT/sha256.times") | $(rss "$OUT/sha256.rss") | |"
	echo "| verify / sha256sum | **$ratio** | | | |"
} | tee "$OUT/results.md"
exit $status
