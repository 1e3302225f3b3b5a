# Helpers for the command-line tests: TAP output, a scratch directory, and assertions on exit
# codes, messages and database contents. Each test script sources this file.
set -u
: "${EMPACT_BIN:?EMPACT_BIN must name the empact binary}"
T=$(mktemp -d "${TMPDIR:-/tmp}/empact-cli.XXXXXX")
trap 'rm -rf "$T"' EXIT
n=0
fails=0
out=""
err=""
rc=0

# run ARGS...: runs empact, keeping stdout, stderr and the exit code.
run() {
	"$EMPACT_BIN" "$@" >"$T/out" 2>"$T/err"
	rc=$?
	out=$(cat "$T/out")
	err=$(cat "$T/err")
}

ok() {
	n=$((n + 1))
	echo "ok $n - $1"
}

not_ok() {
	n=$((n + 1))
	fails=$((fails + 1))
	echo "not ok $n - $1"
	shift
	for line in "$@"; do echo "#   $line"; done
	echo "#   exit code: $rc"
	echo "#   stderr: $(head -c 600 "$T/err")"
}

# check NAME EXPECTED_RC [PATTERN_IN_STDERR_OR_STDOUT...]
check() {
	local name=$1 want=$2
	shift 2
	if [ "$rc" -ne "$want" ]; then
		not_ok "$name" "expected exit code $want"
		return
	fi
	for pat in "$@"; do
		if ! grep -qF -- "$pat" "$T/err" "$T/out"; then
			not_ok "$name" "expected output to contain: $pat"
			return
		fi
	done
	ok "$name"
}

finish() {
	echo "1..$n"
	[ "$fails" -eq 0 ]
}
