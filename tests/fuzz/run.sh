#!/usr/bin/env bash
# Runs the libFuzzer targets of tests/fuzz/ and reports one TAP line per target.
#
#   run.sh regress BIN...          replay each target's seed corpus once (no fuzzing)
#   run.sh fuzz SECONDS BIN...     fuzz each target for SECONDS
#
# A target build/fuzz/fuzz_NAME uses the seeds in tests/fuzz/corpus/NAME/ and, if there is one,
# the dictionary tests/fuzz/NAME.dict. Fuzzing works on a scratch copy of the corpus under
# build/fuzz/work/NAME/, so that the inputs libFuzzer generates never end up in the committed
# seeds; crashes and their logs are kept in build/fuzz/work/ too. Exits 0 only if every target
# passed, 1 if one failed, 2 on a usage error.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work="$root/build/fuzz/work"

usage() {
	echo "usage: $0 regress BIN... | $0 fuzz SECONDS BIN..." >&2
	exit 2
}

[ $# -ge 1 ] || usage
mode=$1
shift
case "$mode" in
regress) ;;
fuzz)
	[ $# -ge 1 ] || usage
	seconds=$1
	shift
	case "$seconds" in '' | *[!0-9]*) usage ;; esac
	;;
*) usage ;;
esac
[ $# -ge 1 ] || usage

mkdir -p "$work"
echo "1..$#"
n=0
failed=0
for bin in "$@"; do
	n=$((n + 1))
	target=$(basename "$bin")
	name=${target#fuzz_}
	corpus="$here/corpus/$name"
	log="$work/$target.$mode.log"
	dict=()
	[ -f "$here/$name.dict" ] && dict=("-dict=$here/$name.dict")

	if [ ! -x "$bin" ] || [ ! -d "$corpus" ]; then
		echo "not ok $n - $target: no executable $bin or no corpus $corpus"
		failed=$((failed + 1))
		continue
	fi

	if [ "$mode" = regress ]; then
		what="corpus replay"
		"$bin" -runs=0 "${dict[@]}" "$corpus" >"$log" 2>&1
		rc=$?
	else
		what="fuzzing for ${seconds}s"
		scratch="$work/$name"
		artifacts="$work/artifacts-$name/"
		rm -rf "$scratch"
		mkdir -p "$scratch" "$artifacts"
		cp -R "$corpus"/. "$scratch"/
		"$bin" -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$artifacts" \
			"${dict[@]}" "$scratch" >"$log" 2>&1
		rc=$?
	fi

	if [ $rc -eq 0 ]; then
		stats=""
		if [ "$mode" = fuzz ]; then
			runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
			speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
			stats=" (${runs:-?} runs, ${speed:-?} exec/s)"
		fi
		echo "ok $n - $target $what$stats"
	else
		echo "not ok $n - $target $what (exit $rc; log: ${log#"$root"/})"
		# The sanitizer's report is what matters: show its first lines under the TAP line.
		grep -m 1 -A 25 -E '^==[0-9]+==|^SUMMARY|runtime error|fuzz_[a-z]+: ' "$log" | sed 's/^/# /'
		grep -E 'Test unit written to' "$log" | sed 's/^/# /'
		failed=$((failed + 1))
	fi
done

[ $failed -eq 0 ]
